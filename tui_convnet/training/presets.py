"""Presets for the training screen: settings that give a run worth watching and a useful model.

Plain data (no Keras, no Textual).  Every other setting keeps the shared
default of :class:`~tui_convnet.training.events.TrainConfig`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    key: str
    label: str  # what the form's list shows (a few characters: the settings column is narrow)
    description: str
    epochs: int
    train_limit: int | None  # None: every training digit
    test_limit: int | None  # None: every test digit


PRESETS: tuple[Preset, ...] = (
    Preset("lecture", "lecture", "5 epochs on every training digit (60,000 with full MNIST)", 5, None, None),
    Preset("quick", "quick", "5 epochs on 5,000 training digits: a useful model in about a minute", 5, 5000, None),
)


def preset(key: str) -> Preset:
    for p in PRESETS:
        if p.key == key:
            return p
    raise ValueError(f"Unknown preset. Expected one of {', '.join(p.key for p in PRESETS)}. Received: preset={key!r}")
