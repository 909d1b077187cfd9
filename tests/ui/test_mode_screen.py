"""A mode's screen shown again is not restyled whole (ui/common/mode_screen.py), yet follows a new theme."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import App
from textual.color import Color
from textual.dom import DOMNode

from tui_convnet.ui.app import create_app

SIZE = (130, 42)


def count_restyled(app: App[Any]) -> list[int]:
    """Wrap the app's stylesheet so that every restyle adds the number of nodes it restyled to the list."""
    counts: list[int] = []
    stylesheet = app.stylesheet
    update_nodes = stylesheet.update_nodes

    def counting(nodes: Iterable[DOMNode], animate: bool = False) -> None:
        listed = list(nodes)
        counts.append(len(listed))
        update_nodes(listed, animate=animate)

    stylesheet.update_nodes = counting  # type: ignore[method-assign]  # counted, otherwise the same
    return counts


async def test_a_screen_shown_again_is_not_restyled_whole() -> None:
    app = create_app(screen="explorer")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("L")  # a big screen, made by this key
        await pilot.pause()
        lessons = app.screen
        widgets = len(list(lessons.query("*")))
        await pilot.press("e")
        await pilot.pause()
        counts = count_restyled(app)
        await pilot.press("L")
        await pilot.pause()
        assert app.screen is lessons
        assert sum(counts) < widgets // 2, (counts, widgets)  # was: every widget, twice for a new screen


async def lessons_background(theme: str | None = None) -> Color:
    """The lessons screen's background in a fresh app (``theme``: set before the screen is made)."""
    app = create_app(screen="explorer")
    async with app.run_test(size=SIZE) as pilot:
        if theme is not None:
            app.theme = theme
            await pilot.pause()
        await pilot.press("L")
        await pilot.pause()
        return app.screen.styles.background


async def test_a_theme_changed_on_another_screen_reaches_the_screen_when_it_is_shown() -> None:
    light = await lessons_background("textual-light")
    app = create_app(screen="explorer")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("L")
        await pilot.pause()
        lessons = app.screen
        dark = lessons.styles.background
        await pilot.press("e")
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.press("L")
        await pilot.pause()
        assert app.screen is lessons and dark != light
        assert lessons.styles.background == light


async def test_a_new_screen_starts_with_its_breakpoint_class() -> None:
    """Set before its widgets are styled (set after, it restyled the whole screen once more)."""
    from tui_convnet.ui.training.screen import TrainingScreen

    for width, expected, other in ((130, "-wide", "-narrow"), (100, "-narrow", "-wide")):
        app = create_app(screen="explorer")
        async with app.run_test(size=(width, 40)):
            screen = TrainingScreen()
            assert expected in screen.classes and other not in screen.classes
