"""``x`` on the lessons' screens: a question on the lesson's idea (:mod:`tui_convnet.teach.lesson_quiz`) in the
shared question box, revealed with its arithmetic, scored in the session's one quiz score."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from textual.screen import Screen

from ...teach.lesson_quiz import lesson_question
from ..common.quiz import QuizModal, record_answer, session_score
from ..common.session import session_app

if TYPE_CHECKING:
    from ...teach.quiz import Verdict


def ask_lesson_question(screen: Screen[None], key: str, rng: np.random.Generator) -> None:
    """Ask a question about lesson ``key`` over ``screen``; a checked answer is scored and notified."""
    question = lesson_question(key, rng, session_app(screen).examples)

    def answered(verdict: Verdict | None) -> None:
        if verdict is not None:
            score = record_answer(screen, verdict)
            screen.notify(
                f"{verdict.message} Session: {score.text}.",
                title="Quiz",
                severity="information" if verdict.correct else "warning",
                markup=False,
            )

    screen.app.push_screen(QuizModal(question, session_score(screen).text, reveal=True), answered)
