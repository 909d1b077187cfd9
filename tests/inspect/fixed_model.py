"""The lecture's ConvNet with fixed weights, shared by the inspect tests (imported by path from tests/ui too).

The weights come from a seeded numpy generator (:func:`tui_convnet.core.seeded_weights`),
never from training: they are the same on every machine, so what
the tests and snapshots show does not depend on TensorFlow's float rounding.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tui_convnet.core import mnist_convnet, seeded_weights


def fixed_weights(spec: Any = None, seed: int = 0) -> list[np.ndarray]:
    """A kernel and a bias (float32) for every layer with weights, in ``model.get_weights()`` order:
    Keras' initial distribution (Glorot uniform, zero biases) drawn from a numpy seed."""
    return seeded_weights(spec or mnist_convnet(), seed)


def fixed_numpy_model(seed: int = 0) -> Any:
    """The model as the numpy engine sees it (no TensorFlow)."""
    from tui_convnet.training.inspector import NumpyModel

    spec = mnist_convnet()
    return NumpyModel(spec, tuple(fixed_weights(spec, seed)), spec.name)


def fixed_keras_model(seed: int = 0, dropout: float | None = None) -> Any:
    """The same weights in a real Keras model (built from the spec, then ``set_weights``)."""
    from tui_convnet.training.model import build_model

    spec = mnist_convnet(dropout)
    model = build_model(spec, seed=seed)
    model.set_weights(fixed_weights(spec, seed))
    return model


def save_fixed_model(folder: Path, seed: int = 0) -> Path:
    """Save :func:`fixed_keras_model` to ``folder/fixed.keras``; returns the path."""
    from tui_convnet.training.model import save_model_atomic

    return save_model_atomic(fixed_keras_model(seed), Path(folder) / "fixed.keras")
