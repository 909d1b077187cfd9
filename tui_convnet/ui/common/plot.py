"""A small braille line plot for training curves (no dependency beyond Rich/Textual).

Each character cell holds a 2x4 grid of braille dots, so a plot of W x H
cells has 2W x 4H dots.  Series are lists of ``(x, y)`` points drawn as
connected lines; the x range is fixed by the caller (0 .. epochs), so the
curves grow from left to right as training goes on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from ...core.numbers import axis as axis_label

# Braille dot bits, indexed [row 0-3][column 0-1].
_DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
_BRAILLE = 0x2800


@dataclass
class Series:
    name: str
    color: str
    points: list[tuple[float, float]] = field(default_factory=list)
    marker: bool = False  # also mark each point (for few points, e.g. one per epoch)


def _nice_range(values: Sequence[float], floor: float | None) -> tuple[float, float]:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return (0.0, 1.0)
    lo, hi = min(finite), max(finite)
    if floor is not None:
        lo = min(lo, floor)
    if hi - lo < 1e-9:
        hi = lo + 1.0
    return lo, hi


def _dot_runs(
    points: Sequence[tuple[float, float]],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    dots: tuple[int, int],
) -> list[list[tuple[int, int]]]:
    """Points → dot coordinates (numpy), split at non-finite values, consecutive repeats dropped.

    Thousands of batch points land on a few hundred dots: drawing only the
    distinct ones keeps a redraw cheap however long training runs.
    """
    if not points:
        return []
    (x0, x1), (lo, hi), (dots_w, dots_h) = x_range, y_range, dots
    a = np.asarray(points, dtype=np.float64)
    finite = np.isfinite(a).all(axis=1)
    with np.errstate(invalid="ignore"):
        dx = np.clip(np.rint((a[:, 0] - x0) / (x1 - x0) * (dots_w - 1)), 0, dots_w - 1)
        dy = np.clip(np.rint((hi - a[:, 1]) / (hi - lo) * (dots_h - 1)), 0, dots_h - 1)
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    ok_list: list[bool] = [bool(v) for v in np.asarray(finite).reshape(-1)]
    for ok, x, y in zip(ok_list, dx.tolist(), dy.tolist(), strict=True):
        if not ok:
            if current:
                runs.append(current)
            current = []
            continue
        dot = (int(x), int(y))
        if not current or current[-1] != dot:
            current.append(dot)
    if current:
        runs.append(current)
    return runs


def braille_plot(*args: Any, **kwargs: Any) -> Text:
    """:func:`braille_rows` (same arguments) as one Rich :class:`Text`, for a console or a Static."""
    text = Text(no_wrap=True, overflow="crop", end="")
    rows = braille_rows(*args, **kwargs)
    for r, row in enumerate(rows):
        for chunk, style in row:
            text.append(chunk, style)
        if r < len(rows) - 1:
            text.append("\n")
    return text


def braille_rows(
    series: Sequence[Series],
    width: int,
    height: int,
    x_range: tuple[float, float],
    y_range: tuple[float, float] | None = None,
    *,
    y_floor: float | None = 0.0,
    axis_style: str = "dim",
    y_cap: float | None = None,
) -> list[list[tuple[str, Style | None]]]:
    """``height`` rows of ``(text, style)`` spans, ``width`` cells each: y-axis labels, plot, x axis.

    ``y_cap`` limits an automatic y range (larger values are drawn on the top edge).
    """
    label_w = 6
    plot_w = max(2, width - label_w - 1)
    plot_h = max(1, height - 1)
    ys = [y for s in series for _, y in s.points]
    lo, hi = y_range if y_range is not None else _nice_range(ys, y_floor)
    if y_range is None and y_cap is not None and hi > y_cap > lo:
        hi = y_cap
    x0, x1 = x_range
    if x1 - x0 <= 0:
        x1 = x0 + 1
    dots_w, dots_h = plot_w * 2, plot_h * 4
    bits = [[0] * plot_w for _ in range(plot_h)]
    owner: list[list[int]] = [[-1] * plot_w for _ in range(plot_h)]

    def plot_dot(dx: int, dy: int, index: int) -> None:
        r, c = dy // 4, dx // 2
        bits[r][c] |= _DOTS[dy % 4][dx % 2]
        owner[r][c] = index

    for index, s in enumerate(series):
        for run in _dot_runs(s.points, (x0, x1), (lo, hi), (dots_w, dots_h)):
            ax, ay = run[0]
            plot_dot(ax, ay, index)
            for bx, by in run[1:]:  # a straight line from the previous dot
                steps = max(abs(bx - ax), abs(by - ay), 1)
                for k in range(1, steps + 1):
                    plot_dot(ax + (bx - ax) * k // steps, ay + (by - ay) * k // steps, index)
                ax, ay = bx, by
            if s.marker:
                for dx, dy in run:
                    for ddx, ddy in ((1, 0), (0, 1), (1, 1)):
                        plot_dot(min(dx + ddx, dots_w - 1), min(dy + ddy, dots_h - 1), index)

    styles = [Style(color=s.color) for s in series]
    axis = Style.parse(axis_style)
    rows: list[list[tuple[str, Style | None]]] = []
    mid = plot_h // 2
    for r in range(plot_h):
        if r == 0:
            label = axis_label(hi)
        elif r == plot_h - 1:
            label = axis_label(lo)
        elif r == mid and plot_h >= 5:
            label = axis_label((hi + lo) / 2)
        else:
            label = ""
        row: list[tuple[str, Style | None]] = [(f"{label:>{label_w}}┤" if label else " " * label_w + "│", axis)]
        row_bits, row_owner = bits[r], owner[r]
        run_start = 0
        for c in range(plot_w + 1):  # group cells of the same series into one span
            if c == plot_w or (c > run_start and row_owner[c] != row_owner[run_start]):
                chunk = "".join(chr(_BRAILLE + b) if b else " " for b in row_bits[run_start:c])
                o = row_owner[run_start]
                row.append((chunk, styles[o] if o >= 0 else None))
                run_start = c
        rows.append(row)
    # x axis: ticks at whole numbers when there are few, else at the ends.
    axis_line = [" "] * plot_w
    span = x1 - x0
    step = 1 if span <= plot_w / 4 else max(1, math.ceil(span / (plot_w / 6)))
    tick = math.ceil(x0)
    while tick <= x1:
        label = str(int(tick))
        # at the right edge a label ends there instead of being cut ("10", not "1")
        col = max(0, min(plot_w - len(label), round((tick - x0) / span * (dots_w - 1)) // 2))
        if all(ch == " " for ch in axis_line[max(0, col - 1) : col + len(label) + 1]):
            axis_line[col : col + len(label)] = label
        tick += step
    rows.append([(" " * label_w + "└" + "".join(axis_line), axis)])
    return rows


class LinePlot(Widget):
    """A braille plot of :class:`Series`; call :meth:`changed` after adding points and it redraws."""

    DEFAULT_CSS = """
    LinePlot {
        height: 12;
        min-width: 20;
    }
    """

    x_max: reactive[float] = reactive(1.0)
    #: Increment to redraw after the series' points changed in place.
    version: reactive[int] = reactive(0)

    def __init__(
        self,
        series: Sequence[Series] = (),
        *,
        y_range: tuple[float, float] | None = None,
        y_floor: float | None = 0.0,
        y_cap: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.series: list[Series] = list(series)
        self.y_range = y_range
        self.y_floor = y_floor
        self.y_cap = y_cap
        self._cache_key: tuple[int, float, int, int, Style] | None = None
        self._cache: list[Strip] = []
        #: The widget's style for the repaint under way (see :meth:`render_lines`).
        self._base: Style | None = None

    def set_series(self, series: Sequence[Series]) -> None:
        self.series = list(series)
        self.version += 1

    def changed(self) -> None:
        """The points of the series changed: redraw (cheap; call a few times per second)."""
        self.version += 1

    def _strips(self) -> list[Strip]:
        width, height = self.size.width, self.size.height
        base = self._base or self.rich_style  # the theme's: a new theme redraws the plot in its colours
        key = (self.version, self.x_max, width, height, base)
        if self._cache_key != key:
            self._cache_key = key
            if width < 8 or height < 2:
                self._cache = []
            else:
                rows = braille_rows(
                    self.series,
                    width,
                    height,
                    (0.0, self.x_max),
                    self.y_range,
                    y_floor=self.y_floor,
                    y_cap=self.y_cap,
                )
                self._cache = [
                    Strip([Segment(text, base + style if style else base) for text, style in row]).adjust_cell_length(
                        width, base
                    )
                    for row in rows
                ]
        return self._cache

    def render_lines(self, crop: Region) -> list[Strip]:
        """The rows in ``crop``; the widget's style is worked out once for them all (it walks the ancestors'
        styles: once per row, it was most of the CPU the interface spent while a model trained)."""
        self._base = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._base = None

    def render_line(self, y: int) -> Strip:
        """Line API: one cached strip per row (repainting costs no Rich layout)."""
        strips = self._strips()
        return strips[y] if y < len(strips) else Strip.blank(self.size.width, self._base or self.rich_style)

    def legend(self) -> Text:
        """One line per series, its colour and its name (side by side they did not fit over a plot)."""
        text = Text()
        for i, s in enumerate(self.series):
            if i:
                text.append("\n")
            text.append("━━ ", Style(color=s.color))
            text.append(s.name)
        return text
