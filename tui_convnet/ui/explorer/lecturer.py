"""The lecturer's keys on the explorer: quiz mode and the handout (the code pane is
:class:`~tui_convnet.ui.common.keras_code.KerasCode`, shared with the training screen).

- :class:`LecturerKeys`: the explorer's ``x`` (quiz mode: predict each step before it is shown, checked,
  scored for the session, the score shared with the lessons' quiz) and ``p`` (write the example's handout,
  HTML, to the current folder). The question box is :class:`~tui_convnet.ui.common.quiz.QuizModal`.

Nothing typed or read from a file is parsed as markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual.binding import Binding

from ...teach.quiz import Verdict
from ...teach.quiz_mode import QuizMode
from ..common.quiz import QuizModal, record_answer, session_score

if TYPE_CHECKING:
    from ...explore import ExplorerState
    from .screen import ExplorerScreen


class LecturerKeys:
    """The explorer's quiz mode (``x``) and handout (``p``); mixed into :class:`ExplorerScreen`."""

    LECTURER_BINDINGS = [
        Binding(
            "x",
            "quiz",
            "Quiz",
            show=False,
            tooltip="Quiz mode: predict each step's value before it is shown (x again: off)",
        ),
        Binding("p", "handout", "Handout", show=False, tooltip="Write this example's handout (HTML) to this folder"),
    ]
    quiz: QuizMode = QuizMode()

    @property
    def _screen(self) -> ExplorerScreen:
        """The explorer screen this is mixed into, typed."""
        return cast("ExplorerScreen", self)

    def action_quiz(self) -> None:
        screen = self._screen
        self.quiz = self.quiz.toggled()
        if self.quiz.on:
            text = "Quiz mode: → asks for the next step's value before showing it. x turns it off."
        else:
            text = f"Quiz mode off. This session: {session_score(screen).text}."
        screen.notify(text, title="Quiz", markup=False)
        screen.refresh_bindings()

    def quiz_asks(self, state: ExplorerState) -> bool:
        """In quiz mode, ask about the step after ``state``'s before it is shown (True: a question is open)."""
        if not self.quiz.on:
            return False
        following = state.moved(1)
        if following.step == state.step:
            return False
        self.quiz = self.quiz.ask(following, following.step)
        question = self.quiz.question
        if question is None:
            return False
        screen = self._screen

        def answered(verdict: Verdict | None) -> None:
            if verdict is None:
                self.quiz = self.quiz.skip()
            else:
                self.quiz = self.quiz.record(verdict)
                score = record_answer(screen, verdict)  # one score for the session, the lessons' quiz too
                screen.notify(
                    f"{verdict.message} Session: {score.text}.",
                    title="Quiz",
                    severity="information" if verdict.correct else "warning",
                    markup=False,
                )
            screen.state = following  # the step, with its arithmetic, either way

        screen.app.push_screen(QuizModal(question, session_score(screen).text), answered)
        return True

    def action_handout(self) -> None:
        from ...teach.handout import handout_blocks
        from ...teach.handout_html import handout_html
        from ...util.fileio import atomic_write_bytes, os_reason

        screen = self._screen
        state = screen.state
        if state is None:
            return
        example = state.example
        path = Path.cwd() / f"handout-{example.key}.html"
        try:
            atomic_write_bytes(path, handout_html(handout_blocks(example)).encode("utf-8"))
        except OSError as exc:
            screen.notify(f"Could not write {path}: {os_reason(exc)}.", severity="error", markup=False)
            return
        except ValueError as exc:  # a lesson's example that has no handout
            screen.notify(f"No handout for this example: {exc}", severity="warning", markup=False)
            return
        screen.notify(f"Handout of the example as written: {path}", title="Handout", markup=False)
