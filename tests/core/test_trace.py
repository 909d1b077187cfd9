"""The step-by-step engine: ``conv_steps`` / ``ConvTrace`` and ``PoolTrace``.

The windows are checked against an independent reading of the input (zero
or NaN outside it), not against the trace's own padded copy.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from tui_convnet.core import (
    apply_activation,
    conv2d,
    conv_steps,
    conv_trace,
    pool2d,
    pool_steps,
    pool_trace,
)

#: (input H, W, C_in), kernel (kh, kw), C_out, stride, padding, dilation
CONV_CASES = [
    ((5, 5, 3), (3, 3), 2, 2, 1, 1),  # the cs231n layer
    ((6, 7, 2), (2, 3), 3, 1, "same", 1),  # 'same' with an odd total padding
    ((6, 6, 1), (3, 3), 2, 2, "same", 1),  # the extra zero goes after
    ((9, 8, 2), (3, 2), 2, 1, "valid", 2),  # dilation
    ((8, 9, 1), (2, 2), 1, (3, 2), (1, 2), 1),  # stride skips cells; asymmetric padding
    ((7, 7, 4), (3, 3), 1, 1, "same", (2, 1)),  # 'same' with dilation
]


def _case(
    rng: np.random.Generator, in_shape: tuple[int, int, int], ksize: tuple[int, int], cout: int, integer: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if integer:
        x = rng.integers(-3, 4, size=in_shape)
        k = rng.integers(-2, 3, size=(*ksize, in_shape[2], cout))
        b = rng.integers(-2, 3, size=cout)
    else:
        x = rng.standard_normal(in_shape).astype("float32")
        k = rng.standard_normal((*ksize, in_shape[2], cout)).astype("float32")
        b = rng.standard_normal(cout).astype("float32")
    return x, k, b


def _read(x: np.ndarray, row: int, col: int, top: int, left: int, fill: float) -> np.ndarray:
    """Cell (row, col) of the padded input, read from the unpadded ``x``."""
    r, c = row - top, col - left
    if 0 <= r < x.shape[0] and 0 <= c < x.shape[1]:
        return np.asarray(x[r, c])
    return np.full(x.shape[2], fill)


@pytest.mark.parametrize("in_shape,ksize,cout,stride,padding,dilation", CONV_CASES, ids=str)
@pytest.mark.parametrize("activation", ["linear", "relu"])
def test_every_conv_step(
    rng: np.random.Generator,
    in_shape: tuple[int, int, int],
    ksize: tuple[int, int],
    cout: int,
    stride: Any,
    padding: Any,
    dilation: Any,
    activation: str,
) -> None:
    x, k, b = _case(rng, in_shape, ksize, cout)
    kwargs = dict(stride=stride, padding=padding, dilation=dilation)
    out = conv2d(x, k, b, **kwargs)
    trace = conv_trace(x, k, b, activation=activation, **kwargs)
    g = trace.geometry
    oh, ow, oc = out.shape
    assert g.out_shape == out.shape and len(trace) == oh * ow * oc
    sh, sw = g.stride
    dh, dw = g.dilation

    steps = list(conv_steps(x, k, b, activation=activation, **kwargs))
    assert len(steps) == len(trace)
    # Kernel by kernel, and within a kernel row by row, left to right.
    expected_order = list(itertools.product(range(oc), range(oh), range(ow)))
    assert [(s.kernel, s.out_row, s.out_col) for s in steps] == expected_order
    for s in steps:
        assert s.index == trace.index_of(s.kernel, s.out_row, s.out_col)
        assert trace.position(s.index) == (s.kernel, s.out_row, s.out_col)
        # The total is conv2d's number, bit for bit.
        assert s.total == out[s.out_row, s.out_col, s.kernel]
        # Each channel's products add up to the total with the bias.
        assert s.channel_sums.shape == (in_shape[2],)
        np.testing.assert_allclose(s.channel_sums.sum() + s.bias, s.total, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(s.products.sum(axis=(1, 2)), s.channel_sums, rtol=1e-6, atol=1e-6)
        assert s.bias == b[s.kernel]
        assert s.activated == pytest.approx(float(apply_activation(np.float32(s.total), activation)))
        # The window: rows/cols of the padded input, stride apart, dilation inside.
        assert s.rows == tuple(s.out_row * sh + i * dh for i in range(ksize[0]))
        assert s.cols == tuple(s.out_col * sw + j * dw for j in range(ksize[1]))
        assert s.top_left == (s.rows[0], s.cols[0])
        assert max(s.rows) < g.padded_shape[0] and max(s.cols) < g.padded_shape[1]
        for (i, r), (j, c) in itertools.product(enumerate(s.rows), enumerate(s.cols)):
            np.testing.assert_array_equal(s.window[:, i, j], _read(x, r, c, g.pad_top, g.pad_left, 0))
            inside = 0 <= r - g.pad_top < in_shape[0] and 0 <= c - g.pad_left < in_shape[1]
            assert g.is_padding(r, c) == (not inside)
        np.testing.assert_array_equal(s.weights, np.transpose(k[:, :, :, s.kernel], (2, 0, 1)))
        np.testing.assert_array_equal(s.products, s.window * s.weights)
    # Random access gives the same step as iteration.
    mid = steps[len(steps) // 2]
    again = trace.step(mid.index)
    assert (again.total, again.rows, again.cols) == (mid.total, mid.rows, mid.cols)
    np.testing.assert_array_equal(trace.output, apply_activation(out, activation))


def test_windows_cover_exactly_the_cells_the_stride_reaches(rng: np.random.Generator) -> None:
    """Stride 3 with a 2x2 kernel skips every third row and column; dilation 2 spreads the window."""
    x, k, b = _case(rng, (8, 8, 1), (2, 2), 1)
    trace = conv_trace(x, k, b, stride=3)
    covered = {(r, c) for s in trace for r in s.rows for c in s.cols}
    assert covered == {(r, c) for r in (0, 1, 3, 4, 6, 7) for c in (0, 1, 3, 4, 6, 7)}

    trace = conv_trace(x, k, b, dilation=2)
    first = trace.step(0)
    assert (first.rows, first.cols) == ((0, 2), (0, 2))
    covered = {(r, c) for s in trace for r in s.rows for c in s.cols}
    assert covered == {(r, c) for r in range(8) for c in range(8)}


def test_same_padding_geometry_and_padded_cells(rng: np.random.Generator) -> None:
    x, k, b = _case(rng, (6, 6, 1), (3, 3), 1)
    g = conv_trace(x, k, b, stride=2, padding="same").geometry
    assert (g.pad_top, g.pad_bottom, g.pad_left, g.pad_right) == (0, 1, 0, 1)
    assert g.padded_shape == (7, 7, 1) and g.out_shape == (3, 3, 1)
    assert g.is_padding(6, 0) and g.is_padding(0, 6) and not g.is_padding(5, 5)
    last = conv_trace(x, k, b, stride=2, padding="same").step(8)
    assert last.rows == (4, 5, 6) and last.cols == (4, 5, 6)
    np.testing.assert_array_equal(last.window[0, 2, :], 0)  # the bottom padding row


def test_integer_example_is_exact(rng: np.random.Generator) -> None:
    x, k, b = _case(rng, (5, 5, 3), (3, 3), 2, integer=True)
    for s in conv_trace(x, k, b, stride=2, padding=1):
        assert s.channel_sums.sum() + s.bias == s.total


def test_step_index_out_of_range(rng: np.random.Generator) -> None:
    x, k, b = _case(rng, (4, 4, 1), (3, 3), 1)
    trace = conv_trace(x, k, b)
    assert len(trace) == 4
    with pytest.raises(IndexError, match=r"step 4 is out of range 0\.\.3"):
        trace.step(4)
    with pytest.raises(IndexError, match="out of range"):
        trace.step(-1)


def test_conv_steps_validates_before_the_first_step() -> None:
    # A generator would only fail when iterated; conv_steps fails on the call.
    with pytest.raises(ValueError, match="`strides` must be >= 1"):
        conv_steps(np.ones((4, 4, 1)), np.ones((2, 2, 1, 1)), stride=0)


# --------------------------------------------------------------------------- pooling

POOL_CASES = [
    ((4, 4, 1), 2, None, "valid"),
    ((5, 7, 2), 2, 2, "same"),  # windows hang over the bottom and right edge
    ((7, 6, 3), (3, 2), (2, 1), "valid"),
    ((5, 5, 1), 3, 3, "same"),
]


@pytest.mark.parametrize("in_shape,size,stride,padding", POOL_CASES, ids=str)
@pytest.mark.parametrize("mode", ["max", "avg"])
def test_every_pool_step(
    rng: np.random.Generator, in_shape: tuple[int, int, int], size: Any, stride: Any, padding: str, mode: str
) -> None:
    x = rng.standard_normal(in_shape).astype("float32") - 3  # all negative: padding must never win
    out = pool2d(x, size, stride, mode, padding)
    trace = pool_trace(x, size, stride, mode, padding)
    g = trace.geometry
    oh, ow, oc = out.shape
    steps = list(pool_steps(x, size, stride, mode, padding))
    assert len(steps) == len(trace) == out.size
    assert [(s.channel, s.out_row, s.out_col) for s in steps] == list(
        itertools.product(range(oc), range(oh), range(ow))
    )
    ph, pw = g.size
    for s in steps:
        assert s.index == trace.index_of(s.channel, s.out_row, s.out_col)
        assert s.value == out[s.out_row, s.out_col, s.channel]
        assert s.rows == tuple(range(s.out_row * g.stride[0], s.out_row * g.stride[0] + ph))
        assert s.cols == tuple(range(s.out_col * g.stride[1], s.out_col * g.stride[1] + pw))
        for (i, r), (j, c) in itertools.product(enumerate(s.rows), enumerate(s.cols)):
            want = _read(x, r, c, g.pad_top, g.pad_left, np.nan)[s.channel]
            np.testing.assert_array_equal(s.window[i, j], want)
        real = s.window[~np.isnan(s.window)]
        if mode == "max":
            assert s.value == real.max()
            assert s.argmax is not None
            r, c = s.argmax
            assert r in s.rows and c in s.cols
            assert s.window[s.rows.index(r), s.cols.index(c)] == s.value
        else:
            assert s.argmax is None
            assert s.value == pytest.approx(real.mean(), rel=1e-6)
    with pytest.raises(IndexError):
        trace.step(len(trace))
