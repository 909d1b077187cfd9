"""Snapshots of the draw screen with a fixed drawing (a 7 from fixed pen positions) on the bundled model,
at 80x24 and 130x42, in the dark theme and in textual-light."""

from __future__ import annotations

import pytest

from tui_convnet import drawing
from tui_convnet.ui.app import create_app
from tui_convnet.ui.widgets.canvas import DrawingCanvas

SEVEN = [(6, 7), (6, 20), (23, 11)]


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("size", [(80, 24), (130, 42)])
def test_the_draw_screen_with_a_7(snap_compare, size, theme):
    async def draw_a_seven(pilot) -> None:
        pilot.app.theme = theme
        await pilot.press("d")
        await pilot.pause()
        pilot.app.screen.query_one("#draw-canvas", DrawingCanvas).set_pixels(drawing.polyline(SEVEN))
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(create_app(), run_before=draw_a_seven, terminal_size=size)
