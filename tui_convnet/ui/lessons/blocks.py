"""The lessons' drawing kit: maps in half blocks, captioned blocks flowed to the width, the view they share.

:func:`map_lines` draws a 2-D map two rows a character (``▀``, foreground the top row, background the
bottom); a :class:`Block` is a caption and a picture; :func:`flow` lays blocks side by side and wraps
them to the widget's width; :class:`BlocksView` is the widget each lesson's view subclasses
(``ui/lessons/views.py``) to turn its frame into blocks. Colours come from the one palette
(``ui/common/palette.py``) for the current theme.
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
from ..common.palette import RGB, blend, diverging_rgb, text_on

UPPER_HALF = "\u2580"  # ▀
GAP = 2


def _grey(t: float, dark: bool) -> RGB:
    g = round(40 + 215 * t) if dark else round(250 - 200 * t)
    return g, g, g


def value_rgb(value: float, scale: float, diverging: bool, dark: bool) -> RGB:
    """A value's colour on a map scaled to ``scale``: the diverging palette, or greys from zero up."""
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
            rgb = value_rgb(float(v[r, c]), s, diverging, dark)
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
