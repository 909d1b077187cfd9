"""The transposed convolution's entries in the explorer: real keys, what the screen shows (the pure steps are
swept against core.conv2d_transpose in tests/explore/test_transpose_steps.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.widgets import OptionList

from tests.ui.screens import current
from tui_convnet.ui._textual_internals import notifications
from tui_convnet.ui.app import create_app
from tui_convnet.ui.explorer.arithmetic import Arithmetic
from tui_convnet.ui.explorer.screen import ExplorerScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI

SIZE = (130, 42)


def _title(app: App[Any]) -> str:
    return str(app.screen.query_one("#titlebar").render())


def _arith(app: App[Any]) -> list[str]:
    return app.screen.query_one("#arith", Arithmetic).plain.splitlines()


async def test_the_gather_entry_steps_and_its_stride_and_padding_change_the_output_size(ui: type[UI]) -> None:
    app = create_app("22")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.has_class("-stride-and-padding") and "step 1/49" in _title(app)
        assert "Transposed convolution" in _title(app) and "example " not in _title(app)  # numbered after lessons
        text = ui.screen_text(app)
        assert "x spread out and padded" in text and "K turned 180°" in text and "Settings" in text
        assert not screen.query_one("#knob-ksize").display and screen.query_one("#knob-stride").display
        await pilot.press("right", "right")
        lines = _arith(app)
        assert lines[0] == "Step 3 of 49: o[0,2]: the turned kernel covers x[0,0], x[0,1]"
        assert lines[1] == "o[0,2] = 0·1 + 0·1 + 0·0 + 0·0 + 0·1 + 0·2 + 1·(-1) + 0·0 + 2·1 + 0 = 1"
        assert lines[-1] == "Output size (valid, stride 2: (n − 1)·s + k): rows (3 − 1)·2 + 3 = 7 → 7×7"
        await pilot.click("#knob-stride")
        await pilot.press("up")  # stride 3
        assert "step 1/81" in _title(app) and "(3 − 1)·3 + 3 = 9 → 9×9" in _arith(app)[-1]
        await pilot.press("up")  # stride 4: refused, the last valid stride kept
        await pilot.pause()
        assert current(app, ExplorerScreen).error.endswith("stride is 1, 2 or 3 here. Received: strides=4")
        assert "The last valid settings are kept." in ui.screen_text(app)
        assert "step 1/81" in _title(app)
        await pilot.click("#knob-padding")
        await pilot.press("up")  # same
        await pilot.pause()
        assert _arith(app)[-1] == "Output size (same, stride 3: n·s): rows 3·3 = 9 → 9×9"
        await pilot.press("escape", "r")
        await pilot.pause()
        assert "step 1/49" in _title(app) and "(3 − 1)·2 + 3 = 7" in _arith(app)[-1]


async def test_the_scatter_entry_stamps_cell_by_cell_and_is_in_the_palette(ui: type[UI]) -> None:
    app = create_app("04")
    async with app.run_test(size=SIZE) as pilot:
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands["Example 23: Transposed convolution: every input cell stamps the kernel"].callback()
        await pilot.pause()
        assert "step 1/9" in _title(app)
        await pilot.press("end")
        lines = _arith(app)
        assert lines[0] == "Step 9 of 9: x[2,2] = 1 stamps 1·K onto rows 4..6 × columns 4..6"
        assert "Every stamp laid: o = o so far + bias 0" in lines
        assert "o so far" in ui.screen_text(app)
        await pilot.press("n")  # on to the lesson after it, and round within the entries after the lessons
        assert "gradient of a convolution" in _title(app)
        await pilot.press("n")
        assert "step 1/49" in _title(app) and "spread out by the stride" in _title(app)


async def test_the_contents_lists_the_entries_after_the_lessons_and_opens_them(ui: type[UI]) -> None:
    from tui_convnet.ui.contents.screen import ContentsScreen

    app = create_app("04")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ContentsScreen)
        options = app.screen.query_one("#contents", OptionList)
        options.highlighted = 21  # entry 22, after lesson 21
        await pilot.press("enter")
        await pilot.pause()
        assert "spread out by the stride" in _title(app)
        await pilot.press("o")
        await pilot.pause()
        assert app.screen.query_one("#contents", OptionList).highlighted == 21  # the contents starts on the entry shown


async def test_the_gradient_lesson_writes_both_computations_cell_by_cell(ui: type[UI]) -> None:
    app = create_app("24")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-lesson") and not app.screen.has_class("-stride-and-padding")
        assert "gradient of a convolution" in _title(app) and "step 1/28" in _title(app)
        assert _arith(app)[0] == "Step 1 of 28: the forward pass o = conv2d(x, K), stride 2, 'valid': 5×5 → 2×2"
        await pilot.press("right", "right", "right", "right")
        await pilot.pause()
        assert _arith(app)[1:] == [
            "dL/dx[0,2] = Σ K·dL/do = (-1)·1 + 1·(-1) = -2  (backprop)",
            "conv2d_transpose(dL/do, K)[0,2] = -2  = dL/dx[0,2]: the stamps of dL/do·K that land on x[0,2]",
        ]
        text = ui.screen_text(app)
        assert "dL/dx by backprop" in text and "conv2d_transpose(dL/do, K)" in text
        await pilot.press("end")
        await pilot.pause()
        assert "agree in all 25 cells (largest difference 0)" in _arith(app)[0]
        await pilot.press("p")  # the handout key: refused with one line, no traceback
        await pilot.pause()
        assert app.is_running and "No handout for this example" in notifications(app)[-1]
        await pilot.press("N")  # back round the entries after the lessons
        await pilot.pause()
        assert "every input cell stamps the kernel" in _title(app)
