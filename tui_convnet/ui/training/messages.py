"""The training screen's messages: what its thread workers (:mod:`.workers`) post to the screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from ...training.events import TrainEvent

if TYPE_CHECKING:
    from ...data.mnist import MnistData
    from ...training.evaluate import Evaluation
    from ...training.protocol import ModelRef, TrainDone


@dataclass
class DataLoaded(Message):
    data: MnistData


@dataclass
class PrepareFailed(Message):
    error: str


@dataclass
class TensorFlowReady(Message):
    seconds: float
    device: str = ""


@dataclass
class TrainingEvents(Message):
    """Training events bundled by the worker (batch events at most every REDRAW_INTERVAL)."""

    events: tuple[TrainEvent, ...]


@dataclass
class TrainingFinished(Message):
    result: TrainDone
    data: MnistData  # what it trained and was evaluated on


@dataclass
class TrainingFailed(Message):
    error: str


@dataclass
class TrainingQueued(Message):
    """A served tab's run waits for a training slot: its ``place`` in line (1: next), the server's ``limit``."""

    place: int
    limit: int


@dataclass
class NotStarted(Message):
    """The run ended before it started (cancelled while waiting in line)."""

    text: str


@dataclass
class ModelLoaded(Message):
    model: ModelRef
    evaluation: Evaluation
    data: MnistData
    path: str


@dataclass
class RunEvaluated(Message):
    """A cancelled run's model, evaluated on the test set after the run stopped."""

    model: ModelRef
    evaluation: Evaluation
    data: MnistData
    label: str


@dataclass
class FileDone(Message):
    text: str
    ok: bool
    saved: bool = False  # the model was written to a file
