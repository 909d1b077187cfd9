"""Every screen's footer keeps the app's keys in view: at 80 columns here (at 130 columns, Help and Quit on
every screen's first visit: tests/ui/test_startup.py), with a field focused, and after leaving a screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_convnet.ui.app import create_app

if TYPE_CHECKING:
    from tests.ui.conftest import UI


async def test_at_80_columns_every_screen_keeps_the_apps_keys_in_its_footer_and_l_opens_the_lessons_from_inspect(
    ui: type[UI],
) -> None:
    # At 80 columns the explorer's footer ended at "s Pa▏": Train, Inspect, Draw, Help and Quit were cut.
    # On inspect L meant "previous layer" and never opened the lessons; p is the previous layer now: the
    # screens are visited in an order that presses L on the inspect screen.
    from tui_convnet.ui.inspect.screen import InspectScreen
    from tui_convnet.ui.lessons.screen import LessonsScreen

    app = create_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for key, own in (
            ("e", "e Explorer"),
            ("t", "t Train"),
            ("d", "d Draw"),
            ("i", "i Inspect"),
            ("L", "L Lessons"),
        ):
            left = app.screen
            await pilot.press(key)
            await pilot.pause()
            await pilot.pause()
            footer = ui.screen_lines(app)[-1]
            keys = ["e Explorer", "t Train", "i Inspect", "d Draw", "L Lessons", "? Help", "q Quit"]
            for shown in keys:
                # every screen's key but the one shown (its own key would do nothing)
                assert (shown in footer) == (shown != own), (type(app.screen).__name__, footer)
            assert footer.rstrip().endswith("q Quit")
        assert isinstance(left, InspectScreen) and isinstance(app.screen, LessonsScreen)


async def test_with_a_field_focused_the_footer_says_what_the_keys_do(ui: type[UI]) -> None:
    # A training field takes the typed letters, so Textual left every key out: the footer was empty.
    from textual.widgets import Input

    app = create_app(screen="train")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "s Start" in await ui.footer_line(pilot)
        await pilot.press("tab", "tab")
        await pilot.pause()
        assert isinstance(app.screen.focused, Input)
        footer = await ui.footer_line(pilot)
        assert "Esc back to the keys" in footer and "Tab next field" in footer and "Ctrl+Q quit" in footer, footer
        await pilot.press("escape")
        await pilot.pause()
        assert "s Start" in await ui.footer_line(pilot) and "Esc back" not in ui.screen_lines(app)[-1]


async def test_a_screen_left_keeps_its_footer_keys_and_shows_them_again(ui: type[UI]) -> None:
    # Leaving a screen announced its bindings with another mode shown: its footer composed all its keys again
    # for a screen nobody saw (26 widgets mounted in every e from the training screen).
    from textual.widgets import Footer

    app = create_app()
    async with app.run_test(size=(130, 42)) as pilot:
        explorer = app.screen
        before = await ui.footer_line(pilot)
        keys = list(explorer.query_one(Footer).walk_children())
        await pilot.press("L")
        await pilot.pause()
        await pilot.pause()
        assert list(explorer.query_one(Footer).walk_children()) == keys  # not composed again while hidden
        await pilot.press("e")
        await pilot.pause()
        assert app.screen is explorer
        assert await ui.footer_line(pilot) == before
        assert "L Lessons" in before and "e Explorer" not in before
