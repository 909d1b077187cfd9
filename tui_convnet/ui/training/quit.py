"""The training screen's quit question: quitting while a model trains, or with a model not saved, asks first."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

STYLES = Path(__file__).resolve().parent  # the .tcss files sit beside their screen


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
