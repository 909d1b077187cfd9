"""The backpropagation lessons on their own screens: learn a kernel, and the gradient through the network.

Pilot tests press the real keys and read the screen; snapshots at 80x24 and 130x42 in a dark theme and
in textual-light.  Everything is deterministic: the bundled digits, a seeded kernel, the bundled model
run by the numpy engine.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from conftest import screen_text

from tui_convnet.core.lessons import TARGET_KERNELS, learn_step, start_learning, update_line
from tui_convnet.ui.app import create_app
from tui_convnet.ui.screens.backprop import (
    LearnKernelScreen,
    NetworkGradientScreen,
    bundled_digits,
)

SIZES = [(80, 24), (130, 42)]
THEMES = ["textual-dark", "textual-light"]


async def _open(pilot, screen) -> None:
    pilot.app.push_screen(screen)
    await pilot.pause()
    if isinstance(screen, NetworkGradientScreen):
        deadline = time.monotonic() + 30
        while screen.result is None:
            assert time.monotonic() < deadline, "the gradients were not computed in time"
            await pilot.pause(0.05)
        await pilot.pause()


# --------------------------------------------------------------------------- learn a kernel


async def test_each_key_press_is_one_gradient_descent_step():
    app = create_app()
    async with app.run_test(size=(130, 42)) as pilot:
        screen = LearnKernelScreen()
        await _open(pilot, screen)
        expected = start_learning(bundled_digits(4), TARGET_KERNELS["diagonal edge"], lr=1.0)
        assert "step 0 · lr 1 · loss" in screen_text(app)
        assert update_line(expected, 1, 1) in screen_text(app)  # the centre weight is selected first
        for _ in range(3):
            await pilot.press("right")
            expected = learn_step(expected)
        assert screen.state is not None
        np.testing.assert_allclose(screen.state.kernel, expected.kernel)
        text = screen_text(app)
        assert f"step 3 · lr 1 · loss {expected.loss:.4g}" in text
        assert update_line(expected, 1, 1) in text
        await pilot.press("down")  # the next weight: row 1, column 2
        assert update_line(expected, 1, 2) in screen_text(app)
        await pilot.press("left")  # undo one step
        assert "step 2 ·" in screen_text(app)


async def test_a_large_learning_rate_makes_the_loss_blow_up():
    app = create_app()
    async with app.run_test(size=(130, 42)) as pilot:
        screen = LearnKernelScreen()
        await _open(pilot, screen)
        await pilot.press("plus", "plus", "plus")  # 1 → 8
        assert "lr 8 ·" in screen_text(app)
        for _ in range(40):
            await pilot.press("right")
        text = screen_text(app)
        assert "diverged" in text
        assert "the loss blew up: − lowers the learning rate, r restarts" in text
        await pilot.press("minus", "minus", "minus", "minus", "r")  # 8 → 0.5, restart
        assert "step 0 · lr 0.5 ·" in screen_text(app)
        assert "diverged" not in screen_text(app)


async def test_the_target_can_be_the_edge_kernel():
    app = create_app()
    async with app.run_test(size=(130, 42)) as pilot:
        screen = LearnKernelScreen()
        await _open(pilot, screen)
        await pilot.press("g")
        assert "learn a kernel (edge [1, -1]) · step 0" in screen_text(app)
        assert screen.state is not None
        np.testing.assert_array_equal(screen.state.target_kernel, TARGET_KERNELS["edge [1, -1]"])


# --------------------------------------------------------------------------- through the network


async def test_stepping_back_through_the_network_layer_by_layer():
    app = create_app()
    async with app.run_test(size=(130, 42)) as pilot:
        screen = NetworkGradientScreen()
        await _open(pilot, screen)
        result = screen.result
        assert result is not None
        text = screen_text(app)
        assert "step 1/8: dense_1" in text
        assert f"label {result.label} · model says" in text
        assert "dL/dz = p − y" in text
        names = []
        for _ in range(7):
            await pilot.press("right")
            names.append(screen_text(app).split("step ")[1].split("\n")[0])
        assert [n.split(": ")[1].strip() for n in names] == [
            "dense",
            "flatten",
            "conv2d_2",
            "max_pooling2d_1",
            "conv2d_1",
            "max_pooling2d",
            "conv2d",
        ]
        await pilot.press("left")  # forward again to the first pooling layer
        text = " ".join(screen_text(app).split())
        assert "max_pooling2d (MaxPooling2D)" in text
        routes = result.layers[1].routes
        assert routes is not None
        assert f"{int(routes.sum())} of {routes.size} input cells receive gradient" in text
        assert "dL/d(input) routed back to conv2d (26, 26, 32) · channels 0–7 of 32 (c: more)" in text
        await pilot.press("c")
        assert "channels 8–15 of 32" in screen_text(app)


async def test_the_lessons_are_in_the_command_palette():
    app = create_app()
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Learn a kernel")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LearnKernelScreen)
        await pilot.press("ctrl+p")
        await pilot.press(*"through the network")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NetworkGradientScreen)


# --------------------------------------------------------------------------- snapshots


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_learn_kernel_snapshot(snap_compare, size, theme):
    async def run_before(pilot) -> None:
        pilot.app.theme = theme
        await _open(pilot, LearnKernelScreen())
        await pilot.press(*["right"] * 6)

    assert snap_compare(create_app(), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_network_gradient_snapshot(snap_compare, size, theme):
    async def run_before(pilot) -> None:
        pilot.app.theme = theme
        await _open(pilot, NetworkGradientScreen())
        await pilot.press(*["right"] * 5)  # max_pooling2d_1 … the routing into conv2d_1

    assert snap_compare(create_app(), run_before=run_before, terminal_size=size)
