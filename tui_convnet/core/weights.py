"""Weight shapes of a spec and a reproducible set of weights for it.

The lessons need a model that computes something before any training: when
no trained model is at hand they use :func:`seeded_weights`, Keras' default
initialisation (Glorot-uniform kernels, zero biases) drawn from a seeded
numpy generator, in the flat order of ``model.get_weights()``.
"""

from __future__ import annotations

import numpy as np

from ._validate import fail
from .model import Conv2DSpec, DenseSpec, ModelSpec, infer_shapes


def weight_shapes(spec: ModelSpec) -> list[tuple[int, ...]]:
    """Shapes of ``model.get_weights()``: kernel then bias of each Conv2D and Dense layer."""
    shapes: list[tuple[int, ...]] = []
    for info in infer_shapes(spec):
        if isinstance(info.spec, Conv2DSpec):
            kernel: tuple[int, ...] = (*info.spec.kernel_size, info.input_shape[2], info.spec.filters)
        elif isinstance(info.spec, DenseSpec):
            kernel = (info.input_shape[0], info.spec.units)
        else:
            continue
        shapes += [kernel, (kernel[-1],)]
    return shapes


def seeded_weights(spec: ModelSpec, seed: int = 0) -> list[np.ndarray]:
    """Glorot-uniform kernels and zero biases (Keras' defaults) from ``default_rng(seed)``, float32."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise fail("`seed` must be an integer >= 0", seed=seed)
    rng = np.random.default_rng(int(seed))
    out: list[np.ndarray] = []
    for shape in weight_shapes(spec):
        if len(shape) == 1:
            out.append(np.zeros(shape, dtype=np.float32))
            continue
        receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
        fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        out.append(rng.uniform(-limit, limit, shape).astype(np.float32))
    return out


__all__ = ["seeded_weights", "weight_shapes"]
