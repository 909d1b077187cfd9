"""``Arithmetic``: the current step's computation written out, styled by role.

The lines come from :mod:`tui_convnet.explore.narration` as ``(text, role)``
pieces; each role's look lives in the TCSS (``Arithmetic > .arithmetic--sum``
…), with theme variables.  Text is never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from ...explore.narration import ROLES, Piece, plain_text


def lines_text(lines: Sequence[Sequence[Piece]], styled_by: Arithmetic) -> Text:
    """Lines of pieces as one ``Text``, each role styled as ``styled_by`` styles it."""
    # Not partial: "auto" colours ($text-muted) are worked out against the widget's background.
    styles = styled_by.role_styles()
    text = Text()
    for i, line in enumerate(lines):
        if i:
            text.append("\n")
        for piece, role in line:
            text.append(piece, styles.get(role) if role else None)
    return text


def wrap_offsets(plain: str, width: int) -> list[tuple[int, int]]:
    """Where a line of ``plain`` text breaks into rows of at most ``width`` cells: ``(start, end)`` per row.

    Rows break after the last space that fits (the space itself is dropped); a word longer than a row is cut.
    """
    if width <= 0 or len(plain) <= width:
        return [(0, len(plain))]
    rows: list[tuple[int, int]] = []
    start = 0
    while len(plain) - start > width:
        cut = plain.rfind(" ", start + 1, start + width + 1)
        if cut <= start:
            rows.append((start, start + width))
            start += width
        else:
            rows.append((start, cut))
            start = cut + 1
    rows.append((start, len(plain)))
    return rows


class Arithmetic(Widget):
    """Lines of ``(text, role)`` pieces; each role's look lives in the TCSS.

    Drawn with the line API from strips made once per :meth:`show` (and per width), not once per frame:
    stepping through a convolution redraws only what changed, with no rich-text conversion on every frame.
    Lines wider than the widget wrap at spaces.
    """

    COMPONENT_CLASSES = {f"arithmetic--{role}" for role in ROLES}
    DEFAULT_CSS = "Arithmetic { height: auto; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: list[list[Piece]] = []
        self._plains: list[str] = []
        self._styles: dict[str, Style] | None = None
        self._strips: list[Strip] = []
        self._strips_width = -1

    def role_styles(self) -> dict[str, Style]:
        """Each role's style, worked out once per style update (not once per step)."""
        if self._styles is None:
            # Not partial: "auto" colours ($text-muted) are worked out against the widget's background.
            self._styles = {role: self.get_component_rich_style(f"arithmetic--{role}") for role in ROLES}
        return self._styles

    def show(self, lines: Sequence[Sequence[Piece]], *, relayout: bool = False) -> None:
        """Show new lines; the layout is redone only when the height may change (or ``relayout``)."""
        width = self.content_region.width
        old_rows = self._row_count(width)
        self._lines = [list(line) for line in lines]
        self._plains = ["".join(text for text, _ in line) for line in self._lines]
        self._strips_width = -1
        self.refresh(layout=relayout or width <= 0 or self._row_count(width) != old_rows)

    @property
    def lines(self) -> list[list[Piece]]:
        return self._lines

    @property
    def plain(self) -> str:
        """The text as shown, without styles (what the tests read)."""
        return plain_text(self._lines)

    def _row_count(self, width: int) -> int:
        return sum(len(wrap_offsets(plain, width)) for plain in self._plains)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((len(plain) for plain in self._plains), default=0)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._row_count(width)

    def notify_style_update(self) -> None:
        self._styles = None
        self._strips_width = -1
        super().notify_style_update()

    def _make_strips(self, width: int) -> list[Strip]:
        styles = self.role_styles()
        base = self.rich_style
        strips: list[Strip] = []
        for line, plain in zip(self._lines, self._plains, strict=True):
            bounds: list[tuple[int, int, Style]] = []
            offset = 0
            for text, role in line:
                bounds.append((offset, offset + len(text), styles.get(role, base) if role else base))
                offset += len(text)
            for start, end in wrap_offsets(plain, width):
                segments = [
                    Segment(plain[max(a, start) : min(b, end)], style)
                    for a, b, style in bounds
                    if a < end and b > start
                ]
                strips.append(Strip(segments, end - start).extend_cell_length(width, base))
        return strips

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        if self._strips_width != width:
            self._strips = self._make_strips(width)
            self._strips_width = width
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(width, self.rich_style)
