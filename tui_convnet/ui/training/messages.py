"""The training screen's messages: what its thread workers (:mod:`.workers`) post to the screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from ...training.events import TrainEvent


@dataclass
class DataLoaded(Message):
    data: Any  # MnistData


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
    result: Any  # trainer.TrainResult
    data: Any  # the MnistData it trained and was evaluated on


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
    model: Any
    evaluation: Any
    data: Any
    path: str


@dataclass
class RunEvaluated(Message):
    """A cancelled run's model, evaluated on the test set after the run stopped."""

    model: Any
    evaluation: Any
    data: Any
    label: str


@dataclass
class FileDone(Message):
    text: str
    ok: bool
    saved: bool = False  # the model was written to a file
