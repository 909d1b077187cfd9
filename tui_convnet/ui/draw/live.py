"""Widgets that redraw on every stroke of the draw screen, fast.

The inspect screen's widgets rebuild every tile and ask for a new layout on
each update; at one update per stroke that is too slow (the first layer alone
is 21,632 half-block cells). These subclasses keep the same looks and:

- :class:`LiveHeatmapGrid` quantises the maps once and builds a tile line's
  segments only when that line is drawn (only the visible lines are);
- the others skip the layout pass when their size has not changed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from ..common.bars import ActivationStrip, ProbabilityBars
from ..common.heatmap import (
    LEVELS,
    NO_STYLE,
    UPPER_HALF,
    HeatmapGrid,
    glyph_rows,
    no_color,
    quantise,
    scale_for,
    style_table,
)

GREY_LEVELS = 32
GREYS = [Color.from_rgb(v, v, v) for v in np.rint(np.linspace(0, 255, GREY_LEVELS)).astype(int).tolist()]
GREY_STYLES = [Style(color=top, bgcolor=bottom) for top in GREYS for bottom in GREYS]


def grey_levels(image: np.ndarray) -> np.ndarray:
    """An image of floats in [0, 1] as grey levels ``0..GREY_LEVELS-1``, padded to an even number of rows."""
    a = np.clip(np.nan_to_num(np.asarray(image, dtype=np.float64)), 0.0, 1.0)
    if a.ndim != 2:
        raise ValueError(f"An image must be 2-D (H, W). Received: image.shape={a.shape}")
    if a.shape[0] % 2:
        a = np.vstack([a, np.zeros((1, a.shape[1]))])
    return np.rint(a * (GREY_LEVELS - 1)).astype(np.int64)


def runs(codes: list[int], table: list[Style]) -> list[Segment]:
    """One segment per run of equal cells (``codes`` index ``table``): fewer segments, faster frames."""
    segments = []
    start = 0
    for i in range(1, len(codes) + 1):
        if i == len(codes) or codes[i] != codes[start]:
            segments.append(Segment(UPPER_HALF * (i - start), table[codes[start]]))
            start = i
    return segments


def grey_line(levels: np.ndarray, y: int) -> list[Segment]:
    """Text row ``y`` of :func:`grey_levels`' output: half blocks, the upper pixel as foreground."""
    return runs((levels[2 * y] * GREY_LEVELS + levels[2 * y + 1]).tolist(), GREY_STYLES)


def grey_glyph_line(levels: np.ndarray, y: int) -> list[Segment]:
    """Text row ``y`` of :func:`grey_levels`' output without colour (NO_COLOR): the ink on the glyph ramp."""
    pair = levels[2 * y : 2 * y + 2].astype(np.float64) * ((LEVELS - 1) / (GREY_LEVELS - 1))
    return [Segment("".join(glyph_rows(pair, "sequential")[0]), NO_STYLE)]


class _LazyTile:
    """One map's lines of segments, each built on first use (a sequence, as TileGrid expects)."""

    __slots__ = ("_cache", "_codes", "_table")

    def __init__(self, codes: np.ndarray, table: list[Style]) -> None:
        self._codes = codes  # (lines, W): upper level · LEVELS + lower level
        self._table = table
        self._cache: dict[int, list[Segment]] = {}

    def __len__(self) -> int:
        return int(self._codes.shape[0])

    def __getitem__(self, line: int) -> list[Segment]:
        segments = self._cache.get(line)
        if segments is None:
            segments = self._cache[line] = runs(self._codes[line].tolist(), self._table)
        return segments


class LiveHeatmapGrid(HeatmapGrid):
    """A :class:`HeatmapGrid` whose tiles are drawn line by line, when they are on screen."""

    def set_maps(self, maps: np.ndarray, scale: tuple[float, float] | None = None) -> None:
        if no_color(self):  # glyphs, not colours: the grid's own way
            super().set_maps(maps, scale)
            return
        a = np.asarray(maps, dtype=np.float64)
        if a.ndim != 3:
            raise ValueError(f"Feature maps must be (H, W, C). Received: maps.shape={a.shape}")
        vmin, vmax = self.scale = scale if scale is not None else scale_for(a, self.palette)
        lv = quantise(a, vmin, vmax, self.palette)
        if lv.shape[0] % 2:
            fill = 0 if self.palette == "sequential" else LEVELS // 2
            lv = np.concatenate([lv, np.full((1, *lv.shape[1:]), fill, dtype=lv.dtype)], axis=0)
        codes = np.ascontiguousarray((lv[0::2] * LEVELS + lv[1::2]).transpose(2, 0, 1))  # (C, lines, W)
        table = style_table(self.palette)
        tiles: list[Any] = [_LazyTile(codes[c], table) for c in range(codes.shape[0])]
        self.set_tiles(tiles, [f"{self.label}{c}" for c in range(a.shape[2])], line_width=a.shape[1])


class LiveActivationStrip(ActivationStrip):
    def set_values(self, values: np.ndarray) -> None:
        same = np.size(values) == len(self.values)
        self.values = np.asarray(values, dtype=np.float64).reshape(-1)
        self.refresh(layout=not same)


class LiveProbabilityBars(ProbabilityBars):
    def set_probabilities(self, probabilities: np.ndarray, label: int | None) -> None:
        before = None if self.probabilities is None else self.probabilities.size
        p = np.asarray(probabilities, dtype=np.float64).reshape(-1)
        if p.size == 0:
            raise ValueError("There must be at least one class probability. Received: probabilities.size=0")
        self.probabilities, self.label = p, label
        self.refresh(layout=before != p.size)


class GreyImage(Widget):
    """A grey image (floats in [0, 1], white ink on black) in half blocks, drawn line by line."""

    DEFAULT_CSS = """
    GreyImage { width: auto; height: auto; }
    """

    def __init__(self, image: np.ndarray, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._levels = grey_levels(image)

    def set_image(self, image: np.ndarray) -> None:
        before = self._levels.shape
        self._levels = grey_levels(image)
        self.refresh(layout=before != self._levels.shape)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return int(self._levels.shape[1])

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return int(self._levels.shape[0]) // 2

    def render_line(self, y: int) -> Strip:
        if not 0 <= y < self._levels.shape[0] // 2:
            return Strip.blank(self.size.width, self.rich_style)
        line = (grey_glyph_line if no_color(self) else grey_line)(self._levels, y)
        return Strip(line, self._levels.shape[1]).crop_extend(0, self.size.width, self.rich_style)
