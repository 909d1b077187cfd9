"""The slides' data preparation on a real digit: shapes, dtypes and ranges before and after each line."""

from __future__ import annotations

import numpy as np
import pytest

from tui_convnet.data.mnist import load_sample
from tui_convnet.teach.data_prep import batches, data_preparation

DATA = load_sample()


def test_three_steps_on_the_bundled_sample() -> None:
    reshape, scale, labels = data_preparation(DATA.x_train, DATA.y_train, 0)
    assert reshape.code == "train_images = train_images.reshape((5000, 28, 28, 1))"
    assert reshape.before.text == "shape (5000, 28, 28), uint8, values 0–255"
    assert reshape.after.text == "shape (5000, 28, 28, 1), uint8, values 0–255"
    assert scale.after.text == "shape (5000, 28, 28, 1), float32, values 0.0–1.0"
    r, c = np.unravel_index(np.argmax(DATA.x_train[0]), (28, 28))
    raw = int(DATA.x_train[0, r, c])
    assert scale.digit == f"pixel [{r},{c}]: {raw} → {raw} / 255 = {raw / 255:.4f}"
    label = int(DATA.y_train[0])
    assert labels.before.text == "shape (5000,), uint8, values 0–9"
    assert labels.after.text == "shape (5000, 10), float64, values 0.0–1.0"
    vector = ["0"] * 10
    vector[label] = "1"
    assert labels.digit == f"label {label} → [{', '.join(vector)}]"


@pytest.mark.keras
def test_the_steps_match_keras_to_categorical() -> None:
    from keras.utils import to_categorical

    from tui_convnet.teach.data_prep import to_categorical as ours

    y = DATA.y_train[:300]
    assert ours(y).dtype == to_categorical(y).dtype
    assert np.array_equal(ours(y), to_categorical(y))


def test_batch_shapes_of_the_whole_set() -> None:
    assert batches(60000).text.endswith("images (64, 28, 28, 1), labels (64, 10); the last holds 32")
    assert batches(60000).count == 938 and batches(5000, 100).last == 100
    with pytest.raises(ValueError):
        data_preparation(DATA.x_train, DATA.y_train, 5000)


def test_the_pixels_followed_through_the_scaling() -> None:
    from tui_convnet.teach.data_prep import pixel_row

    image = DATA.x_train[0]
    row = pixel_row(image, 5)
    r, c = np.unravel_index(np.argmax(image), (28, 28))
    assert row.row == r and row.first <= c < row.first + 5 and len(row.raw) == 5
    assert row.raw == tuple(int(v) for v in image[r, row.first : row.first + 5])
    assert row.scaled == tuple(float(np.float32(v) / np.float32(255)) for v in row.raw)
    edge = np.zeros((28, 28), np.uint8)
    edge[3, 27] = 200  # at the right edge the five pixels stay inside the image
    assert pixel_row(edge, 5).first == 23 and pixel_row(edge, 5).raw[-1] == 200
    with pytest.raises(ValueError, match="Expected one uint8 digit"):
        pixel_row(image.astype(np.float32))


def test_the_scaled_range_is_the_one_numpy_gives_without_a_float_copy_of_the_set() -> None:
    x = np.array([[[3, 255], [17, 128]]], np.uint8)
    _, scale, _ = data_preparation(x, np.array([4], np.uint8), 0)
    scaled = x.reshape((1, 2, 2, 1)).astype("float32") / 255
    assert (scale.after.low, scale.after.high) == (float(scaled.min()), float(scaled.max()))
    assert scale.after.dtype == str(scaled.dtype) and scale.after.shape == scaled.shape
