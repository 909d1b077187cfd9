"""Lesson 6: dropout (the lecture's last slide, ``tf.keras.layers.Dropout(rate)``).

One dense layer's activations for a digit, in training mode (a fresh random
mask each key press, the survivors scaled by ``1 / (1 − rate)``) against
inference mode (no mask), with the rate adjustable.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..core import DropoutResult, dropout
from ..model.layer_names import slide_named
from ..model.model import Model
from .context import Digit

RATES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class DropoutSettings:
    rate: float = 0.5
    training: bool = True
    press: int = 0  # key presses so far: each one draws a fresh mask


TOUR = (
    DropoutSettings(0.5, False, 0),
    DropoutSettings(0.5, True, 0),
    DropoutSettings(0.5, True, 1),
    DropoutSettings(0.5, True, 2),
    DropoutSettings(0.2, True, 3),
    DropoutSettings(0.8, True, 4),
)


@dataclass(frozen=True)
class DropoutFrame:
    settings: DropoutSettings
    result: DropoutResult
    layer_name: str
    lines: tuple[str, ...]


class DropoutLesson:
    """Dropout on the output of the model's first Dense layer (where the lecture's model puts it)."""

    def __init__(self, model: Model, digit: Digit, seed: int = 0) -> None:
        infos = model.spec.summary()
        dense = next(i for i in infos if i.type == "Dense")
        self.layer_name = dense.name
        self.activations = np.asarray(model.layer_outputs(digit.image)[dense.index])
        self.digit = digit
        self.seed = seed

    @property
    def steps(self) -> int:
        return len(TOUR)

    def start(self, step: int) -> DropoutSettings:
        return TOUR[max(0, min(step, self.steps - 1))]

    def press(self, s: DropoutSettings) -> DropoutSettings:
        """A new pass: a fresh mask (in training mode)."""
        return replace(s, press=s.press + 1)

    def toggle_mode(self, s: DropoutSettings) -> DropoutSettings:
        return replace(s, training=not s.training)

    def change_rate(self, s: DropoutSettings, delta: int) -> DropoutSettings:
        i = min(range(len(RATES)), key=lambda k: abs(RATES[k] - s.rate))
        return replace(s, rate=RATES[max(0, min(i + delta, len(RATES) - 1))])

    def frame(self, s: DropoutSettings) -> DropoutFrame:
        r = dropout(self.activations, s.rate, training=s.training, seed=self.seed, press=s.press)
        n = r.x.size
        active = int(np.count_nonzero(r.x))
        if s.training:
            lines: tuple[str, ...] = (
                f"Training mode, rate {s.rate:g}, pass {s.press + 1}: each of the {n} units of"
                f" {slide_named(self.layer_name)}"
                f" is kept with probability {1 - s.rate:g}; this pass dropped {r.dropped}.",
                f"output = x · mask / (1 − {s.rate:g}) = x · mask · {r.scale:.4g}: survivors are scaled up so"
                " that the layer's expected output stays the same.",
                f"Sum of the activations: {float(r.x.sum()):.2f} in, {float(r.output.sum()):.2f} out"
                f" ({active} of the {n} units are active for {self.digit.name}).",
                "Space draws a fresh mask: no unit can count on any other being there.",
            )
        else:
            lines = (
                f"Inference mode (model.predict, evaluate): Dropout does nothing — all {n} units of"
                f" {slide_named(self.layer_name)} pass unchanged.",
                f"Sum of the activations: {float(r.x.sum()):.2f} in, {float(r.output.sum()):.2f} out"
                f" ({active} of the {n} units are active for {self.digit.name}).",
                "Press m for training mode: Keras calls the layer with training=True only inside fit().",
            )
        return DropoutFrame(s, r, self.layer_name, lines)
