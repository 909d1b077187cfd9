"""Lesson: a transposed convolution is the gradient of a convolution with respect to its input (pure).

For a small convolution ``o = conv2d(x, K)``, an upstream gradient ``dL/do`` comes back (any grid the
shape of ``o``).  Backpropagation (:func:`tui_convnet.core.backward.conv2d_backward`) sends it to the
input: every output cell's gradient goes back through the weights to the cells of its window, so

    dL/dx[r, c] = Σ K[i, j] · dL/do[p, q]   over the output cells (p, q) whose window put K[i, j] on x[r, c].

That is exactly what :func:`tui_convnet.core.conv2d_transpose` computes from ``dL/do`` with the *same*
kernel (read in ``Conv2DTranspose``'s ``(kh, kw, C_out, C_in)`` layout, which is ``Conv2D``'s
``(kh, kw, C_in, C_out)`` array as it is): each ``dL/do[p, q]`` stamps ``dL/do[p, q]·K`` onto the grid
of ``x``.  :func:`transpose_gradient_lesson` computes both, independently, and lists the steps:

1. the forward pass ``o = conv2d(x, K)``;
2. the upstream gradient ``dL/do``;
3. one step per input cell: its terms, the backward pass's value, the transposed convolution's value;
4. the whole grids compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..core import conv2d
from ..core.conv import ConvGeometry, conv_geometry

StepKind = Literal["forward", "upstream", "cell", "equal"]


@dataclass(frozen=True)
class Term:
    """``K[k_row, k_col] · dL/do[out_row, out_col]``: one output cell's gradient reaching the input cell."""

    out_row: int
    out_col: int
    k_row: int
    k_col: int
    weight: float
    upstream: float

    @property
    def product(self) -> float:
        return self.weight * self.upstream


@dataclass(frozen=True)
class LessonStep:
    """One step: ``kind`` says which; a ``"cell"`` step has the input cell, its terms and both values."""

    index: int
    kind: StepKind
    row: int = -1
    col: int = -1
    terms: tuple[Term, ...] = ()
    backward: float = 0.0  # dL/dx[row, col] from conv2d_backward
    transposed: float = 0.0  # conv2d_transpose(dL/do, K)[row, col]


@dataclass(frozen=True, eq=False)
class TransposeGradientLesson:
    """The example's numbers (single channel) and its steps."""

    x: np.ndarray  # (H, W)
    kernel: np.ndarray  # (kh, kw)
    stride: int
    padding: str
    geometry: ConvGeometry
    output: np.ndarray  # o = conv2d(x, K), (H', W')
    upstream: np.ndarray  # dL/do, (H', W')
    grad_x: np.ndarray  # conv2d_backward's dL/dx, (H, W)
    transposed: np.ndarray  # conv2d_transpose(dL/do, K), (H, W)
    steps: tuple[LessonStep, ...]

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def largest_difference(self) -> float:
        return float(np.max(np.abs(self.grad_x - self.transposed)))


def terms_of(g: ConvGeometry, kernel: np.ndarray, upstream: np.ndarray, row: int, col: int) -> tuple[Term, ...]:
    """The output cells whose window put a weight on input cell ``(row, col)``, with that weight."""
    kh, kw = kernel.shape
    (sh, sw), (oh, ow) = g.stride, upstream.shape
    terms = []
    for p in range(oh):
        i = row + g.pad_top - p * sh
        if not 0 <= i < kh:
            continue
        for q in range(ow):
            j = col + g.pad_left - q * sw
            if 0 <= j < kw:
                terms.append(Term(p, q, i, j, float(kernel[i, j]), float(upstream[p, q])))
    return tuple(terms)


def transpose_gradient_lesson(
    x: Any, kernel: Any, upstream: Any, *, stride: int = 1, padding: str = "valid"
) -> TransposeGradientLesson:
    """The lesson on ``x`` ``(H, W)``, ``kernel`` ``(kh, kw)`` and ``upstream`` = dL/do (the output's shape).

    Raises ``ValueError`` (the core's message, or why the transposed convolution's output would not have
    ``x``'s shape: then its sizes are not the ones that map back, ``(H' − 1)·s + k = H``).
    """
    x = np.asarray(x, dtype=np.float64)
    k = np.asarray(kernel, dtype=np.float64)
    g_out = np.asarray(upstream, dtype=np.float64)
    if x.ndim != 2 or k.ndim != 2:
        raise ValueError(
            f"The lesson takes a 2-D input and a 2-D kernel. Received: x.shape={x.shape}, kernel.shape={k.shape}"
        )
    k4 = k[:, :, None, None]
    output = conv2d(x[:, :, None], k4, stride=stride, padding=padding)[:, :, 0]
    if g_out.shape != output.shape:
        raise ValueError(
            f"The upstream gradient must have the output's shape {output.shape}. Received: upstream.shape={g_out.shape}"
        )
    from ..core.backward import conv2d_backward  # when the lesson is opened: the first frame imports neither
    from ..core.transpose import conv2d_transpose

    transposed = conv2d_transpose(g_out[:, :, None], k4, stride=stride, padding=padding)[:, :, 0]
    if transposed.shape != x.shape:
        raise ValueError(
            "The transposed convolution of dL/do does not come back to x's shape with these sizes (Keras would need "
            f"output_padding). Received: x.shape={x.shape}, transposed shape={transposed.shape}"
        )
    grad_x = conv2d_backward(x[:, :, None], k4, g_out[:, :, None], stride=stride, padding=padding)[0][:, :, 0]
    geometry = conv_geometry(x[:, :, None].shape, k4.shape, stride=stride, padding=padding)
    h, w = x.shape
    steps = [LessonStep(0, "forward"), LessonStep(1, "upstream")]
    for r in range(h):
        for c in range(w):
            terms = terms_of(geometry, k, g_out, r, c)
            steps.append(LessonStep(len(steps), "cell", r, c, terms, float(grad_x[r, c]), float(transposed[r, c])))
    steps.append(LessonStep(len(steps), "equal"))
    return TransposeGradientLesson(x, k, stride, padding, geometry, output, g_out, grad_x, transposed, tuple(steps))
