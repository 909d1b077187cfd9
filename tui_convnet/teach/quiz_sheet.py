"""``convnet-tui quiz``: a question sheet and its answer key, as Markdown or JSON.

The Markdown sheet prints each question with the grids it is about, a line to answer on, then (after a
page break for printing) the key: each answer, its tolerance and the arithmetic. The JSON has, for each
question, its kind, the prompt, the parameters, the answer (and the tolerance and the working).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from ..core import ExampleError, load_examples
from .output import OutputError, check_output, emit, fail
from .quiz import Question
from .quiz_make import make_quiz

PROG = "convnet-tui quiz"
TITLES = {
    "output_cell": "An output cell",
    "output_size": "An output size",
    "parameters": "A parameter count",
    "receptive_field": "A receptive field",
    "pool_winner": "Which pooling cell wins",
}


def grid_lines(grid: Sequence[Sequence[Any]]) -> list[str]:
    """A grid of numbers as right-aligned columns."""
    cells = [["·" if v is None else f"{v:g}" if isinstance(v, float) else str(v) for v in row] for row in grid]
    width = max(len(c) for row in cells for c in row)
    return ["  ".join(c.rjust(width) for c in row) for row in cells]


def side_by_side(blocks: Sequence[tuple[str, list[str]]]) -> list[str]:
    """Titled blocks of lines next to each other (the window beside the kernel)."""
    widths = [max(len(title), *(len(line) for line in lines)) for title, lines in blocks]
    height = max(len(lines) for _, lines in blocks)
    out = ["    ".join(title.ljust(w) for (title, _), w in zip(blocks, widths, strict=True)).rstrip()]
    for i in range(height):
        row = [(lines[i] if i < len(lines) else "").ljust(w) for (_, lines), w in zip(blocks, widths, strict=True)]
        out.append("    ".join(row).rstrip())
    return out


def question_figures(q: Question) -> list[str]:
    """The grids a question is about (the window and the kernel, a pooling window) as text lines."""
    p = q.parameters
    if q.kind == "output_cell":
        blocks: list[tuple[str, list[str]]] = []
        for c, (name, grid) in enumerate(p["window"].items()):
            blocks.append((f"window {name}", grid_lines(grid)))
            blocks.append((f"{p['kernel']}[:,:,{c}]", grid_lines(p["weights"][name])))
        lines = []
        for i in range(0, len(blocks), 4):  # two channels (window and kernel) per row of figures
            lines += [*side_by_side(blocks[i : i + 4]), ""]
        return [
            *lines,
            f"bias b = {p['bias']}" + (f", activation {p['activation']}" if p["activation"] != "linear" else ""),
        ]
    if q.kind == "pool_winner":
        return ["window", *grid_lines(p["window"])]
    return []


def quiz_markdown(questions: Sequence[Question], seed: int) -> str:
    out = [
        f"# Quiz: how a convolutional network computes (seed {seed}, {len(questions)} questions)",
        "",
        "Answer each question; the key is at the end. Whole numbers are exact; a decimal answer may be off by",
        "the tolerance the key gives. Rows and columns are counted from 0.",
        "",
    ]
    for i, q in enumerate(questions, 1):
        out += [f"## {i}. {TITLES[q.kind]}", "", q.prompt, ""]
        figures = question_figures(q)
        if figures:
            out += ["```", *figures, "```", ""]
        out += [f"Answer ({q.hint}): ________________", ""]
    out += ['<div style="page-break-before: always"></div>', "", "# Answer key", ""]
    for i, q in enumerate(questions, 1):
        out += [
            f"{i}. **{q.answer_text()}**",
            "",
            "   ```",
            *(f"   {line}" for line in q.working.split("\n")),
            "   ```",
        ]
        out.append("")
    return "\n".join(out)


def quiz_json(questions: Sequence[Question], seed: int) -> str:
    return (
        json.dumps({"seed": seed, "questions": [q.to_dict() for q in questions]}, indent=2, ensure_ascii=False) + "\n"
    )


def run_quiz(args: argparse.Namespace) -> int:
    try:
        output = check_output(args.output)
        if not 0 <= args.seed < 2**32:
            raise ValueError(f"--seed must be from 0 to {2**32 - 1}. Received: --seed={args.seed}")
        questions = make_quiz(args.seed, args.count, load_examples())
    except (OutputError, ExampleError) as exc:
        return fail(PROG, str(exc))
    except ValueError as exc:
        return fail(PROG, str(exc).replace("`count`", "--count").replace("count=", "--count="))
    render = quiz_json if args.format == "json" else quiz_markdown
    return emit(render(questions, args.seed), output, PROG)
