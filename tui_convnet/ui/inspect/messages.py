"""The inspect screen's messages: what its thread workers (:mod:`.workers`) post to the screen.

They keep the names they had as the screen's own classes (``on_inspect_screen_prepared`` …).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from textual.message import Message

if TYPE_CHECKING:
    from ...data.mnist import MnistData
    from ...training.inspector import ModelInspector


class Prepared(Message, namespace="inspect_screen"):
    """A model is read and its test digits loaded: the screen builds its layers (a newer ``generation`` wins)."""

    def __init__(
        self, inspector: ModelInspector, data: MnistData, source: str, keras_check: bool, generation: int
    ) -> None:
        super().__init__()
        self.inspector, self.data, self.source = inspector, data, source
        self.keras_check, self.generation = keras_check, generation


class PredictionsDone(Message, namespace="inspect_screen"):
    """The numpy engine's predictions for the whole test set."""

    def __init__(self, inspector: ModelInspector, predicted: np.ndarray, seconds: float) -> None:
        super().__init__()
        self.inspector, self.predicted, self.seconds = inspector, predicted, seconds


class LayerCheck(Message, namespace="inspect_screen"):
    """Keras' largest difference from the numpy engine per layer for one digit (None: Keras failed, ``error``)."""

    def __init__(self, inspector: ModelInspector, index: int, diffs: list[float] | None, error: str = "") -> None:
        super().__init__()
        self.inspector, self.index, self.diffs, self.error = inspector, index, diffs, error


class Failed(Message, namespace="inspect_screen"):
    """A model could not be read or shown: one line for the status."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
