"""What the lessons compute on: the lecture's model with some weights, and a digit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ..core import ForwardPass, ModelSpec, forward_pass, mnist_convnet, seeded_weights, weight_shapes
from ..core._validate import fail


@dataclass(frozen=True, eq=False)
class LessonModel:
    """The lecture's model (or any spec) with its weights and what to call them on screen."""

    spec: ModelSpec
    weights: tuple[np.ndarray, ...]
    label: str  # e.g. "untrained: Keras' default initialisation, seed 0"
    trained: bool

    @cached_property
    def forward(self) -> ForwardPass:
        """The model's forward pass, its spec and weights checked once (a lesson runs it digit after digit)."""
        return forward_pass(self.spec, list(self.weights))

    def layer_outputs(self, digit: np.ndarray) -> list[np.ndarray]:
        """Every layer's output for one digit ``(H, W)`` in [0, 1]."""
        x = digit[:, :, None] if digit.ndim == 2 else digit
        return list(self.forward(x.astype(np.float32), intermediates=True))


def seeded_model(seed: int = 0) -> LessonModel:
    """The lecture's model with Keras' default initialisation drawn from ``seed``: it has not learned anything."""
    spec = mnist_convnet()
    return LessonModel(
        spec, tuple(seeded_weights(spec, seed)), f"untrained model (Keras' default initialisation, seed {seed})", False
    )


def trained_model(spec: ModelSpec, weights: Sequence[Any], label: str) -> LessonModel:
    """A trained model's weights (the flat ``get_weights()`` list), checked against ``spec``."""
    arrays = tuple(np.asarray(w, dtype=np.float32) for w in weights)
    expected = weight_shapes(spec)
    if [a.shape for a in arrays] != expected:
        raise fail("The weights do not fit the model", **{"shapes": [a.shape for a in arrays], "expected": expected})
    return LessonModel(spec, arrays, label, True)


@dataclass(frozen=True, eq=False)
class Digit:
    """One digit, ``(28, 28)`` floats in [0, 1], with its label and where it comes from."""

    image: np.ndarray
    label: int
    name: str  # "test digit 0 (a 7)"


def digit_from_uint8(image: Any, label: int, name: str) -> Digit:
    arr = np.asarray(image)
    if arr.ndim != 2:
        raise fail("A digit must be a 2-D image", **{"image.shape": arr.shape})
    return Digit(arr.astype(np.float32) / (255.0 if arr.dtype == np.uint8 else 1.0), int(label), name)
