"""The help screen: generated from the bindings, for the explorer and for the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.help import HelpScreen, _widget_groups, binding_rows

if TYPE_CHECKING:
    from tests.ui.conftest import UI, SnapLooks

SIZE = (130, 42)


async def test_help_snapshot(snap_looks: SnapLooks, ui: type[UI]) -> None:
    # one run per size: a scrolling help keeps the scroll bar it needed at 80x24 after growing to 130x42
    await snap_looks(lambda: create_app("01"), ui.EVERY_LOOK, press=["question_mark"], run_per_size=True)


async def test_every_explorer_and_app_key_is_listed_and_rows_merge_keys_of_one_action(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        explorer = app.screen
        rows = dict((desc, keys) for keys, desc in binding_rows(explorer))
        assert rows["Step"] == "→ l"
        assert rows["Previous step"] == "← h"
        await pilot.press("question_mark")
        await pilot.pause()  # drawn before it is read (on a busy machine the frame can come after the key)
        assert isinstance(app.screen, HelpScreen)
        body = app.screen.query_one("#help-body")
        text = ui.screen_text(app)
        while body.scroll_y < body.max_scroll_y:  # the whole help, page by page (the keys outgrew one screen)
            body.scroll_page_down(animate=False)
            await pilot.pause()
            text += "\n" + ui.screen_text(app)
        for keys, _desc in binding_rows(explorer) + binding_rows(app):
            assert keys in text, keys
        for key in ("→ l", "← h", "Home", "End", "space", "n", "N", "r", "z", "e", "t", "i", "?", "q"):
            assert any(line.strip().startswith(key) or f" {key} " in line for line in text.splitlines()), key
        assert "Click an output cell" in text  # the screen's HELP text


async def test_help_closes_with_escape_q_and_question_mark() -> None:
    app = create_app()
    async with app.run_test(size=(80, 24)) as pilot:  # the keys, not the layout: the small (cheaper) terminal
        await pilot.pause()
        for key in ("escape", "q", "question_mark"):
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press(key)
            assert not isinstance(app.screen, HelpScreen)
        assert app.is_running  # q closed the help, it did not quit the app


def test_key_labels_are_readable() -> None:
    from tui_convnet.ui.common.help import key_label

    assert [key_label(k) for k in ("right", "question_mark", "left_square_bracket", "ctrl+left", "f1", "N")] == [
        "→",
        "?",
        "[",
        "Ctrl+←",
        "F1",
        "N",
    ]


async def test_help_names_the_draw_screens_canvas_and_the_lessons_key(ui: type[UI]) -> None:
    # at 80x24 the draw screen's help said "When a DrawingCanvas is focused"; L (the lessons) was in no list
    app = create_app(screen="draw")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        titles = [title for title, _rows in _widget_groups(app.screen_stack[-2])]
        assert "On the drawing canvas (click it, or Tab to it)" in titles
        assert not [
            t for t in titles if "focused" in t or any(w[:1].isupper() and w[1:] != w[1:].lower() for w in t.split())
        ]
        assert ("L", "The lecture's big ideas as lessons") in binding_rows(app)
