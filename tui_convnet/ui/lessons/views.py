"""The lessons' pictures: small maps in half blocks, graphs as grids, units as numbers.

Each view is handed a lesson frame (plain data from ``tui_convnet.lessons``)
and draws it as blocks — a caption line and a picture — laid side by side and
wrapped to the widget's width.  Colours come from the one palette
(``ui/common/palette.py``) for the current theme, marks from the theme's accent; a
mark never relies on colour alone (the selected cell and the region's edge
are drawn as their own glyphs or in bold).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from ...core import Region, numbers
from ...lessons.dropout_lesson import DropoutFrame
from ...lessons.hierarchy import HierarchyFrame
from ...lessons.pattern import PatternFrame
from ...lessons.receptive import ReceptiveFrame
from ...lessons.sharing import SharingFrame
from ...lessons.sparse import SparseFrame
from ..common.palette import RGB, blend, diverging_rgb, text_on

UPPER_HALF = "\u2580"  # ▀
GAP = 2


def _grey(t: float, dark: bool) -> RGB:
    g = round(40 + 215 * t) if dark else round(250 - 200 * t)
    return g, g, g


def _rgb(value: float, scale: float, diverging: bool, dark: bool) -> RGB:
    t = 0.0 if scale <= 0 else max(-1.0, min(value / scale, 1.0))
    return diverging_rgb(t, dark) if diverging else _grey(max(t, 0.0), dark)


@dataclass(frozen=True)
class Marks:
    """What to mark on a map: a region (lit, the rest dimmed) and a cell, in the map's own cells."""

    region: Region | None = None
    cell: tuple[int, int] | None = None


def map_lines(
    values: np.ndarray,
    *,
    dark: bool,
    accent: RGB,
    diverging: bool = False,
    scale: float | None = None,
    zoom: int = 1,
    marks: Marks = Marks(),
    signs: bool = False,
) -> list[Text]:
    """A 2-D map as half-block lines (two pixel rows per text row), each value ``zoom``×``zoom`` pixels.

    ``signs`` (a diverging map without colour, NO_COLOR): a text cell whose two pixels lean negative is
    ``−``, positive ``+``, near zero a blank, so that the sign reads without the blue and the orange.
    """
    v = np.asarray(values, dtype=np.float64)
    s = float(np.max(np.abs(v))) if scale is None else scale
    h, w = v.shape
    zero = _grey(0.0, dark)
    colours: list[list[RGB]] = []
    for r in range(h):
        row = []
        for c in range(w):
            rgb = _rgb(float(v[r, c]), s, diverging, dark)
            reg = marks.region
            if reg is not None:
                if not reg.contains(r, c):
                    rgb = blend(rgb, zero, 0.7)
                elif r in (reg.first_row, reg.last_row) or c in (reg.first_col, reg.last_col):
                    rgb = blend(rgb, accent, 0.55)
            if marks.cell == (r, c):
                rgb = accent
            row.extend([rgb] * zoom)
        colours.extend([row] * zoom)
    if len(colours) % 2:
        colours.append([zero] * len(colours[0]))
    glyphs = _sign_glyphs(v, s, zoom, len(colours) // 2) if signs and diverging else None
    lines = []
    for y, (top, bottom) in enumerate(zip(colours[0::2], colours[1::2], strict=True)):
        line = Text(no_wrap=True)
        for x, (a, b) in enumerate(zip(top, bottom, strict=True)):
            if glyphs is not None:
                line.append(glyphs[y][x], Style(bgcolor=Color.from_rgb(*a), color=text_on(a)))
            else:
                line.append(UPPER_HALF, _half_block(a, b))
        lines.append(line)
    return lines


def _sign_glyphs(v: np.ndarray, scale: float, zoom: int, rows: int) -> list[str]:
    """``−``/``+``/blank per text cell (two pixel rows): the sign of its mean, blank under a tenth of the scale."""
    pixels = np.repeat(np.repeat(v, zoom, axis=0), zoom, axis=1)
    if pixels.shape[0] % 2:
        pixels = np.vstack([pixels, np.zeros((1, pixels.shape[1]))])
    mean = (pixels[0::2] + pixels[1::2]) / 2
    near = np.abs(mean) < 0.1 * (scale or 1.0)
    return [
        "".join(" " if n else ("+" if m > 0 else "−") for m, n in zip(row, nrow, strict=True))
        for row, nrow in zip(mean[:rows], near[:rows], strict=True)
    ]


@cache
def _half_block(top: RGB, bottom: RGB) -> Style:
    return Style(color=Color.from_rgb(*top), bgcolor=Color.from_rgb(*bottom))


def short_name(name: str) -> str:
    """``max_pooling2d_1`` → ``pool_1``: captions as narrow as the small maps under them."""
    return name.replace("max_pooling2d", "pool").replace("average_pooling2d", "avgpool")


def zoom_for(side: int, target: int = 12) -> int:
    """How many pixels per value so that a small map is drawn at least ``target`` pixels wide."""
    return max(1, target // max(side, 1))


class Block:
    """A caption over a picture, as lines of one width."""

    def __init__(
        self,
        caption: str | Text,
        lines: Sequence[Text],
        caption_style: str = "bold",
        *,
        new_band: bool = False,
        current: bool = False,
    ) -> None:
        self.new_band = new_band
        self.current = current  # the block the narration is about: the lesson scrolls it into view
        width = max([line.cell_len for line in lines] + [1])
        cap = caption if isinstance(caption, Text) else Text(caption, style=caption_style)
        self.width = max(width, cap.cell_len)
        self.lines = [cap, *lines]

    @property
    def height(self) -> int:
        return len(self.lines)


def flow(blocks: Sequence[Block], width: int) -> Text:
    """Blocks side by side, wrapped onto new bands when the next one does not fit in ``width``."""
    return flow_and_focus(blocks, width)[0]


def flow_and_focus(blocks: Sequence[Block], width: int) -> tuple[Text, tuple[int, int] | None]:
    """:func:`flow`, and the lines ``(first, end)`` of the band that holds the current block (if any)."""
    bands: list[list[Block]] = [[]]
    used = 0
    for block in blocks:
        need = block.width + (GAP if bands[-1] else 0)
        if bands[-1] and (used + need > width or block.new_band):
            bands.append([])
            used, need = 0, block.width
        bands[-1].append(block)
        used += need
    out = Text(no_wrap=True, overflow="crop")
    first = True
    top = 0
    focus: tuple[int, int] | None = None
    for band in bands:
        height = max(b.height for b in band)
        if focus is None and any(b.current for b in band):
            focus = (top, top + height)
        top += height
        for y in range(height):
            if not first:
                out.append("\n")
            first = False
            for i, b in enumerate(band):
                if i:
                    out.append(" " * GAP)
                line = b.lines[y] if y < b.height else Text()
                out.append_text(line)
                out.append(" " * (b.width - line.cell_len))
        out.append("\n")
        first = True
    out.rstrip()
    return out, focus


class BlocksView(Widget):
    """Draws the blocks its subclass builds for the current frame, wrapped to its width."""

    DEFAULT_CSS = """
    BlocksView { height: auto; width: 1fr; }
    """

    frame: reactive[object | None] = reactive(None, layout=True, always_update=True)

    def theme_colours(self) -> tuple[bool, RGB]:
        theme = self.app.current_theme
        accent = Color.parse(theme.accent or "#ffa62b").get_truecolor()
        return bool(theme.dark), (accent.red, accent.green, accent.blue)

    def blocks(self, frame: object, dark: bool, accent: RGB) -> list[Block]:
        raise NotImplementedError

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The last picture drawn: the frame it shows, its theme colours and width, the text and the
        #: lines of the band the narration is about.
        self._drawn: tuple[object, tuple[bool, RGB, int], Text, tuple[int, int] | None] | None = None

    def _picture(self) -> tuple[Text, tuple[int, int] | None]:
        frame = self.frame
        if frame is None:
            return Text(""), None
        dark, accent = self.theme_colours()
        key = (dark, accent, max(self.size.width, 20))
        if self._drawn is None or self._drawn[0] is not frame or self._drawn[1] != key:
            self._drawn = (frame, key, *flow_and_focus(self.blocks(frame, dark, accent), key[2]))
        return self._drawn[2], self._drawn[3]

    def render(self) -> Text:
        """The frame's blocks, drawn once per frame, theme and width (Textual asks again on every refresh)."""
        return self._picture()[0]

    def focus_lines(self) -> tuple[int, int] | None:
        """The lines ``(first, end)`` of the picture the narration names (None: no block is singled out)."""
        return self._picture()[1]


def number_cell(value: float, width: int) -> str:
    """A number right-aligned in ``width`` characters, a space before it (neighbours never run together)."""
    return " " + numbers.fit(value, max(width - 1, 1)).rjust(max(width - 1, 1))


def text_badge(text: str, rgb: RGB, dark: bool) -> Text:
    return Text(text, style=Style(bgcolor=Color.from_rgb(*rgb), color=text_on(rgb)))


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
            rgb = _rgb(v, scale, False, dark)
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
            rgb = _rgb(float(v), scale, True, dark)
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
