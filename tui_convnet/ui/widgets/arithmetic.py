"""``Arithmetic``: the current step's computation written out, styled by role."""

from __future__ import annotations

from typing import Sequence

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
        self._lines = [list(line) for line in lines]
        self.update(self._build())

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
