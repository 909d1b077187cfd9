"""Test-set evaluation: loss, accuracy, confusion matrix, per-class accuracy, predictions.

:class:`Evaluation` is the one result type for a test set, whoever computed
the probabilities (Keras' ``predict`` after training, or the numpy engine in
``convnet-tui predict`` and on the inspect screen).  The loss is Keras'
categorical cross-entropy computed from those probabilities (same clipping).

Nothing here imports Keras or another module of :mod:`tui_convnet.training`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..data.mnist import to_model_inputs

_EPSILON = 1e-7  # keras.config.epsilon()
ENGINES = ("numpy", "keras")


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int = 10) -> np.ndarray:
    """Counts ``(classes, classes)``: rows are true labels, columns predictions."""
    m = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(m, (np.asarray(labels, dtype=np.int64), np.asarray(predicted, dtype=np.int64)), 1)
    return m


@dataclass(frozen=True, eq=False)
class Evaluation:
    loss: float
    accuracy: float
    labels: np.ndarray  # (N,) true labels
    predicted: np.ndarray  # (N,) predicted labels
    confidence: np.ndarray  # (N,) probability of the predicted label
    confusion: np.ndarray  # (10, 10) int: rows true label, columns predicted
    per_class_accuracy: np.ndarray  # (10,) float, NaN for a class absent from the test set
    order: np.ndarray  # test indices, misclassified first (most confident mistakes first), then correct
    engine: str = "keras"  # who computed the probabilities: "keras" or "numpy"
    seconds: float = 0.0  # how long computing them took

    @property
    def samples(self) -> int:
        return len(self.labels)

    @property
    def misclassified(self) -> int:
        return int(np.count_nonzero(self.predicted != self.labels))

    def indices(self, true: int, predicted: int) -> np.ndarray:
        """The test indices with label ``true`` predicted as ``predicted`` (one confusion-matrix cell),
        in the order of :attr:`order`."""
        keep = (self.labels[self.order] == true) & (self.predicted[self.order] == predicted)
        return np.asarray(self.order[keep])

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "test_loss": self.loss,
            "test_accuracy": self.accuracy,
            "test_samples": self.samples,
            "misclassified": self.misclassified,
            "per_class_accuracy": [None if np.isnan(a) else round(float(a), 6) for a in self.per_class_accuracy],
            "confusion_matrix": self.confusion.tolist(),
            "seconds": round(self.seconds, 3),
        }


def evaluation_from_probabilities(
    probabilities: np.ndarray,
    labels: np.ndarray,
    classes: int = 10,
    *,
    engine: str = "keras",
    seconds: float = 0.0,
) -> Evaluation:
    """Everything :class:`Evaluation` holds, from softmax outputs ``(N, classes)`` and labels ``(N,)``."""
    if engine not in ENGINES:
        raise ValueError(f"Unknown engine. Expected one of {', '.join(ENGINES)}. Received: engine={engine!r}")
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(labels).astype(np.int64)
    if p.ndim != 2 or p.shape[1] != classes:
        raise ValueError(f"Probabilities must have shape (N, {classes}). Received: probabilities.shape={p.shape}")
    if y.shape != (len(p),):
        raise ValueError(f"One label per prediction is needed ({len(p)}). Received: labels.shape={y.shape}")
    if len(y) == 0:
        raise ValueError("The test set must not be empty. Received: test_samples=0")
    if y.min() < 0 or y.max() >= classes:
        raise ValueError(
            f"This model tells {classes} classes apart, the test labels must be 0 to {classes - 1}. "
            f"Received: labels from {y.min()} to {y.max()}"
        )
    # Keras' categorical cross-entropy: normalise, clip to [eps, 1-eps], -log p[true].
    p_norm = p / np.sum(p, axis=1, keepdims=True)
    p_true = np.clip(p_norm[np.arange(len(y)), y], _EPSILON, 1 - _EPSILON)
    loss = float(np.mean(-np.log(p_true)))
    predicted = np.argmax(p, axis=1)
    confidence = p[np.arange(len(y)), predicted]
    correct = predicted == y
    confusion = confusion_matrix(y, predicted, classes)
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.where(totals > 0, np.diag(confusion) / np.maximum(totals, 1), np.nan)
    wrong_idx = np.flatnonzero(~correct)
    right_idx = np.flatnonzero(correct)
    wrong_idx = wrong_idx[np.argsort(-confidence[wrong_idx], kind="stable")]
    return Evaluation(
        loss=loss,
        accuracy=float(np.mean(correct)),
        labels=y,
        predicted=predicted,
        confidence=confidence,
        confusion=confusion,
        per_class_accuracy=per_class,
        order=np.concatenate([wrong_idx, right_idx]),
        engine=engine,
        seconds=seconds,
    )


def evaluate_model(model: Any, x_test: np.ndarray, y_test: np.ndarray, *, batch_size: int = 500) -> Evaluation:
    """Evaluate a compiled or uncompiled Keras model on uint8 test digits ``(N, 28, 28)``."""
    x = to_model_inputs(x_test) if x_test.dtype == np.uint8 else np.asarray(x_test, dtype="float32")
    if x.ndim == 3:
        x = x[..., None]
    start = time.perf_counter()
    probabilities = model.predict(x, batch_size=batch_size, verbose=0)
    classes = int(np.shape(probabilities)[1])  # 10 digits, or another dataset's classes
    return evaluation_from_probabilities(probabilities, y_test, classes, seconds=time.perf_counter() - start)
