"""The slides' data preparation on a real digit: shapes, dtypes and ranges before and after each line."""

from __future__ import annotations

import numpy as np
import pytest

from tui_convnet.data import load_sample
from tui_convnet.teach.data_prep import batches, data_preparation

DATA = load_sample()


def test_three_steps_on_the_bundled_sample():
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
def test_the_steps_match_keras_to_categorical():
    from keras.utils import to_categorical

    from tui_convnet.teach.data_prep import to_categorical as ours

    y = DATA.y_train[:300]
    assert ours(y).dtype == to_categorical(y).dtype
    assert np.array_equal(ours(y), to_categorical(y))


def test_batch_shapes_of_the_whole_set():
    assert batches(60000).text.endswith("images (64, 28, 28, 1), labels (64, 10); the last holds 32")
    assert batches(60000).count == 938 and batches(5000, 100).last == 100
    with pytest.raises(ValueError):
        data_preparation(DATA.x_train, DATA.y_train, 5000)
