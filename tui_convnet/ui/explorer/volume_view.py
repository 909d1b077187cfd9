"""``VolumeView``: grids of numbers drawn with Textual's Line API.

A volume (an input, a kernel bank, an output) is a list of
:class:`~tui_convnet.explore.panels.Panel` s, each one 2-D grid with a title,
named by a typed :class:`~tui_convnet.explore.panels.PanelKey`.  The view
flows the panels left to right (``explore.panels.flow``) and wraps them onto
new bands when the width runs out; it scrolls in both directions when the
content is larger than the view.

Speed is the point of this widget.  Every full line is rendered once into a
:class:`~textual.strip.Strip` and cached; :meth:`VolumeView.set_state` (the
highlighted window, the current cell, how far the output is filled in)
works out which lines changed and refreshes only those.  A step of the
animation therefore redraws a handful of lines, not the whole grid.

Colours come from :mod:`tui_convnet.ui.common.palette` (theme-aware); marks from the
TCSS component classes, which also carry a text style (bold, underline,
reverse) so that the window and the current cell stay visible without colour.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

import numpy as np
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...core import numbers
from ...explore.panels import MARKS, Band, Highlights, Panel, PanelKey, Placed, flow, sizing
from ..common import palette
from ..common.heatmap import level_glyph, no_color

#: A cell of a panel: (panel, row, column).
CellRef = tuple[PanelKey, int, int]


class VolumeView(ScrollView, inherit_bindings=False, can_focus=False):
    """Panels of numbers, coloured, with the current step's marks (:class:`~.editable_view.EditableVolumeView`
    takes typed numbers)."""

    COMPONENT_CLASSES = {
        "volume-view--title",
        "volume-view--title-active",
        "volume-view--padding",
        "volume-view--empty",
        "volume-view--plain",
        "volume-view--cursor",
        *(f"volume-view--{kind}" for kind in MARKS),
    }

    class CellClicked(Message):
        """A cell was clicked: ``key`` names the panel."""

        def __init__(self, view: VolumeView, key: PanelKey, row: int, col: int) -> None:
            super().__init__()
            self.view, self.key, self.row, self.col = view, key, row, col

        @property
        def control(self) -> VolumeView:
            return self.view

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.panels: tuple[Panel, ...] = ()
        self.cell_width = 3
        self.integral = True
        self._widths: tuple[int, ...] = ()
        self._levels: dict[PanelKey, np.ndarray] = {}
        self._bands: list[Band] = []
        self._band_starts: list[int] = []
        self._where: dict[PanelKey, tuple[Band, Placed]] = {}
        self._lines: dict[int, Strip] = {}
        self._state = Highlights()
        self._styles: dict[str, Style] = {}
        self._base_style: Style | None = None
        self._layout_width = -1
        self._title_lines: set[int] = set()
        self.compact = False
        self.cursor: CellRef | None = None  # the cell being edited (an editable view's)
        self.buffer = ""  # what is typed into it

    @property
    def _marks(self) -> dict[PanelKey, dict[tuple[int, int], str]]:
        """The marked cells of each panel (what the tests read)."""
        return {k: dict(v) for k, v in self._state.marks.items()}

    @property
    def _active(self) -> frozenset[PanelKey]:
        return self._state.active

    # ----------------------------------------------------------------- content

    def set_panels(self, panels: Sequence[Panel], *, compact: bool = False) -> None:
        """Show new panels (a new example or new settings): everything is redrawn.

        Number panels share one cell width (the widest number of the volume,
        so the grids line up); panels of text (letters) get their own.
        """
        self.panels = tuple(panels)
        self.compact = compact
        size = sizing(self.panels, compact)
        self.integral, self.cell_width, self._widths = size.integral, size.number_width, size.widths
        self._levels = {p.key: palette.levels(p.values, p.scale, p.diverging) for p in self.panels}
        if self.cursor is not None:
            shapes = {p.key: p.shape for p in self.panels if p.editable}
            key, r, c = self.cursor
            if key not in shapes or not (r < shapes[key][0] and c < shapes[key][1]):
                self.cursor, self.buffer = None, ""
        self._state = Highlights()
        self._layout_width = -1
        self._relayout()

    def natural_height(self, width: int) -> int:
        """Lines the panels need at this width (plus one for a horizontal scrollbar when too wide)."""
        bands = flow(self.panels, self._widths, width)
        if not bands:
            return 0
        wide = max(it.x + it.width for b in bands for it in b.items) > width
        return bands[-1].y + bands[-1].height + (1 if wide else 0)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """With ``width: auto``: as wide as the panels side by side (``max-width`` caps it; they wrap then)."""
        bands = flow(self.panels, self._widths, 10**6)
        return max((it.x + it.width for b in bands for it in b.items), default=0)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        bands = flow(self.panels, self._widths, width)
        return (bands[-1].y + bands[-1].height) if bands else 0

    def _relayout(self) -> None:
        width = self.scrollable_content_region.width or self.size.width or 80
        self._layout_width = width
        bands = flow(self.panels, self._widths, width)
        self._bands = bands
        self._band_starts = [b.y for b in bands]
        self._where = {it.panel.key: (b, it) for b in bands for it in b.items}
        self._title_lines = {b.y for b in bands}
        vwidth = max((it.x + it.width for b in bands for it in b.items), default=0)
        if self.panels and vwidth > width:
            # Scrolled fully right, the left edge should still fall on a cell boundary.
            cw = self._widths[0]
            vwidth += (cw - (vwidth - width) % cw) % cw
        vheight = (bands[-1].y + bands[-1].height) if bands else 0
        self._lines.clear()
        self.virtual_size = Size(vwidth, vheight)
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if self.panels and (self.scrollable_content_region.width or self.size.width) != self._layout_width:
            self._relayout()
        self._follow_marks()  # a new size (or layout): the marked cells back into view

    def _follow_marks(self) -> None:
        for target in self._state.follow:
            if target.rows and target.cols:
                self.follow(target.key, target.rows, target.cols)
            else:
                self.follow_panel(target.key)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._base_style = None
        self._lines.clear()

    # ----------------------------------------------------------------- state

    def set_state(self, state: Highlights | None = None) -> None:
        """Mark cells, highlight panel titles and fill in progressive panels, then follow the marks.

        Only the lines whose content changes are re-rendered and refreshed.
        ``fill[key]`` is how many cells of a progressive panel (row-major)
        are computed; progressive panels missing from ``fill`` are empty.
        """
        new = state or Highlights()
        old = self._state
        dirty: set[int] = set()
        for key in set(old.marks) | set(new.marks):
            before, after = old.marks.get(key, {}), new.marks.get(key, {})
            if before != after:
                rows = {r for (r, c), kind in before.items() if after.get((r, c)) != kind}
                rows |= {r for (r, c), kind in after.items() if before.get((r, c)) != kind}
                dirty.update(self._row_lines(key, rows))
        for key in old.active ^ new.active:
            if key in self._where:
                dirty.add(self._where[key][0].y)
        for p in self.panels:
            if p.progressive:
                a, b = old.fill.get(p.key, 0), new.fill.get(p.key, 0)
                if a != b:
                    w = max(p.shape[1], 1)
                    lo, hi = min(a, b) // w, (max(a, b) - 1) // w
                    dirty.update(self._row_lines(p.key, range(lo, min(hi, p.shape[0] - 1) + 1)))
        self._state = new
        self._refresh_lines(dirty)
        self._follow_marks()

    def _row_lines(self, key: PanelKey, rows: Iterable[int]) -> list[int]:
        where = self._where.get(key)
        if where is None:
            return []
        band = where[0]
        return [band.y + 1 + r for r in rows]

    def _refresh_lines(self, lines: Iterable[int]) -> None:
        for y in sorted(set(lines)):
            self._lines.pop(y, None)
            self.refresh_line(y)

    def follow(self, key: PanelKey, rows: Iterable[int], cols: Iterable[int]) -> None:
        """Scroll (without animation) so that these cells of panel ``key`` are visible.

        The view moves as little as it can, stops on cell boundaries (no half
        cells at the left edge) and shows the panel's title when it fits.
        """
        where = self._where.get(key)
        rows, cols = list(rows), list(cols)
        if where is None or not rows or not cols:
            return
        band, placed = where
        cw = placed.cell_width
        left, right = placed.x + min(cols) * cw, placed.x + (max(cols) + 1) * cw
        top, bottom = band.y + 1 + min(rows), band.y + 2 + max(rows)
        self._reveal(left, right, top, bottom, placed.x, cw, band.y)

    def _reveal(self, left: int, right: int, top: int, bottom: int, origin: int, cw: int, title_y: int) -> None:
        width, height = self.scrollable_content_region.size
        if width <= 0 or height <= 0:
            return
        sx, sy = int(self.scroll_x), int(self.scroll_y)
        if bottom - title_y <= height:
            top = title_y  # the title fits with the cells: show it too
        if left < sx:
            sx = left
        elif right > sx + width:
            sx = min(right - width, left)
            if sx > origin:  # snap to the next cell boundary
                sx = origin + -(-(sx - origin) // cw) * cw
                sx = min(sx, left)
        if top < sy:
            sy = top
        elif bottom > sy + height:
            sy = min(bottom - height, top)
        if (sx, sy) != (int(self.scroll_x), int(self.scroll_y)):
            self.scroll_to(sx, sy, animate=False, immediate=True)

    def follow_panel(self, key: PanelKey) -> None:
        where = self._where.get(key)
        if where is not None:
            band, placed = where
            self._reveal(
                placed.x, placed.x + placed.width, band.y, band.y + band.height, placed.x, placed.cell_width, band.y
            )

    def panel_region(self, key: PanelKey) -> Region | None:
        """Where panel ``key`` sits in the virtual canvas (title line included)."""
        where = self._where.get(key)
        if where is None:
            return None
        band, placed = where
        return Region(placed.x, band.y, placed.width, placed.panel.shape[0] + 1)

    def cell_offset(self, key: PanelKey, row: int, col: int) -> tuple[int, int] | None:
        """Widget-relative (content) offset of a cell's centre, if it is on screen."""
        where = self._where.get(key)
        if where is None:
            return None
        band, placed = where
        cw = placed.cell_width
        x = placed.x + col * cw + cw // 2 - int(self.scroll_x)
        y = band.y + 1 + row - int(self.scroll_y)
        return x, y

    # ----------------------------------------------------------------- rendering

    def _base(self) -> Style:
        """The widget's own style (its background and colour), worked out once per style update, not per line."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.get_component_rich_style(f"volume-view--{name}")  # with its background: "auto" colours
            self._styles[name] = style
        return style

    @property
    def _dark(self) -> bool:
        try:
            return bool(self.app.current_theme.dark)
        except Exception:  # no app yet (a widget rendered outside an app)
            return True

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        vy = y + scroll_y
        width = self.scrollable_content_region.width
        if scroll_x and vy in self._title_lines:
            # Titles stay in view when a wide panel is scrolled sideways.
            strip = self._render_full_line(vy, scroll_x)
        else:
            cached = self._lines.get(vy)
            if cached is None:
                cached = self._render_full_line(vy)
                self._lines[vy] = cached
            strip = cached
        return strip.crop_extend(scroll_x, scroll_x + width, self._base())

    def _render_full_line(self, y: int, scroll_x: int = 0) -> Strip:
        base = self._base()
        i = bisect.bisect_right(self._band_starts, y) - 1
        if i < 0 or y >= self._bands[i].y + self._bands[i].height:
            return Strip.blank(self.virtual_size.width, base)
        band = self._bands[i]
        off = y - band.y
        segments: list[Segment] = []
        cursor = 0
        dark = self._dark
        for it in band.items:
            p = it.panel
            cw = it.cell_width
            if it.x > cursor:
                segments.append(Segment(" " * (it.x - cursor), base))
            if off == 0:
                active = p.key in self._state.active
                style = base + self._style("title-active" if active else "title")
                shift = min(max(scroll_x - it.x, 0), max(it.width - cell_len(p.title), 0))
                segments.append(Segment((" " * shift + p.title)[: it.width].ljust(it.width), style))
            elif off - 1 < p.shape[0]:
                segments.extend(self._row_segments(p, off - 1, cw, base, dark))
                extra = it.width - p.shape[1] * cw
                if extra > 0:
                    segments.append(Segment(" " * extra, base))
            else:
                segments.append(Segment(" " * it.width, base))
            cursor = it.x + it.width
        return Strip(segments, cursor)

    def _row_segments(self, p: Panel, r: int, cw: int, base: Style, dark: bool) -> list[Segment]:
        h, w = p.shape
        marks = self._state.marks.get(p.key, {})
        filled = self._state.fill.get(p.key, 0) if p.progressive else h * w
        cursor = self.cursor if self.cursor and self.cursor[0] == p.key and self.cursor[1] == r else None
        out: list[Segment] = []
        row_values = p.values[r]
        row_levels = self._levels[p.key][r]
        pad_row = p.pad[r] if p.pad is not None else None
        texts = p.texts[r] if p.texts is not None else None
        glyphs = self.compact and no_color(self)
        for c in range(w):
            if r * w + c >= filled:
                text = "" if self.compact else "·"
                style = base + self._style("empty")
            else:
                is_pad = pad_row is not None and bool(pad_row[c])
                if self.compact and glyphs and p.coloured and not is_pad:
                    # colours only, without colour (NO_COLOR): the value's glyph carries its size and sign
                    text = level_glyph(int(row_levels[c]) / palette.LEVELS, p.diverging) * cw
                elif self.compact:
                    text = ""
                elif texts is not None:
                    text = texts[c]
                else:
                    # never wider than its column: a cut would lose the leading digit (1/255 read "004")
                    text = numbers.fit(float(row_values[c]), max(cw - 1, 1), self.integral)
                if is_pad:
                    style = base + self._style("padding")
                elif p.coloured:
                    style = palette.level_style(int(row_levels[c]), p.diverging, dark)
                else:
                    style = base + self._style("plain")
            kind = marks.get((r, c))
            if kind is not None:
                if self.compact and kind in ("window", "window-pad"):
                    # colours only: keep the cell's colour and draw the window as brackets
                    text = "[]"
                    style = style + Style(color=self._style(kind).color, bold=True)
                else:
                    style = style + self._style(kind)
            if cursor is not None and cursor[2] == c:
                style = style + self._style("cursor")
                if self.buffer:
                    text = self.buffer
            if self.compact:
                cell = text.ljust(cw)[:cw]
            elif cw >= 2:
                cell = " " + text.rjust(cw - 1)[-(cw - 1) :]
            else:
                cell = (text or " ")[:cw]
            out.append(Segment(cell, style))
        return out

    # ----------------------------------------------------------------- mouse

    def hit(self, x: int, y: int) -> tuple[Panel, int, int] | None:
        """The panel and cell under the virtual-canvas point ``(x, y)``."""
        i = bisect.bisect_right(self._band_starts, y) - 1
        if i < 0:
            return None
        band = self._bands[i]
        r = y - band.y - 1
        for it in band.items:
            if it.x <= x < it.x + it.width:
                c = (x - it.x) // it.cell_width
                if 0 <= r < it.panel.shape[0] and 0 <= c < it.panel.shape[1]:
                    return it.panel, r, c
        return None

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        found = self.hit(offset.x + int(self.scroll_x), offset.y + int(self.scroll_y))
        if found is None:
            return
        panel, r, c = found
        event.stop()
        self._clicked(panel, r, c)
        self.post_message(self.CellClicked(self, panel.key, r, c))

    def _clicked(self, panel: Panel, row: int, col: int) -> None:
        """A click on a cell, before :class:`CellClicked` is posted (the editable view puts its cursor there)."""
