"""Lesson 4: parameter sharing and translation invariance (the lecture's "Parameter Sharing" slides).

Shift the digit by ``(dy, dx)``: the first layer's feature maps shift by
exactly the same amount (``max |Δ| = 0`` away from the borders, because the
same kernel is used at every position), the pooled maps change less, and the
model's prediction mostly stays: the convolution is equivariant, but pooling
only absorbs shifts smaller than its window and the dense layers see positions,
so a large shift can change the prediction (the lesson says so when it does).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..core import ShiftResult, layer_connections, numbers, shift_experiment
from ..model.model import Model
from .context import Digit

#: How far the digit may be moved (MNIST digits sit in a 20×20 box centred in 28×28).
MAX_SHIFT = 6
TOUR = ((0, 0), (0, 1), (1, 0), (2, 2), (-3, 1), (4, -4))


@dataclass(frozen=True)
class Shift:
    dy: int
    dx: int
    channel: int = 0  # which feature map is drawn


@dataclass(frozen=True)
class SharingFrame:
    shift: Shift
    result: ShiftResult
    lines: tuple[str, ...]


def _direction(dy: int, dx: int) -> str:
    parts = []
    if dy:
        parts.append(f"{'down' if dy > 0 else 'up'} {abs(dy)}")
    if dx:
        parts.append(f"{'right' if dx > 0 else 'left'} {abs(dx)}")
    return "not shifted" if not parts else "shifted " + ", ".join(parts)


class SharingLesson:
    def __init__(self, model: Model, digit: Digit) -> None:
        self.model = model
        self.digit = digit
        self.counts = layer_connections(model.spec, 0)
        self.channels = self.counts.kernel_shape[3]

    @property
    def steps(self) -> int:
        return len(TOUR)

    def start(self, step: int) -> Shift:
        dy, dx = TOUR[max(0, min(step, self.steps - 1))]
        return Shift(dy, dx)

    def move(self, s: Shift, d_row: int, d_col: int) -> Shift:
        def clamp(v: int) -> int:
            return max(-MAX_SHIFT, min(v, MAX_SHIFT))

        return replace(s, dy=clamp(s.dy + d_row), dx=clamp(s.dx + d_col))

    def change_channel(self, s: Shift, delta: int) -> Shift:
        return replace(s, channel=(s.channel + delta) % self.channels)

    def frame(self, s: Shift) -> SharingFrame:
        r = shift_experiment(self.model.spec, list(self.model.weights), self.digit.image, s.dy, s.dx)
        c = self.counts
        kh, kw, cin, _ = c.kernel_shape
        interior = int(r.interior.sum())
        p, p0 = r.probabilities, r.probabilities_unshifted
        lines = [
            f"The digit is {_direction(s.dy, s.dx)}. The {self.channels} feature maps of the shifted digit"
            " against the maps of the digit, shifted the same way:",
            f"  max |Δ| = {r.max_delta_interior:g} on the {interior} cells away from the borders"
            + (
                f" (on the border {r.max_delta_border:.3g}: there the frame cut the digit, or a blank window"
                " gives the bias)."
                if r.max_delta_border
                else " (and 0 on the border too: the digit's edge is blank)."
            ),
            f"  The same {kh}×{kw} kernel ({kh * kw * cin} weights + 1 bias) is used at all {c.positions}"
            f" positions; without sharing: {c.positions}·{kh * kw * cin} = {c.positions * kh * kw * cin:,}"
            f" weights per map ({c.unshared_formula} for all {self.channels}).",
            f"  Cell by cell, the maps differ from the unshifted digit's maps by {numbers.percent(r.map_change, 0)}"
            + (f", the pooled maps by {numbers.percent(r.pooled_change, 0)}" if r.pooled_change is not None else "")
            + " of their mean size (over 100 %: the shifted strokes no longer sit where they were).",
            f"  Prediction: {r.prediction} ({numbers.percent(float(p[r.prediction]), 0)}); unshifted:"
            f" {r.prediction_unshifted} ({numbers.percent(float(p0[r.prediction_unshifted]), 0)})."
            f" Model: {self.model.label}.",
        ]
        if r.prediction != r.prediction_unshifted:
            lines.append(
                f"  The prediction changed ({r.prediction_unshifted} → {r.prediction}): the invariance is only"
                " approximate. The maps shift exactly, but pooling absorbs only shifts smaller than its window"
                " and the dense layers weigh each position differently."
            )
        return SharingFrame(s, r, tuple(lines))
