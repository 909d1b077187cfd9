"""``ContentsScreen``: every example and lesson in one numbered list, with the slide each comes from.

The list itself (numbers, titles, slides, what opens where) is
:func:`tui_convnet.lessons.catalog.contents`, pure and tested without an app;
this modal only shows it in an ``OptionList`` and returns the chosen entry
(the app opens it: an example in the explorer, a lesson on its screen).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ...lessons.catalog import ContentsEntry, ExampleEntry

STYLES = Path(__file__).resolve().parent  # the .tcss files sit beside their screen


def entry_prompt(entry: ContentsEntry) -> Table:
    """``13  Lesson · A kernel is a pattern detector`` over the slide it comes from, wrapped beside the number.

    Examples open in the explorer, lessons on their own screens.
    """
    kind = "Example" if isinstance(entry, ExampleEntry) else "Lesson"
    text = Text()
    text.append(f"{kind} · ", style="italic")
    text.append(entry.title, style="bold")
    text.append(f"\n{entry.source or 'no slide'}")  # not dim: 4.5:1 on the highlight too
    grid = Table.grid(padding=(0, 2))
    grid.add_column(width=2, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(f"{entry.number:02d}", style="bold"), text)
    return grid


class ContentsScreen(ModalScreen[ContentsEntry | None]):
    """The numbered contents: ↑/↓ choose, Enter opens, Esc closes."""

    CSS_PATH = [STYLES / "contents.tcss"]

    BINDINGS = [
        Binding("escape", "close", "Close", key_display="Esc"),
        Binding("o", "close", "Close", show=False),
    ]

    def __init__(self, entries: Sequence[ContentsEntry], current: int | None = None) -> None:
        super().__init__()
        self.entries = tuple(entries)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="contents-box"):
            yield Label("Contents — every example and lesson, in order", id="contents-title")
            yield OptionList(*(Option(entry_prompt(e), id=f"entry-{e.number}") for e in self.entries), id="contents")
            yield Label("↑/↓ choose · Enter opens · Esc closes", id="contents-footer")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        numbers = [e.number for e in self.entries]
        options.highlighted = numbers.index(self.current) if self.current in numbers else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.entries[event.option_index])

    def action_close(self) -> None:
        self.dismiss(None)
