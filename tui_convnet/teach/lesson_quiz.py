"""Quiz questions for the lessons' screens: one about each lesson's idea, from the core, with a seed.

- pattern: an output cell of a pattern-detector example (the diagonal or the horizontal edge), never on a
  window of zeros only;
- sparse: how many inputs one output depends on, in a convolution and in a dense layer;
- receptive and hierarchy: a receptive field of the lecture's model;
- sharing: a layer's parameter count (shared kernels, against a dense layer);
- dropout: what a kept unit becomes in training (``x / (1 − rate)``, computed by the core);
- learn and network (the backpropagation screens): a parameter count or an output size.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..core import ConvExample, Example
from ..core.dropout import apply_dropout
from .quiz import Question, decimal_tolerance
from .quiz_make import example_cell_question, output_size_question, parameters_question, receptive_field_question

#: The examples the pattern lesson asks about (the lecture's pattern detectors).
PATTERN_EXAMPLES = ("10_pattern_detector", "11_horizontal_edges")


def _sparse(rng: np.random.Generator) -> Question:
    n, k = int(rng.integers(6, 13)), int(rng.choice([2, 3, 5]))
    if rng.random() < 0.5:
        prompt = f"A 1-D convolution of kernel width {k} (no padding) runs over {n} inputs. On how many inputs "
        prompt += "does one output depend?"
        working = f"one output sees one window: the kernel's width, {k} inputs (a dense layer: all {n})"
        return Question("count", prompt, {"inputs": n, "kernel_width": k, "layer": "conv"}, float(k), working)
    prompt = f"A dense layer has {n} inputs. On how many inputs does one of its outputs depend?"
    working = f"every output of a dense layer is connected to every input: {n}"
    return Question("count", prompt, {"inputs": n, "layer": "dense"}, float(n), working)


def _dropout(rng: np.random.Generator) -> Question:
    rate = float(rng.choice([0.2, 0.25, 0.5, 0.75]))
    x = float(rng.choice([0.4, 0.8, 1.2, 1.5, 2.0, 3.0]))
    kept = float(apply_dropout(np.array([x]), np.array([True]), rate)[0])
    prompt = f"Dropout({rate:g}) in training mode keeps a unit whose value is {x:g}. What does it pass on?"
    working = f"a kept unit is scaled by 1 / (1 − rate): {x:g} / (1 − {rate:g}) = {kept:.4g}"
    return Question("value", prompt, {"rate": rate, "x": x}, kept, working, decimal_tolerance(kept))


def lesson_question(key: str, rng: np.random.Generator, examples: Sequence[Example]) -> Question:
    """A question about lesson ``key``'s idea (a lesson key of ``lessons.catalog``)."""
    if key == "pattern":
        found = [ex for ex in examples if ex.key in PATTERN_EXAMPLES and isinstance(ex, ConvExample)]
        if found:
            return example_cell_question(rng, found[int(rng.integers(len(found)))])
    if key == "sparse":
        return _sparse(rng)
    if key in ("receptive", "hierarchy"):
        return receptive_field_question(rng)
    if key == "dropout":
        return _dropout(rng)
    if key == "network":
        return output_size_question(rng)
    return parameters_question(rng)
