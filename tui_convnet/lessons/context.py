"""What the lessons compute on: a digit (the model is :class:`tui_convnet.model.model.Model`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core._validate import fail


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
