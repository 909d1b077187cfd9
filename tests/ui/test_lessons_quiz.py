"""x on the lessons screen: a question on the lesson's idea, predicted, checked, revealed with its arithmetic,
scored in the one score of the session (the explorer's quiz mode adds to the same)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from textual.app import App

from tests.ui.screens import current
from tui_convnet.teach.lesson_quiz import lesson_question
from tui_convnet.ui._textual_internals import notifications
from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.quiz import QuizModal
from tui_convnet.ui.lessons.screen import LessonsScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI

SIZE = (130, 42)


def box(ui: type[UI], app: App[Any]) -> str:
    return ui.widget_text(app.screen.query_one("#quiz-box"))


async def test_predict_check_reveal_and_one_score_with_the_explorer(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x", "right")  # the explorer's quiz mode: o[0,1,0] of cs231n is -1
        await pilot.pause()
        await pilot.press("minus", "1", "enter")
        await pilot.pause()
        assert "Right: -1. Session: 1 of 1 right (100 %)." in notifications(app)
        await pilot.press("L", "n")  # lesson 14, sparse connectivity
        await pilot.pause()
        lessons = current(app, LessonsScreen)
        lessons.quiz_rng = np.random.default_rng(5)
        expected = lesson_question("sparse", np.random.default_rng(5), app.examples)
        assert not isinstance(expected.answer, tuple)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, QuizModal)
        assert expected.prompt.split(".")[0] in " ".join(box(ui, app).split())
        assert "Quiz · 1 of 1 right (100 %)" in box(ui, app)  # the explorer's answer counts here
        await pilot.press(*str(int(expected.answer) + 1), "enter")  # wrong: the verdict and the arithmetic
        await pilot.pause()
        shown = " ".join(box(ui, app).split())
        assert f"Not quite: {int(expected.answer)}, not {int(expected.answer) + 1}." in shown
        assert "= " + " ".join(expected.working.split())[:40] in shown
        assert isinstance(app.screen, QuizModal)  # it stays open until Enter
        await pilot.press("enter")
        await pilot.pause()
        assert current(app, LessonsScreen) is lessons
        assert notifications(app)[-1].endswith("Session: 1 of 2 right (50 %).")
        await pilot.press("x")
        await pilot.pause()
        question = current(app, QuizModal).question
        await pilot.press(*str(question.answer_text().split()[0]), "enter")  # right
        await pilot.pause()
        assert "Right: " in box(ui, app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.quiz_score.text == "2 of 3 right (67 %)"
        await pilot.press("e", "x")  # the explorer's quiz mode off: the session's score, the lessons' too
        await pilot.pause()
        assert "Quiz mode off. This session: 2 of 3 right (67 %)." in notifications(app)


async def test_a_decimal_answer_within_its_tolerance_and_escape_reveals_unscored(ui: type[UI]) -> None:
    app = create_app(screen="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(5):
            await pilot.press("n")  # lesson 18, dropout
        await pilot.pause()
        current(app, LessonsScreen).quiz_rng = np.random.default_rng(3)
        expected = lesson_question("dropout", np.random.default_rng(3), app.examples)
        assert expected.tolerance > 0 and not isinstance(expected.answer, tuple)
        await pilot.press("x")
        await pilot.pause()
        near = f"{expected.answer + expected.tolerance * 0.9:.4f}"  # off by less than the tolerance
        await pilot.press(*near, "enter")
        await pilot.pause()
        assert "Right: " in box(ui, app) and "1 − " in box(ui, app)  # the arithmetic: x / (1 − rate)
        await pilot.press("enter", "x")
        await pilot.pause()
        await pilot.press("escape")  # no answer: the answer and its arithmetic, not scored
        await pilot.pause()
        shown = box(ui, app)
        assert "Not scored. The answer: " in shown and "1 − " in shown
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, QuizModal)
        assert app.quiz_score.text == "1 of 1 right (100 %)"


async def test_x_on_a_backpropagation_lesson_asks_about_it() -> None:
    from tui_convnet.ui.lessons.backprop import LearnKernelScreen

    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = LearnKernelScreen()
        screen.quiz_rng = np.random.default_rng(2)
        app.push_screen(screen)
        await pilot.pause()
        expected = lesson_question("learn", np.random.default_rng(2), app.examples)
        await pilot.press("x")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, QuizModal) and modal.question.prompt == expected.prompt
        await pilot.press(*expected.answer_text().replace(",", ""), "enter", "enter")
        await pilot.pause()
        assert app.screen is screen and app.quiz_score.text == "1 of 1 right (100 %)"
