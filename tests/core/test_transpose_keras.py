"""``conv2d_transpose`` against ``keras.layers.Conv2DTranspose`` given the same kernel and bias.

The sweep covers 'valid' and 'same' padding, strides 1-3 (and non-square
strides), kernels smaller than, equal to and larger than the stride,
non-square inputs and kernels, 1-3 input and output channels, and a batch.
One layer per configuration; every comparison holds to 1e-5.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import pytest

from tests.core.core_testing import assert_close
from tui_convnet.core import conv2d_transpose, conv_transpose_output_size

pytestmark = pytest.mark.keras

#: (input H x W, kernel kh x kw, C_in, C_out)
SHAPES = [
    ((4, 4), (3, 3), 1, 2),
    ((3, 5), (2, 3), 2, 3),
    ((5, 3), (1, 2), 3, 1),
    ((2, 2), (4, 4), 1, 1),
]


def _keras_transpose(
    keras: ModuleType, x: np.ndarray, kernels: np.ndarray, bias: np.ndarray, **config: Any
) -> np.ndarray:
    kh, kw, cout, _cin = kernels.shape
    layer = keras.layers.Conv2DTranspose(cout, (kh, kw), **config)
    layer.build((None, *x.shape[1:]))
    layer.set_weights([kernels, bias])
    return np.asarray(keras.ops.convert_to_numpy(layer(x)))


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("stride", [1, 2, 3, (1, 2), (3, 1)], ids=str)
def test_conv2d_transpose_matches_keras(
    keras: ModuleType, rng: np.random.Generator, padding: str, stride: int | tuple[int, ...]
) -> None:
    for (h, w), (kh, kw), cin, cout in SHAPES:
        x = rng.standard_normal((2, h, w, cin)).astype("float32")
        kernels = rng.standard_normal((kh, kw, cout, cin)).astype("float32")
        bias = rng.standard_normal(cout).astype("float32")
        expected = _keras_transpose(keras, x, kernels, bias, strides=stride, padding=padding)
        got = conv2d_transpose(x, kernels, bias, stride=stride, padding=padding)
        assert got.dtype == np.float32
        assert_close(got, expected, err_msg=f"shape={(h, w, kh, kw, cin, cout)}")
        sh, sw = (stride, stride) if isinstance(stride, int) else stride
        assert got.shape[1:3] == (
            conv_transpose_output_size(h, kh, sh, padding),
            conv_transpose_output_size(w, kw, sw, padding),
        )
        # One image at a time gives the same as the batch.
        assert_close(conv2d_transpose(x[1], kernels, bias, stride=stride, padding=padding), expected[1])
