"""The kernel-gradient lesson's example: a convolution and the output it should have produced (pure).

Its own module, below the narration and the steppers, so that both can tell a lesson from an example
without importing the lesson's stepping (:mod:`.gradient`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from ..core import ConvExample, Example
from ..core.examples import CS231N_TARGET

if TYPE_CHECKING:
    from ..core.lessons import KernelGradientLesson


@dataclass(frozen=True, kw_only=True, eq=False)
class GradientExample(ConvExample):
    """A convolution and the output it should have produced (``target``, the shape of the output).

    A :class:`~tui_convnet.core.ConvExample` (so the app's example list, the palette and the explorer
    take it as one), opened by the explorer as a :class:`GradientState`.
    """

    target: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)))

    @cached_property
    def lesson(self) -> KernelGradientLesson:
        # Imported here: the app lists this lesson as it starts, and computes it (with backpropagation,
        # which the explorer's first frame does not need) only when the student opens it.
        from ..core.lessons import kernel_gradient_lesson

        return kernel_gradient_lesson(
            self.x,
            self.kernels,
            self.bias,
            self.target,
            stride=self.stride,
            padding=self.padding,
            dilation=self.dilation,
        )


def cs231n_gradient_example(cs231n: ConvExample, number: int) -> GradientExample:
    """Lesson 1 on the cs231n example: its input and filters, a diagonal of ones as the target.

    ``number`` is its place in the app's example list (after the bundled examples): its key starts with it.
    """
    return GradientExample(
        key=f"{number:02d}_kernel_gradient",
        title="The gradient of a kernel: cs231n with a target output",
        x=cs231n.x,
        kernels=cs231n.kernels,
        bias=cs231n.bias,
        channel_names=cs231n.channel_names,
        kernel_names=cs231n.kernel_names,
        stride=cs231n.stride,
        padding=cs231n.padding,
        dilation=cs231n.dilation,
        target=CS231N_TARGET,
        description=(
            "Backpropagation, one weight at a time. The cs231n convolution should have produced the "
            "target t (a diagonal of ones for each filter); the loss L = ½·Σ (o − t)² then sends back "
            "dL/do = o − t. A weight touched one input cell for every output cell, so its gradient is "
            "the dot product of those input cells with dL/do: each step writes one weight's sum out. "
            "(The gradient of a convolution is itself a convolution: dL/do slides over the padded "
            "input with the stride as its dilation.) Gradient descent then moves every weight by "
            "−lr·dL/dW; the lesson 'Learn a kernel' (Ctrl+P) does exactly that, step by step."
        ),
        source="cs231n convolution demo (the input and filters); the target and the loss are this lesson's",
    )


def lesson_examples(examples: Sequence[Example]) -> list[GradientExample]:
    """The lessons stepped in the explorer, built on the examples they start from (cs231n)."""
    bases = [ex for ex in examples if ex.key == "01_cs231n" and isinstance(ex, ConvExample)]
    return [cs231n_gradient_example(ex, len(examples) + 1 + i) for i, ex in enumerate(bases)]
