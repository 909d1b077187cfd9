"""MNIST digits (and another set's RGB images) drawn in the terminal with half blocks: two pixel rows per text row.

Each character is ``▀`` whose foreground is the upper pixel and whose
background is the lower pixel, so a 28x28 digit takes 28 columns by 14 rows.
Pure Rich (no Textual) so any screen or a plain console can use it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.color import Color
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from .heatmap import NO_STYLE, glyph_rows, no_color, quantise

#: Without colour, the cells of a receptive field are reversed (its box stays visible).
FIELD_MARK = Style(reverse=True, bold=True)
UPPER_HALF = "\u2580"  # ▀

_STYLES: dict[tuple[int, int], Style] = {}


def _grey(value: int) -> Color:
    return Color.from_rgb(value, value, value)


def _style(top: int, bottom: int) -> Style:
    key = (top, bottom)
    style = _STYLES.get(key)
    if style is None:
        style = _STYLES[key] = Style(color=_grey(top), bgcolor=_grey(bottom))
    return style


def _validate(image: np.ndarray) -> np.ndarray:
    a = np.asarray(image)
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    if (a.ndim != 2 and not (a.ndim == 3 and a.shape[-1] == 3)) or a.size == 0:
        raise ValueError(f"A digit must be a 2-D image (H, W). Received: image.shape={np.shape(image)}")
    if a.dtype.kind == "f":
        # Model inputs are floats in [0, 1]; anything larger is taken as 0-255.
        scale = 255.0 if a.size and float(np.nanmax(a)) <= 1.0 else 1.0
        a = np.clip(np.nan_to_num(a) * scale, 0, 255)
    elif a.dtype.kind not in "ui" and a.dtype.kind != "b":
        raise ValueError(f"A digit must be numeric. Received: image.dtype={a.dtype}")
    return a.astype(np.uint8)


def shrink(image: np.ndarray, factor: int) -> np.ndarray:
    """Average ``factor`` x ``factor`` blocks (28x28 → 14x14 for ``factor=2``)."""
    a = _validate(image)
    if isinstance(factor, bool) or not isinstance(factor, int) or factor < 1:
        raise ValueError(f"`factor` must be a whole number >= 1. Received: factor={factor!r}")
    if factor == 1:
        return a
    h, w = (a.shape[0] // factor) * factor, (a.shape[1] // factor) * factor
    if h == 0 or w == 0:
        raise ValueError(f"The image is smaller than the factor. Received: image.shape={a.shape}, factor={factor}")
    blocks = a[:h, :w].reshape(h // factor, factor, w // factor, factor, *a.shape[2:]).astype(np.float32)
    return np.asarray(np.round(blocks.mean(axis=(1, 3))).astype(np.uint8))


def _glyph_text(lightness: np.ndarray, mask: np.ndarray | None) -> Text:
    """An image's ``lightness`` (in [0, 1], an even number of rows) on the glyph ramp, one glyph per two pixel
    rows (NO_COLOR); the receptive field ``mask`` reversed."""
    text = Text(no_wrap=True, overflow="crop", end="")
    ink = glyph_rows(quantise(lightness, 0.0, 1.0, "sequential"), "sequential")
    inside = None if mask is None else mask[0::2] | mask[1::2]
    rows = lightness.shape[0] // 2
    for r in range(rows):
        for c, glyph in enumerate(ink[r].tolist()):
            text.append(glyph, FIELD_MARK if inside is not None and inside[r, c] else None)
        if r < rows - 1:
            text.append("\n")
    return text


def _rgb_text(a: np.ndarray, mask: np.ndarray | None, glyphs: bool) -> Text:
    """An ``(H, W, 3)`` uint8 image (an even number of rows) as half blocks in colour; ``glyphs``: its lightness
    on the glyph ramp (NO_COLOR). Outside the receptive field ``mask`` the colours are dimmed (or, without
    colour, the field is reversed)."""
    if glyphs:
        return _glyph_text(a.astype(np.float64) @ np.array([0.299, 0.587, 0.114]) / 255.0, mask)
    text = Text(no_wrap=True, overflow="crop", end="")
    rows = a.shape[0] // 2
    shown = a if mask is None else np.where(mask[..., None], a, np.round(a * OUTSIDE_DIM)).astype(np.uint8)
    for r in range(rows):
        for top, bottom in zip(shown[2 * r].tolist(), shown[2 * r + 1].tolist(), strict=False):
            text.append(UPPER_HALF, Style(color=Color.from_rgb(*top), bgcolor=Color.from_rgb(*bottom)))
        if r < rows - 1:
            text.append("\n")
    return text


#: A receptive field on a digit: inside, black paper turns dark blue (ink stays white); outside is dimmed.
#: The digit is its own black canvas on every theme, so these fixed colours read on dark and light themes.
FIELD_PAPER = (40, 80, 170)
OUTSIDE_DIM = 0.4


def _field_grey(value: int, inside: bool) -> Color:
    if inside:
        r, g, b = FIELD_PAPER
        return Color.from_rgb(max(value, r), max(value, g), max(value, b))
    v = round(value * OUTSIDE_DIM)
    return Color.from_rgb(v, v, v)


def field_mask(shape: tuple[int, int], field: tuple[int, int, int, int] | None) -> np.ndarray | None:
    """Which pixels are inside ``field`` (first row, last row, first column, last column; inclusive)."""
    if field is None:
        return None
    first_row, last_row, first_col, last_col = field
    mask = np.zeros(shape, dtype=bool)
    mask[first_row : last_row + 1, first_col : last_col + 1] = True
    return mask


def digit_text(
    image: np.ndarray,
    *,
    levels: int = 256,
    shrink_by: int = 1,
    field: tuple[int, int, int, int] | None = None,
    glyphs: bool = False,
) -> Text:
    """A ``(H, W)`` image (uint8 0-255, or floats in [0, 1]) as a Rich :class:`Text` (an ``(H, W, 3)`` RGB
    image in its colours).

    Ink is white on black, as MNIST stores it.  Rows come in pairs (an odd
    last row is paired with black).  ``levels`` quantises the greys
    (fewer distinct styles makes very large galleries cheaper to render);
    ``shrink_by=2`` draws a 28x28 digit in 14 columns x 7 rows.  ``field`` (first row, last row,
    first column, last column) marks a receptive field: its paper blue, everything outside dimmed.
    ``glyphs`` (without colour, NO_COLOR): the ink on the glyph ramp, one glyph per two pixel rows, the
    receptive field reversed.
    """
    a = shrink(image, shrink_by)
    if levels < 2 or levels > 256:
        raise ValueError(f"`levels` must be in 2..256. Received: levels={levels}")
    if levels < 256:
        step = 255 / (levels - 1)
        a = (np.round(a / step) * step).astype(np.uint8)
    mask = field_mask((a.shape[0], a.shape[1]), field)
    if a.shape[0] % 2:
        a = np.vstack([a, np.zeros((1, *a.shape[1:]), dtype=np.uint8)])
        if mask is not None:
            mask = np.vstack([mask, np.zeros((1, a.shape[1]), dtype=bool)])
    if a.ndim == 3:
        return _rgb_text(a, mask, glyphs)
    if glyphs:
        return _glyph_text(a.astype(np.float64) / 255.0, mask)
    text = Text(no_wrap=True, overflow="crop", end="")
    rows = a.shape[0] // 2
    for r in range(rows):
        top, bottom = a[2 * r], a[2 * r + 1]
        if mask is None:
            for t, b in zip(top.tolist(), bottom.tolist(), strict=False):
                text.append(UPPER_HALF, _style(t, b))
        else:
            inside_top, inside_bottom = mask[2 * r].tolist(), mask[2 * r + 1].tolist()
            for t, b, it, ib in zip(top.tolist(), bottom.tolist(), inside_top, inside_bottom, strict=False):
                text.append(UPPER_HALF, Style(color=_field_grey(t, it), bgcolor=_field_grey(b, ib)))
        if r < rows - 1:
            text.append("\n")
    return text


#: Only resolves the styles of a picture's lines into segments (nothing is printed through it).
_SEGMENTS = Console(width=512)


def digit_strips(image: np.ndarray, *, glyphs: bool = False) -> list[list[Segment]]:
    """:func:`digit_text`'s picture (an RGB image in its colours) as lines of segments, for a tile of a
    :class:`~tui_convnet.ui.common.heatmap.TileGrid` (every segment styled: Textual's NO_COLOR filter needs one)."""
    lines = digit_text(image, glyphs=glyphs).split("\n")
    return [[Segment(s.text, s.style or NO_STYLE) for s in line.render(_SEGMENTS)] for line in lines]


class DigitView(Widget):
    """A widget showing one digit (28 columns x 14 rows for MNIST)."""

    DEFAULT_CSS = """
    DigitView {
        width: auto;
        height: auto;
    }
    """

    def __init__(self, image: np.ndarray, *, shrink_by: int = 1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._image = shrink(image, shrink_by)
        self._field: tuple[int, int, int, int] | None = None

    def set_image(self, image: np.ndarray, *, shrink_by: int = 1) -> None:
        self._image = shrink(image, shrink_by)
        self.refresh(layout=True)

    @property
    def field(self) -> tuple[int, int, int, int] | None:
        """The receptive field drawn on the digit: first row, last row, first column, last column."""
        return self._field

    def set_field(self, field: tuple[int, int, int, int] | None) -> None:
        self._field = field
        self.refresh()

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return int(self._image.shape[1])

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return (int(self._image.shape[0]) + 1) // 2

    def render(self) -> Text:
        return digit_text(self._image, field=self._field, glyphs=no_color(self))
