"""Snapshots of the draw screen with a fixed drawing (a 7 from fixed pen positions) on the bundled model,
at 80x24 and 130x42, in the dark theme and in textual-light (one run of the app: ``snap_looks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.pilot import Pilot

from tui_convnet.images import drawing
from tui_convnet.ui.app import create_app
from tui_convnet.ui.draw.canvas import DrawingCanvas

if TYPE_CHECKING:
    from tests.ui.conftest import UI, SnapLooks

SEVEN = [(6, 7), (6, 20), (23, 11)]


async def test_the_draw_screen_with_a_7(snap_looks: SnapLooks, ui: type[UI]) -> None:
    async def draw_a_seven(pilot: Pilot[int]) -> None:
        await pilot.pause()
        pilot.app.screen.query_one("#draw-canvas", DrawingCanvas).set_pixels(drawing.polyline(SEVEN))
        await pilot.pause()
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()  # the Grad-CAM maps are computed in a worker
        await pilot.pause()

    await snap_looks(lambda: create_app(screen="draw"), ui.EVERY_LOOK, run_before=draw_a_seven)
