"""``VolumeView``: grids of numbers drawn with Textual's Line API.

A volume (an input, a kernel bank, an output) is a list of :class:`Panel`
objects, each one 2-D grid with a title.  The view flows the panels left to
right and wraps them onto new bands when the width runs out; it scrolls in
both directions when the content is larger than the view.

Speed is the point of this widget.  Every full line is rendered once into a
:class:`~textual.strip.Strip` and cached; :meth:`VolumeView.set_state` (the
highlighted window, the current cell, how far the output is filled in)
works out which lines changed and refreshes only those.  A step of the
animation therefore redraws a handful of lines, not the whole grid.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from rich.cells import cell_len
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

#: How a cell can be marked; each has a component class in the TCSS.
MARK_KINDS = ("window", "window-pad", "current", "argmax", "done", "cursor")

GAP_IN_GROUP = 2
GAP_BETWEEN_GROUPS = 4
LEVELS = 12  # colour levels per sign


# --------------------------------------------------------------------------- numbers


def number_text(value: float, integral: bool) -> str:
    """A cell's number: integers as they are, other values with two decimals.

    Trailing zeros go, and so does the leading zero of a fraction
    (``0.25`` → ``.25``, ``-0.5`` → ``-.5``) so that a 28x28 digit fits.
    """
    if value != value:  # NaN: a padding cell of a 'same' pooling window
        return ""
    if integral:
        return str(round(value))
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if text.startswith("0."):
        text = text[1:]
    elif text.startswith("-0."):
        text = "-" + text[2:]
    return text


def all_integral(arrays: Iterable[np.ndarray]) -> bool:
    for a in arrays:
        finite = a[np.isfinite(a)] if a.dtype.kind == "f" else a
        if finite.size and not np.all(np.equal(np.mod(finite, 1), 0)):
            return False
    return True


# --------------------------------------------------------------------------- colours


def _blend(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> Color:
    return Color.from_rgb(*(round(x + (y - x) * t) for x, y in zip(a, b, strict=False)))


_DARK = (28, 28, 34)
_POS = (56, 118, 224)  # blue: positive values
_NEG = (226, 84, 56)  # red-orange: negative values


def _scale_styles() -> tuple[list[Style], list[Style], list[Style]]:
    """Background styles: sequential grey levels, positive blues, negative reds."""
    grey, pos, neg = [], [], []
    for i in range(LEVELS + 1):
        t = i / LEVELS
        g = round(40 + 215 * t)
        grey.append(Style(bgcolor=Color.from_rgb(g, g, g), color="black" if g > 140 else "white"))
        pos.append(Style(bgcolor=_blend(_DARK, _POS, 0.12 + 0.88 * t), color="white"))
        neg.append(Style(bgcolor=_blend(_DARK, _NEG, 0.12 + 0.88 * t), color="white"))
    return grey, pos, neg


_GREY, _POSITIVE, _NEGATIVE = _scale_styles()


def colour_levels(values: np.ndarray, scale: float, diverging: bool) -> np.ndarray:
    """Each cell's colour level: ``0..LEVELS`` (sequential) or ``-LEVELS..LEVELS``."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)
    if scale <= 0:
        return np.zeros(v.shape, dtype=np.int16)
    t = np.clip(v / scale, -1.0, 1.0)
    if not diverging:
        t = np.clip(t, 0.0, 1.0)
    return np.rint(t * LEVELS).astype(np.int16)


def level_style(level: int, diverging: bool) -> Style:
    if not diverging:
        return _GREY[max(level, 0)]
    return _POSITIVE[level] if level >= 0 else _NEGATIVE[-level]


# --------------------------------------------------------------------------- panels


@dataclass(eq=False)
class Panel:
    """One 2-D grid of a volume, with its title.

    ``texts`` replaces the numbers (the letters of the symbolic example);
    ``pad`` marks padding cells; ``progressive`` panels are filled in step by
    step (see ``fill`` in :meth:`VolumeView.set_state`).
    """

    key: str
    title: str
    values: np.ndarray
    texts: list[list[str]] | None = None
    pad: np.ndarray | None = None
    group: str = ""
    editable: bool = False
    progressive: bool = False
    diverging: bool = True
    scale: float = 1.0
    coloured: bool = True
    levels: np.ndarray = field(init=False, repr=False)
    cell_width: int = field(init=False, default=3)

    def __post_init__(self) -> None:
        self.values = np.asarray(self.values, dtype=np.float64)
        self.levels = colour_levels(self.values, self.scale, self.diverging)

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape  # type: ignore[return-value]


@dataclass
class _Placed:
    panel: Panel
    x: int
    width: int


@dataclass
class _Band:
    y: int
    height: int
    items: list[_Placed]


class VolumeView(ScrollView, inherit_bindings=False, can_focus=False):
    """Panels of numbers, coloured, with the current step's marks."""

    HELP_TITLE = "In an input or kernel grid (click a cell, or Tab to the grid)"

    COMPONENT_CLASSES = {
        "volume-view--title",
        "volume-view--title-active",
        "volume-view--padding",
        "volume-view--empty",
        "volume-view--plain",
        *(f"volume-view--{kind}" for kind in MARK_KINDS),
    }

    BINDINGS = [
        Binding("up", "move(-1, 0)", "Move to the cell above", show=False),
        Binding("down", "move(1, 0)", "Move to the cell below", show=False),
        Binding("left", "move(0, -1)", "Move to the cell on the left", show=False),
        Binding("right", "move(0, 1)", "Move to the cell on the right", show=False),
        Binding("enter", "commit", "Set value", tooltip="Set the typed number (digits, - and .)"),
        Binding("escape", "leave", "Leave grid", tooltip="Cancel typing / leave the grid"),
    ]

    class CellClicked(Message):
        """A cell was clicked: ``key`` names the panel."""

        def __init__(self, view: VolumeView, key: str, row: int, col: int) -> None:
            super().__init__()
            self.view, self.key, self.row, self.col = view, key, row, col

        @property
        def control(self) -> VolumeView:
            return self.view

    class CellEdited(Message):
        """The user typed ``text`` into a cell and pressed Enter."""

        def __init__(self, view: VolumeView, key: str, row: int, col: int, text: str) -> None:
            super().__init__()
            self.view, self.key, self.row, self.col, self.text = view, key, row, col, text

        @property
        def control(self) -> VolumeView:
            return self.view

    def __init__(
        self,
        *,
        editable: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.editable = editable
        self.can_focus = editable
        self.panels: list[Panel] = []
        self.cell_width = 3
        self.integral = True
        self._bands: list[_Band] = []
        self._band_starts: list[int] = []
        self._where: dict[str, tuple[_Band, _Placed]] = {}
        self._lines: dict[int, Strip] = {}
        self._marks: dict[str, dict[tuple[int, int], str]] = {}
        self._active: frozenset[str] = frozenset()
        self._fill: dict[str, int] = {}
        self._styles: dict[str, Style] = {}
        self._layout_width = -1
        self._title_lines: set[int] = set()
        self.compact = False
        self.cursor: tuple[str, int, int] | None = None
        self.buffer = ""

    # ----------------------------------------------------------------- content

    def set_panels(self, panels: list[Panel], *, compact: bool = False) -> None:
        """Show new panels (a new example or new settings): everything is redrawn.

        Number panels share one cell width (the widest number of the volume,
        so the grids line up); panels of text (letters) get their own.
        """
        self.panels = panels
        self.compact = compact
        self.integral = all_integral(p.values for p in panels if p.texts is None)
        widest = 1
        for p in panels:
            if p.texts is None:
                finite = p.values[np.isfinite(p.values)]
                if finite.size:
                    sample = (finite.min(), finite.max()) if self.integral else np.unique(np.round(finite, 2))
                    widest = max(widest, max(len(number_text(float(v), self.integral)) for v in sample))
        self.cell_width = 2 if compact else max(widest + 1, 3)
        for p in panels:
            if p.texts is not None and not compact:
                p.cell_width = max((cell_len(t) for row in p.texts for t in row), default=1) + 1
            else:
                p.cell_width = self.cell_width
        if self.cursor is not None:
            shapes = {p.key: p.shape for p in panels if p.editable}
            key, r, c = self.cursor
            if key not in shapes or not (r < shapes[key][0] and c < shapes[key][1]):
                self.cursor, self.buffer = None, ""
        self._marks, self._active, self._fill = {}, frozenset(), {}
        self._layout_width = -1
        self._relayout()

    def _flow(self, width: int) -> list[_Band]:
        """Place the panels left to right in bands no wider than ``width`` (a kernel's slices stay together)."""
        bands: list[_Band] = []
        items: list[_Placed] = []
        x, y = 0, 0

        def close() -> None:
            nonlocal items, x, y
            if items:
                height = 1 + max(it.panel.shape[0] for it in items)
                bands.append(_Band(y, height, items))
                y += height + 1
            items, x = [], 0

        groups: list[list[Panel]] = []
        for p in self.panels:
            if groups and groups[-1][0].group and groups[-1][0].group == p.group:
                groups[-1].append(p)
            else:
                groups.append([p])
        for group in groups:
            widths = [max(p.shape[1] * p.cell_width, cell_len(p.title)) for p in group]
            total = sum(widths) + GAP_IN_GROUP * (len(widths) - 1)
            lead = GAP_BETWEEN_GROUPS if items else 0
            if items and x + lead + total > width:
                close()
                lead = 0
            x += lead
            for i, (p, w) in enumerate(zip(group, widths, strict=False)):
                if i:
                    x += GAP_IN_GROUP
                if items and x + w > width and total > width:
                    close()
                items.append(_Placed(p, x, w))
                x += w
        close()
        return bands

    def natural_height(self, width: int) -> int:
        """Lines the panels need at this width (plus one for a horizontal scrollbar when too wide)."""
        bands = self._flow(width)
        if not bands:
            return 0
        wide = max(it.x + it.width for b in bands for it in b.items) > width
        return bands[-1].y + bands[-1].height + (1 if wide else 0)

    def _relayout(self) -> None:
        width = self.scrollable_content_region.width or self.size.width or 80
        self._layout_width = width
        bands = self._flow(width)
        self._bands = bands
        self._band_starts = [b.y for b in bands]
        self._where = {it.panel.key: (b, it) for b in bands for it in b.items}
        self._title_lines = {b.y for b in bands}
        vwidth = max((it.x + it.width for b in bands for it in b.items), default=0)
        if self.panels and vwidth > width:
            # Scrolled fully right, the left edge should still fall on a cell boundary.
            cw = self.panels[0].cell_width
            vwidth += (cw - (vwidth - width) % cw) % cw
        vheight = (bands[-1].y + bands[-1].height) if bands else 0
        self._lines.clear()
        self.virtual_size = Size(vwidth, vheight)
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if self.panels and (self.scrollable_content_region.width or self.size.width) != self._layout_width:
            self._relayout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._lines.clear()

    # ----------------------------------------------------------------- state

    def set_state(
        self,
        marks: Mapping[str, Mapping[tuple[int, int], str]] | None = None,
        active: Iterable[str] = (),
        fill: Mapping[str, int] | None = None,
    ) -> None:
        """Mark cells, highlight panel titles and fill in progressive panels.

        Only the lines whose content changes are re-rendered and refreshed.
        ``fill[key]`` is how many cells of a progressive panel (row-major)
        are computed; progressive panels missing from ``fill`` are empty.
        """
        new_marks = {k: dict(v) for k, v in (marks or {}).items() if v}
        new_active = frozenset(active)
        new_fill = dict(fill or {})
        dirty: set[int] = set()
        for key in set(self._marks) | set(new_marks):
            old, new = self._marks.get(key, {}), new_marks.get(key, {})
            if old != new:
                rows = {r for (r, _c), kind in old.items() if new.get((r, _c)) != kind}
                rows |= {r for (r, _c), kind in new.items() if old.get((r, _c)) != kind}
                dirty.update(self._row_lines(key, rows))
        for key in self._active ^ new_active:
            if key in self._where:
                dirty.add(self._where[key][0].y)
        for p in self.panels:
            if p.progressive:
                a, b = self._fill.get(p.key, 0), new_fill.get(p.key, 0)
                if a != b:
                    w = max(p.shape[1], 1)
                    lo, hi = min(a, b) // w, (max(a, b) - 1) // w
                    dirty.update(self._row_lines(p.key, range(lo, min(hi, p.shape[0] - 1) + 1)))
        self._marks, self._active, self._fill = new_marks, new_active, new_fill
        self._refresh_lines(dirty)

    def _row_lines(self, key: str, rows: Iterable[int]) -> list[int]:
        where = self._where.get(key)
        if where is None:
            return []
        band = where[0]
        return [band.y + 1 + r for r in rows]

    def _refresh_lines(self, lines: Iterable[int]) -> None:
        for y in sorted(set(lines)):
            self._lines.pop(y, None)
            self.refresh_line(y)

    def follow(self, key: str, rows: Iterable[int], cols: Iterable[int]) -> None:
        """Scroll (without animation) so that these cells of panel ``key`` are visible.

        The view moves as little as it can, stops on cell boundaries (no half
        cells at the left edge) and shows the panel's title when it fits.
        """
        where = self._where.get(key)
        rows, cols = list(rows), list(cols)
        if where is None or not rows or not cols:
            return
        band, placed = where
        cw = placed.panel.cell_width
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

    def follow_panel(self, key: str) -> None:
        where = self._where.get(key)
        if where is not None:
            band, placed = where
            self._reveal(
                placed.x,
                placed.x + placed.width,
                band.y,
                band.y + band.height,
                placed.x,
                placed.panel.cell_width,
                band.y,
            )

    def panel_region(self, key: str) -> Region | None:
        """Where panel ``key`` sits in the virtual canvas (title line included)."""
        where = self._where.get(key)
        if where is None:
            return None
        band, placed = where
        return Region(placed.x, band.y, placed.width, placed.panel.shape[0] + 1)

    def cell_offset(self, key: str, row: int, col: int) -> tuple[int, int] | None:
        """Widget-relative (content) offset of a cell's centre, if it is on screen."""
        where = self._where.get(key)
        if where is None:
            return None
        band, placed = where
        cw = placed.panel.cell_width
        x = placed.x + col * cw + cw // 2 - int(self.scroll_x)
        y = band.y + 1 + row - int(self.scroll_y)
        return x, y

    # ----------------------------------------------------------------- rendering

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.get_component_rich_style(f"volume-view--{name}", partial=True)
            self._styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        vy = y + scroll_y
        width = self.scrollable_content_region.width
        if scroll_x and vy in self._title_lines:
            # Titles stay in view when a wide panel is scrolled sideways.
            strip = self._render_full_line(vy, scroll_x)
        else:
            strip = self._lines.get(vy)
            if strip is None:
                strip = self._render_full_line(vy)
                self._lines[vy] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def _render_full_line(self, y: int, scroll_x: int = 0) -> Strip:
        base = self.rich_style
        i = bisect.bisect_right(self._band_starts, y) - 1
        if i < 0 or y >= self._bands[i].y + self._bands[i].height:
            return Strip.blank(self.virtual_size.width, base)
        band = self._bands[i]
        off = y - band.y
        segments: list[Segment] = []
        cursor = 0
        for it in band.items:
            p = it.panel
            cw = p.cell_width
            if it.x > cursor:
                segments.append(Segment(" " * (it.x - cursor), base))
            if off == 0:
                active = p.key in self._active
                style = base + self._style("title-active" if active else "title")
                shift = min(max(scroll_x - it.x, 0), max(it.width - cell_len(p.title), 0))
                segments.append(Segment((" " * shift + p.title)[: it.width].ljust(it.width), style))
            elif off - 1 < p.shape[0]:
                segments.extend(self._row_segments(p, off - 1, cw, base))
                extra = it.width - p.shape[1] * cw
                if extra > 0:
                    segments.append(Segment(" " * extra, base))
            else:
                segments.append(Segment(" " * it.width, base))
            cursor = it.x + it.width
        return Strip(segments, cursor)

    def _row_segments(self, p: Panel, r: int, cw: int, base: Style) -> list[Segment]:
        h, w = p.shape
        marks = self._marks.get(p.key, {})
        filled = self._fill.get(p.key, 0) if p.progressive else h * w
        cursor = self.cursor if self.cursor and self.cursor[0] == p.key and self.cursor[1] == r else None
        out: list[Segment] = []
        row_values = p.values[r]
        row_levels = p.levels[r]
        pad_row = p.pad[r] if p.pad is not None else None
        texts = p.texts[r] if p.texts is not None else None
        for c in range(w):
            if r * w + c >= filled:
                text = "" if self.compact else "·"
                style = base + self._style("empty")
            else:
                is_pad = pad_row is not None and bool(pad_row[c])
                if self.compact:
                    text = ""
                elif texts is not None:
                    text = texts[c]
                else:
                    text = number_text(float(row_values[c]), self.integral)
                if is_pad:
                    style = base + self._style("padding")
                elif p.coloured:
                    style = level_style(int(row_levels[c]), p.diverging)
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
                c = (x - it.x) // it.panel.cell_width
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
        if self.editable and panel.editable:
            self.focus()
            self.set_cursor((panel.key, r, c))
        self.post_message(self.CellClicked(self, panel.key, r, c))

    # ----------------------------------------------------------------- editing

    def set_cursor(self, cursor: tuple[str, int, int] | None) -> None:
        old = self.cursor
        self.cursor, self.buffer = cursor, ""
        lines = []
        for cur in (old, cursor):
            if cur is not None:
                lines += self._row_lines(cur[0], [cur[1]])
        self._refresh_lines(lines)
        if cursor is not None:
            self.follow(cursor[0], [cursor[1]], [cursor[2]])

    def _first_editable(self) -> tuple[str, int, int] | None:
        for p in self.panels:
            if p.editable:
                if p.pad is not None:
                    real = np.argwhere(~p.pad)
                    if real.size:
                        return p.key, int(real[0][0]), int(real[0][1])
                return p.key, 0, 0
        return None

    def on_focus(self, event: events.Focus) -> None:
        if self.cursor is None:
            self.set_cursor(self._first_editable())

    def on_blur(self, event: events.Blur) -> None:
        self.set_cursor(None)

    def action_move(self, dr: int, dc: int) -> None:
        if self.cursor is None:
            self.set_cursor(self._first_editable())
            return
        key, r, c = self.cursor
        panels = [p for p in self.panels if p.editable]
        idx = next((i for i, p in enumerate(panels) if p.key == key), 0)
        h, w = panels[idx].shape
        r, c = r + dr, c + dc
        if c >= w and idx + 1 < len(panels):  # walk on to the next panel
            idx, c = idx + 1, 0
        elif c < 0 and idx > 0:
            idx = idx - 1
            c = panels[idx].shape[1] - 1
        h, w = panels[idx].shape
        self.set_cursor((panels[idx].key, min(max(r, 0), h - 1), min(max(c, 0), w - 1)))

    def action_commit(self) -> None:
        if self.cursor is None or not self.buffer:
            return
        key, r, c = self.cursor
        text, self.buffer = self.buffer, ""
        self._refresh_lines(self._row_lines(key, [r]))
        self.post_message(self.CellEdited(self, key, r, c, text))

    def action_leave(self) -> None:
        if self.buffer:
            self.buffer = ""
            if self.cursor:
                self._refresh_lines(self._row_lines(self.cursor[0], [self.cursor[1]]))
            return
        self.screen.set_focus(None)

    def on_key(self, event: events.Key) -> None:
        if not self.editable or self.cursor is None:
            return
        char = event.character
        if event.key == "backspace":
            self.buffer = self.buffer[:-1]
        elif char is not None and (char.isdigit() or char in "-.") and len(self.buffer) < 12:
            self.buffer += char
        else:
            return
        event.stop()
        event.prevent_default()
        self._refresh_lines(self._row_lines(self.cursor[0], [self.cursor[1]]))
