"""Snapshots of the three backpropagation lessons at 80x24 and 130x42, in a dark theme and in textual-light.

Deterministic: the bundled digits, a seeded kernel, the bundled model run by the numpy engine, cs231n.
"""

from __future__ import annotations

import pytest

from tui_convnet.ui.app import create_app
from tui_convnet.ui.screens.backprop import LearnKernelScreen, NetworkGradientScreen

SIZES = [(80, 24), (130, 42)]
THEMES = ["textual-dark", "textual-light"]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_learn_kernel_snapshot(snap_compare, ui, size, theme):
    async def run_before(pilot) -> None:
        pilot.app.theme = theme
        await ui.open_screen(pilot, LearnKernelScreen())
        await pilot.press(*["right"] * 6)

    assert snap_compare(create_app("04"), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_network_gradient_snapshot(snap_compare, ui, size, theme):
    async def run_before(pilot) -> None:
        pilot.app.theme = theme
        await ui.open_screen(pilot, NetworkGradientScreen(), lambda s: s.result is not None)
        await pilot.press(*["right"] * 5)  # max_pooling2d_1 … the routing into conv2d_1

    assert snap_compare(create_app("04"), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_kernel_gradient_snapshot(snap_compare, size, theme):
    async def run_before(pilot) -> None:
        pilot.app.theme = theme
        await pilot.pause()

    assert snap_compare(create_app("12"), press=["right"] * 10, run_before=run_before, terminal_size=size)
