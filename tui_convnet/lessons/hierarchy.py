"""Lesson 5: a hierarchy of features (the lecture's "Learn Hierarchies of Patterns").

The first layer's maps (small local patterns such as edges) beside the deeper
layers' maps (larger patterns made of them) for the same digit, each with
the size of its receptive field.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import LayerInfo, receptive_field_size
from ..model.layer_names import slide_named
from ..model.model import Model
from .context import Digit

#: Maps drawn per layer (the first layer has 32, the deeper ones 64).
SHOWN_MAPS = 8


@dataclass(frozen=True)
class LayerMaps:
    info: LayerInfo
    maps: np.ndarray  # (H, W, SHOWN_MAPS): the most active maps of the layer for this digit
    channels: tuple[int, ...]  # which maps they are
    field: tuple[int, int]  # receptive-field size of one cell (height, width)

    @property
    def caption(self) -> str:
        h, w, c = self.info.output_shape
        return (
            f"{self.info.name}: {h}×{w}, {c} maps; each cell sees {self.field[0]}×{self.field[1]} pixels of the digit"
        )


@dataclass(frozen=True)
class HierarchyFrame:
    step: int
    layers: tuple[LayerMaps, ...]  # the convolutions, first to deepest
    current: int  # which of them the narration is about
    lines: tuple[str, ...]
    digit: np.ndarray  # (H, W) in [0, 1]


class HierarchyLesson:
    def __init__(self, model: Model, digit: Digit) -> None:
        self.model = model
        self.digit = digit
        infos = model.spec.summary()
        outs = model.layer_outputs(digit.image)
        layers = []
        for info in infos:
            if info.type != "Conv2D":
                continue
            out = outs[info.index]
            strongest = tuple(int(c) for c in np.argsort(-out.max(axis=(0, 1)), kind="stable")[:SHOWN_MAPS])
            field = receptive_field_size(model.spec, info.index)
            assert field is not None
            layers.append(LayerMaps(info, out[:, :, list(strongest)], strongest, field))
        self.layers = tuple(layers)

    @property
    def steps(self) -> int:
        return len(self.layers)

    def start(self, step: int) -> int:
        """The state of tour step ``step``: the step itself."""
        return max(0, min(step, self.steps - 1))

    def frame(self, step: int) -> HierarchyFrame:
        step = max(0, min(step, self.steps - 1))
        lm = self.layers[step]
        first, last = self.layers[0], self.layers[-1]
        trained = self.model.trained
        if step == 0:
            what = (
                "First layer: each cell looks at a 3×3 patch, so its maps can only respond to small local"
                " patterns — strokes and edges at one angle or another."
            )
        elif step == self.steps - 1:
            what = (
                f"Deepest layer: each cell sees {lm.field[0]}×{lm.field[1]} pixels — most of the digit — and"
                " combines the maps below it, so its maps respond to large shapes (a loop, a bar and its ends)."
            )
        else:
            what = (
                f"{slide_named(lm.info.name)}: {lm.field[0]}×{lm.field[1]} pixels per cell; it combines the edge"
                " maps of the layer below into larger patterns."
            )
        lines = (
            f"{self.digit.name}: the most active maps of each convolution, up to {SHOWN_MAPS} as the width allows"
            " (each row says how many it shows; bright = active).",
            what,
            f"Receptive fields: {first.field[0]}×{first.field[1]} in {slide_named(first.info.name)} →"
            f" {last.field[0]}×{last.field[1]} in {slide_named(last.info.name)}. Model: {self.model.label}."
            + ("" if trained else " An untrained model's maps are random filters, not learned patterns."),
        )
        return HierarchyFrame(step, self.layers, step, lines, self.digit.image)
