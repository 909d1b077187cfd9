"""Helpers for the UI tests: read what the screen and the widgets actually show."""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from pytest_textual_snapshot import SVGImageExtension
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget

from tui_convnet.core import ConvExample, load_examples
from tui_convnet.ui._textual_internals import screen_strips

if TYPE_CHECKING:
    from syrupy.assertion import SnapshotAssertion

    from tui_convnet.core import Example
    from tui_convnet.ui.explorer.volume_view import VolumeView

#: The size the explorer tests and snapshots run at.
SIZE = (130, 42)


def screen_lines(app: App[Any]) -> list[str]:
    """The text of every line of the current screen, as the compositor draws it."""
    return [strip.text for strip in screen_strips(app)]


async def footer_line(pilot: Pilot[Any]) -> str:
    """The footer's line once its keys are there: Textual composes a screen's footer keys after the screen's
    first refresh, so a screen shown for the first time can be read before its footer has keys."""
    from textual.widgets import Footer

    for _ in range(300):
        footers = pilot.app.screen.query(Footer)
        if not footers or footers.first().children:
            break
        await pilot.pause(0.01)
    await pilot.pause()
    return screen_lines(pilot.app)[-1]


def screen_text(app: App[Any]) -> str:
    return "\n".join(screen_lines(app))


def view_lines(view: VolumeView) -> list[str]:
    """Every line of a VolumeView's canvas, rendered by the widget (scrolled out of view or not)."""
    height = view.virtual_size.height
    return [view._render_full_line(y).text.rstrip() for y in range(height)]


def widget_text(widget: Widget) -> str:
    """The rendered text of a widget's visible lines."""
    region = widget.region
    lines = screen_lines(widget.app)
    return "\n".join(line[region.x : region.right] for line in lines[region.y : region.bottom])


@pytest.fixture(scope="session")
def examples() -> list[Example]:
    return load_examples()


def digit_example(examples: Sequence[Example], kernels: int, *, activation: str = "relu") -> ConvExample:
    """The bundled 28x28 digit with ``kernels`` fixed-pattern 3x3 kernels (what the inspect screen sends)."""
    base = next(ex for ex in examples if ex.key.startswith("03_"))
    assert isinstance(base, ConvExample), base
    rng = np.random.default_rng(1)
    bank = rng.normal(0, 0.3, size=(3, 3, 1, kernels))
    return replace(
        base,
        key="learned",
        title=f"Learned kernels ({kernels})",
        kernels=bank,
        bias=np.linspace(-0.1, 0.1, kernels),
        kernel_names=tuple(f"k{k}" for k in range(kernels)),
        activation=activation,
        stride=(1, 1),
        padding="valid",
        dilation=(1, 1),
        notes=(),
        description="",
    )


async def open_screen(
    pilot: Pilot[Any], screen: Screen[Any], ready: Callable[[Any], bool] = lambda screen: True, timeout: float = 30.0
) -> None:
    """Push ``screen`` and wait until ``ready(screen)`` (e.g. a worker's result has arrived)."""
    import time

    pilot.app.push_screen(screen)
    await pilot.pause()
    deadline = time.monotonic() + timeout
    while not ready(screen):
        assert time.monotonic() < deadline, f"{type(screen).__name__} was not ready in time"
        await pilot.pause(0.05)
    await pilot.pause()


#: A look of a screen: its terminal size and its theme.
Look = tuple[tuple[int, int], str]
LARGE_DARK: Look = ((130, 42), "textual-dark")
LARGE_LIGHT: Look = ((130, 42), "textual-light")
SMALL_DARK: Look = ((80, 24), "textual-dark")
SMALL_LIGHT: Look = ((80, 24), "textual-light")
EVERY_LOOK: tuple[Look, ...] = (SMALL_DARK, SMALL_LIGHT, LARGE_LIGHT, LARGE_DARK)


#: The ``snap_looks`` fixture: ``await snap_looks(make_app, looks, press=..., run_before=..., run_per_size=...)``.
SnapLooks = Callable[..., Awaitable[None]]


def look_name(look: Look) -> str:
    (width, height), theme = look
    return f"{width}x{height}-{theme}"


def svg_rows(svg: str) -> list[str]:
    """The text of a Textual SVG screenshot, one string per terminal row (for a readable diff)."""
    rows: dict[int, list[tuple[float, str]]] = {}
    pattern = (
        r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
        r'clip-path="url\(#[\w-]+-line-(\d+)\)">(.*?)</text>'
    )
    for m in re.finditer(pattern, svg):
        rows.setdefault(int(m.group(2)), []).append((float(m.group(1)), html.unescape(m.group(3))))
    out = []
    for row in sorted(rows):
        line = ""
        for x, text in sorted(rows[row]):
            line = line.ljust(round(x / 12.2)) + text
        out.append(line.replace("\xa0", " ").rstrip())
    return out


async def settle(pilot: Pilot[Any]) -> None:
    """What pytest-textual-snapshot waits for before a screenshot: animations done, the screen idle."""
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()


@pytest.fixture
def snap_looks(snapshot: SnapshotAssertion, tmp_path: Path) -> SnapLooks:
    """Snapshots of one app in several looks (terminal size × theme), from one run of the app.

    ``make_app()`` starts in the first look, ``run_before`` runs and the keys are pressed once; then for each
    look the terminal is resized and the theme set (as a student would) and the screen is compared
    with ``<test>[<width>x<height>-<theme>].svg`` (pytest-textual-snapshot's SVG files, updated with
    ``--snapshot-update``). Starting the app, opening its screen and pressing the keys once instead of
    once per look is most of what a snapshot costs. A failure names every look that differs, with a
    diff of the screen's text, and the new screenshot is written next to the test's tmp_path.
    """
    svg_snapshot = snapshot.use_extension(SVGImageExtension)

    async def take(
        app: App[Any],
        looks: Sequence[Look],
        press: Iterable[str],
        run_before: Callable[[Pilot[Any]], Awaitable[None]] | None,
        shots: dict[str, str],
    ) -> None:
        first_size, first_theme = looks[0]
        app.theme = first_theme
        async with app.run_test(size=first_size) as pilot:
            await pilot.pause()
            if run_before is not None:
                await run_before(pilot)
            await pilot.pause()
            await pilot.press(*press)
            for look in looks:
                size, theme = look
                if (app.size.width, app.size.height) != size:
                    await pilot.resize_terminal(*size)
                if app.theme != theme:
                    app.theme = theme
                await settle(pilot)
                shots[look_name(look)] = app.export_screenshot(title=app.title, simplify=True)

    async def compare(
        make_app: Callable[[], App[Any]],
        looks: Sequence[Look],
        press: Iterable[str] = (),
        run_before: Callable[[Pilot[Any]], Awaitable[None]] | None = None,
        *,
        run_per_size: bool = False,
    ) -> None:
        """``run_per_size``: a fresh run for each terminal size, for screens that scroll to what the keys
        selected (a resize keeps the scroll position where a fresh start at that size would not)."""
        shots: dict[str, str] = {}
        press = list(press)
        if run_per_size:
            for size in dict.fromkeys(size for size, _ in looks):
                await take(make_app(), [look for look in looks if look[0] == size], press, run_before, shots)
        else:
            await take(make_app(), looks, press, run_before, shots)
        problems = []
        for name, svg in shots.items():
            expected = svg_snapshot(name=name)
            matches = expected == svg  # syrupy records (or, with --snapshot-update, writes) the look here
            if not matches:
                shot = tmp_path / f"{name}.svg"
                shot.write_text(svg)
                diff = difflib.unified_diff(svg_rows(str(expected)), svg_rows(svg), "snapshot", "now", n=0, lineterm="")
                problems.append(f"[{name}] differs (now: {shot}):\n" + "\n".join(list(diff)[:40]))
        assert not problems, "\n\n".join(problems)

    return compare


class UI:
    """The helpers above, handed to tests as the ``ui`` fixture (test modules cannot import a conftest)."""

    SIZE = SIZE
    screen_lines = staticmethod(screen_lines)
    footer_line = staticmethod(footer_line)
    screen_text = staticmethod(screen_text)
    view_lines = staticmethod(view_lines)
    widget_text = staticmethod(widget_text)
    digit_example = staticmethod(digit_example)
    open_screen = staticmethod(open_screen)
    LARGE_DARK, LARGE_LIGHT, SMALL_DARK, SMALL_LIGHT, EVERY_LOOK = (
        LARGE_DARK,
        LARGE_LIGHT,
        SMALL_DARK,
        SMALL_LIGHT,
        EVERY_LOOK,
    )


@pytest.fixture
def ui() -> type[UI]:
    return UI
