"""The training screen's form as pure logic: the fields' text parsed into validated settings (no Textual).

What is not a number is refused as typed, never rewritten (``1.5`` epochs is an error, not 15); the
messages are Keras-style ("what is wrong. Received: name=value").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...core import ModelSpec, mnist_convnet
from ...training.events import TrainConfig, check_split

#: The rate the dropout switch inserts (the lecture's last slide: Dropout(0.5)).
DROPOUT_RATE = 0.5


@dataclass(frozen=True)
class TrainSettings:
    """What the form says, parsed; ``config`` is validated by :class:`TrainConfig`."""

    config: TrainConfig
    dropout: bool
    train_limit: int | None
    test_limit: int | None
    spec: ModelSpec | None = None  # the architecture editor's model; None: the lecture's

    @property
    def dropout_rate(self) -> float | None:
        return DROPOUT_RATE if self.dropout else None

    def model_spec(self) -> ModelSpec:
        """The model to train: the architecture editor's, else the lecture's (with dropout if switched on)."""
        return self.spec if self.spec is not None else mnist_convnet(self.dropout_rate)


#: Form field id → (the TrainConfig field or data limit it sets, its type, may it be empty).
FIELDS = {
    "epochs": ("epochs", int, False),
    "batch-size": ("batch_size", int, False),
    "learning-rate": ("learning_rate", float, True),  # empty: Keras' default for the optimizer
    "validation-split": ("validation_split", float, True),  # empty: 0
    "seed": ("seed", int, False),
    "train-limit": ("train_limit", int, True),  # empty: all digits
    "test-limit": ("test_limit", int, True),
}


#: A whole number as people type it: digits, thousands commas allowed (60,000), nothing else.
_WHOLE = re.compile(r"[+-]?(\d+|\d{1,3}(,\d{3})+)")
#: A decimal number: 0.001, .5, 1e-3 (no underscores, hexadecimal, nan or infinity).
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _parse_field(text: str, name: str, kind: type[int] | type[float], optional: bool) -> int | float | None:
    """The field's number, or ``ValueError``: what is not a number is refused as typed, never rewritten."""
    text = text.strip()
    if not text and optional:
        return None
    pattern = _WHOLE if kind is int else _DECIMAL
    if not pattern.fullmatch(text):
        what = "a whole number" if kind is int else "a number"
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise ValueError(f"`{name}` must be {what}. Received: {name}={shown!r}")
    return int(text.replace(",", "")) if kind is int else float(text)


def parse_settings(
    values: dict[str, str], optimizer: str, dropout: bool, train_digits: int | None = None
) -> tuple[TrainSettings | None, dict[str, str]]:
    """Parse the form (field id → text).  Returns the settings or, per field id, what is wrong."""
    errors: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for field_id, (name, kind, optional) in FIELDS.items():
        try:
            parsed[name] = _parse_field(values.get(field_id, ""), name, kind, optional)
        except ValueError as exc:
            errors[field_id] = str(exc)
    if parsed.get("validation_split", 0) is None:
        parsed["validation_split"] = 0.0
    for name in ("train_limit", "test_limit"):
        value = parsed.get(name)
        if value is not None and value < 1:
            errors[name.replace("_", "-")] = f"`{name}` must be at least 1 (or empty for all). Received: {name}={value}"
    config_fields = {k: v for k, v in parsed.items() if k not in ("train_limit", "test_limit")}
    config_fields["optimizer"] = optimizer
    by_name = {name: field_id for field_id, (name, _, _) in FIELDS.items()}
    for name, message in TrainConfig.problems(**config_fields).items():
        errors.setdefault(by_name.get(name, name), message)
    if not errors and train_digits is not None:
        n = min(train_digits, parsed["train_limit"] or train_digits)
        try:
            check_split(n, parsed["validation_split"])
        except ValueError as exc:
            errors["validation-split"] = str(exc)
    if errors:
        return None, errors
    return TrainSettings(TrainConfig(**config_fields), dropout, parsed["train_limit"], parsed["test_limit"]), {}
