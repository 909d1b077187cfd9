"""A 28x28 drawing canvas in half blocks: two pixel rows per text row, 28 columns by 14 rows.

Left drag paints with a soft brush, right drag erases; without a mouse the
arrows move a cursor, space paints and x erases under it, c clears. The
pixels live in a numpy array; the painting itself is :mod:`tui_convnet.images.drawing`.
After every change the canvas posts :class:`DrawingCanvas.Changed`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from ...images import drawing
from ..common.heatmap import NO_STYLE, UPPER_HALF, no_color
from .live import GREYS, grey_glyph_line, grey_levels, grey_line


class DrawingCanvas(Widget, can_focus=True):
    """The canvas: ``pixels`` is a ``(28, 28)`` float32 array, ink 1 on black 0."""

    HELP_TITLE = "On the drawing canvas (click it, or Tab to it)"

    DEFAULT_CSS = """
    DrawingCanvas { width: 28; height: 14; }
    DrawingCanvas > .drawing-canvas--cursor { color: $accent; }
    """
    COMPONENT_CLASSES = {"drawing-canvas--cursor"}
    BINDINGS = [
        Binding("up", "move(-1, 0)", "Move", key_display="↑↓←→", tooltip="Move the drawing cursor"),
        Binding("down", "move(1, 0)", "Down", show=False),
        Binding("left", "move(0, -1)", "Left", show=False),
        Binding("right", "move(0, 1)", "Right", show=False),
        Binding("space", "paint", "Paint", tooltip="Paint a dab of ink under the cursor"),
        Binding("x", "paint(True)", "Erase", tooltip="Erase under the cursor"),
        # Not in the footer (Help and Quit must fit at 130 columns): the canvas's border says "c: clear".
        Binding("c", "clear", "Clear", show=False, tooltip="Clear the canvas"),
    ]

    #: The cursor's pixel ``(row, column)``.
    cursor: reactive[tuple[int, int]] = reactive((14, 14))

    class Changed(Message):
        """The drawing changed; ``done`` is False while a drag goes on."""

        def __init__(self, canvas: DrawingCanvas, done: bool = True) -> None:
            super().__init__()
            self.canvas, self.done = canvas, done

        @property
        def control(self) -> DrawingCanvas:
            return self.canvas

    def __init__(self, pixels: np.ndarray | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pixels = drawing.blank() if pixels is None else self._checked(pixels)
        self._drag: tuple[float, float] | None = None  # the last pixel of a drag
        self._erasing = False

    @staticmethod
    def _checked(pixels: np.ndarray) -> np.ndarray:
        a = np.asarray(pixels, dtype=np.float32)
        if a.shape != (drawing.SIZE, drawing.SIZE):
            raise ValueError(f"The canvas is {drawing.SIZE}x{drawing.SIZE}. Received: pixels.shape={a.shape}")
        return np.clip(np.nan_to_num(a), 0.0, 1.0)

    @property
    def pixels(self) -> np.ndarray:
        return self._pixels

    def set_pixels(self, pixels: np.ndarray, *, notify: bool = True) -> None:
        self._pixels = self._checked(pixels)
        self.refresh()
        if notify:
            self.post_message(self.Changed(self))

    # ------------------------------------------------------------------ rendering

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return drawing.SIZE

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return drawing.SIZE // 2

    def render_line(self, y: int) -> Strip:
        if not 0 <= y < drawing.SIZE // 2:
            return Strip.blank(self.size.width, self.rich_style)
        levels = grey_levels(self._pixels[2 * y : 2 * y + 2])
        row, col = self.cursor
        if no_color(self):  # half blocks all look alike without colour: the ink as glyphs, the cursor reversed
            text = grey_glyph_line(levels, 0)[0].text
            if not (self.has_focus and row // 2 == y):
                return Strip([Segment(text, NO_STYLE)], drawing.SIZE).crop_extend(0, self.size.width, self.rich_style)
            cursor = Segment(text[col], Style(reverse=True, bold=True))
            glyphs = [Segment(text[:col], NO_STYLE), cursor, Segment(text[col + 1 :], NO_STYLE)]
            return Strip(glyphs, drawing.SIZE).crop_extend(0, self.size.width, self.rich_style)
        if not (self.has_focus and row // 2 == y):
            return Strip(grey_line(levels, 0), drawing.SIZE).crop_extend(0, self.size.width, self.rich_style)
        # the cursor's pixel in the accent colour: split the line around its cell
        accent = self.get_component_rich_style("drawing-canvas--cursor").color
        top, bottom = GREYS[levels[0][col]], GREYS[levels[1][col]]
        style = Style(color=accent, bgcolor=bottom) if row % 2 == 0 else Style(color=top, bgcolor=accent)
        segments = [
            *grey_line(levels[:, :col], 0),
            Segment(UPPER_HALF, style),
            *grey_line(levels[:, col + 1 :], 0),
        ]
        return Strip(segments, drawing.SIZE).crop_extend(0, self.size.width, self.rich_style)

    def watch_cursor(self) -> None:
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # ------------------------------------------------------------------ mouse

    def _pixel_at(self, event: events.MouseEvent) -> tuple[float, float]:
        """The pixel under the pointer: the cell's column, and its upper or lower half when the
        terminal reports the pointer finer than a cell (else the middle of the two rows)."""
        y = event.pointer_y - self.gutter.top
        x = event.pointer_x - self.gutter.left
        row = float(np.floor(2 * y)) if y != int(y) else 2 * y + 0.5
        last = drawing.SIZE - 1
        return min(max(row, 0.0), float(last)), float(min(max(int(x), 0), last))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button not in (1, 3):
            return
        event.stop()
        self.focus()
        self._erasing = event.button == 3
        self._drag = self._pixel_at(event)
        self.capture_mouse()
        self._pixels = drawing.dab(self._pixels, *self._drag, erase=self._erasing)
        self.refresh()
        self.post_message(self.Changed(self, done=False))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._drag is None:
            return
        event.stop()
        here = self._pixel_at(event)
        if here == self._drag:
            return
        self._pixels = drawing.line(self._pixels, self._drag, here, erase=self._erasing)
        self._drag = here
        self.refresh()
        self.post_message(self.Changed(self, done=False))

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag is None:
            return
        event.stop()
        self._drag = None
        self.release_mouse()
        self.post_message(self.Changed(self))

    # ------------------------------------------------------------------ keys

    def action_move(self, drow: int, dcol: int) -> None:
        row, col = self.cursor
        self.cursor = (min(max(row + drow, 0), drawing.SIZE - 1), min(max(col + dcol, 0), drawing.SIZE - 1))

    def action_paint(self, erase: bool = False) -> None:
        self._pixels = drawing.dab(self._pixels, *self.cursor, erase=erase)
        self.refresh()
        self.post_message(self.Changed(self))

    def action_clear(self) -> None:
        self.set_pixels(drawing.blank())
