"""``EditableVolumeView``: a :class:`~.volume_view.VolumeView` whose editable panels (the explorer's input and
kernels) take typed numbers: a cursor moved with the arrows or put by a click, digits typed into the cell,
Enter posts :class:`EditableVolumeView.CellEdited`, any other printable key :class:`EditableVolumeView.Refused`."""

from __future__ import annotations

import numpy as np
from textual import events
from textual.binding import Binding
from textual.message import Message

from ...explore.panels import Panel, PanelKey
from .volume_view import CellRef, VolumeView


class EditableVolumeView(VolumeView, can_focus=True):
    """A volume view the student edits, cell by cell."""

    HELP_TITLE = "In an input or kernel grid (click a cell, or Tab to the grid)"

    BINDINGS = [
        Binding("up", "move(-1, 0)", "Move to the cell above", show=False),
        Binding("down", "move(1, 0)", "Move to the cell below", show=False),
        Binding("left", "move(0, -1)", "Move to the cell on the left", show=False),
        Binding("right", "move(0, 1)", "Move to the cell on the right", show=False),
        Binding("enter", "commit", "Set value", tooltip="Set the typed number (digits, - and .)"),
        Binding("escape", "leave", "Leave grid", tooltip="Cancel typing / leave the grid"),
    ]

    class CellEdited(Message):
        """The user typed ``text`` into a cell and pressed Enter."""

        def __init__(self, view: EditableVolumeView, key: PanelKey, row: int, col: int, text: str) -> None:
            super().__init__()
            self.view, self.key, self.row, self.col, self.text = view, key, row, col, text

        @property
        def control(self) -> EditableVolumeView:
            return self.view

    class Refused(Message):
        """A key the grid does not take while it is being edited (the screen says what to type)."""

        def __init__(self, view: EditableVolumeView, character: str) -> None:
            super().__init__()
            self.view, self.character = view, character

        @property
        def control(self) -> EditableVolumeView:
            return self.view

    def _clicked(self, panel: Panel, row: int, col: int) -> None:
        if panel.editable:
            self.focus()
            self.set_cursor((panel.key, row, col))

    def set_cursor(self, cursor: CellRef | None) -> None:
        old = self.cursor
        self.cursor, self.buffer = cursor, ""
        lines = []
        for cur in (old, cursor):
            if cur is not None:
                lines += self._row_lines(cur[0], [cur[1]])
        self._refresh_lines(lines)
        if cursor is not None:
            self.follow(cursor[0], [cursor[1]], [cursor[2]])

    def _first_editable(self) -> CellRef | None:
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
        if not panels:
            return
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
        """While the grid is focused it owns the printable keys: numbers go into the cell, the rest is refused.

        (Letters never reach the screen's bindings: ``n`` of a mistyped ``nan``
        does not switch examples, ``q`` does not quit.  Escape leaves the grid.)
        """
        if not self.has_focus:
            return
        char = event.character
        if event.key == "backspace":
            self.buffer = self.buffer[:-1]
        elif char is not None and (char.isdigit() or char in "-.") and len(self.buffer) < 12:
            self.buffer += char
        elif event.is_printable and char is not None:
            self.post_message(self.Refused(self, char))
        else:
            return
        event.stop()
        event.prevent_default()
        if self.cursor is not None:
            self._refresh_lines(self._row_lines(self.cursor[0], [self.cursor[1]]))
