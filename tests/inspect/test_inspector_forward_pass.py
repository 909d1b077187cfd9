"""The inspector checks its model once, when it is loaded, and then runs the same numbers as ``forward``
(without TensorFlow: a spec and numpy weights)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pytest

from tui_convnet.core import forward, mnist_convnet, seeded_weights
from tui_convnet.data.mnist import to_model_inputs
from tui_convnet.training.inspector import NUMPY_BATCH, InspectError, ModelInspector
from tui_convnet.training.protocol import ModelRef

if TYPE_CHECKING:
    from tui_convnet.data.mnist import MnistData


@pytest.fixture(scope="module")
def numpy_model() -> ModelRef:
    spec = mnist_convnet()
    rng = np.random.default_rng(5)
    weights = [w if w.ndim > 1 else rng.uniform(-0.2, 0.2, w.shape).astype(np.float32) for w in seeded_weights(spec, 1)]
    return ModelRef(spec, tuple(weights))


def test_numpy_layers_and_probabilities_are_forwards_numbers(numpy_model: ModelRef, sample: MnistData) -> None:
    inspector = ModelInspector(numpy_model)
    digit = sample.x_test[7]
    expected = forward(numpy_model.spec, list(numpy_model.weights), inspector.model_input(digit), intermediates=True)
    got = inspector.numpy_layers(digit)
    assert len(got) == len(expected) == 8
    for a, b in zip(got, expected, strict=True):
        assert a.dtype == b.dtype == np.float32
        np.testing.assert_array_equal(a, b)
    # Whole batches as the inspector cuts them: a product's rounding may depend on the batch's size (BLAS
    # blocks a matrix by its shape), so each batch is compared with ``forward`` on the same digits.
    digits = sample.x_test[: 2 * NUMPY_BATCH + 6]  # two full batches and a short one
    by_batches = inspector.probabilities(digits, "numpy")
    for start in range(0, len(digits), NUMPY_BATCH):
        batch = digits[start : start + NUMPY_BATCH]
        expected_batch = forward(numpy_model.spec, list(numpy_model.weights), to_model_inputs(batch))
        np.testing.assert_array_equal(by_batches[start : start + NUMPY_BATCH], expected_batch)


def test_weights_are_checked_when_the_model_is_loaded(numpy_model: ModelRef) -> None:
    weights = list(numpy_model.weights)
    weights[4] = np.zeros((3, 3, 64, 65), np.float32)
    with pytest.raises(InspectError, match=re.escape("Weights of layer conv2d_2 have the wrong shape")):
        ModelInspector(ModelRef(numpy_model.spec, tuple(weights)))
    weights = list(numpy_model.weights)
    weights[1] = np.full(32, np.inf, np.float32)
    with pytest.raises(InspectError, match=re.escape("`conv2d bias` must contain only finite numbers")):
        ModelInspector(ModelRef(numpy_model.spec, tuple(weights)))


def test_a_digit_is_still_checked_on_every_key_press(numpy_model: ModelRef) -> None:
    inspector = ModelInspector(numpy_model)
    digit = np.zeros((28, 28))
    digit[4, 4] = np.nan
    with pytest.raises(ValueError, match=re.escape("`x` must contain only finite numbers")):
        inspector.numpy_layers(digit)
    with pytest.raises(
        InspectError, match=re.escape("A digit must have shape (28, 28). Received: digit.shape=(28, 27)")
    ):
        inspector.numpy_layers(np.zeros((28, 27), np.uint8))
