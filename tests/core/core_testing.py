"""Helpers for the core tests (imported as ``from tests.core.core_testing import ...``): comparing arrays, a
plain convolution, and narrowing an example to its kind."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tui_convnet.core import ConvExample, Example, ModelExample, PoolExample
from tui_convnet.core.arrays import Array

#: conv2d / pool2d / forward must match Keras to this (absolute and relative).
TOL = 1e-5


def assert_close(actual: npt.ArrayLike, expected: npt.ArrayLike, *, tol: float = TOL, err_msg: str = "") -> None:
    """``|actual − expected| <= tol + tol·|expected|`` everywhere, shapes equal."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"{err_msg} shape {actual.shape} != {expected.shape}"
    np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol, err_msg=err_msg)


def reference_conv2d(
    x: npt.ArrayLike,
    kernels: npt.ArrayLike,
    bias: npt.ArrayLike,
    stride: tuple[int, int],
    pads: tuple[int, int, int, int],
    dilation: tuple[int, int],
) -> Array:
    """A deliberately plain convolution: zero-pad by ``pads`` = (top, bottom, left, right), then
    one dot product per output cell and kernel, in float64."""
    x = np.asarray(x, dtype=np.float64)
    kernels = np.asarray(kernels, dtype=np.float64)
    bias = np.asarray(bias, dtype=np.float64)
    top, bottom, left, right = pads
    xp = np.zeros((x.shape[0] + top + bottom, x.shape[1] + left + right, x.shape[2]))
    xp[top : top + x.shape[0], left : left + x.shape[1]] = x
    kh, kw, _, cout = kernels.shape
    (sh, sw), (dh, dw) = stride, dilation
    oh = (xp.shape[0] - (dh * (kh - 1) + 1)) // sh + 1
    ow = (xp.shape[1] - (dw * (kw - 1) + 1)) // sw + 1
    out = np.zeros((oh, ow, cout))
    for i in range(oh):
        for j in range(ow):
            window = xp[i * sh : i * sh + dh * (kh - 1) + 1 : dh, j * sw : j * sw + dw * (kw - 1) + 1 : dw]
            for k in range(cout):
                out[i, j, k] = np.sum(window * kernels[:, :, :, k]) + bias[k]
    return out


def conv_example(example: Example) -> ConvExample:
    """``example``, which must be a convolution (a test's bundled or built example)."""
    assert isinstance(example, ConvExample), f"{example.key} is not a convolution"
    return example


def pool_example(example: Example) -> PoolExample:
    """``example``, which must be a pooling example."""
    assert isinstance(example, PoolExample), f"{example.key} is not a pooling"
    return example


def model_example(example: Example) -> ModelExample:
    """``example``, which must be a model (layer stack) example."""
    assert isinstance(example, ModelExample), f"{example.key} is not a model"
    return example
