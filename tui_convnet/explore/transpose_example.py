"""The transposed convolution's explorer entries: their example, their state (stride 1-3, 'valid' or 'same')
and the change of a setting (pure, no Textual).

A :class:`TransposeExample` is a :class:`~tui_convnet.core.ConvExample` (so the app's example list, the
contents and the palette take it as one) whose ``kernels`` are in Keras' ``Conv2DTranspose`` layout
``(kh, kw, C_out, C_in)``; ``view`` says which of the two pictures the explorer steps through:

- ``"gather"``: the input spread out by the stride (zeros inserted), padded, and the kernel turned by
  180° sliding over it: one output cell per step;
- ``"scatter"``: each input cell stamping the kernel, scaled by its value, onto the output: one input
  cell per step.

Both step through :func:`tui_convnet.core.conv2d_transpose`'s numbers (:mod:`.transpose_steps` draws them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..core import ConvExample
from .stepping import Stepping, StepRange, placed

if TYPE_CHECKING:  # imported when an entry is opened, not at start (the first frame shows none)
    from ..core.transpose import ScatterTrace, TransposeTrace

#: The strides and paddings the entries offer (conv_arithmetic's pictures use these).
STRIDES = (1, 2, 3)
PADDINGS = ("valid", "same")
VIEWS = ("gather", "scatter")


@dataclass(frozen=True, kw_only=True, eq=False)
class TransposeExample(ConvExample):
    """A transposed convolution to step through; ``kernels`` is ``(kh, kw, C_out, C_in)``."""

    view: str = "gather"
    after_lessons: ClassVar[bool] = True


@dataclass(frozen=True, eq=False)
class TransposeState(Stepping):
    """The explorer on a :class:`TransposeExample` with a stride and a padding (changed by the knobs)."""

    example: TransposeExample
    stride: int
    padding: str
    comp: TransposeTrace | ScatterTrace  # the core's trace: kept while stepping, rebuilt when a setting changes
    modified: bool = False

    @property
    def num_steps(self) -> int:
        return len(self.comp)


def open_transpose(
    example: TransposeExample,
    step: int = 0,
    steps: StepRange | None = None,
    label: str = "",
    *,
    stride: int | None = None,
    padding: str | None = None,
    modified: bool = False,
) -> TransposeState:
    """The state of ``example`` (with another stride or padding if given; raises ``ValueError`` if refused)."""
    s = example.stride[0] if stride is None else stride
    p = str(example.padding) if padding is None else padding
    from ..core.transpose import ScatterTrace, TransposeTrace

    cls = ScatterTrace if example.view == "scatter" else TransposeTrace
    comp = cls(example.x, example.kernels, example.bias, stride=s, padding=p)  # the core validates here
    return TransposeState(*placed(len(comp), step, steps, label), example, s, p, comp, modified)


def change_transpose(state: TransposeState, setting: str, value: Any) -> TransposeState:
    """The state with its ``"stride"`` (1-3) or ``"padding"`` ('valid', 'same') changed, on step 0.

    Raises ``ValueError`` with a Keras-style message for anything else.
    """
    stride, padding = state.stride, state.padding
    if setting == "stride":
        if isinstance(value, bool) or value not in STRIDES:
            raise ValueError(f"The transposed convolution's stride is 1, 2 or 3 here. Received: strides={value!r}")
        stride = int(value)
    elif setting == "padding":
        if value not in PADDINGS:
            raise ValueError(f"A transposed convolution's padding is 'valid' or 'same'. Received: padding={value!r}")
        padding = str(value)
    else:
        raise ValueError(f"Only the stride and the padding of a transposed convolution change. Received: {setting}")
    ex = state.example
    changed = (stride, padding) != (ex.stride[0], ex.padding)
    return open_transpose(ex, 0, stride=stride, padding=padding, modified=changed)


#: conv_arithmetic's picture sizes: a 3x3 input, a 3x3 kernel (small whole numbers, so the sums read easily).
_X = np.array([[1, 2, 0], [3, 1, -1], [0, 2, 1]], dtype=np.float64)[:, :, None]
_K = np.array([[1, 0, -1], [2, 1, 0], [0, 1, 1]], dtype=np.float64)[:, :, None, None]

_GATHER = (
    "A transposed convolution turns a small grid into a larger one (the decoder of an autoencoder, the "
    "upsampling of a segmentation network). Seen as conv_arithmetic draws it: spread the input's cells "
    "out by the stride (s − 1 zeros between neighbours), pad it with k − 1 rings of zeros ('valid'; "
    "fewer for 'same', which keeps n·s cells), and slide the kernel turned by 180° over it with stride 1. "
    "Each step is one output cell's sum. Change the stride (1-3) and the padding: the output-size formula "
    "follows. The other entry shows the same numbers as stamps."
)
_SCATTER = (
    "The same transposed convolution, seen the other way: each input cell stamps the kernel, scaled by "
    "its value, onto the output, the stride further along than the previous cell; where stamps overlap "
    "they add up. One step per input cell; the grid 'o so far' grows stamp by stamp, and after the last "
    "one the bias gives the output. 'same' crops the stamps' grid to n·s cells. These are the numbers "
    "Keras' Conv2DTranspose computes (checked against it), and the gradient of a convolution with "
    "respect to its input (the next lesson)."
)


def transpose_examples(first: int) -> list[TransposeExample]:
    """The two entries (gather, scatter), numbered from ``first`` (their keys start with their number)."""
    common: dict[str, Any] = {
        "x": _X,
        "kernels": _K,
        "bias": np.zeros(1),
        "stride": (2, 2),
        "padding": "valid",
        "kernel_names": ("K",),
        "source": "conv_arithmetic (Dumoulin & Visin), 'Transposed convolution'; numbers are Keras' Conv2DTranspose",
    }
    return [
        TransposeExample(
            key=f"{first:02d}_transpose_gather",
            title="Transposed convolution: the input spread out by the stride",
            description=_GATHER,
            view="gather",
            **common,
        ),
        TransposeExample(
            key=f"{first + 1:02d}_transpose_scatter",
            title="Transposed convolution: every input cell stamps the kernel",
            description=_SCATTER,
            view="scatter",
            **common,
        ),
    ]
