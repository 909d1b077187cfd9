"""The transposed convolution in numpy: its sizes, its two step views, and that it is a convolution's gradient."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from tests.core.core_testing import assert_close
from tui_convnet.core import (
    conv2d,
    conv2d_backward,
    conv2d_transpose,
    conv_transpose_output_formula,
    conv_transpose_output_size,
    conv_transpose_scatter,
    conv_transpose_trace,
    transpose_geometry,
)

CASES = [
    (padding, stride, (h, w), (kh, kw))
    for padding in ("valid", "same")
    for stride in (1, 2, 3)
    for (h, w), (kh, kw) in (((3, 3), (3, 3)), ((2, 4), (2, 3)), ((3, 2), (1, 2)), ((2, 2), (4, 4)))
]


def _case(
    rng: np.random.Generator, hw: tuple[int, int], khw: tuple[int, int], cin: int = 2, cout: int = 3
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = rng.standard_normal((*hw, cin))
    kernels = rng.standard_normal((*khw, cout, cin))
    bias = rng.standard_normal(cout)
    return x, kernels, bias


def _plain_transpose(x: np.ndarray, kernels: np.ndarray, bias: np.ndarray, stride: int, padding: str) -> np.ndarray:
    """A deliberately plain scatter: every input cell adds its scaled kernel, then the 'same' crop."""
    h, w, _ = x.shape
    kh, kw, cout, _ = kernels.shape
    oh = h * stride + (max(kh - stride, 0) if padding == "valid" else 0)
    ow = w * stride + (max(kw - stride, 0) if padding == "valid" else 0)
    full = np.zeros(((h - 1) * stride + kh + stride, (w - 1) * stride + kw + stride, cout))
    for r in range(h):
        for c in range(w):
            stamp = np.einsum("ijoc,c->ijo", kernels, x[r, c])
            full[r * stride : r * stride + kh, c * stride : c * stride + kw] += stamp
    top = max(kh - stride, 0) // 2 if padding == "same" else 0
    left = max(kw - stride, 0) // 2 if padding == "same" else 0
    return np.asarray(full[top : top + oh, left : left + ow] + bias)


@pytest.mark.parametrize(("padding", "stride", "hw", "khw"), CASES, ids=str)
def test_transpose_equals_a_plain_scatter_and_both_step_views(
    rng: np.random.Generator, padding: str, stride: int, hw: tuple[int, int], khw: tuple[int, int]
) -> None:
    x, kernels, bias = _case(rng, hw, khw)
    out = conv2d_transpose(x, kernels, bias, stride=stride, padding=padding)
    assert_close(out, _plain_transpose(x, kernels, bias, stride, padding), tol=1e-12)
    # gather: each output cell is one window of the stretched, padded input times the turned kernel
    trace = conv_transpose_trace(x, kernels, bias, stride=stride, padding=padding)
    cells = np.array([step.total for step in trace]).reshape(out.shape[2], *out.shape[:2]).transpose(1, 2, 0)
    assert_close(cells, out, tol=1e-12)
    step = trace.step(len(trace) - 1)
    assert_close(step.products.sum() + step.bias, step.total, tol=1e-12)
    # scatter: the last partial sum plus the bias is the output
    scatter = conv_transpose_scatter(x, kernels, bias, stride=stride, padding=padding)
    assert len(scatter) == hw[0] * hw[1]
    assert_close(scatter.step(len(scatter) - 1).partial + bias, out, tol=1e-12)


@pytest.mark.parametrize(("padding", "stride", "hw", "khw"), CASES, ids=str)
def test_transpose_is_the_gradient_of_the_matching_convolution_with_respect_to_its_input(
    rng: np.random.Generator, padding: str, stride: int, hw: tuple[int, int], khw: tuple[int, int]
) -> None:
    """Conv2D with the same kernel read as (kh, kw, C_in', C_out') maps the transposed output's shape back to
    x's shape; its input gradient for grad_out = x is the transposed convolution (without the bias)."""
    x, kernels, _ = _case(rng, hw, khw)
    out = conv2d_transpose(x, kernels, stride=stride, padding=padding)
    assert conv2d(out, kernels, stride=stride, padding=padding).shape == x.shape
    grad_x, _, _ = conv2d_backward(np.zeros_like(out), kernels, x, stride=stride, padding=padding)
    assert_close(grad_x, out, tol=1e-12)
    # and the adjoint identity <conv(y), x> = <y, conv_transpose(x)> for any y
    y = rng.standard_normal(out.shape)
    assert np.isclose(np.sum(conv2d(y, kernels, stride=stride, padding=padding) * x), np.sum(y * out))


def test_the_gather_view_stretches_the_input_by_the_stride_and_pads_it() -> None:
    x = np.arange(1, 5, dtype=float).reshape(2, 2, 1)
    kernels = np.ones((3, 3, 1, 1))
    trace = conv_transpose_trace(x, kernels, stride=2)
    g = trace.geometry
    assert g.stretched_shape == (3, 3) and g.gather_padding == (2, 2, 2, 2)
    assert trace.gathered[:, :, 0].tolist() == [
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 1, 0, 2, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 3, 0, 4, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
    ]
    assert trace.cell(2, 4) == ("input", (0, 1))
    assert trace.cell(3, 3) == ("inserted", None)
    assert trace.cell(0, 3) == ("padding", None)
    assert trace.flipped.shape == (3, 3, 1, 1)
    assert trace.output.shape == (5, 5, 1)
    assert trace.output[2, 2, 0] == 10  # the centre gathers all four input cells


def test_each_scatter_step_stamps_the_kernel_scaled_by_the_input_cell() -> None:
    x = np.array([[[2.0], [3.0]]])  # 1x2
    kernels = np.arange(1, 5, dtype=float).reshape(2, 2, 1, 1)
    scatter = conv_transpose_scatter(x, kernels, stride=1)
    first, second = scatter.step(0), scatter.step(1)
    assert first.rows == (0, 1) and first.cols == (0, 1) and second.cols == (1, 2)
    assert first.stamp[:, :, 0].tolist() == [[2, 4], [6, 8]]
    assert first.partial[:, :, 0].tolist() == [[2, 4, 0], [6, 8, 0]]
    assert second.partial[:, :, 0].tolist() == [[2, 4 + 3, 6], [6, 8 + 9, 12]]


def test_the_same_crop_can_put_a_stamp_partly_outside_the_output() -> None:
    x = np.ones((2, 2, 1))
    scatter = conv_transpose_scatter(x, np.ones((3, 3, 1, 1)), stride=1, padding="same")
    assert scatter.step(0).rows == (-1, 0, 1)


@pytest.mark.parametrize(
    ("n", "k", "s", "padding", "formula"),
    [
        (4, 3, 2, "valid", "(4 − 1)·2 + 3 = 9"),
        (4, 2, 3, "valid", "4·3 = 12"),
        (4, 3, 2, "same", "4·2 = 8"),
        (5, 3, 1, "valid", "(5 − 1)·1 + 3 = 7"),
    ],
)
def test_the_output_size_formula_is_written_out(n: int, k: int, s: int, padding: str, formula: str) -> None:
    assert conv_transpose_output_formula(n, k, s, padding) == formula
    assert conv_transpose_output_size(n, k, s, padding) == int(formula.rsplit(" ", 1)[1])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: conv2d_transpose(np.ones((3, 3, 2)), np.ones((3, 3, 1, 1))), "kernels' last axis must match"),
        (lambda: conv2d_transpose(np.ones((3, 3, 1)), np.ones((3, 3, 1))), "`kernels` must be a 4-D array"),
        (lambda: conv2d_transpose(np.ones((3, 3, 1)), np.ones((3, 3, 1, 1)), stride=0), "`strides` must be >= 1"),
        (lambda: conv2d_transpose(np.ones((3, 3, 1)), np.ones((3, 3, 1, 1)), padding="full"), "'valid', 'same'"),
        (lambda: conv2d_transpose(np.ones((3, 3, 1)), np.ones((3, 3, 2, 1)), bias=[1.0]), "one value per kernel"),
        (lambda: conv2d_transpose([[["a"]]], np.ones((1, 1, 1, 1))), "only numbers"),
        (lambda: conv_transpose_output_size(0, 3), "`input size` must be an integer >= 1"),
        (lambda: conv_transpose_trace(np.ones((40, 40, 1)), np.ones((3, 3, 1, 1)), stride=2), "too large to show"),
        (lambda: conv_transpose_scatter(np.ones((2, 2, 1)), np.ones((1, 1, 1, 1))).step(4), "0..3"),
    ],
)
def test_bad_arguments_are_refused_with_a_keras_style_message(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match="Received") as info:
        call()
    assert message in str(info.value)


def test_geometry_counts_the_parameters_as_keras() -> None:
    g = transpose_geometry((7, 7, 64), (3, 3, 32, 64), stride=2, padding="same")
    assert g.out_shape == (14, 14, 32)
    assert g.param_formula == "32·(3·3·64) + 32 = 18,464"
