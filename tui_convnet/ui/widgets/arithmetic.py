"""``Arithmetic``: the current step's computation written out, styled by role.

The lines come from :mod:`tui_convnet.explore.narration` as ``(text, role)``
pieces; each role's look lives in the TCSS (``Arithmetic > .arithmetic--sum``
…), with theme variables.  Text is never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ...explore.narration import ROLES, Piece, plain_text


def lines_text(lines: Sequence[Sequence[Piece]], styled_by: Arithmetic) -> Text:
    """Lines of pieces as one ``Text``, each role styled as ``styled_by`` styles it."""
    # Not partial: "auto" colours ($text-muted) are worked out against the widget's background.
    styles: dict[str, Style] = {role: styled_by.get_component_rich_style(f"arithmetic--{role}") for role in ROLES}
    text = Text()
    for i, line in enumerate(lines):
        if i:
            text.append("\n")
        for piece, role in line:
            text.append(piece, styles.get(role) if role else None)
    return text


class Arithmetic(Static):
    """Lines of ``(text, role)`` pieces; each role's look lives in the TCSS."""

    COMPONENT_CLASSES = {f"arithmetic--{role}" for role in ROLES}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self._lines: list[list[Piece]] = []

    def show(self, lines: Sequence[Sequence[Piece]], *, relayout: bool = False) -> None:
        """Show new lines; the layout is redone only when the text's height may change (or ``relayout``)."""
        old_width = max((sum(len(t) for t, _ in line) for line in self._lines), default=0)
        same_shape = len(lines) == len(self._lines)
        self._lines = [list(line) for line in lines]
        width = max((sum(len(t) for t, _ in line) for line in self._lines), default=0)
        room = self.content_region.width or 0
        fits = room > 0 and width <= room and old_width <= room
        self.update(lines_text(self._lines, self), layout=relayout or not (same_shape and fits))

    @property
    def lines(self) -> list[list[Piece]]:
        return self._lines

    @property
    def plain(self) -> str:
        """The text as shown, without styles (what the tests read)."""
        return plain_text(self._lines)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self._lines:
            self.update(lines_text(self._lines, self))
