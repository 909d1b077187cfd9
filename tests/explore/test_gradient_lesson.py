"""Lesson 1 (the gradient of a kernel) as the explorer steps it: the pure stepper, without an app."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from tests.core.core_testing import conv_example
from tui_convnet.core import load_examples
from tui_convnet.explore import open_example, reset, stepper_for
from tui_convnet.explore.gradient import GRAD, GradientState, GradientStepper
from tui_convnet.explore.gradient_example import lesson_examples
from tui_convnet.explore.narration import note_lines, plain_text
from tui_convnet.explore.panels import PanelKey, Volume, input_key, kernel_key

if TYPE_CHECKING:
    from tui_convnet.explore.gradient_example import GradientExample


def _state(lesson: GradientExample) -> GradientState:
    state = open_example(lesson)
    assert isinstance(state, GradientState)
    return state


@pytest.fixture(scope="module")
def lesson() -> GradientExample:
    (example,) = lesson_examples(load_examples())
    return example


def test_the_lesson_is_built_on_cs231n(lesson: GradientExample) -> None:
    cs231n = conv_example(next(ex for ex in load_examples() if ex.key == "01_cs231n"))
    np.testing.assert_array_equal(lesson.x, cs231n.x)
    np.testing.assert_array_equal(lesson.kernels, cs231n.kernels)
    assert lesson.key == "12_kernel_gradient"  # after the eleven bundled examples
    state = open_example(lesson, 3)
    assert isinstance(state, GradientState) and state.num_steps == 54 and state.step == 3
    assert isinstance(stepper_for(state), GradientStepper)
    assert reset(state.at(20)).step == 0
    assert "Changing the kernel size" not in plain_text(note_lines(lesson))  # no settings in a lesson


def test_each_step_writes_one_weights_gradient(lesson: GradientExample) -> None:
    stepper = GradientStepper(_state(lesson))
    assert plain_text(stepper.frame(0).lines).splitlines() == [
        "Step 1 of 54: W0[0,0,ch0] met padded rows 0, 2, 4 × columns 0, 2, 4, one cell per output cell",
        "dL/dW0[0,0,ch0] = 0·(-3) + 0·(-1) + 0·1 + 0·2 + 2·(-3) + 1·(-2) + 0·2 + 1·0 + 1·(-1) = -9",
        "dL/db0 = Σ dL/do = -5   then gradient descent: W0 ← W0 − lr·dL/dW0",
    ]
    grads = lesson.lesson.trace.grad_kernels
    for index in range(stepper.num_steps):
        frame = stepper.frame(index)
        step = lesson.lesson.trace.step(index)
        written = plain_text(frame.lines).splitlines()[1]
        assert written.endswith(f"= {int(grads[step.row, step.col, step.channel, step.kernel])}")
        assert float(eval(written.split(" = ")[1].replace("·", "*"))) == step.total


def test_a_frame_marks_the_cells_the_weight_met_and_fills_dl_dw(lesson: GradientExample) -> None:
    stepper = GradientStepper(_state(lesson))
    frame = stepper.frame(10)  # W0, channel 1, weight (0, 1)
    marks = frame.of(Volume.INPUT).marks[input_key(1)]
    assert sorted(marks) == [(r, c) for r in (0, 2, 4) for c in (1, 3, 5)]
    assert marks[(0, 1)] == "window-pad" and marks[(2, 3)] == "window"
    assert frame.of(Volume.KERNELS).marks[kernel_key(0, 1)] == {(0, 1): "current"}
    assert PanelKey(Volume.OUTPUT, 0, GRAD) in frame.of(Volume.OUTPUT).active
    fill = frame.of(Volume.POOL).fill
    assert fill[PanelKey(Volume.POOL, 0, 0)] == 9 and fill[PanelKey(Volume.POOL, 0, 1)] == 2
    assert fill[PanelKey(Volume.POOL, 1, 0)] == 0
    assert [p.title for p in frame.products] == ["x", "dL/do", "Σ 0"]
    labels = stepper.stage().labels
    assert labels[Volume.OUTPUT].endswith("L = ½·Σ (o − t)² = 119")
