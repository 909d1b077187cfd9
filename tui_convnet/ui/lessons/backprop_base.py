"""What the backpropagation lessons' screens share: their title line and their base screen
(pushed over the screen it was opened from; Esc goes back, x asks a question, its heading numbered as
in the contents). The screens are :mod:`.backprop` (learn a kernel) and :mod:`.network_gradient`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from ..common.session import session_app

STYLES = Path(__file__).resolve().parent  # the .tcss files sit beside their screen


class Title(Static):
    """The lesson's one-line title and status."""


class LessonScreen(Screen[None]):
    """A backpropagation lesson's screen: pushed over the screen it was opened from; Esc goes back; x asks a
    question on the lesson (:mod:`.quiz_key`)."""

    #: The lesson's key in ``lessons.catalog`` (what x asks about).
    LESSON_KEY = ""
    BINDINGS = [
        Binding("x", "quiz", "Quiz", show=False, tooltip="A question on this lesson: predict, then see the arithmetic"),
    ]

    def __init__(self) -> None:
        super().__init__()
        #: Where the quiz's questions are drawn from (a test seeds it).
        self.quiz_rng = np.random.default_rng()

    def action_quiz(self) -> None:
        from .quiz_key import ask_lesson_question

        ask_lesson_question(self, self.LESSON_KEY, self.quiz_rng)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_next_lesson(self) -> None:
        """The next lesson in the contents, in this one's place (Esc still goes back where this one came from)."""
        from .backprop import lesson_screen

        self.app.switch_screen(lesson_screen("network"))

    def lesson_heading(self, key: str, title: str) -> str:
        """``Lesson 19 · Learn a kernel by gradient descent``: its number in the app's contents."""
        from ...lessons.catalog import contents, lesson_entry

        examples = session_app(self).examples
        return f"Lesson {lesson_entry(contents(examples), key).number:02d} · {title}"
