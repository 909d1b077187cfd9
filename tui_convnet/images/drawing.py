"""Drawing a digit: a 28x28 canvas, a soft brush, and what the network makes of it.

Plain numpy, no Textual: the draw screen keeps a :class:`Canvas`-shaped array
and calls these functions; the tests call them directly.

- :func:`dab` / :func:`line` paint (or erase) with a soft round brush, in
  pixel coordinates (floats: a half-pixel position is fine);
- :func:`analyse` runs the MNIST preprocessing (:mod:`tui_convnet.images`)
  and the numpy forward pass, and returns every layer's output.

Data layer: numpy, the core, :mod:`tui_convnet.images` and the :class:`~tui_convnet.model.model.Model` it runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core import ConvExample
from ..core.learned import first_conv
from ..model.model import Model
from .preprocess import Preprocessed, preprocess
from .read import ImageError

SIZE = 28
#: The brush: full ink within ``BRUSH_CORE`` pixels of its centre, fading to nothing at ``BRUSH_EDGE``.
BRUSH_CORE = 0.6
BRUSH_EDGE = 1.7
#: The eraser wipes everything the brush reaches, and fades out a little further.
ERASER_CORE = BRUSH_EDGE
ERASER_EDGE = 2.4


def blank() -> np.ndarray:
    """An empty canvas: ``(28, 28)`` float32 zeros (ink is 1)."""
    return np.zeros((SIZE, SIZE), dtype=np.float32)


def brush(y: float, x: float, *, edge: float = BRUSH_EDGE, core: float = BRUSH_CORE) -> np.ndarray:
    """The brush's ink (0..1) on every pixel of the canvas, centred on pixel ``(y, x)``."""
    rows, cols = np.ogrid[:SIZE, :SIZE]
    d = np.sqrt((rows - y) ** 2 + (cols - x) ** 2)
    return np.clip((edge - d) / (edge - core), 0.0, 1.0).astype(np.float32)


def dab(canvas: np.ndarray, y: float, x: float, *, erase: bool = False) -> np.ndarray:
    """``canvas`` with one dab of the brush (or the eraser) at ``(y, x)``; a new array."""
    a = np.asarray(canvas, dtype=np.float32)
    if erase:
        return np.asarray(np.minimum(a, 1.0 - brush(y, x, edge=ERASER_EDGE, core=ERASER_CORE)), dtype=np.float32)
    return np.asarray(np.maximum(a, brush(y, x)), dtype=np.float32)


def line(
    canvas: np.ndarray, start: tuple[float, float], end: tuple[float, float], *, erase: bool = False
) -> np.ndarray:
    """Dabs every half pixel from ``start`` to ``end`` (a drag between two mouse events)."""
    (y0, x0), (y1, x1) = start, end
    steps = max(1, int(np.ceil(2 * max(abs(y1 - y0), abs(x1 - x0)))))
    out = canvas
    for t in np.linspace(0.0, 1.0, steps + 1):
        out = dab(out, y0 + t * (y1 - y0), x0 + t * (x1 - x0), erase=erase)
    return out


def polyline(points: Sequence[tuple[float, float]], canvas: np.ndarray | None = None) -> np.ndarray:
    """Strokes through ``points`` in order (a digit drawn from a list of pen positions)."""
    out = blank() if canvas is None else canvas
    if len(points) == 1:
        return dab(out, *points[0])
    for a, b in itertools.pairwise(points):
        out = line(out, a, b)
    return out


@dataclass(frozen=True, eq=False)
class Analysis:
    """A drawing as the network sees it: the preprocessing stages, every layer's output, the answer."""

    preprocessed: Preprocessed | None  # None for an empty (blank) canvas
    outputs: tuple[np.ndarray, ...]  # every layer's output; empty for a blank canvas
    message: str = ""  # why there is nothing to show (a blank canvas)

    @property
    def probabilities(self) -> np.ndarray | None:
        return self.outputs[-1] if self.outputs else None

    @property
    def predicted(self) -> int | None:
        p = self.probabilities
        return None if p is None else int(np.argmax(p))


def analyse(model: Model, canvas: np.ndarray) -> Analysis:
    """Preprocess ``canvas`` as MNIST was, then run every layer of ``model`` on it (numpy)."""
    try:
        pre = preprocess(canvas)
    except ImageError as exc:
        return Analysis(None, (), str(exc))
    return analyse_preprocessed(model, pre)


def analyse_preprocessed(model: Model, pre: Preprocessed) -> Analysis:
    """Every layer of ``model`` on an image already preprocessed (an opened image file)."""
    outputs: Any = model.forward(pre.model_input, intermediates=True)
    return Analysis(pre, tuple(outputs))


def first_conv_example(model: Model, analysis: Analysis) -> ConvExample:
    """The model's first Conv2D layer on the drawing as the network sees it, for the explorer.

    The input is the preprocessed 28x28 drawing, the kernels and biases are the
    model's own, the activation the layer's: the numbers of the draw screen's first maps.
    """
    if analysis.preprocessed is None:
        raise ValueError("There is no drawing to step through: draw a digit first.")
    conv = first_conv(model.spec, model.weights)
    return conv.example(
        analysis.preprocessed.model_input,
        key=f"drawing_{conv.name}",
        title=f"Your drawing under the {conv.count} learned {conv.size} kernels of {conv.name}",
        description=(
            f"Your drawing after the MNIST preprocessing (28x28, ink 1 on black 0) under the {conv.count} learned "
            f"{conv.size} kernels of layer {conv.name} of the {model.label}, each with its bias, "
            f"then {conv.layer.activation!r}: the numbers of the draw screen's first feature maps."
        ),
        source=model.label,
        channel_name="drawing",
    )
