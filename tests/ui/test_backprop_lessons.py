"""The backpropagation lessons on their own screens: learn a kernel, and the gradient through the network.

Pilot tests press the real keys and read the screen; snapshots at 80x24 and 130x42 in a dark theme and
in textual-light.  Everything is deterministic: the bundled digits, a seeded kernel, the bundled model
run by the numpy engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from textual.pilot import Pilot
from textual.screen import Screen

from tui_convnet.core.lessons import TARGET_KERNELS, learn_step, start_learning, update_line
from tui_convnet.ui.app import create_app
from tui_convnet.ui.explorer.arithmetic import Arithmetic
from tui_convnet.ui.lessons.backprop import (
    LearnKernelScreen,
    NetworkGradientScreen,
    bundled_digits,
)

if TYPE_CHECKING:
    from tests.ui.conftest import UI


async def _open(ui: type[UI], pilot: Pilot[int], screen: Screen[Any]) -> None:
    """Push a lesson screen; the network lesson is ready once its gradients (a worker) have arrived."""
    await ui.open_screen(pilot, screen, lambda s: not isinstance(s, NetworkGradientScreen) or s.result is not None)


# --------------------------------------------------------------------------- learn a kernel


async def test_learn_a_kernel_key_by_key(ui: type[UI]) -> None:
    app = create_app("04")
    async with app.run_test(size=(130, 42)) as pilot:
        screen = LearnKernelScreen()
        await _open(ui, pilot, screen)
        expected = start_learning(bundled_digits(4), TARGET_KERNELS["diagonal edge"], lr=1.0)
        assert "step 0 · lr 1 · loss" in ui.screen_text(app)
        assert update_line(expected, 1, 1) in ui.screen_text(app)  # the centre weight is selected first
        for _ in range(3):  # each key press is one step of gradient descent
            await pilot.press("right")
            expected = learn_step(expected)
        assert screen.state is not None
        np.testing.assert_allclose(screen.state.kernel, expected.kernel)
        text = ui.screen_text(app)
        assert f"step 3 · lr 1 · loss {expected.loss:.4g}" in text
        assert update_line(expected, 1, 1) in text
        await pilot.press("down")  # the next weight: row 1, column 2
        assert update_line(expected, 1, 2) in ui.screen_text(app)
        await pilot.press("left")  # undo one step
        assert "step 2 ·" in ui.screen_text(app)

        # A large learning rate makes the loss blow up.
        await pilot.press("plus", "plus", "plus")  # 1 → 8
        assert "lr 8 ·" in ui.screen_text(app)
        await pilot.press(*["right"] * 12)
        text = ui.screen_text(app)
        assert "diverged" in text
        assert "the loss blew up: − lowers the learning rate, r restarts" in text
        await pilot.press("minus", "minus", "minus", "minus", "r")  # 8 → 0.5, restart
        assert "step 0 · lr 0.5 ·" in ui.screen_text(app)
        assert "diverged" not in ui.screen_text(app)

        # The target can be the edge kernel [1, -1].
        await pilot.press("g")
        assert "Lesson 19 · Learn a kernel (edge [1, -1]) · step 0" in ui.screen_text(app)
        np.testing.assert_array_equal(screen.state.target_kernel, TARGET_KERNELS["edge [1, -1]"])


# --------------------------------------------------------------------------- through the network


async def test_stepping_back_through_the_network_layer_by_layer(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=(130, 42)) as pilot:
        screen = NetworkGradientScreen()
        await _open(ui, pilot, screen)
        result = screen.result
        assert result is not None
        text = ui.screen_text(app)
        assert "step 1/8: dense_1" in text
        assert f"label {result.label} · model says" in text
        assert "dL/dz = p − y" in text
        # a confident digit's dL/dz is tiny: written in exponent form, never rounded to a row of 0; "0" only
        # where it is exactly 0 (a probability under float32's smallest number)
        dz = text.split("dL/dz = p − y for the softmax's inputs: [")[1].split("]")[0].split(", ")
        shown = [v.split()[-1] for v in dz]  # a wrapped line also carries a map's half blocks
        exact = result.probabilities - np.eye(len(result.probabilities))[result.label]
        assert len(shown) == len(exact) and any("e-" in v for v in shown), dz
        assert [v == "0" for v in shown] == [float(e) == 0.0 for e in exact], (shown, exact)
        names = []
        for _ in range(7):
            await pilot.press("right")
            names.append(ui.screen_text(app).split("step ")[1].split("\n")[0])
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
        text = " ".join(ui.screen_text(app).split())
        routes = result.layers[1].routes
        assert routes is not None
        status = " ".join(str(screen.query_one("#net-status").render()).split())
        assert "max_pooling2d (MaxPooling2D; the slide's max_pooling2d_1)" in status
        assert "The slide's names (conv2d_1, max_pooling2d_1, dense_2) come from Keras 2" in status
        # the winners (routes) and the cells whose gradient is not zero are two different counts
        nonzero = int(np.count_nonzero(result.layers[0].grad))
        assert f"{int(routes.sum()):,} routes among {routes.size:,} input cells;" in status
        assert f"{nonzero:,} cells get a non-zero gradient for this digit" in status
        assert nonzero < int(routes.sum())
        assert "dL/d(input) routed back to conv2d (26, 26, 32) · colour scale ±" in text
        assert "· channels 0–7 of 32 (c: more)" in text
        await pilot.press("c")
        assert "channels 8–15 of 32" in ui.screen_text(app)


# --------------------------------------------------------------------------- the gradient of a kernel (explorer)


async def test_the_kernel_gradient_lesson_steps_weight_by_weight_in_the_explorer(ui: type[UI]) -> None:
    app = create_app("12")
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.has_class("-lesson")
        title = str(screen.query_one("#titlebar").render())
        assert "The gradient of a kernel" in title and "example 12/12 · step 1/54" in title
        for _ in range(10):
            await pilot.press("right")
        lines = screen.query_one("#arith", Arithmetic).plain.splitlines()
        assert lines[1] == "dL/dW0[0,1,ch1] = 0·(-3) + 0·(-1) + 0·1 + 2·2 + 2·(-3) + 0·(-2) + 2·2 + 2·0 + 2·(-1) = 0"
        await pilot.press("end")
        assert "step 54/54" in str(screen.query_one("#titlebar").render())
        assert screen.query_one("#arith", Arithmetic).plain.splitlines()[1].startswith("dL/dW1[2,2,ch2] = ")
        await pilot.press("n")  # wraps around to the first example
        assert not screen.has_class("-lesson")
        assert "cs231n" in str(screen.query_one("#titlebar").render())


async def test_the_three_lessons_are_in_the_command_palette(ui: type[UI]) -> None:
    app = create_app("04")
    async with app.run_test(size=(130, 42)) as pilot:
        checks: tuple[tuple[str, Callable[[], bool]], ...] = (
            ("gradient of a", lambda: "example 12/12 · step 1/54" in str(app.screen.query_one("#titlebar").render())),
            ("learn a k", lambda: isinstance(app.screen, LearnKernelScreen)),
            ("through the n", lambda: isinstance(app.screen, NetworkGradientScreen)),
        )
        for query, check in checks:
            await pilot.press("ctrl+p", *query)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert check(), query
