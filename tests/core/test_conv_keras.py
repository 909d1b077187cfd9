"""``conv2d`` against ``keras.layers.Conv2D`` given the same weights.

The sweep covers 'valid'/'same' padding, strides 1-3, dilation 1-2 (Keras
refuses strides > 1 together with dilation > 1, so those pairs are left
out), non-square kernels, inputs, strides and dilations, 1-4 input
channels, several kernels, and a batch.  One layer is built per
configuration; every comparison holds to 1e-5.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import pytest

from tests.core.core_testing import assert_close
from tui_convnet.core import conv2d, conv_geometry

pytestmark = pytest.mark.keras

#: (padding, strides, dilation_rate): every legal combination of the sweep.
SETTINGS = [
    (padding, stride, dilation)
    for padding in ("valid", "same")
    for stride in (1, 2, 3)
    for dilation in (1, 2)
    if stride == 1 or dilation == 1
]

#: (input H x W, kernel kh x kw, C_in, C_out)
SHAPES = [
    ((7, 7), (3, 3), 1, 2),
    ((6, 9), (2, 3), 3, 4),
    ((9, 5), (3, 1), 4, 3),
    ((8, 10), (1, 2), 2, 5),
]


def _random_case(
    rng: np.random.Generator, shape: tuple[tuple[int, int], tuple[int, int], int, int], batch: int = 2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    (h, w), (kh, kw), cin, cout = shape
    x = rng.standard_normal((batch, h, w, cin)).astype("float32")
    kernels = rng.standard_normal((kh, kw, cin, cout)).astype("float32")
    bias = rng.standard_normal(cout).astype("float32")
    return x, kernels, bias


def _keras_conv(keras: ModuleType, x: np.ndarray, kernels: np.ndarray, bias: np.ndarray, **config: Any) -> np.ndarray:
    kh, kw, _cin, cout = kernels.shape
    layer = keras.layers.Conv2D(cout, (kh, kw), **config)
    layer.build((None, *x.shape[1:]))
    layer.set_weights([kernels, bias])
    return np.asarray(keras.ops.convert_to_numpy(layer(x)))


@pytest.mark.parametrize("padding,stride,dilation", SETTINGS, ids=lambda v: str(v))
def test_conv2d_matches_keras_conv2d(
    keras: ModuleType,
    rng: np.random.Generator,
    padding: str | int | tuple[int, int],
    stride: int | tuple[int, int],
    dilation: int | tuple[int, int],
) -> None:
    for shape in SHAPES:
        x, kernels, bias = _random_case(rng, shape)
        expected = _keras_conv(keras, x, kernels, bias, strides=stride, padding=padding, dilation_rate=dilation)
        got = conv2d(x, kernels, bias, stride=stride, padding=padding, dilation=dilation)
        assert got.dtype == np.float32
        assert_close(got, expected, err_msg=f"shape={shape}")
        # One image at a time gives the same as the batch.
        assert_close(conv2d(x[1], kernels, bias, stride=stride, padding=padding, dilation=dilation), expected[1])


@pytest.mark.parametrize(
    "padding,stride,dilation",
    [
        ("valid", (1, 2), 1),
        ("same", (3, 2), 1),
        ("same", (2, 1), 1),
        ("valid", 1, (2, 1)),
        ("same", 1, (1, 2)),
        ("same", 1, (2, 2)),
    ],
    ids=lambda v: str(v),
)
def test_conv2d_non_square_strides_and_dilations(
    keras: ModuleType,
    rng: np.random.Generator,
    padding: str,
    stride: tuple[int, ...] | int,
    dilation: int | tuple[int, ...],
) -> None:
    for shape in (((7, 11), (3, 2), 3, 2), ((10, 6), (2, 3), 1, 4)):
        x, kernels, bias = _random_case(rng, shape, batch=3)
        expected = _keras_conv(keras, x, kernels, bias, strides=stride, padding=padding, dilation_rate=dilation)
        assert_close(conv2d(x, kernels, bias, stride=stride, padding=padding, dilation=dilation), expected)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "softmax", "linear"])
def test_conv2d_activation_matches_keras(keras: ModuleType, rng: np.random.Generator, activation: str) -> None:
    x, kernels, bias = _random_case(rng, ((6, 7), (3, 3), 2, 4))
    expected = _keras_conv(keras, x, kernels, bias, padding="same", activation=activation)
    assert_close(conv2d(x, kernels, bias, padding="same", activation=activation), expected)


@pytest.mark.parametrize(
    "padding,stride,dilation",
    [(1, 1, 1), (2, 2, 1), ((2, 1), 1, 2), ((0, 1), 3, 1), ((1, 3), (2, 1), 1)],
    ids=lambda v: str(v),
)
def test_int_padding_matches_zero_padding_then_valid_conv(
    keras: ModuleType,
    rng: np.random.Generator,
    padding: int | tuple[int, ...],
    stride: int | tuple[int, ...],
    dilation: int,
) -> None:
    x, kernels, bias = _random_case(rng, ((5, 6), (3, 2), 3, 2))
    pad = (padding, padding) if isinstance(padding, int) else padding
    padded = keras.layers.ZeroPadding2D(pad)(x)
    expected = _keras_conv(
        keras,
        keras.ops.convert_to_numpy(padded),
        kernels,
        bias,
        strides=stride,
        padding="valid",
        dilation_rate=dilation,
    )
    assert_close(conv2d(x, kernels, bias, stride=stride, padding=padding, dilation=dilation), expected)


@pytest.mark.parametrize("n,k,s", [(6, 3, 2), (7, 2, 3), (5, 4, 1), (8, 1, 3), (1, 3, 1)])
def test_same_padding_places_the_extra_cell_like_keras(keras: ModuleType, n: int, k: int, s: int) -> None:
    """A one-hot input finds exactly where Keras reads the padded input from."""
    x = np.zeros((n * n, n, n, 1), dtype="float32")
    for i in range(n * n):
        x[i, i // n, i % n, 0] = 1.0
    # A kernel whose cells are 1, 2, 3, ... tells which cell met the one.
    kernels = np.arange(1, k * k + 1, dtype="float32").reshape(k, k, 1, 1)
    bias = np.zeros(1, dtype="float32")
    expected = _keras_conv(keras, x, kernels, bias, strides=s, padding="same")
    got = conv2d(x, kernels, bias, stride=s, padding="same")
    np.testing.assert_array_equal(got, expected)
    g = conv_geometry((n, n, 1), kernels.shape, stride=s, padding="same")
    assert g.out_shape[:2] == (-(-n // s), -(-n // s))
