"""The quiz's question box, shared by the explorer's and the lessons' quiz modes, and the session's score.

- :class:`QuizModal`: one question (:mod:`tui_convnet.teach.quiz`) with the grids it is about and an
  answer field. An answer that cannot be read keeps it open with the reason. Without ``reveal`` it closes
  on the answer (the explorer then shows the step and its arithmetic); with ``reveal`` it shows the verdict
  and the arithmetic in place, right or wrong, until Enter or Esc. Esc before answering: no score (with
  ``reveal``, the arithmetic is shown first).
- :func:`session_score` and :func:`record_answer`: one score for the whole session, whichever screen asked.

Looks live in ``quiz.tcss``; nothing typed is parsed as markup.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ...teach.quiz import Question, Score, Verdict, check
from .session import session_app

STYLES = Path(__file__).resolve().parent  # the .tcss files sit beside their widgets


def session_score(node: DOMNode) -> Score:
    """The quiz score of this session (every screen's quiz adds to it)."""
    return session_app(node).quiz_score


def record_answer(node: DOMNode, verdict: Verdict) -> Score:
    """Add ``verdict`` to the session's score; returns the new score."""
    app = session_app(node)
    app.quiz_score = app.quiz_score.add(verdict)
    return app.quiz_score


class QuizModal(ModalScreen[Verdict | None]):
    """A question: type the answer, Enter checks it; Esc closes it unscored."""

    CSS_PATH = [STYLES / "quiz.tcss"]
    BINDINGS = [
        Binding("escape", "skip", "Skip", key_display="Esc"),
        Binding("enter", "close", "Close", show=False),  # once revealed (before, the answer field takes Enter)
    ]

    def __init__(self, question: Question, score: str, *, reveal: bool = False) -> None:
        super().__init__()
        self.question = question
        self.score = score
        self.reveal = reveal
        self.verdict: Verdict | None = None
        self.revealed = False

    def compose(self) -> ComposeResult:
        q = self.question
        with Vertical(id="quiz-box"):
            yield Label(Text(f"Quiz · {self.score}"), id="quiz-title")
            yield Static(Text(q.prompt), id="quiz-prompt")
            from ...teach.quiz_sheet import question_figures

            figures = question_figures(q)
            if figures:
                yield Static(Text("\n".join(figures)), id="quiz-figures")
            yield Input(placeholder=q.hint, id="quiz-answer")
            yield Static("", id="quiz-message")
            yield Static("", id="quiz-working")
            footer = "Enter checks · Esc " + ("shows the answer unscored" if self.reveal else "shows the step unscored")
            yield Label(Text(footer), id="quiz-footer")

    def on_mount(self) -> None:
        self.query_one("#quiz-answer", Input).focus()

    @on(Input.Submitted, "#quiz-answer")
    def _answered(self, event: Input.Submitted) -> None:
        event.stop()
        if self.revealed:
            self.dismiss(self.verdict)
            return
        verdict = check(self.question, event.value)
        if not verdict.correct and verdict.message.startswith("Type "):  # unreadable: say so, keep asking
            self.query_one("#quiz-message", Static).update(Text(verdict.message))
            return
        if not self.reveal:
            self.dismiss(verdict)
            return
        self.verdict = verdict
        self._show_answer(verdict.message, "-right" if verdict.correct else "-wrong")

    def _show_answer(self, message: str, kind: str) -> None:
        """The verdict and the arithmetic, in the box; the next Enter or Esc closes it."""
        self.revealed = True
        self.query_one("#quiz-answer", Input).disabled = True
        self.set_focus(None)
        self.query_one("#quiz-message", Static).update(Text(message))
        self.query_one("#quiz-message", Static).set_classes(kind)
        self.query_one("#quiz-working", Static).update(Text(f"= {self.question.working}"))
        self.query_one("#quiz-footer", Label).update(Text("Enter or Esc closes"))

    def action_close(self) -> None:
        if self.revealed:
            self.dismiss(self.verdict)

    def action_skip(self) -> None:
        if self.reveal and not self.revealed:
            self._show_answer(f"Not scored. The answer: {self.question.answer_text()}.", "-skipped")
            return
        self.dismiss(self.verdict)
