"""The lecture's ConvNet with fixed weights, shared by the inspect tests (imported by path from tests/ui too).

The weights come from a seeded numpy generator (He-normal kernels, small
biases), never from training: they are the same on every machine, so what
the tests and snapshots show does not depend on TensorFlow's float rounding.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tui_convnet.core import Conv2DSpec, DenseSpec, infer_shapes, mnist_convnet


def fixed_weights(spec: Any = None, seed: int = 0) -> list[np.ndarray]:
    """A kernel and a bias (float32) for every layer with weights, in ``model.get_weights()`` order."""
    spec = spec or mnist_convnet()
    rng = np.random.default_rng(seed)
    weights: list[np.ndarray] = []
    for info in infer_shapes(spec):
        layer = info.spec
        if isinstance(layer, Conv2DSpec):
            kh, kw = layer.kernel_size
            fan_in = kh * kw * info.input_shape[-1]
            shape: tuple[int, ...] = (kh, kw, info.input_shape[-1], layer.filters)
            units = layer.filters
        elif isinstance(layer, DenseSpec):
            fan_in = int(np.prod(info.input_shape))
            shape, units = (fan_in, layer.units), layer.units
        else:
            continue
        weights.append(rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape).astype(np.float32))
        weights.append(rng.normal(0.0, 0.05, size=units).astype(np.float32))
    return weights


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
