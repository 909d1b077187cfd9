"""Snapshots of the three backpropagation lessons at 80x24 and 130x42, in a dark theme and in textual-light.

Deterministic: the bundled digits, a seeded kernel, the bundled model run by the numpy engine, cs231n.
Each test runs its app once and takes every look of it (``snap_looks``: resize, change the theme).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.pilot import Pilot

from tui_convnet.ui.app import create_app
from tui_convnet.ui.lessons.backprop import LearnKernelScreen, NetworkGradientScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI, SnapLooks


async def test_learn_kernel_snapshot(snap_looks: SnapLooks, ui: type[UI]) -> None:
    async def run_before(pilot: Pilot[int]) -> None:
        await ui.open_screen(pilot, LearnKernelScreen())
        await pilot.press(*["right"] * 6)

    await snap_looks(lambda: create_app("04"), ui.EVERY_LOOK, run_before=run_before)


async def test_network_gradient_snapshot(snap_looks: SnapLooks, ui: type[UI]) -> None:
    async def run_before(pilot: Pilot[int]) -> None:
        await ui.open_screen(pilot, NetworkGradientScreen(), lambda s: s.result is not None)
        await pilot.press(*["right"] * 5)  # max_pooling2d_1 … the routing into conv2d_1

    await snap_looks(lambda: create_app("04"), ui.EVERY_LOOK, run_before=run_before)


async def test_kernel_gradient_snapshot(snap_looks: SnapLooks, ui: type[UI]) -> None:
    await snap_looks(lambda: create_app("12"), ui.EVERY_LOOK, press=["right"] * 10)
