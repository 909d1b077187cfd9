"""What the explorer shows for each step of a transposed convolution (pure, no Textual).

:class:`GatherStepper` (one output cell per step): the input ``x``; the input spread out by the stride
and padded, with the window of the current step; the kernel and the kernel turned by 180°; the output,
filled in cell by cell; the window × turned kernel products and the sum written out.

:class:`ScatterStepper` (one input cell per step): the input with the current cell; the kernel; the
output with the current stamp's cells; the stamp (the cell's value × the kernel) and the output so far.

Every number comes from :mod:`tui_convnet.core.transpose` (``tests/explore/test_transpose_steps.py``
sweeps every step against :func:`~tui_convnet.core.conv2d_transpose`).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from ..core import numbers
from .frames import Frame, Stage
from .narration import Line, Role, step_heading
from .panels import Follow, Highlights, Mark, Panel, PanelKey, Volume, all_integral, input_key, kernel_key, output_key
from .transpose_example import TransposeState

if TYPE_CHECKING:  # the core's transpose module is imported when an entry is opened, not at start
    from ..core.transpose import ScatterTrace, TransposeTrace

#: The input volume's panels: the input as given, and (gather view) the input spread out and padded.
GIVEN, SPREAD = 0, 1
#: The kernel volume's panels: the kernel, and (gather view) the kernel turned by 180°.
KERNEL, TURNED = 0, 1


def _scale(values: np.ndarray) -> float:
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size and finite.max() > 0 else 1.0


def size_lines(state: TransposeState) -> list[Line]:
    """The output-size formula, written out for this stride and padding (``(3 − 1)·2 + 3 = 7``)."""
    g = state.comp.geometry
    rows, cols = g.output_formulas()
    shape = f"{g.out_shape[0]}×{g.out_shape[1]}"
    rule = "n·s" if g.padding == "same" else "(n − 1)·s + k"
    text = f"rows {rows}" if rows == cols else f"rows {rows}, columns {cols}"
    return [
        [
            (f"Output size ({g.padding}, stride {state.stride}: {rule}): ", "label"),
            (text, "value"),
            (f" → {shape}", "total"),
        ]
    ]


class _Base:
    def __init__(self, state: TransposeState) -> None:
        self.state = state
        self.trace = state.comp
        self.num_steps = len(state.comp)
        ex = state.example
        self.integral = all_integral([ex.x, ex.kernels, ex.bias])
        self.x_scale = _scale(ex.x)
        self.k_scale = _scale(ex.kernels)
        self.o_scale = _scale(self.trace.output)

    def stage(self) -> Stage:
        return self._stage

    @cached_property
    def _stage(self) -> Stage:
        return self.build_stage()

    def build_stage(self) -> Stage:
        raise NotImplementedError

    def output_panel(self, progressive: bool, title: str) -> Panel:
        return Panel(output_key(0), title, self.trace.output[:, :, 0], progressive=progressive, scale=self.o_scale)


class GatherStepper(_Base):
    """The gather view: an ordinary stride-1 convolution of the turned kernel over the spread, padded input."""

    trace: TransposeTrace

    def build_stage(self) -> Stage:
        t, g = self.trace, self.trace.geometry
        h, w, _ = g.in_shape
        kh, kw = g.kernel_shape[:2]
        hg, wg, _ = g.gathered_shape
        pad = np.array([[t.cell(r, c)[0] == "padding" for c in range(wg)] for r in range(hg)])
        top, bottom, left, right = g.gather_padding
        inserted = g.stride[0] - 1
        oh, ow, _ = g.out_shape
        panels = {
            Volume.INPUT: (
                Panel(input_key(GIVEN), "x", t.x[:, :, 0], group="x", scale=self.x_scale),
                Panel(input_key(SPREAD), "x spread out and padded", t.gathered[:, :, 0], pad=pad, scale=self.x_scale),
            ),
            Volume.KERNELS: (
                Panel(kernel_key(0, KERNEL), "K", t.kernels[:, :, 0, 0], group="k", scale=self.k_scale),
                Panel(kernel_key(0, TURNED), "K turned 180°", t.flipped[:, :, 0, 0], group="k", scale=self.k_scale),
            ),
            Volume.OUTPUT: (self.output_panel(True, "o"),),
        }
        rings = (
            f"{top}" if len({top, bottom, left, right}) == 1 else f"{top} above, {bottom} below, {left}/{right} aside"
        )
        labels = {
            Volume.INPUT: f"Input x: {h}×{w}; spread out ({inserted} zero{'s' if inserted != 1 else ''} between "
            f"cells) and padded ({rings}): {hg}×{wg}",
            Volume.KERNELS: f"Kernel K: {kh}×{kw}; the convolution slides K turned by 180°",
            Volume.OUTPUT: f"Output o: {oh}×{ow}",
        }
        return Stage(panels, labels)

    def frame(self, index: int) -> Frame:
        t = self.trace
        st = t.step(index)
        window: dict[tuple[int, int], Mark] = {}
        met: dict[tuple[int, int], Mark] = {}
        for r in st.rows:
            for c in st.cols:
                kind, at = t.cell(r, c)
                window[(r, c)] = "window-pad" if kind == "padding" else "window"
                if at is not None:
                    met[at] = "window"
        spread, given = input_key(SPREAD), input_key(GIVEN)
        _, ow, _ = t.geometry.out_shape
        turned = kernel_key(0, TURNED)
        kh, kw = t.geometry.kernel_shape[:2]
        highlights = {
            Volume.INPUT: Highlights(
                marks={spread: window, given: met},
                active=frozenset([spread]),
                follow=(Follow(spread, st.rows, st.cols),),
            ),
            Volume.KERNELS: Highlights(
                marks={turned: {(r, c): "window" for r in range(kh) for c in range(kw)}}, active=frozenset([turned])
            ),
            Volume.OUTPUT: Highlights(
                marks={output_key(0): {(st.out_row, st.out_col): "current"}},
                active=frozenset([output_key(0)]),
                fill={output_key(0): st.out_row * ow + st.out_col + 1},
                follow=(Follow(output_key(0), (st.out_row,), (st.out_col,)),),
            ),
        }
        products = (
            Panel(
                PanelKey(Volume.PRODUCTS, 0),
                f"Σ {numbers.plain(float(st.channel_sums[0]), self.integral)}",
                st.products[0],
                scale=_scale(st.products),
            ),
        )
        return Frame(
            index=index,
            total=self.num_steps,
            lines=tuple(self.lines(index)),
            highlights=highlights,
            products=products,
            products_label="Window × K turned 180°, cell by cell",
        )

    def lines(self, index: int) -> list[Line]:
        """One output cell: the window's terms (zeros the stride inserted or the padding added dimmed), the sum."""
        t, integral = self.trace, self.integral
        st = t.step(index)
        terms: Line = []
        used: list[str] = []
        for i, r in enumerate(st.rows):
            for j, c in enumerate(st.cols):
                kind, at = t.cell(r, c)
                if terms:
                    terms.append((" + ", ""))
                role: Role = "pad" if kind == "padding" else "dim" if kind == "inserted" else "value"
                terms.append((numbers.term(float(st.window[0, i, j]), integral), role))
                terms.append(("·", "dim"))
                terms.append((numbers.term(float(st.weights[0, i, j]), integral), "weight"))
                if at is not None:
                    used.append(f"x[{at[0]},{at[1]}]")
        bias = numbers.plain(st.bias, integral)
        cell = f"o[{st.out_row},{st.out_col}]"
        met = ", ".join(used) if used else "no input cell (only inserted zeros and padding)"
        return [
            [*step_heading(index, self.num_steps), (f"{cell}: the turned kernel covers {met}", "label")],
            [(f"{cell} = ", "label"), *terms, (f" + {bias} = ", ""), (numbers.plain(st.total, integral), "total")],
            *size_lines(self.state),
        ]


class ScatterStepper(_Base):
    """The scatter view: input cell after input cell stamps ``value × K`` onto the output; stamps add up."""

    trace: ScatterTrace

    def build_stage(self) -> Stage:
        t, g = self.trace, self.trace.geometry
        h, w, _ = g.in_shape
        kh, kw = g.kernel_shape[:2]
        oh, ow, _ = g.out_shape
        panels = {
            Volume.INPUT: (Panel(input_key(GIVEN), "x", t.x[:, :, 0], scale=self.x_scale),),
            Volume.KERNELS: (Panel(kernel_key(0, KERNEL), "K", t.kernels[:, :, 0, 0], scale=self.k_scale),),
            Volume.OUTPUT: (self.output_panel(False, "o (every stamp + bias)"),),
        }
        crop = " ('same' crops the stamps' grid to n·s)" if g.padding == "same" else ""
        labels = {
            Volume.INPUT: f"Input x: {h}×{w}, one stamp per cell",
            Volume.KERNELS: f"Kernel K: {kh}×{kw}",
            Volume.OUTPUT: f"Output o: {oh}×{ow}{crop}",
        }
        return Stage(panels, labels)

    def _inside(self, rows: tuple[int, ...], cols: tuple[int, ...]) -> dict[tuple[int, int], Mark]:
        oh, ow, _ = self.trace.geometry.out_shape
        return {(r, c): "window" for r in rows for c in cols if 0 <= r < oh and 0 <= c < ow}

    def frame(self, index: int) -> Frame:
        st = self.trace.step(index)
        given, out = input_key(GIVEN), output_key(0)
        stamp_cells = self._inside(st.rows, st.cols)
        oh, ow, _ = self.trace.geometry.out_shape
        rows = tuple(r for r in st.rows if 0 <= r < oh) or (0,)
        cols = tuple(c for c in st.cols if 0 <= c < ow) or (0,)
        highlights = {
            Volume.INPUT: Highlights(
                marks={given: {(st.in_row, st.in_col): "current"}},
                active=frozenset([given]),
                follow=(Follow(given, (st.in_row,), (st.in_col,)),),
            ),
            Volume.OUTPUT: Highlights(
                marks={out: stamp_cells}, active=frozenset([out]), follow=(Follow(out, rows, cols),)
            ),
        }
        partial = st.partial[:, :, 0]
        products = (
            Panel(PanelKey(Volume.PRODUCTS, 0), "stamp = x·K", st.stamp[:, :, 0], scale=_scale(st.stamp)),
            Panel(PanelKey(Volume.PRODUCTS, 1), "o so far", partial, scale=self.o_scale),
        )
        return Frame(
            index=index,
            total=self.num_steps,
            lines=tuple(self.lines(index)),
            highlights=highlights,
            products=products,
            products_label=f"The stamp of x[{st.in_row},{st.in_col}], and the output so far",
        )

    def lines(self, index: int) -> list[Line]:
        """One input cell: its value, where its stamp lands, the stamp's numbers; the bias on the last step."""
        t, integral = self.trace, self.integral
        st = t.step(index)
        value = float(st.values[0])
        where = f"x[{st.in_row},{st.in_col}] = {numbers.plain(value, integral)}"
        span = f"rows {st.rows[0]}..{st.rows[-1]} × columns {st.cols[0]}..{st.cols[-1]}"
        oh, ow, _ = t.geometry.out_shape
        outside = any(not 0 <= r < oh for r in st.rows) or any(not 0 <= c < ow for c in st.cols)
        stamp = "  ".join(
            " ".join(numbers.plain(float(v), integral) for v in st.stamp[i, :, 0]) for i in range(st.stamp.shape[0])
        )
        lines: list[Line] = [
            [
                *step_heading(index, self.num_steps),
                (f"{where} stamps {numbers.term(value, integral)}·K onto {span}", "label"),
                (" (the part outside o is cropped)" if outside else "", "dim"),
            ],
            [("stamp rows: ", "label"), (stamp, "value"), ("   where stamps overlap they add up", "dim")],
        ]
        if index == self.num_steps - 1:
            bias = numbers.plain(float(t.bias[0]), integral)
            lines.append([(f"Every stamp laid: o = o so far + bias {bias}", "total")])
        return [*lines, *size_lines(self.state)]


def transpose_stepper(state: TransposeState) -> GatherStepper | ScatterStepper:
    """The stepper of the entry's view."""
    return ScatterStepper(state) if state.example.view == "scatter" else GatherStepper(state)
