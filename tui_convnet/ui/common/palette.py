"""The one colour convention for values, on every screen: negative blue, zero neutral, positive orange-red.

Theme-aware: on a dark theme zero is near-black, on a light theme near-white,
and the text on each cell is black or white, whichever contrasts more (WCAG).  The
explorer's grids, the inspect screen's heatmaps and weight grids and the
legends all take their colours from here, so a weight means the same colour
everywhere.  (Marks such as the window or the current cell are styled in the
TCSS with theme variables; see :data:`LEGEND_MARKS`.)
"""

from __future__ import annotations

from functools import cache

import numpy as np
from rich.color import Color
from rich.style import Style
from rich.text import Text

from ...util.colours import DIVERGING_ANCHORS_DARK as DIVERGING_ANCHORS_DARK
from ...util.colours import DIVERGING_ANCHORS_LIGHT as DIVERGING_ANCHORS_LIGHT
from ...util.colours import RGB as RGB
from ...util.colours import blend as _blend
from ...util.colours import diverging_rgb as diverging_rgb

#: Colour levels on each side of zero (the explorer's grids).
LEVELS = 12
NEGATIVE: RGB = DIVERGING_ANCHORS_DARK[0]
POSITIVE: RGB = DIVERGING_ANCHORS_DARK[-1]


#: ``blend(a, b, t)``: from ``a`` (t = 0) to ``b`` (t = 1), each channel rounded. It, RGB, the anchors and
#: ``diverging_rgb`` are the plain convention of :mod:`tui_convnet.util.colours` (the printable handout's too).
blend = _blend


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2's relative luminance of an sRGB colour: 0 for black, 1 for white."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG 2's contrast ratio of two colours, 1 (the same) to 21 (black on white); text needs 4.5."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


#: The ink on a coloured cell: black, or a soft white (pure white where the soft one would read worse than 4.5:1).
INK_DARK: RGB = (0, 0, 0)
INK_LIGHT: RGB = (240, 240, 240)
WHITE: RGB = (255, 255, 255)


@cache
def ink_on(rgb: RGB) -> RGB:
    """Black or white, whichever contrasts more with ``rgb`` (at least 4.5:1 for every background, WCAG AA)."""
    best = max((INK_DARK, INK_LIGHT), key=lambda ink: contrast_ratio(ink, rgb))
    if contrast_ratio(best, rgb) < 4.5:
        best = max((INK_DARK, WHITE), key=lambda ink: contrast_ratio(ink, rgb))
    return best


def text_on(rgb: RGB) -> Color:
    """The ink that reads on ``rgb`` (:func:`ink_on`) as a Rich colour."""
    return Color.from_rgb(*ink_on(rgb))


@cache
def diverging_style(level: int, dark: bool = True) -> Style:
    """Background and text of a cell at ``level`` in ``-LEVELS..LEVELS``."""
    rgb = diverging_rgb(level / LEVELS, dark)
    return Style(bgcolor=Color.from_rgb(*rgb), color=text_on(rgb))


@cache
def sequential_style(level: int, dark: bool = True) -> Style:
    """Grey levels for values that are never negative (pixels): ``0..LEVELS``, dark to light."""
    t = max(level, 0) / LEVELS
    g = round(40 + 215 * t) if dark else round(250 - 200 * t)
    rgb = (g, g, g)
    return Style(bgcolor=Color.from_rgb(*rgb), color=text_on(rgb))


def levels(values: np.ndarray, scale: float, diverging: bool) -> np.ndarray:
    """Each cell's colour level: ``0..LEVELS`` (sequential) or ``-LEVELS..LEVELS`` (diverging); NaN is 0."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)
    if scale <= 0:
        return np.zeros(v.shape, dtype=np.int16)
    t = np.clip(v / scale, -1.0, 1.0)
    if not diverging:
        t = np.clip(t, 0.0, 1.0)
    return np.rint(t * LEVELS).astype(np.int16)


def level_style(level: int, diverging: bool, dark: bool = True) -> Style:
    return diverging_style(level, dark) if diverging else sequential_style(level, dark)


def diverging_lut(levels_count: int, dark: bool = True) -> list[RGB]:
    """``levels_count`` colours from most negative to most positive (the heatmaps' scale)."""
    anchors = np.array(DIVERGING_ANCHORS_DARK if dark else DIVERGING_ANCHORS_LIGHT, dtype=float)
    pos = np.linspace(0, 1, len(anchors))
    t = np.linspace(0, 1, levels_count)
    rgb = np.stack([np.interp(t, pos, anchors[:, i]) for i in range(3)], axis=1)
    return [(round(r), round(g), round(b)) for r, g, b in rgb]


def value_legend(dark: bool = True) -> Text:
    """``−  negative  0  0  +  positive``: each swatch in the palette's colour carries its sign as a glyph too
    (without colour, NO_COLOR, the swatches are greys that look alike)."""
    text = Text()
    for glyph, label, t in (("−", "negative", -1.0), ("0", "0", 0.0), ("+", "positive", 1.0)):
        rgb = diverging_rgb(t, dark)
        text.append(f" {glyph}", Style(bgcolor=Color.from_rgb(*rgb), color=text_on(rgb), bold=True))
        text.append(f" {label}  ")
    return text
