"""The lessons' quiz: a question about each lesson's idea, exact, from the core."""

from __future__ import annotations

import numpy as np
import pytest

from tui_convnet.core import load_examples
from tui_convnet.teach.lesson_quiz import lesson_question
from tui_convnet.teach.quiz import check

EXAMPLES = load_examples()
KEYS = ("pattern", "sparse", "receptive", "sharing", "hierarchy", "dropout", "learn", "network")


@pytest.mark.parametrize("key", KEYS)
def test_every_lesson_has_questions_with_their_answer_and_arithmetic(key: str) -> None:
    rng = np.random.default_rng(1)
    for _ in range(4):
        q = lesson_question(key, rng, EXAMPLES)
        typed = f"{q.answer[0]}x{q.answer[1]}" if isinstance(q.answer, tuple) else repr(q.answer)
        assert check(q, typed).correct and q.working


def test_pattern_questions_are_about_the_pattern_detectors() -> None:
    q = lesson_question("pattern", np.random.default_rng(0), EXAMPLES)
    assert q.parameters["example"] in ("10_pattern_detector", "11_horizontal_edges")


def test_dropout_scales_a_kept_unit_by_one_over_one_minus_the_rate() -> None:
    rng = np.random.default_rng(3)
    for _ in range(5):
        q = lesson_question("dropout", rng, EXAMPLES)
        assert q.answer == pytest.approx(q.parameters["x"] / (1 - q.parameters["rate"]), rel=1e-6)


def test_the_pattern_lesson_never_asks_about_a_window_of_zeros_only() -> None:
    for seed in range(60):
        q = lesson_question("pattern", np.random.default_rng(seed), EXAMPLES)
        cells = [v for grid in q.parameters["window"].values() for row in grid for v in row]
        assert any(v not in (0, None) for v in cells), (seed, q.prompt)
