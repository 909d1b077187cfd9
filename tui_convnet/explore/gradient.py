"""Lesson: the gradient of a kernel, stepped weight by weight in the explorer (pure, no Textual).

A :class:`~.gradient_example.GradientExample` is a convolution with a target output. With the
loss ``L = ½·Σ (o − t)²`` the output gradient is ``dL/do = o − t``, and each
weight's gradient is the dot product of the input cells it met with that
output gradient.  :class:`GradientState` is the explorer state of such an
example and :class:`GradientStepper` what the explorer draws for each step:

- the padded input, with the cells the current weight met (one per output cell);
- the kernels, with the current weight marked;
- the output ``o``, the target ``t`` and ``dL/do = o − t``;
- ``dL/dW``, filled in one weight per step;
- the products ``x · dL/do`` cell by cell, and the sum written out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..core import numbers
from .frames import Frame, Stage
from .gradient_example import GradientExample
from .narration import Line, step_heading
from .panels import Follow, Highlights, Mark, Panel, PanelKey, Volume, all_integral, input_key, kernel_key
from .stepping import Stepping, StepRange, placed

#: The lesson's panels for the output volume: the output, the target and their difference.
OUTPUT, TARGET, GRAD = 0, 1, 2


@dataclass(frozen=True, eq=False)
class GradientState(Stepping):
    """The explorer on a :class:`GradientExample`: one step per weight of the kernel bank."""

    example: GradientExample

    @property
    def num_steps(self) -> int:
        return len(self.example.lesson)


def open_gradient(
    example: GradientExample, step: int = 0, steps: StepRange | None = None, label: str = ""
) -> GradientState:
    return GradientState(*placed(len(example.lesson), step, steps, label), example=example)


def _scale(values: np.ndarray) -> float:
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size and finite.max() > 0 else 1.0


class GradientStepper:
    """What the explorer shows for each weight's gradient (see the module's docstring)."""

    def __init__(self, state: GradientState) -> None:
        self.state = state
        self.lesson = state.example.lesson
        self.trace = self.lesson.trace
        self.num_steps = len(self.trace)
        conv = state.example
        self.kernel_names = list(conv.kernel_names) + [
            f"W{k}" for k in range(len(conv.kernel_names), conv.kernels.shape[3])
        ]
        self.integral = all_integral([conv.x, conv.kernels, conv.bias, self.lesson.target])

    def stage(self) -> Stage:
        return self._stage

    @cached_property
    def _stage(self) -> Stage:
        trace, lesson, names = self.trace, self.lesson, self.kernel_names
        g = trace.geometry
        padded = trace.padded
        hp, wp, cin = padded.shape
        h, w, _ = g.in_shape
        pad = np.ones((hp, wp), dtype=bool)
        pad[g.pad_top : g.pad_top + h, g.pad_left : g.pad_left + w] = False
        x_scale = _scale(padded)
        inputs = tuple(
            Panel(input_key(c), f"x[:,:,{c}]", padded[:, :, c], pad=pad, group="x", scale=x_scale) for c in range(cin)
        )
        kernels = trace.kernels
        kh, kw, _, count = kernels.shape
        k_scale = _scale(kernels)
        kernel_panels = tuple(
            Panel(kernel_key(k, c), f"{names[k]}[:,:,{c}]", kernels[:, :, c, k], group=f"k{k}", scale=k_scale)
            for k in range(count)
            for c in range(cin)
        )
        o_scale = _scale(np.concatenate([lesson.output.ravel(), lesson.target.ravel()]))
        g_scale = _scale(lesson.grad_out)
        outputs: list[Panel] = []
        for k in range(count):
            outputs += [
                Panel(
                    PanelKey(Volume.OUTPUT, k, OUTPUT),
                    f"o (by {names[k]})",
                    lesson.output[:, :, k],
                    group=f"o{k}",
                    scale=o_scale,
                ),
                Panel(
                    PanelKey(Volume.OUTPUT, k, TARGET), "target t", lesson.target[:, :, k], group=f"o{k}", scale=o_scale
                ),
                Panel(
                    PanelKey(Volume.OUTPUT, k, GRAD),
                    "dL/do = o − t",
                    lesson.grad_out[:, :, k],
                    group=f"o{k}",
                    scale=g_scale,
                ),
            ]
        grads = trace.grad_kernels
        gk_scale = _scale(grads)
        grad_panels = tuple(
            Panel(
                PanelKey(Volume.POOL, k, c),
                f"dL/d{names[k]}[:,:,{c}]",
                grads[:, :, c, k],
                progressive=True,
                group=f"g{k}",
                scale=gk_scale,
            )
            for k in range(count)
            for c in range(cin)
        )
        pads = f", padded to {hp}×{wp}×{cin}" if (hp, wp) != (h, w) else ""
        oh, ow, _ = g.out_shape
        labels = {
            Volume.INPUT: f"Input x: {h}×{w}×{cin}{pads}",
            Volume.KERNELS: f"Kernels W: {count} × {kh}×{kw}×{cin} (the weights whose gradient we want)",
            Volume.OUTPUT: f"Output o, target t and dL/do = o − t ({oh}×{ow} each); "
            f"L = ½·Σ (o − t)² = {numbers.plain(lesson.loss, self.integral)}",
            Volume.POOL: "dL/dW: one weight per step",
        }
        panels = {
            Volume.INPUT: inputs,
            Volume.KERNELS: kernel_panels,
            Volume.OUTPUT: tuple(outputs),
            Volume.POOL: grad_panels,
        }
        return Stage(panels, labels)

    def frame(self, index: int) -> Frame:
        step = self.trace.step(index)
        g = self.trace.geometry
        kh, kw, cin, count = g.kernel_shape
        met: dict[tuple[int, int], Mark] = {
            (r, c): ("window-pad" if g.is_padding(r, c) else "window") for r in step.rows for c in step.cols
        }
        grad_key = PanelKey(Volume.OUTPUT, step.kernel, GRAD)
        oh, ow, _ = g.out_shape
        weight_key = kernel_key(step.kernel, step.channel)
        current = PanelKey(Volume.POOL, step.kernel, step.channel)
        fill = {}
        for k in range(count):
            for c in range(cin):
                order = (k, c)
                now = (step.kernel, step.channel)
                fill[PanelKey(Volume.POOL, k, c)] = (
                    kh * kw if order < now else step.row * kw + step.col + 1 if order == now else 0
                )
        highlights = {
            Volume.INPUT: Highlights(
                marks={input_key(step.channel): met},
                active=frozenset([input_key(step.channel)]),
                follow=(Follow(input_key(step.channel), step.rows, step.cols),),
            ),
            Volume.KERNELS: Highlights(
                marks={weight_key: {(step.row, step.col): "current"}}, active=frozenset([weight_key])
            ),
            Volume.OUTPUT: Highlights(
                marks={grad_key: {(r, c): "window" for r in range(oh) for c in range(ow)}},
                active=frozenset([grad_key]),
            ),
            Volume.POOL: Highlights(
                marks={current: {(step.row, step.col): "current"}},
                active=frozenset([current]),
                fill=fill,
                follow=(Follow(current, (step.row,), (step.col,)),),
            ),
        }
        products = (
            Panel(PanelKey(Volume.PRODUCTS, 0), "x", step.window, scale=_scale(step.window)),
            Panel(PanelKey(Volume.PRODUCTS, 1), "dL/do", step.grad, scale=_scale(step.grad)),
            Panel(
                PanelKey(Volume.PRODUCTS, 2),
                f"Σ {numbers.plain(step.total, self.integral)}",
                step.products,
                scale=_scale(step.products),
            ),
        )
        return Frame(
            index=index,
            total=self.num_steps,
            lines=tuple(self.lines(index)),
            highlights=highlights,
            products=products,
            products_label=f"x · dL/do, cell by cell ({names_of(self.kernel_names, step.kernel)}, ch{step.channel})",
        )

    def lines(self, index: int) -> list[Line]:
        """The arithmetic of step ``index``: which cells the weight met, the sum, the bias' gradient."""
        step = self.trace.step(index)
        name = names_of(self.kernel_names, step.kernel)
        where = f"{name}[{step.row},{step.col},ch{step.channel}]"
        integral = self.integral
        terms: Line = []
        g = self.trace.geometry
        for i, r in enumerate(step.rows):
            for j, c in enumerate(step.cols):
                if terms:
                    terms.append((" + ", ""))
                terms.append(
                    (numbers.term(float(step.window[i, j]), integral), "pad" if g.is_padding(r, c) else "value")
                )
                terms.append(("·", "dim"))
                terms.append((numbers.term(float(step.grad[i, j]), integral), "weight"))
        rows = ", ".join(map(str, step.rows))
        cols = ", ".join(map(str, step.cols))
        bias = float(self.trace.grad_bias[step.kernel])
        return [
            [
                *step_heading(index, self.num_steps),
                (f"{where} met padded rows {rows} × columns {cols}, one cell per output cell", "label"),
            ],
            [(f"dL/d{where} = ", "label"), *terms, (" = ", ""), (numbers.plain(step.total, integral), "total")],
            [
                (f"dL/db{step.kernel} = Σ dL/do = ", "dim"),
                (numbers.plain(bias, integral), "dim"),
                (f"   then gradient descent: {name} ← {name} − lr·dL/d{name}", "dim"),
            ],
        ]


def names_of(names: list[str], kernel: int) -> str:
    return names[kernel] if kernel < len(names) else f"W{kernel}"
