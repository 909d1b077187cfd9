"""At 80x24 the explorer shows what its narration talks about, and the keyboard reaches every pane."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.core.core_testing import model_example
from tests.ui.screens import current
from tui_convnet.core.model import infer_shapes
from tui_convnet.ui.app import create_app
from tui_convnet.ui.explorer.screen import ExplorerScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI

SMALL = (80, 24)
LARGE = (130, 42)


def _row_of(lines: list[str], name: str) -> bool:
    """A row of the model summary naming layer ``name`` is on screen."""
    return any(line.lstrip().startswith(f"│ {name} ") for line in lines)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "130x42"])
async def test_the_model_summary_follows_the_layer_and_ends_on_the_total(ui: type[UI], size: tuple[int, int]) -> None:
    app = create_app("09")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        example = current(app, ExplorerScreen).example
        assert example is not None
        names = [info.name for info in infer_shapes(model_example(example).model)]
        for step, name in enumerate(names):
            if step:
                await pilot.press("right")
            await pilot.pause()
            lines = ui.screen_lines(app)
            assert f"Layer {step + 1} of {len(names)}: {name}" in "\n".join(lines)
            assert _row_of(lines, name), f"step {step + 1}: the row of {name} is not on screen"
        assert "Total params: 93,322" in ui.screen_text(app)  # the last layer: down to the total


async def test_an_rgb_input_opens_on_its_first_channel_and_pages_to_the_others(ui: type[UI]) -> None:
    # the window covers every channel; with room for one, the view showed the last (blue) at step 1
    app = create_app("02")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        view = app.screen.query_one("#input-view")
        assert ui.widget_text(view).splitlines()[0].strip() == "red"
        await pilot.press("pagedown", "pagedown")
        assert view.scroll_y > 0 and "blue" in ui.widget_text(view)
        await pilot.press("pageup", "pageup")
        assert view.scroll_y == 0
        await pilot.press("pagedown", "right")  # a step brings the view back to what it computes
        assert ui.widget_text(view).splitlines()[0].strip() == "red"


async def test_the_model_code_and_the_side_panel_scroll_by_keyboard(ui: type[UI]) -> None:
    app = create_app("09")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        view = app.screen.query_one("#model-view")
        assert "model.add(layers.Dense(10" not in ui.screen_text(app)
        while view.scroll_y < view.max_scroll_y:
            before = view.scroll_y
            await pilot.press("pagedown")
            assert view.scroll_y > before
        assert "model.add(layers.Dense(10" in ui.screen_text(app)  # the code's last line
    app = create_app("03")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("s")  # the side panel, hidden at 80 columns
        side = app.screen.query_one("#sidebar")
        assert side.max_scroll_y > 0 and side.scroll_y == 0
        await pilot.press("right_square_bracket")
        assert side.scroll_y > 0
        await pilot.press("left_square_bracket")
        assert side.scroll_y == 0
