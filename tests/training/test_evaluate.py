"""Test-set evaluation from probabilities (numpy only, no TensorFlow)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tui_convnet.training.evaluate import evaluation_from_probabilities


def _probs(rows: list[list[float]]) -> np.ndarray:
    return np.array(rows, dtype=np.float64)


def test_loss_accuracy_confusion_and_order() -> None:
    eye = np.eye(10)
    labels = np.array([0, 1, 2, 3, 3])
    # right, right, wrong (says 5 at 0.9), right, wrong (says 4 at 0.6)
    p = np.stack(
        [
            0.8 * eye[0] + 0.2 * eye[1],
            eye[1],
            0.9 * eye[5] + 0.1 * eye[2],
            0.7 * eye[3] + 0.3 * eye[4],
            0.6 * eye[4] + 0.4 * eye[3],
        ]
    )
    ev = evaluation_from_probabilities(p, labels)
    expected_loss = -np.mean(np.log([0.8, 1 - 1e-7, 0.1, 0.7, 0.4]))
    assert ev.loss == pytest.approx(expected_loss, rel=1e-6)
    assert ev.accuracy == pytest.approx(3 / 5)
    assert ev.samples == 5 and ev.misclassified == 2
    assert ev.confusion.sum() == 5
    assert ev.confusion[2, 5] == 1 and ev.confusion[3, 4] == 1 and ev.confusion[3, 3] == 1
    assert ev.per_class_accuracy[3] == pytest.approx(0.5)
    assert ev.per_class_accuracy[2] == 0.0
    assert math.isnan(ev.per_class_accuracy[7])  # no 7 in the test set
    # Misclassified first, the most confident mistake first, then the correct ones in order.
    assert ev.order.tolist() == [2, 4, 0, 1, 3]
    d = ev.to_dict()
    assert d["per_class_accuracy"][7] is None and d["confusion_matrix"][2][5] == 1


def test_bad_shapes_are_refused_with_the_received_value() -> None:
    with pytest.raises(ValueError, match=r"Received: probabilities.shape=\(3, 9\)"):
        evaluation_from_probabilities(np.ones((3, 9)), np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match=r"labels\.shape"):
        evaluation_from_probabilities(np.ones((3, 10)), np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match="must not be empty"):
        evaluation_from_probabilities(np.ones((0, 10)), np.zeros(0, dtype=int))


def test_labels_beyond_the_models_classes_are_refused_with_the_range() -> None:
    """A model of 5 classes evaluated on MNIST's labels 0-9 was an IndexError deep in numpy."""
    p = np.full((3, 5), 0.2, dtype=np.float32)
    with pytest.raises(
        ValueError, match=r"tells 5 classes apart, the test labels must be 0 to 4. Received: labels from 0 to 9"
    ):
        evaluation_from_probabilities(p, np.array([0, 4, 9]), 5)
