"""``Arithmetic``: the current step's computation written out, styled by role."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

#: A piece of a line: ``(text, role)``; role "" is plain text.
Piece = tuple[str, str]

ROLES = ("label", "value", "weight", "pad", "sum", "total", "dim", "error", "symbol")


class Arithmetic(Static):
    """Lines of ``(text, role)`` pieces; each role's look lives in the TCSS."""

    COMPONENT_CLASSES = {f"arithmetic--{role}" for role in ROLES}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self._lines: list[list[Piece]] = []

    def show(self, lines: Sequence[Sequence[Piece]]) -> None:
        """Show new lines; the layout is redone only when the text's height may change."""
        old_width = max((sum(len(t) for t, _ in line) for line in self._lines), default=0)
        same_shape = len(lines) == len(self._lines)
        self._lines = [list(line) for line in lines]
        width = max((sum(len(t) for t, _ in line) for line in self._lines), default=0)
        room = self.content_region.width or 0
        fits = room > 0 and width <= room and old_width <= room
        self.update(self._build(), layout=not (same_shape and fits))

    @property
    def plain(self) -> str:
        """The text as shown, without styles (what the tests read)."""
        return "\n".join("".join(t for t, _ in line) for line in self._lines)

    def _build(self) -> Text:
        text = Text()
        styles = {role: self.get_component_rich_style(f"arithmetic--{role}", partial=True) for role in ROLES}
        for i, line in enumerate(self._lines):
            if i:
                text.append("\n")
            for piece, role in line:
                text.append(piece, styles.get(role) if role else None)
        return text

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self._lines:
            self.update(self._build())
