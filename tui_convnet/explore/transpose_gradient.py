"""The lesson "a transposed convolution is the gradient of a convolution" in the explorer (pure, no Textual).

:class:`TransposeGradientExample` is the entry (listed after the lessons), :class:`TransposeGradientState`
its state and :class:`TransposeGradientStepper` what each step of
:mod:`.transpose_gradient_lesson` shows: the input ``x`` and the kernel ``K``; the output ``o`` and the
upstream gradient ``dL/do``; ``dL/dx`` by backpropagation beside ``conv2d_transpose(dL/do, K)``, both
filled in cell by cell; the products ``K·dL/do`` of the current input cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

import numpy as np

from ..core import ConvExample, numbers
from .frames import Frame, Stage
from .narration import Line, step_heading
from .panels import Follow, Highlights, Mark, Panel, PanelKey, Volume, all_integral, input_key, kernel_key
from .stepping import Stepping, StepRange, placed
from .transpose_gradient_lesson import LessonStep, TransposeGradientLesson, transpose_gradient_lesson

#: The panels: the output and the upstream gradient (output volume); dL/dx and the transposed convolution.
OUTPUT, UPSTREAM = 0, 1
BACKWARD, TRANSPOSED = 0, 1


@dataclass(frozen=True, kw_only=True, eq=False)
class TransposeGradientExample(ConvExample):
    """A single-channel convolution (``kernels`` ``(kh, kw, 1, 1)``) and an upstream gradient for its output."""

    upstream: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    after_lessons: ClassVar[bool] = True

    @cached_property
    def lesson(self) -> TransposeGradientLesson:
        return transpose_gradient_lesson(
            self.x[:, :, 0],
            self.kernels[:, :, 0, 0],
            self.upstream,
            stride=self.stride[0],
            padding=str(self.padding),
        )


@dataclass(frozen=True, eq=False)
class TransposeGradientState(Stepping):
    example: TransposeGradientExample

    @property
    def num_steps(self) -> int:
        return len(self.example.lesson)


def open_transpose_gradient(
    example: TransposeGradientExample, step: int = 0, steps: StepRange | None = None, label: str = ""
) -> TransposeGradientState:
    return TransposeGradientState(*placed(len(example.lesson), step, steps, label), example)


def _scale(values: np.ndarray) -> float:
    top = float(np.max(np.abs(values))) if values.size else 0.0
    return top or 1.0


class TransposeGradientStepper:
    """What the explorer shows for each step of the lesson (see the module's docstring)."""

    def __init__(self, state: TransposeGradientState) -> None:
        self.state = state
        self.lesson = lesson = state.example.lesson
        self.num_steps = len(lesson)
        self.integral = all_integral([lesson.x, lesson.kernel, lesson.upstream])

    def stage(self) -> Stage:
        return self._stage

    @cached_property
    def _stage(self) -> Stage:
        ls = self.lesson
        h, w = ls.x.shape
        kh, kw = ls.kernel.shape
        oh, ow = ls.output.shape
        g_scale = _scale(np.concatenate([ls.grad_x.ravel(), ls.transposed.ravel()]))
        panels = {
            Volume.INPUT: (Panel(input_key(0), "x", ls.x, scale=_scale(ls.x)),),
            Volume.KERNELS: (Panel(kernel_key(0, 0), "K", ls.kernel, scale=_scale(ls.kernel)),),
            Volume.OUTPUT: (
                Panel(
                    PanelKey(Volume.OUTPUT, 0, OUTPUT),
                    "o = conv2d(x, K)",
                    ls.output,
                    group="o",
                    scale=_scale(ls.output),
                ),
                Panel(
                    PanelKey(Volume.OUTPUT, 0, UPSTREAM),
                    "dL/do (upstream)",
                    ls.upstream,
                    group="o",
                    scale=_scale(ls.upstream),
                ),
            ),
            Volume.POOL: (
                Panel(PanelKey(Volume.POOL, BACKWARD), "dL/dx by backprop", ls.grad_x, progressive=True, scale=g_scale),
                Panel(
                    PanelKey(Volume.POOL, TRANSPOSED),
                    "conv2d_transpose(dL/do, K)",
                    ls.transposed,
                    progressive=True,
                    scale=g_scale,
                ),
            ),
        }
        labels = {
            Volume.INPUT: f"Input x: {h}×{w}",
            Volume.KERNELS: f"Kernel K: {kh}×{kw}, stride {ls.stride}, padding '{ls.padding}'",
            Volume.OUTPUT: f"Forward o = conv2d(x, K): {oh}×{ow}; the loss sends back dL/do",
            Volume.POOL: "dL/dx two ways: the backward pass, and a transposed convolution of dL/do with the same K",
        }
        return Stage(panels, labels)

    def frame(self, index: int) -> Frame:
        step = self.lesson.steps[index]
        h, w = self.lesson.x.shape
        backward, transposed = PanelKey(Volume.POOL, BACKWARD), PanelKey(Volume.POOL, TRANSPOSED)
        done = {"forward": 0, "upstream": 0, "cell": step.row * w + step.col + 1, "equal": h * w}[step.kind]
        highlights: dict[Volume, Highlights] = {
            Volume.POOL: Highlights(fill={backward: done, transposed: done}),
        }
        products: tuple[Panel, ...] = ()
        if step.kind == "forward":
            highlights[Volume.OUTPUT] = Highlights(active=frozenset([PanelKey(Volume.OUTPUT, 0, OUTPUT)]))
        elif step.kind == "upstream":
            highlights[Volume.OUTPUT] = Highlights(active=frozenset([PanelKey(Volume.OUTPUT, 0, UPSTREAM)]))
        elif step.kind == "cell":
            highlights |= self._cell_highlights(step, done)
            values = np.array([[t.product for t in step.terms]]) if step.terms else np.zeros((1, 1))
            total = numbers.plain(step.backward, self.integral)
            products = (Panel(PanelKey(Volume.PRODUCTS, 0), f"Σ {total}", values, scale=_scale(values)),)
        else:
            highlights[Volume.POOL] = Highlights(
                active=frozenset([backward, transposed]), fill=highlights[Volume.POOL].fill
            )
        return Frame(
            index=index,
            total=self.num_steps,
            lines=tuple(self.lines(index)),
            highlights=highlights,
            products=products,
            products_label="K·dL/do, term by term" if products else "",
        )

    def _cell_highlights(self, step: LessonStep, done: int) -> dict[Volume, Highlights]:
        here: dict[tuple[int, int], Mark] = {(step.row, step.col): "current"}
        ups = PanelKey(Volume.OUTPUT, 0, UPSTREAM)
        backward, transposed = PanelKey(Volume.POOL, BACKWARD), PanelKey(Volume.POOL, TRANSPOSED)
        return {
            Volume.INPUT: Highlights(
                marks={input_key(0): here}, follow=(Follow(input_key(0), (step.row,), (step.col,)),)
            ),
            Volume.KERNELS: Highlights(
                marks={kernel_key(0, 0): {(t.k_row, t.k_col): "window" for t in step.terms}},
                active=frozenset([kernel_key(0, 0)]),
            ),
            Volume.OUTPUT: Highlights(
                marks={ups: {(t.out_row, t.out_col): "window" for t in step.terms}}, active=frozenset([ups])
            ),
            Volume.POOL: Highlights(
                marks={backward: here, transposed: here},
                active=frozenset([backward, transposed]),
                fill={backward: done, transposed: done},
                follow=(Follow(backward, (step.row,), (step.col,)),),
            ),
        }

    def lines(self, index: int) -> list[Line]:
        """What step ``index`` says (the cell steps write both computations out, number for number)."""
        ls, integral = self.lesson, self.integral
        step = ls.steps[index]
        head = step_heading(index, self.num_steps)

        def plain(value: float) -> str:
            return numbers.plain(float(value), integral)

        if step.kind == "forward":
            oh, ow = ls.output.shape
            return [
                [
                    *head,
                    (f"the forward pass o = conv2d(x, K), stride {ls.stride}, '{ls.padding}': ", "label"),
                    (f"{ls.x.shape[0]}×{ls.x.shape[1]} → {oh}×{ow}", "total"),
                ],
                [("Backpropagation will ask: how does the loss change with each cell of x?", "dim")],
            ]
        if step.kind == "upstream":
            return [
                [
                    *head,
                    ("the loss sends back dL/do, one number per output cell: ", "label"),
                    ("  ".join(" ".join(plain(v) for v in row) for row in ls.upstream), "value"),
                ],
                [("Every output cell's gradient goes back through the weights to the cells of its window.", "dim")],
            ]
        if step.kind == "equal":
            cells = ls.x.size
            return [
                [
                    *head,
                    (f"dL/dx and conv2d_transpose(dL/do, K) agree in all {cells} cells ", "label"),
                    (f"(largest difference {plain(ls.largest_difference)})", "total"),
                ],
                [
                    (
                        "The backward pass of a convolution is a transposed convolution with the same kernel: what "
                        "'Backpropagation through the network' sends back through each Conv2D, and what Keras' "
                        "Conv2DTranspose computes forward (the two entries before this one).",
                        "dim",
                    )
                ],
            ]
        where = f"x[{step.row},{step.col}]"
        terms: Line = []
        for t in step.terms:
            if terms:
                terms.append((" + ", ""))
            terms += [
                (numbers.term(t.weight, integral), "weight"),
                ("·", "dim"),
                (numbers.term(t.upstream, integral), "value"),
            ]
        met = ", ".join(f"o[{t.out_row},{t.out_col}]" for t in step.terms) or "no output cell"
        same = "=" if np.isclose(step.backward, step.transposed) else "≠"
        return [
            [*head, (f"{where} was in the window of {met}", "label")],
            [
                (f"dL/d{where} = Σ K·dL/do = ", "label"),
                *(terms or [("0", "dim")]),
                (" = ", ""),
                (plain(step.backward), "total"),
                ("  (backprop)", "dim"),
            ],
            [
                (f"conv2d_transpose(dL/do, K)[{step.row},{step.col}] = ", "label"),
                (plain(step.transposed), "total"),
                (f"  {same} dL/d{where}: the stamps of dL/do·K that land on {where}", "dim"),
            ],
        ]


_X = np.array([[1, 2, 0, 1, 3], [0, 1, 2, 1, 0], [2, 0, 1, 0, 1], [1, 3, 0, 2, 0], [0, 1, 1, 0, 2]], dtype=np.float64)[
    :, :, None
]
_K = np.array([[1, 0, -1], [2, 1, 0], [0, 1, 1]], dtype=np.float64)[:, :, None, None]
_UPSTREAM = np.array([[1, -1], [2, 1]], dtype=np.float64)


def transpose_gradient_example(number: int) -> TransposeGradientExample:
    """The lesson's entry, numbered ``number`` in the contents (its key starts with it)."""
    return TransposeGradientExample(
        key=f"{number:02d}_transpose_is_the_gradient",
        title="A transposed convolution is the gradient of a convolution",
        x=_X,
        kernels=_K,
        bias=np.zeros(1),
        stride=(2, 2),
        padding="valid",
        kernel_names=("K",),
        upstream=_UPSTREAM,
        description=(
            "Why Keras' Conv2DTranspose exists, and what it has to do with backpropagation. A 3x3 "
            "convolution with stride 2 takes x (5x5) to o (2x2); the loss sends back dL/do. Each output "
            "cell's gradient goes back through the weights to the cells of its window, so dL/dx[r, c] is "
            "a sum of K·dL/do over the windows that covered (r, c). Step by step, that sum (computed by "
            "the backward pass) is written beside the same cell of conv2d_transpose(dL/do, K): a "
            "transposed convolution of the upstream gradient with the same kernel. They agree number for "
            "number; the lesson 'Backpropagation through the network' sends dL/dx back through every "
            "Conv2D this way."
        ),
        source="This lesson's numbers; conv2d_backward and conv2d_transpose are the core's, checked against Keras",
    )
