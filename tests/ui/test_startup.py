"""The explorer's cold start: what it parses and what it imports before its first frame."""

from __future__ import annotations

import collections
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest
import textual.css.stylesheet as textual_stylesheet
from textual import events
from textual.app import ComposeResult
from textual.css.parse import parse as textual_parse
from textual.dom import DOMNode
from textual.geometry import Size
from textual.widgets import Label

from tui_convnet.ui._textual_internals import SCREEN_REFRESH_LAYOUT, CachedStylesheet, compositor, forget_parses
from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.footer import KeysFooter

if TYPE_CHECKING:
    from tests.ui.conftest import UI

SIZE = (130, 42)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    """How many times each stylesheet source is parsed (Textual's ``parse``, counted by file or class),
    from a process that has parsed nothing yet."""
    forget_parses()
    counts: collections.Counter[str] = collections.Counter()
    parse = textual_parse  # what textual.css.stylesheet calls

    def counting(scope: str, css: str, read_from: tuple[str, str], **kwargs: Any) -> Any:
        counts[read_from[0].rsplit("/", 1)[-1] + ":" + read_from[1]] += 1
        return parse(scope, css, read_from, **kwargs)

    monkeypatch.setattr(textual_stylesheet, "parse", counting)
    return counts


async def test_the_explorer_stylesheet_is_parsed_once_at_start(parses: collections.Counter[str]) -> None:
    app = create_app()
    assert isinstance(app.stylesheet, CachedStylesheet)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert parses["explorer.tcss:"] == 1, parses
        assert parses["app.py:App.DEFAULT_CSS"] == 1, parses  # Textual's own default CSS, 4 times before


async def test_a_new_theme_still_restyles_everything(parses: collections.Counter[str]) -> None:
    """The parse cache is dropped when the variables change: a light theme gives light colours."""
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.theme = "textual-dark"
        await pilot.pause()
        title = app.screen.query_one("#lbl-input", Label)
        dark = title.styles.color, app.screen.styles.background
        before = parses["explorer.tcss:"]
        app.theme = "textual-light"
        await pilot.pause()
        light = title.styles.color, app.screen.styles.background
        assert parses["explorer.tcss:"] == before + 1
        assert light != dark
        assert app.screen.styles.background.brightness > 0.5 > dark[1].brightness
        app.theme = "textual-dark"
        await pilot.pause()
        assert (title.styles.color, app.screen.styles.background) == dark
        assert parses["explorer.tcss:"] == before + 1  # the dark theme's parses were kept


async def test_a_second_app_in_the_same_process_parses_nothing_again(parses: collections.Counter[str]) -> None:
    for _ in range(2):
        app = create_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.screen.query_one("#lbl-input", Label).styles.color is not None
    assert parses["explorer.tcss:"] == 1, parses
    assert parses["app.py:App.DEFAULT_CSS"] == 1, parses


@pytest.fixture
def styled(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[int]:
    """How many times each node was styled (Textual's ``Stylesheet.apply``, by node)."""
    counts: collections.Counter[int] = collections.Counter()
    alive: list[object] = []  # every node counted stays alive, so that no other node gets its id
    apply = textual_stylesheet.Stylesheet.apply

    def counting(self: textual_stylesheet.Stylesheet, node: DOMNode, *args: Any, **kwargs: Any) -> Any:
        counts[id(node)] += 1
        alive.append(node)
        return apply(self, node, *args, **kwargs)

    monkeypatch.setattr(textual_stylesheet.Stylesheet, "apply", counting)
    return counts


async def test_every_widget_of_the_first_screen_is_styled_once(styled: collections.Counter[int]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeysFooter)
        # Textual's footer keys are Textual's business (it restyles each as it sets its compactness)
        widgets = [w for w in app.screen.query("*") if w is not footer and footer not in w.ancestors]
        assert len(footer.children) > 5 and len(widgets) > 40
        assert {type(w).__name__: styled[id(w)] for w in widgets if styled[id(w)] != 1} == {}


def test_the_explorer_starts_without_training_serving_or_lessons() -> None:
    """`convnet-tui` up to the explorer's first frame imports none of the modules it does not show (nor the
    core's backpropagation and lesson helpers: the gradient lesson is listed, not computed)."""
    script = """
import asyncio, sys
from tui_convnet.cli import main
code = main([])  # no terminal here: one line and exit 2, after the command line and the app were built
from tui_convnet.ui.app import create_app

async def first_frame():
    async with create_app().run_test(size=(130, 42)) as pilot:
        await pilot.pause()
        assert "step 1/18" in pilot.app.screen.query_one("#titlebar").render().plain

asyncio.run(first_frame())
from tui_convnet.core import _LAZY

names = ("tui_convnet.training", "tui_convnet.serve", "tui_convnet.lessons.", "tensorflow", "keras")
names += ("tui_convnet.core.lessons",) + tuple(f"tui_convnet.core.{module}" for module in _LAZY)
listed = {"tui_convnet.lessons.catalog"}  # the contents' numbering (titles only) numbers the entries after the lessons
print(code, sorted(m for m in sys.modules if m.startswith(names) and m not in listed))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2 []"


async def test_the_same_size_again_is_not_laid_out_again_but_a_new_size_is(monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        sizes: list[Size] = []  # the sizes the whole screen was laid out at
        reflow = compositor(screen).reflow

        def reflowed(parent: Any, size: Size) -> Any:
            sizes.append(size)
            return reflow(parent, size)

        monkeypatch.setattr(compositor(screen), "reflow", reflowed)
        screen.post_message(events.Resize(Size(*SIZE), Size(*SIZE)))  # as the terminal driver reports at start
        await pilot.pause()
        assert sizes == []
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert sizes and set(sizes) == {Size(100, 30)}
        bar = screen.query_one("#titlebar")
        assert bar.size.width == 100 and "step 1/18" in str(bar.render())
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert sizes[-1] == Size(*SIZE) and screen.size == Size(*SIZE)


async def test_the_footer_makes_its_keys_once_and_again_when_they_change(monkeypatch: pytest.MonkeyPatch) -> None:
    composed: list[int] = []
    compose = KeysFooter.compose

    def counting(self: KeysFooter) -> ComposeResult:
        composed.append(1)
        return compose(self)

    monkeypatch.setattr(KeysFooter, "compose", counting)
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeysFooter)

        def shown() -> list[str]:
            return [str(getattr(key, "description", "")) for key in footer.children]

        # Textual's footer composes nothing until its screen announces its bindings, then its keys once
        assert len(composed) == 2
        assert "Step" in shown() and "Change" not in shown()
        app.screen.refresh_bindings()  # the same bindings announced again: the same keys
        await pilot.pause()
        assert len(composed) == 2
        app.screen.query_one("#knob-stride").focus()  # a setting takes the focus: its keys join the footer
        await pilot.pause()
        assert len(composed) >= 2 and "Change" in shown()
        await pilot.press("escape")
        await pilot.pause()
        assert "Change" not in shown() and "Step" in shown()


async def test_a_new_layout_restyles_the_screen_once(styled: collections.Counter[int]) -> None:
    """Switching to an example with other layout classes adds some and removes others in one restyle."""
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        title = screen.query_one("#lbl-input", Label)
        before = set(screen.classes)
        for _ in range(12):  # until the layout classes both gain and lose one
            styled.clear()
            await pilot.press("n")
            await pilot.pause()
            after = set(screen.classes)
            if after - before and before - after:
                break
            before = after
        assert after - before and before - after, (before, after)
        assert styled[id(screen)] == 1 and styled[id(title)] == 1


async def test_the_first_visit_to_a_screen_neither_restyles_the_explorer_nor_lays_it_out_and_help_and_quit_fit(
    styled: collections.Counter[int], monkeypatch: pytest.MonkeyPatch, ui: type[UI]
) -> None:
    """A new screen starts styled by the current stylesheet: Textual restyled every explorer widget twice
    and laid the explorer out again (for nothing: it is being left) on the first t, i, d or L, then once
    more when it read the new screen's stylesheet file. The app reads the screens' files as it starts.

    At 130 columns every screen's footer shows its keys up to Help and Quit ("? Hel▏" was cut once): read
    on the same visits, after the counts (the 80-column footers: tests/ui/test_footers.py)."""
    from textual.screen import Screen

    from tui_convnet.ui.explorer.screen import ExplorerScreen

    layouts: collections.Counter[str] = collections.Counter()
    refresh_layout = getattr(Screen, SCREEN_REFRESH_LAYOUT)

    def counting(self: Screen[Any], *args: Any, **kwargs: Any) -> Any:
        layouts[type(self).__name__] += 1
        return refresh_layout(self, *args, **kwargs)

    monkeypatch.setattr(Screen, SCREEN_REFRESH_LAYOUT, counting)
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        explorer = app.screen
        assert isinstance(explorer, ExplorerScreen)
        widgets = list(explorer.query("*"))
        footer = await ui.footer_line(pilot)
        assert "? Help" in footer and "q Quit" in footer, ("ExplorerScreen", footer)
        for key, screen_type in (
            ("t", "TrainingScreen"),
            ("i", "InspectScreen"),
            ("d", "DrawScreen"),
            ("L", "LessonsScreen"),
        ):
            await pilot.press("e")
            await pilot.pause()
            styled.clear()
            layouts.clear()
            await pilot.press(key)
            await pilot.pause()
            assert type(app.screen).__name__ == screen_type
            assert max(styled[id(w)] for w in widgets) == 0, key
            assert layouts["ExplorerScreen"] == 0, key
            footer = await ui.footer_line(pilot)
            assert "? Help" in footer and "q Quit" in footer, (screen_type, footer)


@pytest.mark.parametrize(("name", "screen_type"), [("draw", "DrawScreen"), ("lessons", "LessonsScreen")])
async def test_the_app_opens_on_another_screen_without_building_the_explorer(
    name: str, screen_type: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_convnet.ui.explorer.screen import ExplorerScreen

    composed: list[object] = []
    compose = ExplorerScreen.compose

    def counting(self: ExplorerScreen) -> Any:
        composed.append(self)
        return compose(self)

    monkeypatch.setattr(ExplorerScreen, "compose", counting)
    app = create_app(screen=name)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == screen_type and composed == []
        await pilot.press("e")  # the explorer is built when the student goes there
        await pilot.pause()
        assert isinstance(app.screen, ExplorerScreen) and len(composed) == 1
        assert "step 1/18" in str(app.screen.query_one("#titlebar").render())


def test_an_unknown_screen_is_refused_with_the_names_of_the_screens() -> None:
    with pytest.raises(ValueError, match=r"Unknown screen\. Choose one of: explorer, train, .*Received: screen='x'"):
        create_app(screen="x")


def test_the_command_line_offers_every_screen_of_the_app() -> None:
    from tui_convnet.cli import SCREEN_NAMES
    from tui_convnet.ui.app import SCREENS

    assert tuple(SCREENS) == SCREEN_NAMES


async def test_on_first_frame_runs_once_after_the_first_frame_is_drawn() -> None:
    """The command line resumes Python's garbage collector there (see cli._explore)."""
    calls: list[str] = []
    app = create_app(on_first_frame=lambda: calls.append(str(app.screen.query_one("#titlebar").render())))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("right")
        await pilot.pause()
    assert len(calls) == 1 and "step 1/18" in calls[0]
