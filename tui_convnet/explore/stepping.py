"""Which steps an explorer state stays within, and how every state steps: :class:`StepRange`,
:class:`Stepping` (the base of every kind of state) and :class:`ExplorerRequest` (another screen asking
the explorer to show an example on a step, within a range)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Self

import numpy as np

from ..core import ConvExample, Example, conv2d


@dataclass(frozen=True)
class StepRange:
    """The steps Home/End and playing stay within: ``start`` included, ``stop`` excluded."""

    start: int
    stop: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.stop:
            raise ValueError(f"A step range must not be empty. Received: start={self.start}, stop={self.stop}")

    def __len__(self) -> int:
        return self.stop - self.start

    def clamp(self, step: int) -> int:
        return min(max(step, self.start), self.stop - 1)


def placed(total: int, step: int, steps: StepRange | None, label: str) -> tuple[int, StepRange, str]:
    """``(step, steps, label)`` of a new state of ``total`` steps: another screen's range is kept if it fits
    (with its label), else the whole; the step is kept inside it."""
    whole = StepRange(0, max(total, 1))
    rng = steps if steps is not None and steps.stop <= whole.stop else whole
    return rng.clamp(step), rng, label if rng is steps else ""


@dataclass(frozen=True, eq=False)
class ExplorerRequest:
    """What another screen asks the explorer to show: an example, the step to start on, the steps to stay in.

    ``label`` names the range in the title bar (e.g. ``"map k5"``).
    """

    example: Example
    step: int = 0
    steps: StepRange | None = None
    label: str = ""


def focus_on_map(example: ConvExample, kernel: int) -> ExplorerRequest:
    """Step through one feature map: start on its largest activation, stay within the map.

    This is what the inspect screen's ``s`` sends for the chosen map.
    """
    count = example.kernels.shape[3]
    if not 0 <= kernel < count:
        raise ValueError(f"Feature map index out of range 0..{count - 1}. Received: kernel={kernel}")
    out = conv2d(
        example.x,
        example.kernels[..., kernel : kernel + 1],
        example.bias[kernel : kernel + 1],
        stride=example.stride,
        padding=example.padding,
        dilation=example.dilation,
        activation=example.activation,
    )[:, :, 0]
    oh, ow = out.shape
    row, col = divmod(int(np.argmax(out)), ow)
    start = kernel * oh * ow
    name = example.kernel_names[kernel] if kernel < len(example.kernel_names) else f"W{kernel}"
    return ExplorerRequest(example, start + row * ow + col, StepRange(start, start + oh * ow), f"map {name}")


@dataclass(frozen=True, eq=False)
class Stepping:
    """What every explorer state has: the current step, the steps it stays within, and their name."""

    step: int
    steps: StepRange
    label: str  # names a step range chosen by another screen ("" for the whole example)

    def at(self, step: int) -> Self:
        """The same state on ``step`` (kept inside the step range)."""
        return replace(self, step=self.steps.clamp(step))

    def moved(self, delta: int) -> Self:
        return self.at(self.step + delta)

    def first(self) -> Self:
        return self.at(self.steps.start)

    def last(self) -> Self:
        return self.at(self.steps.stop - 1)

    @property
    def at_end(self) -> bool:
        return self.step >= self.steps.stop - 1
