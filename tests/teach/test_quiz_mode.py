"""Quiz mode, outside the app: the step about to be shown is a question; an answer is checked and scored."""

from __future__ import annotations

import numpy as np

from tui_convnet.core import load_examples
from tui_convnet.explore import ConvState, ExplorerState, open_example
from tui_convnet.teach.quiz_mode import QuizMode, question_for

EXAMPLES = {ex.key: ex for ex in load_examples()}


def _window(state: ExplorerState, step: int) -> np.ndarray:
    assert isinstance(state, ConvState)
    comp = state.comp
    if step < comp.conv_steps:
        assert comp.conv is not None
        return comp.conv.step(step).window
    assert comp.pool is not None
    return comp.pool.step(step - comp.conv_steps).window


def test_every_step_of_every_example_has_an_exact_question_unless_its_window_is_all_zeros() -> None:
    asked = 0
    for ex in EXAMPLES.values():
        state = open_example(ex)
        for step in range(0, state.num_steps, max(1, state.num_steps // 7)):
            q = question_for(state, step)
            if q is None:  # nothing to work out: the window holds zeros only
                assert not np.any(np.nan_to_num(_window(state, step)))
                continue
            asked += 1
            assert q.working
            assert q.kind in ("output_cell", "pool_winner", "parameters", "output_size")
    assert asked > 40


def test_a_window_of_zeros_only_is_not_asked_about() -> None:
    state = open_example(EXAMPLES["03_edge_detection"])  # a digit: most windows are black paper
    zero = [s for s in range(state.num_steps) if not np.any(_window(state, s))]
    ink = [s for s in range(state.num_steps) if np.any(_window(state, s))]
    assert zero and ink
    assert question_for(state, zero[0]) is None
    assert question_for(state, ink[0]) is not None


def test_the_model_example_asks_parameters_or_an_output_size_with_the_slides_name() -> None:
    state = open_example(EXAMPLES["09_mnist_convnet"])
    q = question_for(state, 2)
    assert q is not None and q.kind == "parameters" and q.answer == 18496
    assert "conv2d_1 (Conv2D; the slide's conv2d_2)" in q.prompt
    q = question_for(state, 5)  # Flatten: no weights
    assert q is not None and q.kind == "output_size" and q.answer == 576


def test_a_session_asks_checks_scores_and_shows_the_arithmetic() -> None:
    state = open_example(EXAMPLES["01_cs231n"])
    mode = QuizMode().ask(state, 3)
    assert not mode.asking  # off: the step is simply shown
    mode = mode.toggled().ask(state, 3)
    assert mode.asking and mode.step == 3 and mode.question is not None and "o[1,0,0]" in mode.question.prompt
    typo = mode.answer("two")
    assert (
        typo.asking
        and typo.verdict is not None
        and typo.verdict.message.startswith("Type a number")
        and typo.score.asked == 0
    )
    done = typo.answer("0")  # what the slide prints
    assert (
        not done.asking
        and done.verdict is not None
        and not done.verdict.correct
        and done.verdict.message == "Not quite: 2, not 0."
    )
    assert "o[1,0,0] = 4 + (-4) + 1 + b0 1 = 2" in done.working
    right = done.ask(state, 4).answer("-2")
    assert right.verdict is not None and right.verdict.correct and right.score.text == "1 of 2 right (50 %)"
    skipped = right.ask(state, 5).skip()
    assert skipped.score.asked == 2 and skipped.working
