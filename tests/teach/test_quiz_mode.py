"""Quiz mode, outside the app: the step about to be shown is a question; an answer is checked and scored."""

from __future__ import annotations

from tui_convnet.core import load_examples
from tui_convnet.explore import open_example
from tui_convnet.teach.quiz_mode import QuizMode, question_for

EXAMPLES = {ex.key: ex for ex in load_examples()}


def test_every_step_of_every_example_has_an_exact_question():
    for ex in EXAMPLES.values():
        state = open_example(ex)
        for step in range(0, state.num_steps, max(1, state.num_steps // 7)):
            q = question_for(state, step)
            assert q is not None and q.working
            assert q.kind in ("output_cell", "pool_winner", "parameters", "output_size")


def test_the_model_example_asks_parameters_or_an_output_size_with_the_slides_name():
    state = open_example(EXAMPLES["09_mnist_convnet"])
    q = question_for(state, 2)
    assert q is not None and q.kind == "parameters" and q.answer == 18496
    assert "conv2d_1 (Conv2D; the slide's conv2d_2)" in q.prompt
    q = question_for(state, 5)  # Flatten: no weights
    assert q is not None and q.kind == "output_size" and q.answer == 576


def test_a_session_asks_checks_scores_and_shows_the_arithmetic():
    state = open_example(EXAMPLES["01_cs231n"])
    mode = QuizMode().ask(state, 3)
    assert not mode.asking  # off: the step is simply shown
    mode = mode.toggled().ask(state, 3)
    assert mode.asking and mode.step == 3 and "o[1,0,0]" in mode.question.prompt
    typo = mode.answer("two")
    assert typo.asking and typo.verdict.message.startswith("Type a number") and typo.score.asked == 0
    done = typo.answer("0")  # what the slide prints
    assert not done.asking and not done.verdict.correct and done.verdict.message == "Not quite: 2, not 0."
    assert "o[1,0,0] = 4 + (-4) + 1 + b0 1 = 2" in done.working
    right = done.ask(state, 4).answer("-2")
    assert right.verdict.correct and right.score.text == "1 of 2 right (50 %)"
    skipped = right.ask(state, 5).skip()
    assert skipped.score.asked == 2 and skipped.working
