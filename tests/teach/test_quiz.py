"""The quiz: questions from the examples and the core with a seed, exact answers, a checked answer with
its arithmetic, a score; `convnet-tui quiz` prints the sheet and its key (Markdown or JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.core.core_testing import conv_example, pool_example
from tui_convnet.cli import main
from tui_convnet.core import conv2d, load_examples, mnist_convnet
from tui_convnet.core.receptive_field import receptive_field_size
from tui_convnet.teach.cli import MAX_QUESTIONS
from tui_convnet.teach.quiz import KINDS, Score, check
from tui_convnet.teach.quiz_make import (
    MAX_COUNT,
    make_quiz,
    output_cell_question,
    pool_winner_question,
    receptive_field_question,
)

EXAMPLES = load_examples()
BY_KEY = {ex.key: ex for ex in EXAMPLES}


def test_the_cs231n_cell_the_slide_gets_wrong_is_asked_with_the_arithmetics_answer() -> None:
    ex = conv_example(BY_KEY["01_cs231n"])
    q = output_cell_question(ex, 3)  # o[1,0,0]: the slide prints 0, the window gives 2
    assert q.parameters["cell"] == [1, 0, 0] and q.answer == 2 and q.tolerance == 0
    assert check(q, "2").correct and not check(q, "0").correct
    assert "o[1,0,0] = 4 + (-4) + 1 + b0 1 = 2" in q.working
    assert check(q, "0").message == "Not quite: 2, not 0."


def test_every_cell_answer_is_the_cores_output() -> None:
    ex = conv_example(BY_KEY["01_cs231n"])
    out = conv2d(ex.x, ex.kernels, ex.bias, stride=ex.stride, padding=ex.padding)
    for step in range(18):
        q = output_cell_question(ex, step)
        r, c, k = q.parameters["cell"]
        assert q.answer == out[r, c, k]


def test_a_decimal_answer_has_a_tolerance_and_a_whole_one_none() -> None:
    q = output_cell_question(conv_example(BY_KEY["03_edge_detection"]), 200)
    assert not isinstance(q.answer, tuple)
    assert 0 < q.tolerance < 0.05
    assert check(q, f"{q.answer + q.tolerance * 0.9:.4f}").correct
    assert not check(q, f"{q.answer + q.tolerance * 1.5 + 0.01:.4f}").correct


def test_pool_winner_accepts_every_tied_cell_and_reads_pairs() -> None:
    q = pool_winner_question(pool_example(BY_KEY["07_max_pooling"]), 0)
    window = np.array(q.parameters["window"])
    assert isinstance(q.answer, tuple)
    r, c = q.answer
    assert window[r, c] == window.max()
    assert check(q, f"({r}, {c})").correct and check(q, f"row {r} col {c}").correct
    assert not check(q, "7").correct and "Type row, column" in check(q, "7").message


def test_receptive_fields_of_the_lecture_model_come_from_the_core() -> None:
    rng = np.random.default_rng(0)
    seen: set[object] = set()
    for _ in range(30):
        q = receptive_field_question(rng)
        if q.parameters.get("model") == "mnist_convnet":
            names = ["conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "conv2d_2"]
            layer = names.index(q.parameters["layer"])
            assert q.answer == receptive_field_size(mnist_convnet(), layer)
            seen.add(q.answer)
        assert isinstance(q.answer, tuple)
        assert check(q, f"{q.answer[0]}x{q.answer[1]}").correct and check(q, f"{q.answer[0]}×{q.answer[1]}").correct
    assert seen  # the lecture's layers were asked


def test_a_quiz_is_the_same_for_the_same_seed_and_mixes_every_kind() -> None:
    a = [q.to_dict() for q in make_quiz(5, 10, EXAMPLES)]
    assert a == [q.to_dict() for q in make_quiz(5, 10, EXAMPLES)]
    assert a != [q.to_dict() for q in make_quiz(6, 10, EXAMPLES)]
    assert {q["kind"] for q in a} == set(KINDS)
    assert MAX_COUNT == MAX_QUESTIONS


@pytest.mark.parametrize("typed", ["", "abc", "1e999", "nan"])
def test_unreadable_answers_are_a_message_not_a_crash(typed: str) -> None:
    q = make_quiz(0, 2, EXAMPLES)[1]
    verdict = check(q, typed)
    assert not verdict.correct and verdict.message.startswith("Type a whole number")


def test_whole_number_kinds_refuse_decimals_and_accept_thousands_commas() -> None:
    q = next(
        q
        for q in make_quiz(0, 20, EXAMPLES)
        if q.kind == "parameters" and not isinstance(q.answer, tuple) and q.answer > 1000
    )
    assert not isinstance(q.answer, tuple)
    assert check(q, f"{int(q.answer):,}").correct and not check(q, f"{q.answer + 0.4}").correct


def test_the_score_counts_the_sessions_answers() -> None:
    q = output_cell_question(conv_example(BY_KEY["01_cs231n"]), 0)
    assert not isinstance(q.answer, tuple)
    score = Score().add(check(q, str(int(q.answer)))).add(check(q, "99"))
    assert (score.asked, score.right, score.text) == (2, 1, "1 of 2 right (50 %)")


def test_quiz_command_prints_a_sheet_and_its_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quiz", "--seed", "3", "--count", "5"]) == 0
    out = capsys.readouterr().out
    sheet, key = out.split("# Answer key")
    assert sheet.count("Answer (") == 5 and "## 5. Which pooling cell wins" in sheet
    assert key.count("**") == 10


def test_quiz_json_has_kind_prompt_parameters_answer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "quiz.json"
    assert main(["quiz", "--seed", "9", "--count", "7", "--format", "json", "-o", str(path)]) == 0
    data = json.loads(path.read_text())
    assert data["seed"] == 9 and len(data["questions"]) == 7
    for q in data["questions"]:
        assert {"kind", "prompt", "parameters", "answer"} <= set(q) and q["kind"] in KINDS
    assert f"wrote {path}" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--count", "0"], "--count must be a whole number from 1 to 200. Received: --count=0"),
        (["--seed", "-1"], "--seed must be from 0"),
        (["-o", "/no/such/dir/q.md"], "The folder for -o does not exist"),
    ],
)
def test_quiz_command_refuses_bad_input_in_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["quiz", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def _all_zero(window: Any) -> bool:  # a window as JSON data: a grid, or a grid per channel
    cells = [v for grid in (window.values() if isinstance(window, dict) else [window]) for row in grid for v in row]
    return all(v in (0, None) for v in cells)  # None: a padding cell of a 'same' window


def test_no_question_over_many_seeds_is_about_a_window_of_zeros_only() -> None:
    windows = 0
    for seed in range(60):
        for q in make_quiz(seed, 5, EXAMPLES):  # one question of each kind
            if "window" in q.parameters and "example" in q.parameters:
                windows += 1
                assert not _all_zero(q.parameters["window"]), (seed, q.prompt)
    assert windows > 70  # the example cells and pooling windows were asked about


def test_the_zero_windows_were_there_to_be_drawn() -> None:
    from tui_convnet.core import conv_trace
    from tui_convnet.teach.quiz_make import informative_steps, trivial_window

    ex = conv_example(BY_KEY["03_edge_detection"])
    trace = conv_trace(ex.x, ex.kernels, ex.bias, stride=ex.stride, padding=ex.padding, dilation=ex.dilation)
    kept = informative_steps(trace)
    assert 0 < len(kept) < trace.num_steps / 2  # most of a digit's windows are black paper
    assert kept == [i for i in range(trace.num_steps) if not trivial_window(trace.step(i).window)]


def test_the_lecture_models_layers_are_named_as_the_slide_names_them_too() -> None:
    prompts = [q.prompt for seed in range(12) for q in make_quiz(seed, 5, EXAMPLES) if "lecture's" in q.prompt]
    named = [p for p in prompts if "conv2d" in p or "dense" in p or "pooling" in p]
    assert named and all("the slide's " in p for p in named)
    assert any("conv2d_1 (Conv2D; the slide's conv2d_2)" in p for p in named)
