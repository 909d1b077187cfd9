"""The lesson "a transposed convolution is the gradient of a convolution with respect to its input", without
an app: the step list against core.conv2d_backward and core.conv2d_transpose, and what the explorer shows."""

from __future__ import annotations

import numpy as np
import pytest

from tui_convnet.core import conv2d_transpose
from tui_convnet.core.backward import conv2d_backward
from tui_convnet.explore import open_example, stepper_for
from tui_convnet.explore.kinds import is_lesson
from tui_convnet.explore.narration import note_lines, plain_text
from tui_convnet.explore.panels import PanelKey, Volume
from tui_convnet.explore.transpose_gradient import (
    BACKWARD,
    TRANSPOSED,
    TransposeGradientState,
    TransposeGradientStepper,
    transpose_gradient_example,
)
from tui_convnet.explore.transpose_gradient_lesson import transpose_gradient_lesson

# (x size, kernel size, stride, padding): sizes a transposed convolution maps back to x's
CASES = [
    (4, 3, 1, "valid"),
    (5, 3, 2, "valid"),
    (6, 3, 3, "valid"),
    (4, 2, 2, "valid"),
    (5, 3, 1, "same"),
    (6, 3, 2, "same"),
    (6, 2, 3, "same"),
    (5, 1, 1, "valid"),
]


@pytest.mark.parametrize(("n", "k", "stride", "padding"), CASES, ids=str)
def test_every_cell_step_equals_the_backward_pass_and_the_transposed_convolution(
    n: int, k: int, stride: int, padding: str
) -> None:
    rng = np.random.default_rng(n * 100 + k * 10 + stride)
    x = rng.integers(-3, 4, size=(n, n)).astype(float)
    kernel = rng.standard_normal((k, k))
    out = (n - k) // stride + 1 if padding == "valid" else -(-n // stride)
    upstream = rng.standard_normal((out, out))
    lesson = transpose_gradient_lesson(x, kernel, upstream, stride=stride, padding=padding)
    k4 = kernel[:, :, None, None]
    grad_x = conv2d_backward(x[:, :, None], k4, upstream[:, :, None], stride=stride, padding=padding)[0][:, :, 0]
    np.testing.assert_allclose(lesson.grad_x, grad_x, atol=1e-12)
    transposed = conv2d_transpose(upstream[:, :, None], k4, stride=stride, padding=padding)[:, :, 0]
    np.testing.assert_allclose(lesson.transposed, transposed, atol=1e-12)
    assert lesson.largest_difference < 1e-12
    kinds = [s.kind for s in lesson.steps]
    assert kinds == ["forward", "upstream", *["cell"] * (n * n), "equal"]
    for step in lesson.steps[2:-1]:
        assert step.backward == pytest.approx(grad_x[step.row, step.col], abs=1e-12)
        assert step.transposed == pytest.approx(transposed[step.row, step.col], abs=1e-12)
        assert sum(t.product for t in step.terms) == pytest.approx(step.backward, abs=1e-12)
        for t in step.terms:  # each term's kernel weight is the one that window put on this cell
            assert t.weight == kernel[t.k_row, t.k_col] and t.upstream == upstream[t.out_row, t.out_col]


def test_sizes_that_do_not_map_back_and_a_wrong_upstream_are_refused() -> None:
    with pytest.raises(ValueError, match=r"does not come back to x's shape .* Received: x.shape=\(6, 6\)"):
        transpose_gradient_lesson(np.ones((6, 6)), np.ones((3, 3)), np.ones((2, 2)), stride=2)
    with pytest.raises(ValueError, match=r"must have the output's shape \(2, 2\). Received: upstream.shape=\(3, 3\)"):
        transpose_gradient_lesson(np.ones((5, 5)), np.ones((3, 3)), np.ones((3, 3)), stride=2)


def test_the_entry_steps_through_the_lesson_number_for_number() -> None:
    example = transpose_gradient_example(24)
    state = open_example(example)
    assert isinstance(state, TransposeGradientState) and is_lesson(state) and state.num_steps == 28
    stepper = stepper_for(state)
    assert isinstance(stepper, TransposeGradientStepper)
    assert plain_text(stepper.frame(4).lines).splitlines() == [
        "Step 5 of 28: x[0,2] was in the window of o[0,0], o[0,1]",
        "dL/dx[0,2] = Σ K·dL/do = (-1)·1 + 1·(-1) = -2  (backprop)",
        "conv2d_transpose(dL/do, K)[0,2] = -2  = dL/dx[0,2]: the stamps of dL/do·K that land on x[0,2]",
    ]
    backward, transposed = PanelKey(Volume.POOL, BACKWARD), PanelKey(Volume.POOL, TRANSPOSED)
    panels = {p.key: p.values for p in stepper.stage().of(Volume.POOL)}
    np.testing.assert_array_equal(panels[backward], panels[transposed])
    assert stepper.frame(4).of(Volume.POOL).fill == {backward: 3, transposed: 3}
    last = plain_text(stepper.frame(27).lines)
    assert "agree in all 25 cells (largest difference 0)" in last
    assert "Changing the kernel size" not in plain_text(note_lines(example))


def test_a_handout_of_an_entry_stepped_only_in_the_explorer_is_refused_with_a_value_error() -> None:
    from tui_convnet.teach.handout import handout_blocks

    with pytest.raises(
        ValueError, match=r"stepped in the explorer only .* Received: example='24_transpose_is_the_gradient'"
    ):
        handout_blocks(transpose_gradient_example(24))
