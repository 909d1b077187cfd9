"""`convnet-tui --example PATH.toml`: the lecturer's own file opens in the explorer; a broken one leaves the
app up, on the first example, with every problem (file, line, field) in a notification."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tui_convnet.teach.example_files import add_lecturer_example
from tui_convnet.teach.example_template import TEMPLATE
from tui_convnet.ui._textual_internals import notifications
from tui_convnet.ui.app import create_app

if TYPE_CHECKING:
    from tests.ui.conftest import UI


async def test_the_lecturers_file_opens_in_the_explorer(ui: type[UI], tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(TEMPLATE)
    app = create_app()
    add_lecturer_example(app, str(path))
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.pause()
        screen = ui.screen_text(app)
        assert "My first convolution: a vertical-edge kernel" in screen
        assert "vertical edge on rows 0–2, columns 0–2" in screen
        lecture = sum(not ex.after_lessons for ex in app.examples)  # the title bar counts the lecture's examples
        assert f"example {lecture}/{lecture}" in screen  # the file's, the last of them


async def test_a_broken_file_is_reported_and_the_app_stays_up(ui: type[UI], tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    text = TEMPLATE.replace("stride = 1 ", "strid = 1 ").replace("dilation = 1 ", "dilation = 0 ")
    path.write_text(text)
    lines = text.splitlines()
    strid = next(i for i, line in enumerate(lines, 1) if line.startswith("strid"))
    app = create_app()
    add_lecturer_example(app, str(path))
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.pause()
        (message,) = notifications(app)
        assert message.startswith("Your example file cannot be used:\n")
        assert f"{path}:{strid}: field `conv.strid`: is not a field of [conv]" in message
        assert f"{path}:{strid + 2}: field `conv.dilation`: `dilation_rate` must be >= 1" in message
        assert "cs231n" in ui.screen_text(app)  # the first built-in example, as without the file
        await pilot.press("right")
        assert "step 2/18" in ui.screen_text(app)
