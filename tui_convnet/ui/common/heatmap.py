"""Heatmaps drawn with the Line API: two values per text cell.

Each cell is ``▀``: its foreground colour is the upper value and its
background the lower one, so a 26x26 feature map takes 26 columns by 13 rows.
:class:`HeatmapGrid` lays out many maps (all channels of a layer) as tiles
that wrap to the widget's width; :class:`Heatmap` shows one map.

Colours: ``sequential`` (black → purple → orange → pale yellow, for ReLU
outputs that are >= 0) or ``diverging`` (blue for negative, near-black for 0,
red for positive, for weights).  All maps of a grid share one scale, so a
channel that stayed dark really is weaker than a bright one.

Without colour (``NO_COLOR``) a half block shows nothing, so a map is drawn
in glyphs instead, one per text cell (the mean of its two pixels): the
magnitude on a ramp from blank to dense (:data:`SEQUENTIAL_GLYPHS`), and on
a diverging map the sign too (:data:`NEGATIVE_GLYPHS`, :data:`POSITIVE_GLYPHS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from ...core import numbers
from . import palette

UPPER_HALF = "\u2580"  # ▀
MARKER = "\u2594"  # ▔ under the selected tile
LEVELS = 64

#: Without colour: a value from 0 (blank) to the top of the scale (``@``).
SEQUENTIAL_GLYPHS = " .:-=+*#%@"
#: Without colour, a diverging map: the negative side weak to strong, the positive side weak to strong;
#: under an eighth of the scale either way is blank (about zero).
NEGATIVE_GLYPHS = "-=≡"
POSITIVE_GLYPHS = "+*#"
NEAR_ZERO = 1 / 8
#: The glyphs' style: none of their own (a segment styled None breaks Textual's monochrome filter).
NO_STYLE = Style()


def no_color(widget: Widget) -> bool:
    """Whether ``widget``'s app draws without colour (``NO_COLOR``); False before it is in an app."""
    try:
        return bool(widget.app.no_color)
    except RuntimeError:  # Textual's NoActiveAppError: not mounted yet
        return False


def glyph_rows(levels: np.ndarray, palette: str) -> np.ndarray:
    """Quantised ``(H, W)`` levels as glyphs, one per text cell (the mean of two pixel rows): ``(ceil(H/2), W)``."""
    lv = np.asarray(levels, dtype=np.float64)
    if lv.shape[0] % 2:
        fill = 0 if palette == "sequential" else (LEVELS - 1) / 2
        lv = np.concatenate([lv, np.full((1, lv.shape[1]), fill)], axis=0)
    t = (lv[0::2] + lv[1::2]) / 2 / (LEVELS - 1)  # 0..1
    if palette == "sequential":
        ramp = np.array(list(SEQUENTIAL_GLYPHS))
        return ramp[np.clip(np.rint(t * (len(ramp) - 1)).astype(np.int64), 0, len(ramp) - 1)]
    signed = t * 2 - 1  # -1..1
    strength = np.clip(((np.abs(signed) - NEAR_ZERO) / (1 - NEAR_ZERO) * 3).astype(np.int64), 0, 2)
    out = np.where(signed < 0, np.array(list(NEGATIVE_GLYPHS))[strength], np.array(list(POSITIVE_GLYPHS))[strength])
    return np.where(np.abs(signed) < NEAR_ZERO, " ", out)


def level_glyph(t: float, diverging: bool) -> str:
    """One value's glyph without colour, ``t`` its place on the scale: 0..1, or -1..1 on a diverging one."""
    if not diverging:
        ramp = SEQUENTIAL_GLYPHS
        return ramp[round(min(max(t, 0.0), 1.0) * (len(ramp) - 1))]
    if abs(t) < NEAR_ZERO:
        return " "
    strength = min(int((abs(t) - NEAR_ZERO) / (1 - NEAR_ZERO) * 3), 2)
    return (NEGATIVE_GLYPHS if t < 0 else POSITIVE_GLYPHS)[strength]


def glyph_legend(vmin: float, vmax: float, palette: str) -> Text:
    """The glyph ramp as a legend: ``0.00 .:-=+*#%@ 1.03`` or ``-0.50 ≡=- blank +*# 0.50``."""
    lo, hi = numbers.plain(vmin, decimals=2), numbers.plain(vmax, decimals=2)
    if palette == "sequential":
        return Text(f"{lo} {SEQUENTIAL_GLYPHS.strip()} {hi}")
    return Text(f"{lo} {NEGATIVE_GLYPHS[::-1]} (blank ≈ 0) {POSITIVE_GLYPHS} {hi}")


_SEQUENTIAL_ANCHORS = np.array(
    [
        (0, 0, 4),
        (40, 11, 84),
        (101, 21, 110),
        (159, 42, 99),
        (212, 72, 66),
        (245, 125, 21),
        (250, 193, 39),
        (252, 255, 164),
    ],
    dtype=float,
)
_DIVERGING_ANCHORS = np.array(palette.DIVERGING_ANCHORS_DARK, dtype=float)  # the one convention: ui/common/palette.py


def _lut(anchors: np.ndarray, levels: int = LEVELS) -> list[tuple[int, int, int]]:
    pos = np.linspace(0, 1, len(anchors))
    t = np.linspace(0, 1, levels)
    rgb = np.stack([np.interp(t, pos, anchors[:, i]) for i in range(3)], axis=1)
    return [tuple(round(v) for v in row) for row in rgb]


PALETTES: dict[str, list[tuple[int, int, int]]] = {
    "sequential": _lut(_SEQUENTIAL_ANCHORS),
    "diverging": _lut(_DIVERGING_ANCHORS),
}

_STYLE_TABLES: dict[str, list[Style]] = {}


def style_table(palette: str) -> list[Style]:
    """Every half-block style of a palette, indexed by ``upper_level * LEVELS + lower_level``."""
    table = _STYLE_TABLES.get(palette)
    if table is None:
        colours = [Color.from_rgb(*rgb) for rgb in PALETTES[palette]]
        table = _STYLE_TABLES[palette] = [Style(color=top, bgcolor=bottom) for top in colours for bottom in colours]
    return table


def cell_style(palette: str, top: int, bottom: int) -> Style:
    """The style of one half-block cell (upper level as foreground, lower as background)."""
    return style_table(palette)[top * LEVELS + bottom]


def scale_for(values: np.ndarray, palette: str) -> tuple[float, float]:
    """A colour scale that covers ``values``: ``0..max`` or symmetric ``-m..m``."""
    a = np.asarray(values, dtype=np.float64)
    finite = a[np.isfinite(a)]
    if palette == "diverging":
        m = float(np.max(np.abs(finite))) if finite.size else 0.0
        return (-m, m) if m > 0 else (-1.0, 1.0)
    lo = min(0.0, float(finite.min())) if finite.size else 0.0
    hi = float(finite.max()) if finite.size else 1.0
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def quantise(values: np.ndarray, vmin: float, vmax: float, palette: str = "sequential") -> np.ndarray:
    """Map values to palette levels ``0..LEVELS-1`` (NaN → the level of 0)."""
    a = np.asarray(values, dtype=np.float64)
    span = vmax - vmin if vmax > vmin else 1.0
    t = np.clip((np.nan_to_num(a, nan=0.0 if vmin <= 0 <= vmax else vmin) - vmin) / span, 0.0, 1.0)
    return np.rint(t * (LEVELS - 1)).astype(np.int64)


def scale_legend(vmin: float, vmax: float, palette: str = "sequential", steps: int = 8) -> Text:
    """A grid's colour scale as a legend: ``0.00 ████████ 1.03``, its colours from ``vmin`` to ``vmax``."""
    lut = PALETTES[palette]
    text = Text(f"{vmin:.2f} ")
    for i in range(steps):
        text.append("█", Style(color=Color.from_rgb(*lut[round(i * (LEVELS - 1) / (steps - 1))])))
    text.append(f" {vmax:.2f}")
    return text


def layer_strips(levels: np.ndarray, palette: str, glyphs: bool = False) -> list[list[list[Segment]]]:
    """Segments for quantised maps ``(H, W, C)``: per channel, ``ceil(H/2)`` lines of ``W`` cells.

    ``glyphs``: drawn without colour (:func:`glyph_rows`), for NO_COLOR.

    Neighbouring cells with the same pair of colours share one segment; the
    runs of all maps are found in one numpy pass, so the Python work grows
    with the number of colour changes, not with the number of cells.
    """
    lv = np.asarray(levels, dtype=np.int64)
    if lv.ndim == 2:
        lv = lv[:, :, None]
    h, w, c = lv.shape
    if glyphs:
        return [[[Segment("".join(row), NO_STYLE)] for row in glyph_rows(lv[:, :, k], palette)] for k in range(c)]
    if h % 2:
        fill = 0 if palette == "sequential" else LEVELS // 2
        lv = np.concatenate([lv, np.full((1, w, c), fill, dtype=np.int64)], axis=0)
    codes = lv[0::2] * LEVELS + lv[1::2]  # (ceil(H/2), W, C): upper and lower level of each cell
    lines_per_map = codes.shape[0]
    rows = np.ascontiguousarray(codes.transpose(2, 0, 1)).reshape(-1, w)  # (C·lines, W)
    change = np.ones(rows.shape, dtype=bool)
    change[:, 1:] = rows[:, 1:] != rows[:, :-1]
    line_of, start_of = np.nonzero(change)  # every run's line and first cell, in order
    end_of = np.empty_like(start_of)
    end_of[:-1] = np.where(line_of[1:] == line_of[:-1], start_of[1:], w)
    if len(end_of):
        end_of[-1] = w
    code_of = rows[line_of, start_of]
    table = style_table(palette)
    blocks = [UPPER_HALF * n for n in range(w + 1)]
    lines: list[list[Segment]] = [[] for _ in range(rows.shape[0])]
    for line, start, end, code in zip(
        line_of.tolist(), start_of.tolist(), end_of.tolist(), code_of.tolist(), strict=False
    ):
        lines[line].append(Segment(blocks[end - start], table[code]))
    return [lines[i * lines_per_map : (i + 1) * lines_per_map] for i in range(c)]


def map_strips(levels: np.ndarray, palette: str, glyphs: bool = False) -> list[list[Segment]]:
    """Segments for one quantised ``(H, W)`` map: ``ceil(H/2)`` lines of ``W`` cells."""
    return layer_strips(np.asarray(levels)[:, :, None], palette, glyphs)[0]


class Heatmap(Widget):
    """One 2-D map as half blocks (``W`` columns by ``ceil(H/2)`` rows)."""

    DEFAULT_CSS = """
    Heatmap { width: auto; height: auto; }
    """

    def __init__(
        self,
        values: np.ndarray | None = None,
        *,
        palette: str = "sequential",
        scale: tuple[float, float] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._lines: list[list[Segment]] = []
        self._shape = (0, 0)
        if values is not None:
            self.set_values(values, palette=palette, scale=scale)

    def set_values(
        self, values: np.ndarray, *, palette: str = "sequential", scale: tuple[float, float] | None = None
    ) -> None:
        a = np.asarray(values, dtype=np.float64)
        if a.ndim != 2:
            raise ValueError(f"A heatmap needs a 2-D array. Received: values.shape={a.shape}")
        if palette not in PALETTES:
            raise ValueError(f"Unknown palette. Expected one of {', '.join(PALETTES)}. Received: palette={palette!r}")
        vmin, vmax = scale if scale is not None else scale_for(a, palette)
        self._lines = map_strips(quantise(a, vmin, vmax, palette), palette, no_color(self))
        self._shape = a.shape
        self.refresh(layout=True)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return int(self._shape[1])

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        if 0 <= y < len(self._lines):
            return Strip(self._lines[y], self._shape[1]).crop_extend(0, self.size.width, self.rich_style)
        return Strip.blank(self.size.width, self.rich_style)


class TileGrid(Widget, can_focus=False):
    """Labelled tiles (each a few lines of segments) that wrap to the widget's width.

    ``selected`` highlights one tile's label.  Subclasses build the tiles.
    """

    DEFAULT_CSS = """
    TileGrid { width: 1fr; height: auto; }
    TileGrid > .tile-grid--label { color: $text-muted; }
    TileGrid > .tile-grid--selected { color: $background; background: $text-accent; text-style: bold; }
    TileGrid > .tile-grid--marker { color: $accent; }
    """
    COMPONENT_CLASSES = {"tile-grid--label", "tile-grid--selected", "tile-grid--marker"}

    selected: reactive[int | None] = reactive(None)

    class Clicked(Message):
        """A tile was clicked (``tile`` is its index; ``line`` and ``column`` the text cell inside the tile,
        ``line`` -1 on its label)."""

        def __init__(self, grid: TileGrid, tile: int, line: int = -1, column: int = 0) -> None:
            super().__init__()
            self.grid, self.tile, self.line, self.column = grid, tile, line, column

    def __init__(self, *, gap: int = 2, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gap = gap
        self._tiles: list[list[list[Segment]]] = []
        self._labels: list[str] = []
        self._tile_w = self._tile_h = self._line_width = 0
        self._uniform = True

    def set_tiles(self, tiles: list[list[list[Segment]]], labels: list[str], line_width: int | None = None) -> None:
        """Show ``tiles`` (lines of segments) under ``labels``; ``line_width`` if every line has that many cells."""
        if len(tiles) != len(labels):
            raise ValueError(f"One label per tile is needed ({len(tiles)}). Received: labels={len(labels)}")
        if line_width is None:
            widths = [sum(len(s.text) for s in line) for tile in tiles for line in tile]
            line_width = max(widths, default=0)
            self._uniform = all(x == line_width for x in widths)
        else:
            self._uniform = True
        geometry = (
            len(tiles),
            max([line_width, *(len(x) for x in labels)]),
            max((len(t) for t in tiles), default=0),
        )
        self._line_width = line_width
        same_size = geometry == (len(self._tiles), self._tile_w, self._tile_h)
        self._tiles, self._labels = tiles, labels
        _, self._tile_w, self._tile_h = geometry
        self.refresh(layout=not same_size)

    @property
    def count(self) -> int:
        return len(self._tiles)

    # -- layout
    def columns_for(self, width: int) -> int:
        if not self._tiles:
            return 1
        return max(1, min(len(self._tiles), (width + self.gap) // (self._tile_w + self.gap)))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        cols = self.columns_for(container.width)
        return cols * (self._tile_w + self.gap) - self.gap if self._tiles else 0

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self._tiles:
            return 0
        rows = -(-len(self._tiles) // self.columns_for(width))
        return rows * (self._tile_h + 2) - 1

    def tile_at(self, x: int, y: int) -> int | None:
        """The tile drawn at widget offset ``(x, y)``, or None."""
        if not self._tiles:
            return None
        cols = self.columns_for(self.size.width)
        col, dx = divmod(x, self._tile_w + self.gap)
        row, dy = divmod(y, self._tile_h + 2)
        if dx >= self._tile_w or dy > self._tile_h or col >= cols:
            return None
        c = row * cols + col
        return c if c < len(self._tiles) else None

    def watch_selected(self) -> None:
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles: tuple[Style, Style, Style, Style] | None = None

    def _line_styles(self) -> tuple[Style, Style, Style, Style]:
        """Base, label, selected-label and marker styles (CSS lookups are cached until the styles change)."""
        styles: tuple[Style, Style, Style, Style] | None = getattr(self, "_styles", None)
        if styles is None:
            base = self.rich_style
            styles = self._styles = (
                base,
                base + self.get_component_rich_style("tile-grid--label"),
                base + self.get_component_rich_style("tile-grid--selected"),
                base + self.get_component_rich_style("tile-grid--marker"),
            )
        return styles

    def on_click(self, event: events.Click) -> None:
        tile = self.tile_at(event.x, event.y)
        if tile is not None:
            line = event.y % (self._tile_h + 2) - 1
            self.post_message(self.Clicked(self, tile, line, event.x % (self._tile_w + self.gap)))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base, label_style, selected_style, marker_style = self._line_styles()
        if not self._tiles:
            return Strip.blank(width, base)
        cols = self.columns_for(width)
        block = self._tile_h + 2  # label line + tile lines + blank line
        row, dy = divmod(y, block)
        first = row * cols
        if first >= len(self._tiles):
            return Strip.blank(width, base)
        if dy == block - 1:  # the line under the tiles: a bar marks the selected one (not only its label)
            selected = self.selected
            if selected is None or not first <= selected < first + cols:
                return Strip.blank(width, base)
            x = (selected - first) * (self._tile_w + self.gap)
            bar = [Segment(" " * x, base), Segment(MARKER * self._tile_w, marker_style)]
            return Strip(bar).crop_extend(0, width, base)
        gap = Segment(" " * self.gap, base)
        segs: list[Segment] = []
        for c in range(first, min(first + cols, len(self._tiles))):
            if c > first:
                segs.append(gap)
            if dy == 0:
                line = [Segment(self._labels[c], selected_style if c == self.selected else label_style)]
            else:
                tile = self._tiles[c]
                line = tile[dy - 1] if dy - 1 < len(tile) else []
            segs.extend(line)
            used = self._line_width if (dy and self._uniform and line) else sum(len(s.text) for s in line)
            if used < self._tile_w:
                segs.append(Segment(" " * (self._tile_w - used), base))
        return Strip(segs).crop_extend(0, width, base)


class HeatmapGrid(TileGrid):
    """All maps of one layer, ``(H, W, C)`` channels last, on one shared colour scale.

    ``cell`` (map, row, column) marks one cell with a ``■`` (black or white, whichever reads on it).
    """

    cell: reactive[tuple[int, int, int] | None] = reactive(None)

    def watch_cell(self) -> None:
        self.refresh()

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        cell = self.cell
        if cell is None or not self._tiles:
            return strip
        k, row, col = cell
        cols = self.columns_for(self.size.width)
        tile_row, dy = divmod(y, self._tile_h + 2)
        if k >= len(self._tiles) or k // cols != tile_row or dy - 1 != row // 2:
            return strip
        x = (k % cols) * (self._tile_w + self.gap) + col
        if x >= strip.cell_length:
            return strip
        under = next(iter(strip.crop(x, x + 1)), None)
        style = under.style if under is not None and under.style is not None else Style()
        shown = style.bgcolor if row % 2 else style.color  # the half of the text cell that is the map's cell
        rgb = shown.get_truecolor() if shown is not None else None
        ink = palette.text_on((rgb.red, rgb.green, rgb.blue)) if rgb is not None else None
        mark = Strip([Segment("■", Style(color=ink, bgcolor=shown, bold=True))], 1)
        return Strip.join([strip.crop(0, x), mark, strip.crop(x + 1, strip.cell_length)])

    def __init__(
        self, maps: np.ndarray | None = None, *, palette: str = "sequential", label: str = "#", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.palette = palette
        self.label = label
        #: The colour scale of the maps shown (``vmin``, ``vmax``): one for all the maps of the layer.
        self.scale: tuple[float, float] = (0.0, 1.0)
        if maps is not None:
            self.set_maps(maps)

    def set_maps(self, maps: np.ndarray, scale: tuple[float, float] | None = None) -> None:
        a = np.asarray(maps, dtype=np.float64)
        if a.ndim != 3:
            raise ValueError(f"Feature maps must be (H, W, C). Received: maps.shape={a.shape}")
        vmin, vmax = self.scale = scale if scale is not None else scale_for(a, self.palette)
        levels = quantise(a, vmin, vmax, self.palette)
        tiles = layer_strips(levels, self.palette, no_color(self))
        self.set_tiles(tiles, [f"{self.label}{c}" for c in range(a.shape[2])], line_width=a.shape[1])

    def legend(self) -> Text:
        """The maps' colour scale: ``0.00 ████████ 1.03`` (without colour, the glyph ramp)."""
        if no_color(self):
            return glyph_legend(*self.scale, self.palette)
        return scale_legend(*self.scale, self.palette)


def sparkline(values: Sequence[float] | np.ndarray, vmin: float | None = None, vmax: float | None = None) -> str:
    """Values as bar characters ``▁▂▃▄▅▆▇█`` (a space for the minimum)."""
    bars = " ▁▂▃▄▅▆▇█"
    a = np.asarray(values, dtype=np.float64)
    if a.size == 0:
        return ""
    lo = float(np.min(a)) if vmin is None else vmin
    hi = float(np.max(a)) if vmax is None else vmax
    span = hi - lo if hi > lo else 1.0
    idx = np.rint(np.clip((a - lo) / span, 0, 1) * (len(bars) - 1)).astype(int)
    return "".join(bars[i] for i in idx)
