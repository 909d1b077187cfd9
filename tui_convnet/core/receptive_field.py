"""Receptive fields: which input cells a cell of a layer depends on.

The lecture's slide "Receptive field grows with layers": a cell of the first
convolution sees a 3×3 patch of the digit, a cell of the third one an 18×18
patch.  The answer here is structural (which inputs *can* change the cell,
whatever the weights), computed backwards through the layers' geometry as
the convolution and pooling engines resolve it (strides, padding, dilation).

A convolution or pooling cell depends on a rectangle of rows × columns of
its input, so a region stays a product of a set of rows and a set of columns
all the way back; only the first and last of each are returned (with
dilation the sets can have holes).  A Flatten unit is one cell of the
volume before it; a Dense unit mixes every unit of its input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validate import fail
from .connectivity import conv_layer_geometry
from .model import Conv2DSpec, DenseSpec, DropoutSpec, FlattenSpec, LayerInfo, ModelSpec, Pool2DSpec, infer_shapes
from .pooling import pool_geometry


@dataclass(frozen=True)
class Region:
    """A rectangle of one layer's grid: first and last row and column, inclusive."""

    first_row: int
    last_row: int
    first_col: int
    last_col: int

    @property
    def height(self) -> int:
        return self.last_row - self.first_row + 1

    @property
    def width(self) -> int:
        return self.last_col - self.first_col + 1

    @property
    def size_text(self) -> str:
        """``18×18``."""
        return f"{self.height}×{self.width}"

    def contains(self, row: int, col: int) -> bool:
        return self.first_row <= row <= self.last_row and self.first_col <= col <= self.last_col


@dataclass(frozen=True)
class ReceptiveField(Region):
    """The input region that cell ``(row, col)`` of layer ``layer`` depends on."""

    layer: int
    row: int
    col: int
    input_rows: int
    input_cols: int

    @property
    def whole_input(self) -> bool:
        """Whether the region is the whole input."""
        return self.height == self.input_rows and self.width == self.input_cols


def _index(value: Any, name: str, stop: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise fail(f"`{name}` must be an integer", **{name: value})
    if not 0 <= value < stop:
        raise fail(f"`{name}` must be between 0 and {stop - 1} ({what})", **{name: value})
    return int(value)


def _checked(spec: Any, layer: Any, row: Any, col: Any) -> tuple[list[LayerInfo], int, int, int]:
    if not isinstance(spec, ModelSpec):
        raise fail("`spec` must be a ModelSpec", spec=type(spec).__name__)
    infos = infer_shapes(spec)
    layer = _index(layer, "layer", len(infos), f"the model has {len(infos)} layers")
    info = infos[layer]
    shape = info.output_shape
    if len(shape) == 3:
        row = _index(row, "row", shape[0], f"{info.name} has {shape[0]} rows")
        col = _index(col, "col", shape[1], f"{info.name} has {shape[1]} columns")
    else:
        row = _index(row, "row", shape[0], f"{info.name} is 1-D: `row` is the unit, 0 to {shape[0] - 1}")
        col = _index(col, "col", 1, f"{info.name} is 1-D: `col` must be 0")
    return infos, layer, row, col


#: What a layer's output cells depend on: ``(rows, cols)`` masks of a 3-D
#: layer, or ``(units, None)`` for a 1-D one.
_Mask = tuple[np.ndarray, np.ndarray | None]


def _back(info: LayerInfo, rows: np.ndarray, cols: np.ndarray | None) -> _Mask:
    """What ``info``'s input cells are that its selected output cells depend on."""
    layer = info.spec
    if isinstance(layer, DropoutSpec):  # one-to-one
        return rows, cols
    if isinstance(layer, DenseSpec):  # every unit of the input
        return np.ones(info.input_shape[0], dtype=bool), None
    h, w = info.input_shape[0], info.input_shape[1]
    in_rows = np.zeros(h, dtype=bool)
    in_cols = np.zeros(w, dtype=bool)
    if isinstance(layer, FlattenSpec):  # unit u is cell unravel(u) of the volume
        for u in np.flatnonzero(rows):
            r, c, _ = np.unravel_index(int(u), info.input_shape)
            in_rows[r] = in_cols[c] = True
        return in_rows, in_cols
    assert cols is not None
    if isinstance(layer, Conv2DSpec):
        g = conv_layer_geometry(layer, info.input_shape)
        row_windows, col_windows, top, left = g.window_rows, g.window_cols, g.pad_top, g.pad_left
    else:
        p = pool_geometry(info.input_shape, layer.pool_size, layer.strides, layer.padding)
        row_windows, col_windows, top, left = p.window_rows, p.window_cols, p.pad_top, p.pad_left
    for r in np.flatnonzero(rows):
        ids = np.asarray(row_windows(int(r))) - top
        in_rows[ids[(ids >= 0) & (ids < h)]] = True
    for c in np.flatnonzero(cols):
        ids = np.asarray(col_windows(int(c))) - left
        in_cols[ids[(ids >= 0) & (ids < w)]] = True
    return in_rows, in_cols


def _region(rows: np.ndarray, cols: np.ndarray | None) -> Region:
    r = np.flatnonzero(rows)
    if cols is None:  # a 1-D layer: units first..last, column 0
        return Region(int(r[0]), int(r[-1]), 0, 0)
    c = np.flatnonzero(cols)
    return Region(int(r[0]), int(r[-1]), int(c[0]), int(c[-1]))


def receptive_field_path(spec: ModelSpec, layer: int, row: int, col: int) -> tuple[Region, ...]:
    """The region the cell depends on, on the input and on every layer up to ``layer``.

    Item 0 is on the input; item ``i + 1`` on the output of layer ``i``; the
    last item is the cell itself.  On a 1-D layer (Flatten, Dense, a Dropout
    after them) a region is a run of units ``first_row..last_row`` in column 0.
    Validated like :func:`receptive_field`.
    """
    infos, layer, row, col = _checked(spec, layer, row, col)
    shape = infos[layer].output_shape
    rows = np.zeros(shape[0], dtype=bool)
    rows[row] = True
    cols: np.ndarray | None = None
    if len(shape) == 3:
        cols = np.zeros(shape[1], dtype=bool)
        cols[col] = True
    regions = [_region(rows, cols)]
    for info in reversed(infos[: layer + 1]):
        rows, cols = _back(info, rows, cols)
        regions.append(_region(rows, cols))
    return tuple(reversed(regions))


def receptive_field(spec: ModelSpec, layer: int, row: int, col: int) -> ReceptiveField:
    """First and last input row and column that cell ``(row, col)`` of layer ``layer`` depends on.

    ``layer`` is the index of the layer in ``spec.layers`` (the row of
    ``model.summary()``, 0 for the first layer).  For a 1-D layer (Flatten,
    Dense) ``row`` is the unit and ``col`` must be 0.  A Flatten unit depends
    on what the cell it comes from depends on; a Dense unit on everything the
    last volume sees.  For the lecture's model, the third convolution's cell
    (2, 2) depends on input rows 8–25 and columns 8–25, and a Dense unit on
    rows 0–25 and columns 0–25: the pooling's floor (11 → 5) drops the last
    two rows and columns of the digit, which the model never sees.
    """
    path = receptive_field_path(spec, layer, row, col)
    on_input = path[0]
    return ReceptiveField(
        on_input.first_row,
        on_input.last_row,
        on_input.first_col,
        on_input.last_col,
        layer=int(layer),
        row=int(row),
        col=int(col),
        input_rows=spec.input_shape[0],
        input_cols=spec.input_shape[1],
    )


def receptive_field_size(spec: ModelSpec, layer: int) -> tuple[int, int] | None:
    """Height and width of the receptive field of an interior cell of ``layer``.

    ``None`` for a layer that depends on the whole input (Flatten, Dense and
    after).  An interior cell is one whose field is not clipped by the input's
    edges: the usual recurrence ``size += (k_eff − 1)·jump; jump *= stride``.
    For the lecture's model: 3×3, 4×4, 8×8, 10×10, 18×18.
    """
    infos, layer, _, _ = _checked(spec, layer, 0, 0)
    size, jump = [1, 1], [1, 1]
    for info in infos[: layer + 1]:
        s = info.spec
        if isinstance(s, (FlattenSpec, DenseSpec)):
            return None
        if isinstance(s, Conv2DSpec):
            kernel = [s.dilation_rate[a] * (s.kernel_size[a] - 1) + 1 for a in (0, 1)]
            stride = list(s.strides)
        elif isinstance(s, Pool2DSpec):
            kernel, stride = list(s.pool_size), list(s.strides or s.pool_size)
        else:
            continue
        for a in (0, 1):
            size[a] += (kernel[a] - 1) * jump[a]
            jump[a] *= stride[a]
    return size[0], size[1]


__all__ = ["ReceptiveField", "Region", "receptive_field", "receptive_field_path", "receptive_field_size"]
