"""The running-maximum path of ``pool2d`` (added for the forward benchmark) equals the window reduction."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tui_convnet.core import pool2d
from tui_convnet.core.pooling import _max_over_offsets, _windows, pool_geometry


@pytest.mark.parametrize(
    "shape, size, stride",
    [
        ((2, 26, 26, 32), (2, 2), (2, 2)),  # the seed model's first pooling
        ((3, 11, 11, 64), (2, 2), (2, 2)),  # odd side: the last row and column are dropped
        ((1, 9, 7, 3), (3, 3), (2, 2)),  # overlapping windows
        ((2, 8, 9, 2), (2, 3), (1, 2)),  # rectangular window, mixed strides
        ((1, 5, 5, 1), (5, 5), (1, 1)),  # one window
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_running_maximum_equals_window_maximum(
    shape: tuple[int, ...], size: tuple[int, ...], stride: tuple[int, ...], dtype: type[np.number[Any]]
) -> None:
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(shape) * 10).astype(dtype)
    g = pool_geometry(x.shape[1:], size, stride, "valid")
    expected = _windows(x, g).max(axis=(3, 4))
    got = _max_over_offsets(x, g)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(pool2d(x, size, stride, "max"), expected)
    np.testing.assert_array_equal(pool2d(x[0], size, stride, "max"), expected[0])


def test_nan_propagates_like_the_window_maximum() -> None:
    # pool2d refuses NaN inputs; the helper itself still behaves as the window reduction does.
    x = np.zeros((1, 4, 4, 1), np.float32)
    x[0, 1, 1, 0] = np.nan
    g = pool_geometry(x.shape[1:], 2, 2, "valid")
    np.testing.assert_array_equal(_max_over_offsets(x, g), _windows(x, g).max(axis=(3, 4)))


def test_input_is_not_modified() -> None:
    x = np.arange(2 * 6 * 6 * 3, dtype=np.float32).reshape(2, 6, 6, 3)
    before = x.copy()
    pool2d(x, 2)
    np.testing.assert_array_equal(x, before)
