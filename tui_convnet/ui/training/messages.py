"""The training screen's messages (its thread workers → the screen) and its quit question (a modal)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from ...training.events import TrainEvent

STYLES = Path(__file__).resolve().parent  # the .tcss files sit beside their screen


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


class ConfirmQuit(ModalScreen[bool]):
    """Quitting while a model trains, or with a model not saved, loses it: ask first (y quits, n or Esc stays)."""

    CSS_PATH = [STYLES / "training.tcss"]
    BINDINGS = [
        Binding("y", "answer(True)", "Quit", tooltip="Quit and lose this run"),
        Binding("n", "answer(False)", "Stay", tooltip="Back to the training screen"),
        Binding("escape", "answer(False)", "Stay", show=False),
    ]

    def __init__(self, what: str, lost: str = "The run and its model are lost.", stay: str = "keep training") -> None:
        super().__init__()
        self.what, self.lost, self.stay = what, lost, stay

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-quit"):
            yield Static(Text(f"{self.what}\nQuit anyway? {self.lost}"), id="confirm-text")
            yield Static(Text.from_markup(f"[b]y[/b] quit    [b]n[/b] or [b]Esc[/b] {self.stay}"), id="confirm-keys")

    def action_answer(self, quit_app: bool) -> None:
        self.dismiss(quit_app)


@dataclass
class FileDone(Message):
    text: str
    ok: bool
    saved: bool = False  # the model was written to a file
