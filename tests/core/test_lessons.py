"""The backpropagation lessons' logic, without an app: the cs231n kernel gradient with a target,
the kernel learner (convergence, divergence, the update arithmetic) and the network's gradients."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from tests.core.core_testing import conv_example
from tui_convnet.core import (
    Conv2DSpec,
    DenseSpec,
    FlattenSpec,
    ModelSpec,
    Pool2DSpec,
    conv2d,
    mnist_convnet,
    seeded_weights,
)
from tui_convnet.core.lessons import (
    CS231N_TARGET,
    TARGET_KERNELS,
    kernel_gradient_lesson,
    learn_step,
    network_gradients,
    num,
    start_learning,
    update_line,
    with_learning_rate,
)

if TYPE_CHECKING:
    from tui_convnet.core.lessons import KernelGradientLesson

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "examples"


@pytest.fixture(scope="module")
def cs231n() -> KernelGradientLesson:
    from tui_convnet.core import load_example

    ex = conv_example(load_example(ASSETS / "01_cs231n.toml"))
    return kernel_gradient_lesson(ex.x, ex.kernels, ex.bias, CS231N_TARGET, stride=2, padding=1)


def test_cs231n_lesson_gradient_is_output_minus_target(cs231n: KernelGradientLesson) -> None:
    np.testing.assert_array_equal(cs231n.output[:, :, 0], [[-2, -1, 1], [2, -2, -2], [2, 0, 0]])
    np.testing.assert_array_equal(cs231n.grad_out[:, :, 0], [[-3, -1, 1], [2, -3, -2], [2, 0, -1]])
    assert cs231n.loss == 0.5 * np.sum((cs231n.output - CS231N_TARGET) ** 2) == 119.0
    assert len(cs231n) == 54  # 2 kernels x 3 channels x 3x3 weights


def test_cs231n_every_weight_gradient_is_its_dot_product(cs231n: KernelGradientLesson) -> None:
    for step in cs231n.trace:
        assert step.total == float(np.sum(step.window * (step.grad)))
    assert cs231n.step(0).total == -9


def test_cs231n_target_of_the_wrong_shape_is_refused(cs231n: KernelGradientLesson) -> None:
    with pytest.raises(ValueError, match=r"output shape \(3, 3, 2\). Received: target.shape=\(3, 3, 1\)"):
        kernel_gradient_lesson(
            np.zeros((5, 5, 3)), np.zeros((3, 3, 3, 2)), None, np.zeros((3, 3, 1)), stride=2, padding=1
        )


@pytest.fixture(scope="module")
def digits() -> np.ndarray:
    from tui_convnet.data.mnist import load_mnist

    return load_mnist("sample").x_test[:4] / 255.0


def test_learning_a_kernel_lowers_the_loss_and_finds_the_target(digits: np.ndarray) -> None:
    state = start_learning(digits, TARGET_KERNELS["diagonal edge"], lr=2.0)
    first = state.loss
    for _ in range(60):
        state = learn_step(state)
    assert state.step == 60 and len(state.losses) == 61
    assert all(b < a for a, b in zip(state.losses, state.losses[1:], strict=False))
    assert state.loss < first / 100
    np.testing.assert_allclose(state.outputs, conv2d(state.images, state.kernel[:, :, None, None]))
    assert not state.diverged


def test_learn_step_applies_exactly_the_update_line(digits: np.ndarray) -> None:
    state = start_learning(digits, TARGET_KERNELS["edge [1, -1]"], lr=0.5, seed=3)
    line = update_line(state, 1, 2)
    w, g = state.kernel[1, 2], state.grad[1, 2]
    assert line == f"w[1,2] ← w − lr·dL/dw = {num(w)} − 0.5·{num(g) if g >= 0 else f'({num(g)})'} = {num(w - 0.5 * g)}"
    after = learn_step(state)
    assert after.kernel[1, 2] == w - 0.5 * g
    # The gradient is the one of ½·mean((o − t)²): central differences agree.
    eps = 1e-6
    bumped = state.kernel.copy()
    bumped[1, 2] += eps
    up = 0.5 * np.mean((conv2d(state.images, bumped[:, :, None, None]) - state.targets) ** 2)
    bumped[1, 2] -= 2 * eps
    down = 0.5 * np.mean((conv2d(state.images, bumped[:, :, None, None]) - state.targets) ** 2)
    assert g == pytest.approx((up - down) / (2 * eps), rel=1e-5)


def test_a_large_learning_rate_diverges_and_then_stays_put(digits: np.ndarray) -> None:
    state = with_learning_rate(start_learning(digits, TARGET_KERNELS["diagonal edge"]), 8.0)
    for _ in range(40):
        state = learn_step(state)
    assert state.diverged
    assert state.losses[5] > state.losses[0] * 100
    assert learn_step(state) is state


@pytest.mark.parametrize("lr", [0, -1, float("nan"), float("inf"), True, "1"])
def test_bad_learning_rates_are_refused(digits: np.ndarray, lr: Any) -> None:  # bad on purpose
    with pytest.raises(ValueError, match=r"The learning rate must be a positive, finite number\. Received"):
        start_learning(digits, TARGET_KERNELS["diagonal edge"], lr=lr)


def test_learner_refuses_bad_shapes(digits: np.ndarray) -> None:
    with pytest.raises(ValueError, match=r"target kernel must be 3x3. Received: target_kernel.shape=\(2, 2\)"):
        start_learning(digits, np.eye(2))
    with pytest.raises(ValueError, match="one channel"):
        start_learning(np.zeros((2, 8, 8, 3)), np.eye(3))
    with pytest.raises(ValueError, match="weight must be in the 3x3 kernel"):
        update_line(start_learning(digits, np.eye(3)), 3, 0)


def test_network_gradients_for_one_digit_shows_each_layer_and_the_routing() -> None:
    spec = ModelSpec(
        (8, 8, 1),
        (Conv2DSpec(2, (3, 3)), Pool2DSpec("max", (2, 2)), FlattenSpec(), DenseSpec(3, activation="softmax")),
    )
    weights = seeded_weights(spec, seed=1)
    x = np.random.default_rng(0).random((8, 8, 1)).astype(np.float32)
    result = network_gradients(spec, weights, x, 2)
    assert [layer.name for layer in result.layers] == ["conv2d", "max_pooling2d", "flatten", "dense"]
    conv, pool = result.layers[0], result.layers[1]
    assert conv.grad.shape == conv.output.shape == (6, 6, 2)
    assert pool.routes is not None and pool.routes.shape == (6, 6, 2)
    assert pool.routes.sum() == 3 * 3 * 2  # one winner per window
    # Max pooling routes: below it, only the winning cells receive gradient.
    assert np.all(conv.grad[~pool.routes] == 0)
    assert result.probabilities.shape == (3,) and result.probabilities.sum() == pytest.approx(1, abs=1e-6)
    assert result.loss == pytest.approx(-np.log(result.probabilities[2]), rel=1e-5)
    with pytest.raises(ValueError, match=r"label must be a class in 0..2. Received: label=3"):
        network_gradients(spec, weights, x, 3)


def test_seeded_weights_fit_the_lecture_model() -> None:
    weights = seeded_weights(mnist_convnet())
    assert [w.shape for w in weights][:2] == [(3, 3, 1, 32), (32,)]
    assert sum(w.size for w in weights) == 93_322
    assert float(np.abs(weights[0]).max()) <= np.sqrt(6 / (9 + 288))
