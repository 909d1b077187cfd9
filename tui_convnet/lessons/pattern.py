"""Lesson 1: a kernel is a pattern detector (the lecture's "Convolution (Diagonal edge)" and
"Example: Edge Detection" slides).

The lesson is three explorer examples, stepped through in the explorer: the
diagonal-edge kernel over an input that holds its pattern in some places
(example 10), the edge kernel [1, −1] on a real digit (03) and its transpose
(11).  Here: which example each step opens, a preview of its input, kernel
and output, and what to look for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..core import ConvExample, Example, conv2d, numbers

#: The examples of the lesson, by the number their key starts with, and what to look for in each.
STEPS: tuple[tuple[str, str], ...] = (
    (
        "10",
        "The kernel is a small picture of a diagonal edge. The output is 3 — the highest a window can"
        " give — exactly where the input holds the whole diagonal, and low where it holds other shapes.",
    ),
    (
        "03",
        "The 1×2 kernel [1, −1] on a real digit: each output is a pixel minus its right-hand neighbour,"
        " so flat areas give 0 and the digit's vertical edges light up.",
    ),
    (
        "11",
        "Its transpose, the 2×1 kernel [1, −1]ᵀ, compares each pixel with the one below: now the"
        " horizontal edges light up (the 7's top bar).",
    ),
)


@dataclass(frozen=True, eq=False)
class PatternFrame:
    step: int
    example: ConvExample
    input: np.ndarray  # (H, W): the first channel
    kernel: np.ndarray  # (kh, kw)
    output: np.ndarray  # (H', W')
    lines: tuple[str, ...]


class PatternLesson:
    def __init__(self, examples: Sequence[Example]) -> None:
        found: list[ConvExample] = []
        for number, _ in STEPS:
            ex = next((e for e in examples if e.key.split("_", 1)[0] == number), None)
            if not isinstance(ex, ConvExample):
                raise ValueError(f"Lesson 1 needs the convolution example {number}. Received: examples without it")
            found.append(ex)
        self.examples = tuple(found)

    @property
    def steps(self) -> int:
        return len(self.examples)

    def start(self, step: int) -> int:
        return max(0, min(step, self.steps - 1))

    def frame(self, step: int) -> PatternFrame:
        step = self.start(step)
        ex = self.examples[step]
        out = conv2d(ex.x, ex.kernels, ex.bias, stride=ex.stride, padding=ex.padding, dilation=ex.dilation)
        k = ex.kernels[:, :, 0, 0]
        lines = (
            f"Example {ex.key.split('_', 1)[0]}: {ex.title}",
            STEPS[step][1],
            f"Output values from {numbers.plain(float(out.min()))} to {numbers.plain(float(out.max()))}."
            " Enter steps through it cell by cell in the explorer (e comes back to the explorer, L to the lessons).",
        )
        return PatternFrame(step, ex, ex.x[:, :, 0], k, out[:, :, 0], lines)
