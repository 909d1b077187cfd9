"""The lessons' pictures, one view a lesson: small maps in half blocks, graphs as grids, units as numbers.

Each view is handed a lesson frame (plain data from ``tui_convnet.lessons``)
and draws it as blocks — a caption line and a picture — laid side by side and
wrapped to the widget's width.  Colours come from the one palette
(``ui/common/palette.py``) for the current theme, marks from the theme's accent; a
mark never relies on colour alone (the selected cell and the region's edge
are drawn as their own glyphs or in bold). The drawing kit they share is :mod:`.blocks`.
"""

from __future__ import annotations

import numpy as np
from rich.color import Color
from rich.style import Style
from rich.text import Text

from ...core import Region, numbers
from ...lessons.dropout_lesson import DropoutFrame
from ...lessons.hierarchy import HierarchyFrame
from ...lessons.pattern import PatternFrame
from ...lessons.receptive import ReceptiveFrame
from ...lessons.sharing import SharingFrame
from ...lessons.sparse import SparseFrame
from ..common.palette import RGB, text_on
from .blocks import (
    GAP,
    Block,
    BlocksView,
    Marks,
    map_lines,
    number_cell,
    short_name,
    value_rgb,
    zoom_for,
)

# --------------------------------------------------------------------------- lesson 2


def _graph_block(
    title: str, lit: frozenset[tuple[int, int]], connected: frozenset[tuple[int, int]], frame: SparseFrame, accent: RGB
) -> Block:
    sel = frame.selected
    acc = Style(color=Color.from_rgb(*accent), bold=True)
    lines = []
    head = Text("     ")
    for i in range(frame.n_inputs):
        name = f"x{i + 1}"
        style = "reverse bold" if sel is not None and sel.side == "input" and sel.index == i else "bold"
        head.append(name.ljust(4), style=style if name else "")
    lines.append(head)
    for o in range(frame.n_outputs):
        is_sel = sel is not None and sel.side == "output" and sel.index == o
        row = Text()
        row.append(f"s{o + 1}", style="reverse bold" if is_sel else "bold")
        row.append("   ")
        for i in range(frame.n_inputs):
            if (o, i) in lit:
                row.append("●".ljust(4), style=acc)
            elif (o, i) in connected:
                row.append("○".ljust(4), style="dim")
            else:
                row.append("·".ljust(4), style="dim")
        lines.append(row)
    return Block(title, lines)


def _figure_block(frame: SparseFrame, accent: RGB) -> Block:
    """Goodfellow's figure: x on top, s below, the convolution's edges drawn between them."""
    acc = Style(color=Color.from_rgb(*accent), bold=True)
    n, step = frame.n_inputs, 6
    width = step * (n - 1) + 3
    sel = frame.selected

    def node_row(prefix: str, side: str) -> Text:
        row = Text(" " * width)
        for i in range(n):
            is_sel = sel is not None and sel.side == side and sel.index == i
            row.stylize("reverse bold" if is_sel else "bold", i * step, i * step + 2)
        plain = list(row.plain)
        for i in range(n):
            plain[i * step : i * step + 2] = list(f"{prefix}{i + 1}")
        out = Text("".join(plain))
        for span in row.spans:
            out.stylize(span.style, span.start, span.end)
        return out

    grid = [[(" ", False) for _ in range(width)] for _ in range(3)]

    def put(r: int, c: int, ch: str, edge: tuple[int, int]) -> None:
        if edge not in frame.conv_all or c >= width:
            return
        lit = edge in frame.conv_edges or grid[r][c][1]
        grid[r][c] = (ch if grid[r][c][0] in (" ", ch) else "╳", lit)

    for i in range(n):
        x = i * step
        for r in range(3):
            put(r, x, "│", (i, i))
        put(0, x + 2, "╲", (i + 1, i))
        put(1, x + 3, "╲", (i + 1, i))
        put(2, x + 4, "╲", (i + 1, i))
        put(0, x + 4, "╱", (i, i + 1))
        put(1, x + 3, "╱", (i, i + 1))
        put(2, x + 2, "╱", (i, i + 1))
    lines = [node_row("x", "input")]
    for row in grid:
        line = Text()
        for ch, lit in row:
            line.append(ch, acc if lit else "dim")
        lines.append(line)
    lines.append(node_row("s", "output"))
    return Block("the network (Goodfellow)", lines)


class SparseView(BlocksView):
    """Lesson 2: the convolution's and the dense layer's connections as output × input grids."""

    def blocks(self, frame: object, dark: bool, accent: RGB) -> list[Block]:
        assert isinstance(frame, SparseFrame)
        everything = frozenset((o, i) for o in range(frame.n_outputs) for i in range(frame.n_inputs))
        legend = Text.assemble(
            ("● ", Style(color=Color.from_rgb(*accent), bold=True)),
            "lit  ",
            ("○ ", "dim"),
            "connected  ",
            ("· ", "dim"),
            "no connection",
        )
        return [
            _figure_block(frame, accent),
            _graph_block("convolution, width 3", frame.conv_edges, frame.conv_all, frame, accent),
            _graph_block("dense layer", frame.dense_edges, everything, frame, accent),
            Block("legend", [legend, Text("rows: outputs s, columns: inputs x", style="dim")]),
        ]


# --------------------------------------------------------------------------- lesson 3


class ReceptiveView(BlocksView):
    """Lesson 3: the digit and one map of every volume layer, the selected cell's field lit on each."""

    def blocks(self, frame: object, dark: bool, accent: RGB) -> list[Block]:
        assert isinstance(frame, ReceptiveFrame)
        sel = frame.selection
        out = [
            Block(
                f"input 28×28 · field {frame.field.size_text}",
                map_lines(frame.digit, dark=dark, accent=accent, scale=1.0, marks=Marks(region=frame.path[0])),
            )
        ]
        for m in frame.maps:
            i = m.info.index
            h, w = m.values.shape
            region = frame.path[i + 1] if i <= sel.layer and len(frame.path) > i + 1 else None
            cell = (sel.row, sel.col) if i == sel.layer else None
            caption = f"{short_name(m.info.name)} {h}×{w}" + (" ◆" if cell else "")
            out.append(
                Block(
                    caption,
                    map_lines(
                        m.values,
                        dark=dark,
                        accent=accent,
                        zoom=zoom_for(max(h, w)),
                        marks=Marks(region=None if cell else region, cell=cell),
                    ),
                    current=cell is not None,
                )
            )
        return out


# --------------------------------------------------------------------------- lesson 4


def _bars(probs: np.ndarray, other: np.ndarray, accent: RGB) -> list[Text]:
    lines = []
    best = int(np.argmax(probs))
    for d in range(len(probs)):
        p = float(probs[d])
        bar = "█" * round(p * 12)
        line = Text(f"{d} ", style="bold" if d == best else "")
        line.append(bar.ljust(12), style=Style(color=Color.from_rgb(*accent)) if d == best else "dim")
        line.append(
            f" {numbers.percent(p, 0):>5}  (was {numbers.percent(float(other[d]), 0)})",
            style="" if d == best else "dim",
        )
        lines.append(line)
    return lines


class SharingView(BlocksView):
    """Lesson 4: the shifted digit, its map, the shifted map of the digit, their difference and the prediction."""

    def blocks(self, frame: object, dark: bool, accent: RGB) -> list[Block]:
        assert isinstance(frame, SharingFrame)
        r, c = frame.result, frame.shift.channel
        maps, expected = r.maps[:, :, c], r.expected[:, :, c]
        scale = float(max(np.abs(maps).max(), np.abs(expected).max(), 1e-12))
        delta = np.abs(maps - expected)
        shown_delta = np.where(r.interior, delta, delta)  # the border is drawn too, dimmed by the region
        inner = np.argwhere(r.interior)
        region = None
        if len(inner):
            (r0, c0), (r1, c1) = inner.min(axis=0), inner.max(axis=0)
            region = Region(int(r0), int(r1), int(c0), int(c1))
        return [
            Block(
                f"digit shifted ({frame.shift.dy:+d}, {frame.shift.dx:+d})",
                map_lines(r.digit[:, :, 0], dark=dark, accent=accent, scale=1.0),
            ),
            Block(f"map {c} of the shifted digit", map_lines(maps, dark=dark, accent=accent, scale=scale)),
            Block(f"map {c} of the digit, shifted", map_lines(expected, dark=dark, accent=accent, scale=scale)),
            Block(
                f"|Δ| max {float(delta[r.interior].max()) if r.interior.any() else 0:g} inside",
                map_lines(shown_delta, dark=dark, accent=accent, scale=scale, marks=Marks(region=region)),
            ),
            Block("prediction (was: unshifted)", _bars(r.probabilities, r.probabilities_unshifted, accent)),
        ]


# --------------------------------------------------------------------------- lesson 5


class HierarchyView(BlocksView):
    """Lesson 5: each convolution's most active maps, first layer to deepest, with their field sizes."""

    def blocks(self, frame: object, dark: bool, accent: RGB) -> list[Block]:
        assert isinstance(frame, HierarchyFrame)
        width = max(self.size.width, 20)
        digit = Block("digit", map_lines(frame.digit, dark=dark, accent=accent, scale=1.0))
        out = [digit]
        for k, lm in enumerate(frame.layers):
            h, w, n = lm.maps.shape
            zoom = zoom_for(max(h, w))
            room = width - (digit.width + GAP if k == 0 else 0)
            fit = max(1, min(n, (room + GAP) // (w * zoom + GAP)))
            style = "bold reverse" if k == frame.current else "bold"
            for j in range(fit):
                caption = f"{lm.info.name} · field {lm.field[0]}×{lm.field[1]}" if j == 0 else ""
                label = f"map {lm.channels[j]}" + (f" · {fit} of {n} shown" if j == 0 and fit < n else "")
                out.append(
                    Block(
                        Text(caption, style=style),
                        [
                            Text(label, style="dim"),
                            *map_lines(
                                lm.maps[:, :, j], dark=dark, accent=accent, zoom=zoom, scale=float(lm.maps.max()) or 1.0
                            ),
                        ],
                        new_band=j == 0 and k > 0,
                        current=j == 0 and k == frame.current,
                    )
                )
        return out


# --------------------------------------------------------------------------- lesson 6


def _units_block(title: str, values: np.ndarray, mask: np.ndarray | None, dark: bool, scale: float) -> Block:
    cols = 8
    lines = []
    for start in range(0, len(values), cols):
        line = Text()
        for j in range(start, min(start + cols, len(values))):
            v = float(values[j])
            if mask is not None:
                line.append(" ● " if mask[j] else " · ", style="bold" if mask[j] else "dim")
                continue
            rgb = value_rgb(v, scale, False, dark)
            line.append(number_cell(v, 5), style=Style(bgcolor=Color.from_rgb(*rgb), color=text_on(rgb)))
        lines.append(line)
    return Block(title, lines)


class DropoutView(BlocksView):
    """Lesson 6: the dense layer's units in, the mask, the units out (8 per row)."""

    def blocks(self, frame: object, dark: bool, accent: RGB) -> list[Block]:
        assert isinstance(frame, DropoutFrame)
        r = frame.result
        scale = float(max(np.max(r.output), np.max(r.x), 1e-12))
        mode = "training" if r.training else "inference"
        return [
            Block(f"{frame.layer_name}: x", _units_block("", r.x, None, dark, scale).lines[1:]),
            Block(f"mask ({r.dropped} dropped)", _units_block("", r.x, r.mask, dark, scale).lines[1:]),
            Block(f"output ({mode}, ×{r.scale:.4g})", _units_block("", r.output, None, dark, scale).lines[1:]),
        ]


# --------------------------------------------------------------------------- lesson 1


def _numbers_block(title: str, values: np.ndarray, dark: bool) -> Block:
    scale = float(np.max(np.abs(values))) or 1.0
    lines = []
    for row in values:
        line = Text()
        for v in row:
            rgb = value_rgb(float(v), scale, True, dark)
            line.append(number_cell(float(v), 4), style=Style(bgcolor=Color.from_rgb(*rgb), color=text_on(rgb)))
        lines.append(line)
    return Block(title, lines)


class PatternView(BlocksView):
    """Lesson 1: the example's input, kernel and output — numbers when small, half blocks for a digit."""

    def blocks(self, frame: object, dark: bool, accent: RGB) -> list[Block]:
        assert isinstance(frame, PatternFrame)
        kernel = _numbers_block("kernel", frame.kernel, dark)
        if max(frame.input.shape) <= 12:
            return [_numbers_block("input", frame.input, dark), kernel, _numbers_block("output", frame.output, dark)]
        scale = float(np.max(np.abs(frame.output))) or 1.0
        return [
            Block("input", map_lines(frame.input, dark=dark, accent=accent, scale=1.0)),
            kernel,
            Block(
                "output (− and +)" if self.app.no_color else "output (blue −, orange +)",
                map_lines(frame.output, dark=dark, accent=accent, diverging=True, scale=scale, signs=self.app.no_color),
            ),
        ]
