"""Dropout, as Keras' ``Dropout(rate)`` computes it, with a reproducible mask.

The lecture's last slide: ``tf.keras.layers.Dropout(rate)``.  In training
mode each unit is kept with probability ``1 − rate`` and the survivors are
scaled by ``1 / (1 − rate)`` so that the expected sum stays the same:
``x · mask / (1 − rate)``.  In inference mode the layer does nothing.

Keras draws its mask from its own generator; here each key press ``press``
gets a fresh mask from ``numpy.random.default_rng([seed, press])``, so the
same press always shows the same mask (stepping back is exact).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validate import fail, numeric_array


def _rate(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not 0 <= value < 1:
        raise fail("The dropout `rate` must be in [0, 1)", rate=value)
    return float(value)


def _non_negative(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise fail(f"`{name}` must be an integer >= 0", **{name: value})
    return int(value)


def dropout_mask(shape: tuple[int, ...], rate: float, *, seed: int = 0, press: int = 0) -> np.ndarray:
    """Which units survive (boolean), each with probability ``1 − rate``; fixed by ``(seed, press)``."""
    rate = _rate(rate)
    rng = np.random.default_rng([_non_negative(seed, "seed"), _non_negative(press, "press")])
    return np.asarray(rng.random(shape) >= rate)


def apply_dropout(x: Any, mask: Any, rate: float) -> np.ndarray:
    """``x · mask / (1 − rate)``: the dropped units are 0, the survivors scaled up."""
    arr = numeric_array(x, "x", ndims=(1, 2, 3, 4))
    m = np.asarray(mask)
    if m.shape != arr.shape or m.dtype != bool:
        raise fail(
            "`mask` must be a boolean array of the shape of `x`", **{"mask.shape": m.shape, "x.shape": arr.shape}
        )
    rate = _rate(rate)
    dtype = np.result_type(arr.dtype, np.float32)
    return np.asarray(arr.astype(dtype) * m / dtype.type(1.0 - rate))


@dataclass(frozen=True)
class DropoutResult:
    """One pass of a Dropout layer over ``x``."""

    x: np.ndarray
    rate: float
    training: bool
    mask: np.ndarray  # kept units (all True in inference mode)
    output: np.ndarray
    press: int

    @property
    def scale(self) -> float:
        """What the survivors are multiplied by: ``1 / (1 − rate)`` in training, 1 in inference."""
        return 1.0 / (1.0 - self.rate) if self.training else 1.0

    @property
    def dropped(self) -> int:
        return int(self.mask.size - np.count_nonzero(self.mask))


def dropout(x: Any, rate: float, *, training: bool, seed: int = 0, press: int = 0) -> DropoutResult:
    """``Dropout(rate)(x, training=training)`` with the mask of key press ``press``."""
    arr = numeric_array(x, "x", ndims=(1, 2, 3, 4))
    rate = _rate(rate)
    if not isinstance(training, bool):
        raise fail("`training` must be True or False", training=training)
    if training:
        mask = dropout_mask(arr.shape, rate, seed=seed, press=press)
        out = apply_dropout(arr, mask, rate)
    else:
        _non_negative(seed, "seed"), _non_negative(press, "press")
        mask = np.ones(arr.shape, dtype=bool)
        out = arr.astype(np.result_type(arr.dtype, np.float32))
    return DropoutResult(arr, rate, training, mask, out, int(press))


__all__ = ["DropoutResult", "apply_dropout", "dropout", "dropout_mask"]
