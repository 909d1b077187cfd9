"""Helpers for the UI tests: read what the screen and the widgets actually show."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tui_convnet.core import load_examples

#: The size the explorer tests and snapshots run at.
SIZE = (130, 42)


def screen_lines(app) -> list[str]:
    """The text of every line of the current screen, as the compositor draws it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


def view_lines(view) -> list[str]:
    """Every line of a VolumeView's canvas, rendered by the widget (scrolled out of view or not)."""
    height = view.virtual_size.height
    return [view._render_full_line(y).text.rstrip() for y in range(height)]


def widget_text(widget) -> str:
    """The rendered text of a widget's visible lines."""
    region = widget.region
    lines = screen_lines(widget.app)
    return "\n".join(line[region.x : region.right] for line in lines[region.y : region.bottom])


@pytest.fixture(scope="session")
def examples():
    return load_examples()


def digit_example(examples, kernels: int, *, activation: str = "relu"):
    """The bundled 28x28 digit with ``kernels`` fixed-pattern 3x3 kernels (what the inspect screen sends)."""
    base = next(ex for ex in examples if ex.key.startswith("03_"))
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


async def open_screen(pilot, screen, ready=lambda screen: True, timeout: float = 30.0) -> None:
    """Push ``screen`` and wait until ``ready(screen)`` (e.g. a worker's result has arrived)."""
    import time

    pilot.app.push_screen(screen)
    await pilot.pause()
    deadline = time.monotonic() + timeout
    while not ready(screen):
        assert time.monotonic() < deadline, f"{type(screen).__name__} was not ready in time"
        await pilot.pause(0.05)
    await pilot.pause()


class _UI:
    """The helpers above, handed to tests as the ``ui`` fixture (test modules cannot import a conftest)."""

    SIZE = SIZE
    screen_lines = staticmethod(screen_lines)
    screen_text = staticmethod(screen_text)
    view_lines = staticmethod(view_lines)
    widget_text = staticmethod(widget_text)
    digit_example = staticmethod(digit_example)
    open_screen = staticmethod(open_screen)


@pytest.fixture
def ui() -> type[_UI]:
    return _UI
