"""``pool2d`` against ``keras.layers.MaxPooling2D`` / ``AveragePooling2D``."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

from tests.core.core_testing import assert_close
from tui_convnet.core import pool2d

pytestmark = pytest.mark.keras

LAYERS = {"max": "MaxPooling2D", "avg": "AveragePooling2D"}


def _keras_pool(
    keras: ModuleType,
    x: np.ndarray,
    mode: str,
    size: int | tuple[int, ...],
    stride: int | tuple[int, ...] | None,
    padding: str,
) -> np.ndarray:
    layer = getattr(keras.layers, LAYERS[mode])(pool_size=size, strides=stride, padding=padding)
    return np.asarray(keras.ops.convert_to_numpy(layer(x)))


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("size", [2, 3])
def test_pool2d_matches_keras(keras: ModuleType, rng: np.random.Generator, mode: str, padding: str, size: int) -> None:
    # Odd, non-square inputs: the last window of a row is cut short ('same')
    # or dropped ('valid').
    x = rng.standard_normal((2, 7, 9, 3)).astype("float32")
    for stride in (1, 2, 3):
        expected = _keras_pool(keras, x, mode, size, stride, padding)
        got = pool2d(x, size, stride, mode, padding)
        assert got.dtype == np.float32
        assert_close(got, expected, err_msg=f"stride={stride}")
        assert_close(pool2d(x[0], size, stride, mode, padding), expected[0])


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize(
    "size,stride,padding", [((2, 3), None, "valid"), ((3, 2), (1, 2), "same"), ((2, 2), (3, 1), "same")]
)
def test_pool2d_non_square_windows_and_default_stride(
    keras: ModuleType,
    rng: np.random.Generator,
    mode: str,
    size: tuple[int, ...],
    stride: tuple[int, ...] | None,
    padding: str,
) -> None:
    x = rng.standard_normal((2, 5, 6, 2)).astype("float32")
    expected = _keras_pool(keras, x, mode, size, stride, padding)
    assert_close(pool2d(x, size, stride, mode, padding), expected)


def test_same_average_does_not_count_padding(keras: ModuleType) -> None:
    """TensorFlow averages only the real cells of a window that hangs over the edge."""
    x = np.full((1, 3, 3, 1), 6.0, dtype="float32")
    expected = _keras_pool(keras, x, "avg", 2, 2, "same")
    np.testing.assert_array_equal(expected, np.full((1, 2, 2, 1), 6.0))
    np.testing.assert_array_equal(pool2d(x, 2, 2, "avg", "same"), expected)


def test_same_max_of_negative_values_ignores_padding(keras: ModuleType) -> None:
    """Padding never wins a max, even when every real value is negative."""
    x = -np.arange(1, 10, dtype="float32").reshape(1, 3, 3, 1)
    expected = _keras_pool(keras, x, "max", 2, 2, "same")
    np.testing.assert_array_equal(pool2d(x, 2, 2, "max", "same"), expected)
    assert expected.max() < 0
