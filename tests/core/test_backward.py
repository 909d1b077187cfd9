"""The numpy backward passes without TensorFlow: finite differences, hand-worked cases,
the kernel-gradient trace and the validation messages.

(Agreement with ``tf.GradientTape`` is in ``test_backward_keras.py``.)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from tui_convnet.core import (
    Conv2DSpec,
    DenseSpec,
    FlattenSpec,
    KernelGradTrace,
    ModelSpec,
    Pool2DSpec,
    activation_backward,
    categorical_crossentropy,
    conv2d,
    conv2d_backward,
    dense_backward,
    flatten_backward,
    forward,
    kernel_grad_steps,
    max_pool_winners,
    model_backward,
    pool2d,
    pool2d_backward,
    sgd_step,
    softmax_crossentropy_backward,
)
from tui_convnet.core.arrays import Array


def _numeric_grad(f: Callable[[], float], arr: Array, eps: float = 1e-6) -> Array:
    """Central differences of the scalar ``f()`` with respect to every entry of ``arr`` (float64, in place)."""
    grad = np.zeros_like(arr)
    for idx in np.ndindex(arr.shape):
        keep = arr[idx]
        arr[idx] = keep + eps
        up = f()
        arr[idx] = keep - eps
        down = f()
        arr[idx] = keep
        grad[idx] = (up - down) / (2 * eps)
    return grad


@pytest.mark.parametrize(
    "padding,stride,dilation",
    [("valid", 1, 1), ("same", 2, 1), (1, (1, 2), 1), ("same", 1, 2), ((2, 1), 3, 1)],
    ids=str,
)
def test_conv2d_backward_equals_finite_differences(
    rng: np.random.Generator, padding: str | int | tuple[int, ...], stride: int | tuple[int, ...], dilation: int
) -> None:
    x = rng.standard_normal((2, 5, 6, 2))
    k = rng.standard_normal((3, 2, 2, 3))
    b = rng.standard_normal(3)
    out_shape = conv2d(x, k, b, stride=stride, padding=padding, dilation=dilation).shape
    g = rng.standard_normal(out_shape)

    def loss() -> float:
        return float(np.sum(conv2d(x, k, b, stride=stride, padding=padding, dilation=dilation) * g))

    gx, gk, gb = conv2d_backward(x, k, g, stride=stride, padding=padding, dilation=dilation)
    assert gx.dtype == gk.dtype == gb.dtype == np.float64
    np.testing.assert_allclose(gx, _numeric_grad(loss, x), atol=1e-6)
    np.testing.assert_allclose(gk, _numeric_grad(loss, k), atol=1e-6)
    np.testing.assert_allclose(gb, _numeric_grad(loss, b), atol=1e-6)


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("padding,size,stride", [("valid", 2, None), ("same", 3, 2), ("same", 2, 1)], ids=str)
def test_pool2d_backward_equals_finite_differences(
    rng: np.random.Generator, mode: str, padding: str, size: int, stride: int | None
) -> None:
    x = rng.standard_normal((5, 7, 2))
    g = rng.standard_normal(pool2d(x, size, stride, mode, padding).shape)

    def loss() -> float:
        return float(np.sum(pool2d(x, size, stride, mode, padding) * g))

    np.testing.assert_allclose(pool2d_backward(x, g, size, stride, mode, padding), _numeric_grad(loss, x), atol=1e-6)


def test_max_pooling_routes_to_the_winner_and_average_spreads() -> None:
    x = np.array([[1, 3, 0, 0], [2, 0, 5, 4], [0, 0, 1, 1], [7, 0, 1, 2]], dtype=float)[:, :, None]
    g = np.array([[10, 20], [30, 40]], dtype=float)[:, :, None]
    np.testing.assert_array_equal(
        pool2d_backward(x, g)[:, :, 0],
        [[0, 10, 0, 0], [0, 0, 20, 0], [0, 0, 0, 0], [30, 0, 0, 40]],
    )
    np.testing.assert_array_equal(
        pool2d_backward(x, g, mode="avg")[:, :, 0],
        [[2.5, 2.5, 5, 5], [2.5, 2.5, 5, 5], [7.5, 7.5, 10, 10], [7.5, 7.5, 10, 10]],
    )
    np.testing.assert_array_equal(
        max_pool_winners(x)[:, :, 0],
        [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0], [1, 0, 0, 1]],
    )
    # A tie goes to the first cell of the window, row by row (as TensorFlow).
    assert pool2d_backward(np.zeros((2, 2, 1)), np.ones((1, 1, 1)))[:, :, 0].tolist() == [[1, 0], [0, 0]]


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "softmax", "linear"])
def test_activation_backward_equals_finite_differences(rng: np.random.Generator, name: str) -> None:
    from tui_convnet.core import apply_activation

    z = rng.standard_normal((3, 4)) * 2
    g = rng.standard_normal(z.shape)
    got = activation_backward(name, apply_activation(z, name), g)
    np.testing.assert_allclose(got, _numeric_grad(lambda: float(np.sum(apply_activation(z, name) * g)), z), atol=1e-6)


def test_dense_and_flatten_backward(rng: np.random.Generator) -> None:
    x = rng.standard_normal(6)
    w = rng.standard_normal((6, 3))
    g = rng.standard_normal(3)
    gx, gw, gb = dense_backward(x, w, g)
    np.testing.assert_allclose(gx, w @ g)
    np.testing.assert_allclose(gw, np.outer(x, g))
    np.testing.assert_allclose(gb, g)
    assert flatten_backward(np.arange(12.0), (2, 3, 2)).shape == (2, 3, 2)


def test_softmax_crossentropy_backward_is_p_minus_y_over_n() -> None:
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    np.testing.assert_allclose(softmax_crossentropy_backward(p, [0, 2]), (p - np.eye(3)[[0, 2]]) / 2)
    assert categorical_crossentropy(p, [0, 2]) == pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2)
    assert categorical_crossentropy([[1.0, 0.0]], [1]) == pytest.approx(-np.log(1e-7))  # Keras' clip


TINY = ModelSpec(
    (6, 5, 2),
    (
        Conv2DSpec(3, (2, 2), activation="relu", padding="same"),
        Pool2DSpec("max", (2, 2), padding="same"),
        Conv2DSpec(2, (2, 1), activation="tanh"),
        Pool2DSpec("avg", (2, 1)),
        FlattenSpec(),
        DenseSpec(4, activation="sigmoid"),
        DenseSpec(3, activation="softmax"),
    ),
)


def _tiny_weights(rng: np.random.Generator) -> list[Array]:
    return [rng.standard_normal(s) for s in [(2, 2, 2, 3), (3,), (2, 1, 3, 2), (2,), (6, 4), (4,), (4, 3), (3,)]]


def test_model_backward_equals_finite_differences(rng: np.random.Generator) -> None:
    weights = _tiny_weights(rng)
    x = rng.standard_normal((2, 6, 5, 2))
    y = np.array([2, 0])

    def loss() -> float:
        return categorical_crossentropy(forward(TINY, weights, x), y)

    result = model_backward(TINY, weights, x, y)
    assert result.loss == pytest.approx(loss())
    for got, w in zip(result.grads, weights, strict=True):
        np.testing.assert_allclose(got, _numeric_grad(loss, w), atol=1e-6)
    np.testing.assert_allclose(result.grad_input, _numeric_grad(loss, x), atol=1e-6)
    # dL/d(each layer's output) has that output's shape.
    assert [g.shape for g in result.grad_outputs] == [o.shape for o in result.outputs]
    # One input is a batch of one.
    single = model_backward(TINY, weights, x[0], y[0])
    assert single.grad_input.shape == (1, 6, 5, 2)


def test_sgd_step_moves_the_weights_against_the_gradient(rng: np.random.Generator) -> None:
    weights = _tiny_weights(rng)
    x = rng.standard_normal((4, 6, 5, 2))
    y = np.array([0, 1, 2, 1])
    new, result = sgd_step(TINY, weights, x, y, learning_rate=0.5)
    for w, g, n in zip(weights, result.grads, new, strict=True):
        np.testing.assert_allclose(n, w - 0.5 * g)
    small, _ = sgd_step(TINY, weights, x, y, learning_rate=1e-3)
    assert model_backward(TINY, small, x, y).loss < result.loss  # a small step lowers the loss


# --------------------------------------------------------------------------- the kernel-gradient trace


def test_kernel_grad_trace_writes_every_weight_as_a_dot_product(rng: np.random.Generator) -> None:
    x = rng.standard_normal((5, 6, 2))
    k = rng.standard_normal((3, 2, 2, 3))
    g = rng.standard_normal(conv2d(x, k, stride=2, padding="same").shape)
    trace = KernelGradTrace(x, k, g, stride=2, padding="same")
    assert len(trace) == 3 * 2 * 2 * 3
    _, gk, gb = conv2d_backward(x, k, g, stride=2, padding="same")
    np.testing.assert_allclose(trace.grad_bias, gb)
    for step in trace:
        assert trace.position(step.index) == (step.kernel, step.channel, step.row, step.col)
        assert trace.index_of(step.kernel, step.channel, step.row, step.col) == step.index
        assert step.window.shape == step.grad.shape == step.products.shape == g.shape[:2]
        np.testing.assert_array_equal(step.window, trace.padded[np.ix_(step.rows, step.cols)][:, :, step.channel])
        np.testing.assert_array_equal(step.grad, g[:, :, step.kernel])
        assert step.total == pytest.approx(step.products.sum())
        assert step.total == pytest.approx(gk[step.row, step.col, step.channel, step.kernel])
    assert [s.index for s in kernel_grad_steps(x, k, g, stride=2, padding="same")] == list(range(len(trace)))


def test_kernel_grad_trace_with_cs231n_geometry_reads_the_strided_cells(rng: np.random.Generator) -> None:
    x, k = rng.integers(0, 3, (5, 5, 3)), rng.integers(-1, 2, (3, 3, 3, 2))  # 5x5x3, two 3x3x3 filters
    g = np.ones((3, 3, 2))
    trace = KernelGradTrace(x, k, g, stride=2, padding=1)
    step = trace.step(trace.index_of(1, 2, 2, 1))  # kernel W1, channel 2, weight row 2, col 1
    assert step.rows == (2, 4, 6) and step.cols == (1, 3, 5)
    assert step.total == pytest.approx(float(trace.padded[np.ix_((2, 4, 6), (1, 3, 5))][:, :, 2].sum()))
    with pytest.raises(IndexError, match=r"out of range 0\.\.53"):
        trace.step(54)


def test_dilated_kernel_grad_trace_steps_by_the_dilation(rng: np.random.Generator) -> None:
    x = rng.standard_normal((6, 6, 1))
    trace = KernelGradTrace(x, np.ones((2, 2, 1, 1)), np.ones((4, 4, 1)), dilation=2)
    step = trace.step(trace.index_of(0, 0, 1, 1))
    assert step.rows == (2, 3, 4, 5) and step.cols == (2, 3, 4, 5)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "call,message",
    [
        (
            lambda: conv2d_backward(np.zeros((5, 5, 1)), np.zeros((3, 3, 1, 2)), np.zeros((3, 3, 1))),
            r"`grad_out` must have the shape of the convolution's output \(3, 3, 2\). "
            r"Received: grad_out.shape=\(3, 3, 1\)",
        ),
        (
            lambda: conv2d_backward(np.zeros((2, 5, 5, 1)), np.zeros((3, 3, 1, 2)), np.zeros((3, 3, 2))),
            r"output \(2, 3, 3, 2\)",
        ),
        (
            lambda: conv2d_backward(np.zeros((5, 5, 1)), np.zeros((3, 3, 2, 2)), np.zeros((3, 3, 2))),
            "input channels must match",
        ),
        (
            lambda: conv2d_backward(np.zeros((5, 5, 1)), np.zeros((3, 3, 1, 1)), [[["a"]]]),
            "`grad_out` must contain only numbers",
        ),
        (
            lambda: pool2d_backward(np.zeros((4, 4, 1)), np.zeros((3, 3, 1))),
            r"pooling's output \(2, 2, 1\). Received: grad_out.shape=\(3, 3, 1\)",
        ),
        (lambda: pool2d_backward(np.zeros((4, 4, 1)), np.zeros((2, 2, 1)), mode="min"), "Received: mode='min'"),
        (
            lambda: activation_backward("relu", np.zeros(3), np.zeros(4)),
            r"Received: output.shape=\(3,\), grad_out.shape=\(4,\)",
        ),
        (lambda: activation_backward("swish", np.zeros(3), np.zeros(3)), "Unknown activation"),
        (
            lambda: dense_backward(np.zeros(4), np.zeros((4, 2)), np.zeros(3)),
            r"dense layer's output \(2,\). Received: grad_out.shape=\(3,\)",
        ),
        (lambda: flatten_backward(np.zeros(5), (2, 3)), r"as many values as the input \(2, 3\)"),
        (lambda: categorical_crossentropy([[0.5, 0.5]], [2]), r"Class labels must be in 0..1. Received: y_true=\[2\]"),
        (
            lambda: categorical_crossentropy([[0.5, 0.5]], [[1.0, 0.0, 0.0]]),
            r"Received: y_true.shape=\(1, 3\), probs.shape=\(1, 2\)",
        ),
        (
            lambda: model_backward(
                ModelSpec((4, 4, 1), (FlattenSpec(), DenseSpec(2))),
                [np.zeros((16, 2)), np.zeros(2)],
                np.zeros((4, 4, 1)),
                [1],
            ),
            r"softmax activation \(cross-entropy loss\). Received: last_layer='Dense'",
        ),
        (
            lambda: sgd_step(TINY, _tiny_weights(np.random.default_rng(0)), np.zeros((6, 5, 2)), 0, learning_rate=0),
            "`learning_rate` must be a positive number. Received: learning_rate=0",
        ),
        (
            lambda: KernelGradTrace(np.zeros((5, 5, 1)), np.zeros((3, 3, 1, 1)), np.zeros((5, 5, 1))),
            r"Received: grad_out.shape=\(5, 5, 1\)",
        ),
        (
            lambda: KernelGradTrace(np.zeros((5, 5, 1)), np.zeros((3, 3, 1, 1)), np.zeros((3, 3, 1))).index_of(
                1, 0, 0, 0
            ),
            "`kernel` must be in 0..0. Received: kernel=1",
        ),
        (
            lambda: KernelGradTrace(np.zeros((99, 5, 1)), np.zeros((3, 3, 1, 1)), np.zeros((97, 3, 1))),
            "too large to show step by step",
        ),
    ],
)
def test_bad_arguments_are_refused_with_keras_style_messages(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
