"""Parameter sharing made visible: shift the digit, the feature maps shift with it.

The lecture's "Parameter sharing" slides: the same kernel is used at every
position, so a pattern learned in one place is detected anywhere.  In
numbers: for a convolution with stride 1 and 'valid' padding, the maps of
the shifted digit equal the shifted maps of the digit, exactly, at every
cell whose window stays inside the original map (``max |Δ| = 0`` away from
the borders).  Pooled maps change less than the maps themselves, and the
model's prediction mostly stays (pooling absorbs only small shifts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ._validate import fail, numeric_array
from .model import Conv2DSpec, ModelSpec, Pool2DSpec
from .network import forward

if TYPE_CHECKING:
    from numpy.typing import ArrayLike


def _shift_amount(value: Any, name: str, limit: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise fail(f"`{name}` must be an integer", **{name: value})
    if abs(int(value)) >= limit:
        raise fail(f"`{name}` must be between {-(limit - 1)} and {limit - 1}", **{name: value})
    return int(value)


def shift_image(x: Any, dy: int, dx: int, fill: float = 0.0) -> np.ndarray:
    """``x`` moved down by ``dy`` and right by ``dx`` rows/columns (negative: up/left).

    ``x`` is ``(H, W)`` or ``(H, W, C)``; what moves out of the frame is lost
    and the cells it leaves are ``fill`` (no wrap-around).
    """
    arr = numeric_array(x, "x", ndims=(2, 3))
    h, w = arr.shape[:2]
    dy = _shift_amount(dy, "dy", h)
    dx = _shift_amount(dx, "dx", w)
    out = np.full_like(arr, fill)
    src_rows = slice(max(0, -dy), h - max(0, dy))
    dst_rows = slice(max(0, dy), h - max(0, -dy))
    src_cols = slice(max(0, -dx), w - max(0, dx))
    dst_cols = slice(max(0, dx), w - max(0, -dx))
    out[dst_rows, dst_cols] = arr[src_rows, src_cols]
    return out


def shifted_interior(shape: tuple[int, int], dy: int, dx: int) -> np.ndarray:
    """Cells ``(r, c)`` of a map whose source ``(r − dy, c − dx)`` is inside the map (boolean mask)."""
    h, w = shape
    rows = (np.arange(h) - dy >= 0) & (np.arange(h) - dy < h)
    cols = (np.arange(w) - dx >= 0) & (np.arange(w) - dx < w)
    return np.asarray(rows[:, None] & cols[None, :])


@dataclass(frozen=True)
class ShiftResult:
    """The lecture model (or any model starting with a stride-1 'valid' Conv2D) on a shifted digit."""

    dy: int
    dx: int
    digit: np.ndarray  # the shifted input (H, W, C)
    maps: np.ndarray  # first layer's maps of the shifted digit (H', W', K)
    expected: np.ndarray  # the first layer's maps of the digit, shifted by (dy, dx)
    interior: np.ndarray  # (H', W') cells away from the borders
    max_delta_interior: float  # max |maps − expected| away from the borders: 0
    max_delta_border: float  # the same on the border cells (where the frame cut something)
    map_change: float  # mean |maps − maps of the unshifted digit| / mean |maps of the unshifted digit|
    pooled_change: float | None  # the same for the pooled maps (None without a pooling layer after it)
    probabilities: np.ndarray  # the model's output for the shifted digit
    probabilities_unshifted: np.ndarray

    @property
    def prediction(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def prediction_unshifted(self) -> int:
        return int(np.argmax(self.probabilities_unshifted))


def _relative_change(a: np.ndarray, b: np.ndarray) -> float:
    scale = float(np.mean(np.abs(b)))
    return float(np.mean(np.abs(a - b))) / scale if scale else float(np.mean(np.abs(a - b)))


def shift_experiment(spec: ModelSpec, weights: Sequence[ArrayLike], x: Any, dy: int, dx: int) -> ShiftResult:
    """Run ``spec`` on ``x`` and on ``x`` shifted by ``(dy, dx)`` and compare the first layer's maps.

    ``x`` is one input ``(H, W, C)`` (or ``(H, W)`` for one channel).
    """
    if not isinstance(spec, ModelSpec):
        raise fail("`spec` must be a ModelSpec", spec=type(spec).__name__)
    first = spec.layers[0]
    if not isinstance(first, Conv2DSpec) or first.strides != (1, 1) or first.padding != "valid":
        raise fail(
            "The shift experiment needs a model whose first layer is a Conv2D with strides 1 and 'valid' padding",
            layer=first,
        )
    arr = numeric_array(x, "x", ndims=(2, 3))
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if tuple(arr.shape) != tuple(spec.input_shape):
        raise fail(f"The digit must have shape {tuple(spec.input_shape)}", **{"x.shape": arr.shape})
    shifted = shift_image(arr, dy, dx)
    # In float64, then rounded to float32: a BLAS kernel may sum a window's products in an order that depends
    # on where the window sits in the matrix (OpenBLAS' AVX2 and AVX-512 kernels differ), which leaves ~1e-7
    # of float32 noise where the arithmetic gives the same number. Far below float32's resolution in float64,
    # that noise rounds away: the shifted maps agree exactly on every CPU, as the lesson says they do.
    weights64 = [np.asarray(w, dtype=np.float64) for w in weights]
    outs64 = forward(spec, weights64, np.stack([arr, shifted]).astype(np.float64), intermediates=True)
    outs = [np.asarray(o, dtype=np.float32) for o in outs64]
    base_maps, maps = outs[0][0], outs[0][1]
    expected = shift_image(base_maps, dy, dx)
    interior = shifted_interior(maps.shape[:2], dy, dx)
    delta = np.abs(maps - expected).max(axis=2)
    pooled_change = None
    if len(spec.layers) > 1 and isinstance(spec.layers[1], Pool2DSpec):
        pooled_change = _relative_change(outs[1][1], outs[1][0])
    return ShiftResult(
        dy=int(dy),
        dx=int(dx),
        digit=shifted,
        maps=maps,
        expected=expected,
        interior=interior,
        max_delta_interior=float(delta[interior].max()) if interior.any() else 0.0,
        max_delta_border=float(delta[~interior].max()) if (~interior).any() else 0.0,
        map_change=_relative_change(maps, base_maps),
        pooled_change=pooled_change,
        probabilities=np.asarray(outs[-1][1]),
        probabilities_unshifted=np.asarray(outs[-1][0]),
    )


__all__ = ["ShiftResult", "shift_experiment", "shift_image", "shifted_interior"]
