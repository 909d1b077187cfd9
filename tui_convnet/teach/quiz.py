"""A quiz question, how a typed answer is checked, and the session's score.

A :class:`Question` holds its exact answer (computed by the core), the tolerance the number deserves
(0 for whole numbers; for decimals, two decimals and 1 % of the value: a student rounds as they go) and
the arithmetic that gives it, shown after the answer whether it was right or not. Plain data: the quiz
sheet (:mod:`.quiz_sheet`) and the screens' quiz mode use the same questions and the same check.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

#: What a question asks for.
KINDS = ("output_cell", "output_size", "parameters", "receptive_field", "pool_winner")
#: The lessons' extra kinds (not on the sheet): a count of connections, a value such as a dropout's output.
LESSON_KINDS = ("count", "value")

#: What a student types for each kind (shown beside the answer field and on the sheet).
ANSWER_HINTS = {
    "output_cell": "a number",
    "output_size": "a whole number",
    "parameters": "a whole number",
    "receptive_field": "height x width, e.g. 5x5",
    "pool_winner": "row, column inside the window, e.g. 0, 1",
    "count": "a whole number",
    "value": "a number",
}

Answer = float | tuple[int, int]


@dataclass(frozen=True)
class Question:
    kind: str
    prompt: str
    parameters: Mapping[str, Any]  # JSON-able: what the prompt is about (grids, sizes, the example's name)
    answer: Answer
    working: str  # the arithmetic that gives the answer
    tolerance: float = 0.0
    #: Other answers that are just as right (the other cells of a tied pooling window).
    also: tuple[Answer, ...] = field(default=())

    @property
    def hint(self) -> str:
        return ANSWER_HINTS[self.kind]

    def answer_text(self) -> str:
        return answer_text(self.kind, self.answer, self.tolerance)

    def to_dict(self) -> dict[str, Any]:
        answer: Any = list(self.answer) if isinstance(self.answer, tuple) else _json_number(self.answer)
        out: dict[str, Any] = {
            "kind": self.kind,
            "prompt": self.prompt,
            "parameters": dict(self.parameters),
            "answer": answer,
            "tolerance": self.tolerance,
            "working": self.working,
        }
        if self.also:
            out["also_accepted"] = [list(a) if isinstance(a, tuple) else a for a in self.also]
        return out


def _json_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def number_text(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}" if abs(value) >= 10000 else str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def answer_text(kind: str, answer: Answer, tolerance: float = 0.0) -> str:
    if isinstance(answer, tuple):
        if kind == "receptive_field":
            return f"{answer[0]}x{answer[1]}"
        return f"row {answer[0]}, column {answer[1]}"
    text = number_text(answer)
    return f"{text} (± {tolerance:g})" if tolerance else text


def decimal_tolerance(answer: float) -> float:
    """Two decimals and 1 % of the value, rounded up to three decimals (a hand's rounding adds up)."""
    return math.ceil((0.01 + 0.01 * abs(answer)) * 1000) / 1000


# --------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class Verdict:
    correct: bool
    message: str  # one line: right, wrong (and what was expected), or what could not be read


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_PAIR = re.compile(r"-?\d+")


def parse_number(text: str) -> float | None:
    cleaned = text.strip().replace(",", "").replace("−", "-").replace(" ", "")
    if not _NUMBER.match(cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


def parse_pair(text: str, square: bool = False) -> tuple[int, int] | None:
    """``0, 1`` / ``(0, 1)`` / ``row 0 col 1`` / ``5x5`` / ``5×5``; one number means a square (``5``)."""
    found = [int(n) for n in _PAIR.findall(text)]
    if len(found) == 1 and square:
        return found[0], found[0]
    if len(found) != 2:
        return None
    return found[0], found[1]


def check(question: Question, typed: str) -> Verdict:
    """Whether ``typed`` is the answer, within the question's tolerance."""
    right = question.answer_text()
    if isinstance(question.answer, tuple):
        pair = parse_pair(typed, square=question.kind == "receptive_field")
        if pair is None:
            return Verdict(False, f"Type {question.hint}. Received: {typed.strip()[:40]!r}")
        ok = pair == question.answer or pair in question.also
        return Verdict(ok, f"Right: {right}." if ok else f"Not quite: {right}, not {answer_text(question.kind, pair)}.")
    value = parse_number(typed)
    if value is None:
        return Verdict(False, f"Type {question.hint}. Received: {typed.strip()[:40]!r}")
    ok = abs(value - question.answer) <= question.tolerance + 1e-9
    if question.kind not in ("output_cell", "value") and not value.is_integer():
        ok = False
    return Verdict(ok, f"Right: {right}." if ok else f"Not quite: {right}, not {number_text(value)}.")


# --------------------------------------------------------------------------- the session's score


@dataclass(frozen=True)
class Score:
    """Answers checked this session and how many were right."""

    asked: int = 0
    right: int = 0

    def add(self, verdict: Verdict) -> Score:
        return replace(self, asked=self.asked + 1, right=self.right + int(verdict.correct))

    @property
    def text(self) -> str:
        if not self.asked:
            return "no answers yet"
        return f"{self.right} of {self.asked} right ({100 * self.right / self.asked:.0f} %)"
