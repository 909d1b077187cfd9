"""The steppers of a convolution or pooling example (:class:`ConvStepper`) and of the model example
(:class:`ModelStepper`): the panels of each volume and, per step, the marks and the arithmetic."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

import numpy as np

from ..core import ConvExample, ConvStep, PoolStep, numbers
from .frames import Frame, Stage
from .narration import conv_lines, model_lines, pool_lines, symbol_grid
from .panels import (
    Follow,
    Highlights,
    Mark,
    Panel,
    PanelKey,
    Part,
    Volume,
    bias_key,
    input_key,
    kernel_key,
    output_key,
    pool_key,
)
from .state import ConvSettings, ConvState, ModelState

#: Outputs up to this many rows also show the values before the activation.
BEFORE_AFTER_MAX_ROWS = 12


# --------------------------------------------------------------------------- convolution and pooling


def _fill(total_channels: int, per_channel: int, channel: int, cell: int) -> dict[int, int]:
    """How many cells of each channel are computed when ``channel``'s cell ``cell`` is the current one."""
    return {k: (per_channel if k < channel else cell + 1 if k == channel else 0) for k in range(total_channels)}


class ConvStepper:
    """Steps through a convolution (then its pooling), or a pooling example."""

    def __init__(self, state: ConvState) -> None:
        self.state = state
        self.comp = state.comp
        self.num_steps = state.comp.num_steps

    # ----------------------------------------------------------------- the grids

    @cached_property
    def before_after(self) -> bool:
        """Show the output before and after the activation (small outputs with an activation)."""
        conv = self.comp.conv
        return conv is not None and conv.activation != "linear" and conv.output.shape[0] <= BEFORE_AFTER_MAX_ROWS

    def stage(self) -> Stage:
        return self._stage

    @cached_property
    def _stage(self) -> Stage:
        state, comp = self.state, self.comp
        s = state.settings
        names = state.channel_names()
        padded = comp.padded
        hp, wp, cin = padded.shape
        top, left = comp.pad_offset
        h, w = s.x.shape[:2]
        pad = np.ones((hp, wp), dtype=bool)
        pad[top : top + h, left : left + w] = False
        x_scale = float(np.max(np.abs(s.x))) if s.x.size else 1.0
        x_div = bool(np.any(s.x < 0))
        example = state.example
        symbolic = state.symbolic and isinstance(example, ConvExample)
        inputs: list[Panel] = []
        if symbolic and isinstance(example, ConvExample) and example.input_symbols is not None:
            letters = [["0"] * wp for _ in range(hp)]
            for r, row in enumerate(example.input_symbols):
                for c, sym in enumerate(row):
                    letters[r + top][c + left] = sym
            inputs.append(
                Panel(
                    PanelKey(Volume.INPUT, 0, part=Part.LETTERS),
                    f"{names[0]} (letters)",
                    padded[:, :, 0],
                    texts=tuple(tuple(r) for r in letters),
                    pad=pad,
                    group="x",
                    coloured=False,
                )
            )
        for c in range(cin):
            inputs.append(
                Panel(
                    input_key(c),
                    f"{names[c]} (numbers)" if symbolic else names[c],
                    padded[:, :, c],
                    pad=pad,
                    editable=True,
                    group="x",
                    diverging=x_div,
                    scale=x_scale or 1.0,
                )
            )
        pads = f", padded to {hp}×{wp}×{cin}" if (hp, wp) != (h, w) else ""
        labels = {Volume.INPUT: f"Input x: {h}×{w}×{cin}{pads}"}
        panels: dict[Volume, tuple[Panel, ...]] = {Volume.INPUT: tuple(inputs)}
        if isinstance(s, ConvSettings) and comp.conv is not None:
            panels[Volume.KERNELS], labels[Volume.KERNELS] = self._kernel_panels(s, symbolic)
            panels[Volume.OUTPUT], labels[Volume.OUTPUT] = self._output_panels(s, symbolic)
        if comp.pool is not None:
            pout = comp.pool.output
            ph, pw, pc = pout.shape
            finite = np.abs(pout[np.isfinite(pout)])
            pscale = float(finite.max()) if finite.size else 1.0
            pdiv = bool(np.any(pout < 0)) or comp.conv is not None
            panels[Volume.POOL] = tuple(
                Panel(
                    pool_key(k),
                    f"p[:,:,{k}]",
                    pout[:, :, k],
                    progressive=True,
                    group="p",
                    scale=pscale or 1.0,
                    diverging=pdiv,
                )
                for k in range(pc)
            )
            size = "×".join(map(str, comp.pool.geometry.size))
            mode = "Max" if comp.pool.mode == "max" else "Average"
            labels[Volume.POOL] = f"{mode} pooling {size}: {ph}×{pw}×{pc}"
        return Stage(panels, labels)

    def _kernel_panels(self, s: ConvSettings, symbolic: bool) -> tuple[tuple[Panel, ...], str]:
        example = self.state.example
        kh, kw, cin, count = s.kernels.shape
        kscale = float(max(np.max(np.abs(s.kernels)), np.max(np.abs(s.bias)) if s.bias.size else 0)) or 1.0
        knames = self.state.kernel_names()
        out: list[Panel] = []
        for k in range(count):
            if symbolic and isinstance(example, ConvExample) and example.kernel_symbols is not None:
                out.append(
                    Panel(
                        PanelKey(Volume.KERNELS, k, part=Part.LETTERS),
                        f"{knames[k]} (letters)",
                        s.kernels[:, :, 0, k],
                        texts=example.kernel_symbols,
                        group=f"k{k}",
                        coloured=False,
                    )
                )
            for c in range(cin):
                title = knames[k] if cin == 1 else f"{knames[k]}[:,:,{c}]"
                out.append(
                    Panel(
                        kernel_key(k, c),
                        title + (" (numbers)" if symbolic else ""),
                        s.kernels[:, :, c, k],
                        group=f"k{k}",
                        editable=True,
                        scale=kscale,
                    )
                )
            out.append(Panel(bias_key(k), f"b{k}", np.array([[s.bias[k]]]), group=f"k{k}", editable=True, scale=kscale))
        dilation = s.dilation if isinstance(s.dilation, int) else max(s.dilation)
        dil = f" · dilation {s.dilation if isinstance(s.dilation, int) else '×'.join(map(str, s.dilation))}"
        label = f"Kernels: {count} × {kh}×{kw}×{cin} + bias" + (dil if dilation > 1 else "")
        return tuple(out), label

    def _output_panels(self, s: ConvSettings, symbolic: bool) -> tuple[tuple[Panel, ...], str]:
        conv = self.comp.conv
        assert conv is not None
        example = self.state.example
        out = conv.output
        oh, ow, oc = out.shape
        oscale = float(np.max(np.abs(out))) or 1.0
        knames = self.state.kernel_names()
        panels: list[Panel] = []
        if symbolic and isinstance(example, ConvExample):
            panels.append(
                Panel(
                    PanelKey(Volume.OUTPUT, 0, part=Part.LETTERS),
                    "o (letters)",
                    out[:, :, 0],
                    texts=symbol_grid(example, conv.geometry),
                    progressive=True,
                    group="o",
                    coloured=False,
                )
            )
        act = s.activation
        pre = conv.pre_activation
        pscale = float(np.max(np.abs(pre))) or 1.0
        for k in range(oc):
            if self.before_after:
                panels.append(
                    Panel(
                        PanelKey(Volume.OUTPUT, k, part=Part.BEFORE),
                        f"z[:,:,{k}] before {act}",
                        pre[:, :, k],
                        progressive=True,
                        group=f"o{k}",
                        scale=pscale,
                    )
                )
                title = f"o[:,:,{k}] after {act}"
            else:
                title = f"o[:,:,{k}] = {knames[k]}"
            panels.append(
                Panel(
                    output_key(k),
                    title,
                    out[:, :, k],
                    progressive=True,
                    group=f"o{k}" if self.before_after else "o",
                    scale=oscale,
                )
            )
        after = "" if act == "linear" else f", after {act}"
        return tuple(panels), f"Output o: {oh}×{ow}×{oc}{after}"

    # ----------------------------------------------------------------- one step

    def frame(self, index: int) -> Frame:
        comp = self.comp
        if comp.conv is not None and index < comp.conv_steps:
            return self._conv_frame(comp.conv.step(index))
        assert comp.pool is not None
        return self._pool_frame(comp.pool.step(index - comp.conv_steps))

    def _conv_frame(self, st: ConvStep) -> Frame:
        state, comp = self.state, self.comp
        assert comp.conv is not None and isinstance(state.settings, ConvSettings)
        g = comp.conv.geometry
        symbolic = state.symbolic
        window: dict[tuple[int, int], Mark] = {
            (r, c): ("window-pad" if g.is_padding(r, c) else "window") for r in st.rows for c in st.cols
        }
        in_panels = self.stage().of(Volume.INPUT)
        in_keys = [p.key for p in in_panels]
        inputs = Highlights(
            marks={key: window for key in in_keys},
            # every channel's window, the first last: the view moves as little as shows each, and the first
            # (channel 0, where the narration begins) wins where they do not all fit
            follow=tuple(Follow(key, st.rows, st.cols) for key in reversed(in_keys)),
        )
        kh, kw, cin, _ = state.settings.kernels.shape
        whole: dict[tuple[int, int], Mark] = {(r, c): "window" for r in range(kh) for c in range(kw)}
        kkeys = [kernel_key(st.kernel, c) for c in range(cin)]
        if symbolic:
            kkeys.append(PanelKey(Volume.KERNELS, st.kernel, part=Part.LETTERS))
        bias = bias_key(st.kernel)
        kernels = Highlights(
            marks={k: whole for k in kkeys} | {bias: {(0, 0): "window"}},
            active=frozenset([*kkeys, bias]),
            follow=(Follow(bias), Follow(kkeys[0])),
        )
        oh, ow, oc = g.out_shape
        cell = st.out_row * ow + st.out_col
        fill: dict[PanelKey, int] = {output_key(k): n for k, n in _fill(oc, oh * ow, st.kernel, cell).items()}
        current: dict[tuple[int, int], Mark] = {(st.out_row, st.out_col): "current"}
        marks: dict[PanelKey, Mapping[tuple[int, int], Mark]] = {output_key(st.kernel): current}
        active = {output_key(st.kernel)}
        if self.before_after:
            before = {PanelKey(Volume.OUTPUT, k, part=Part.BEFORE): fill[output_key(k)] for k in range(oc)}
            fill |= before
            marks[PanelKey(Volume.OUTPUT, st.kernel, part=Part.BEFORE)] = current
            active.add(PanelKey(Volume.OUTPUT, st.kernel, part=Part.BEFORE))
        if symbolic:
            letters = PanelKey(Volume.OUTPUT, 0, part=Part.LETTERS)
            fill[letters] = cell + 1
            marks[letters] = current
        outputs = Highlights(
            marks=marks,
            active=frozenset(active),
            fill=fill,
            follow=(Follow(output_key(st.kernel), (st.out_row,), (st.out_col,)),),
        )
        return Frame(
            index=st.index,
            total=comp.num_steps,
            lines=tuple(conv_lines(state, st)),
            highlights={Volume.INPUT: inputs, Volume.KERNELS: kernels, Volume.OUTPUT: outputs},
            products=self._products(st),
            products_label=f"Window × {state.kernel_names()[st.kernel]}, cell by cell",
        )

    def _products(self, st: ConvStep) -> tuple[Panel, ...]:
        cin = st.products.shape[0]
        scale = float(np.max(np.abs(st.products))) or 1.0
        shown = min(cin, 6)
        panels = []
        for c in range(shown):
            total = float(st.channel_sums[c])
            panels.append(
                Panel(
                    PanelKey(Volume.PRODUCTS, c),
                    f"ch{c}: Σ {numbers.plain(total, self.comp.integral)}",
                    st.products[c],
                    group="products",
                    scale=scale,
                )
            )
        return tuple(panels)

    def _pool_frame(self, ps: PoolStep) -> Frame:
        state, comp = self.state, self.comp
        assert comp.pool is not None
        window: dict[tuple[int, int], Mark] = {(r, c): "window" for r in ps.rows for c in ps.cols}
        if ps.argmax is not None:
            window[ps.argmax] = "argmax"
        oh, ow, oc = comp.pool.geometry.out_shape
        cell = ps.out_row * ow + ps.out_col
        pooled = Highlights(
            marks={pool_key(ps.channel): {(ps.out_row, ps.out_col): "current"}},
            active=frozenset([pool_key(ps.channel)]),
            fill={pool_key(k): n for k, n in _fill(oc, oh * ow, ps.channel, cell).items()},
            follow=(Follow(pool_key(ps.channel), (ps.out_row,), (ps.out_col,)),),
        )
        highlights = {Volume.POOL: pooled}
        if comp.conv is not None:
            oh2, ow2, _ = comp.conv.geometry.out_shape
            pt, pl = comp.pool.geometry.pad_top, comp.pool.geometry.pad_left
            shifted: dict[tuple[int, int], Mark] = {(r - pt, c - pl): k for (r, c), k in window.items()}
            full = {p.key: oh2 * ow2 for p in self.stage().of(Volume.OUTPUT)}
            highlights[Volume.OUTPUT] = Highlights(
                marks={output_key(ps.channel): shifted},
                active=frozenset([output_key(ps.channel)]),
                fill=full,
                follow=(
                    Follow(output_key(ps.channel), tuple(r - pt for r in ps.rows), tuple(c - pl for c in ps.cols)),
                ),
            )
        else:
            highlights[Volume.INPUT] = Highlights(
                marks={input_key(ps.channel): window},
                active=frozenset([input_key(ps.channel)]),
                follow=(Follow(input_key(ps.channel), ps.rows, ps.cols),),
            )
        return Frame(
            index=ps.index + comp.conv_steps,
            total=comp.num_steps,
            lines=tuple(pool_lines(state, ps)),
            highlights=highlights,
        )


# --------------------------------------------------------------------------- the model example


class ModelStepper:
    """Steps through a model summary, one layer at a time (no grids)."""

    def __init__(self, state: ModelState) -> None:
        self.state = state
        self.num_steps = state.num_steps

    def stage(self) -> Stage:
        return Stage()

    def frame(self, index: int) -> Frame:
        return Frame(
            index=index,
            total=self.num_steps,
            lines=tuple(model_lines(self.state.example, index)),
            layer=index,
        )
