"""Lesson 3: the receptive field grows with depth (the lecture's slide of that name).

Select a cell of any layer of the lecture model: the region of the digit it
depends on is drawn on the digit and on every layer in between, with its
size.  The state is the selected ``(layer, row, col)``; the steps are a tour
(the centre cell of each layer in turn), and the keys move freely from there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..core import LayerInfo, Pool2DSpec, ReceptiveField, Region, receptive_field, receptive_field_path
from ..model.layer_names import slide_named
from ..model.model import Model
from .context import Digit


@dataclass(frozen=True, eq=False)
class LayerMap:
    """One map of a volume layer for the digit: the most active one."""

    info: LayerInfo
    channel: int
    values: np.ndarray  # (H, W)


@dataclass(frozen=True)
class Selection:
    layer: int  # index in spec.layers
    row: int
    col: int


@dataclass(frozen=True)
class ReceptiveFrame:
    selection: Selection
    field: ReceptiveField
    path: tuple[Region, ...]  # on the input, then on each layer's output up to the selected one
    lines: tuple[str, ...]
    digit: np.ndarray  # (H, W) in [0, 1]
    maps: tuple[LayerMap, ...]  # one map of every volume layer


class ReceptiveLesson:
    """The lecture model's volume layers (Conv2D, pooling), then its first Dense layer."""

    def __init__(self, model: Model, digit: Digit) -> None:
        self.spec = spec = model.spec
        self.digit = digit
        self.infos: list[LayerInfo] = spec.summary()
        outs = model.layer_outputs(digit.image)
        self.maps = tuple(
            LayerMap(i, c, outs[i.index][:, :, c])
            for i in self.infos
            if len(i.output_shape) == 3
            for c in [int(np.argmax(outs[i.index].max(axis=(0, 1))))]
        )
        self.volume_layers = tuple(i.index for i in self.infos if len(i.output_shape) == 3)
        dense = [i.index for i in self.infos if i.type == "Dense"]
        self.layers = self.volume_layers + tuple(dense[:1])
        self.tour = tuple(self._centre(layer) for layer in self.layers)

    @property
    def steps(self) -> int:
        return len(self.tour)

    def _centre(self, layer: int) -> Selection:
        shape = self.infos[layer].output_shape
        if len(shape) == 1:
            return Selection(layer, 0, 0)
        return Selection(layer, (shape[0] - 1) // 2, (shape[1] - 1) // 2)

    def start(self, step: int) -> Selection:
        return self.tour[max(0, min(step, self.steps - 1))]

    def move(self, sel: Selection, d_row: int, d_col: int) -> Selection:
        """The cell ``(d_row, d_col)`` away, kept inside the layer."""
        shape = self.infos[sel.layer].output_shape
        cols = shape[1] if len(shape) == 3 else 1
        return replace(sel, row=max(0, min(sel.row + d_row, shape[0] - 1)), col=max(0, min(sel.col + d_col, cols - 1)))

    def change_layer(self, sel: Selection, delta: int) -> Selection:
        """The next (or previous) layer, on the cell at the same relative place."""
        i = self.layers.index(sel.layer) if sel.layer in self.layers else 0
        layer = self.layers[max(0, min(i + delta, len(self.layers) - 1))]
        old, new = self.infos[sel.layer].output_shape, self.infos[layer].output_shape
        if len(new) == 1 or len(old) == 1:
            return self._centre(layer)

        def scaled(v: int, n_old: int, n_new: int) -> int:
            return round(v * (n_new - 1) / (n_old - 1)) if n_old > 1 else 0

        return Selection(layer, scaled(sel.row, old[0], new[0]), scaled(sel.col, old[1], new[1]))

    def _floors(self, layer: int) -> str:
        """Which poolings floor their output size (and so drop rows) before ``layer``, in numbers.

        For the lecture's model: ``max_pooling2d_1 floors 11/2 to 5 and drops 1 of its 11 rows
        (conv2d_1 turned the 13 rows it got into 11)`` — the first pooling is exact.
        """
        infos = self.infos[:layer]
        parts = []
        for i, info in enumerate(infos):
            if not (isinstance(info.spec, Pool2DSpec) and info.spec.padding == "valid"):
                continue
            n, out = info.input_shape[0], info.output_shape[0]
            size, stride = info.spec.pool_size[0], (info.spec.strides or info.spec.pool_size)[0]
            dropped = n - ((out - 1) * stride + size)
            if dropped <= 0:
                continue
            text = f"{info.name} floors {n}/{stride} to {out} and drops {dropped} of its {n} rows"
            before = infos[i - 1] if i else None
            if before is not None and len(before.input_shape) == 3 and before.input_shape[0] != n:
                m = before.input_shape[0]
                text += f" ({before.name} turned the {m} rows it got into {n})"
            parts.append(text)
        return "; ".join(parts) + "." if parts else "the valid convolutions leave them out."

    def frame(self, sel: Selection) -> ReceptiveFrame:
        info = self.infos[sel.layer]
        field = receptive_field(self.spec, sel.layer, sel.row, sel.col)
        path = receptive_field_path(self.spec, sel.layer, sel.row, sel.col)
        where = f"unit {sel.row}" if len(info.output_shape) == 1 else f"cell ({sel.row}, {sel.col})"
        lines = [
            f"{slide_named(info.name, info.type)} {where} depends on input rows {field.first_row}–{field.last_row},"
            f" columns {field.first_col}–{field.last_col}: {field.size_text} of the "
            f"{field.input_rows}×{field.input_cols} digit.",
        ]
        steps = []
        for layer_info, region in zip(self.infos[: sel.layer], path[1:-1], strict=True):
            if len(layer_info.output_shape) == 3:
                steps.append(f"{layer_info.name} {region.size_text}")
        if steps:
            lines.append(
                "On the way: input " + field.size_text + " → " + " → ".join(steps) + f" → this {where.split()[0]}."
            )
        if info.type == "Dense":
            h, w = field.input_rows, field.input_cols
            lines.append(
                "A Dense unit mixes every unit of the Flatten layer: it depends on everything the model sees."
                + (
                    f" The digit's last {h - 1 - field.last_row} rows and {w - 1 - field.last_col} columns"
                    f" (rows {field.last_row + 1}–{h - 1}, columns {field.last_col + 1}–{w - 1})"
                    " never reach the output: " + self._floors(sel.layer)
                    if not field.whole_input
                    else ""
                )
            )
        else:
            lines.append(
                "Each convolution adds its kernel (minus one) times the strides so far; each pooling"
                " multiplies the step between neighbouring cells. Deeper cells see more of the digit."
            )
        return ReceptiveFrame(sel, field, path, tuple(lines), self.digit.image, self.maps)
