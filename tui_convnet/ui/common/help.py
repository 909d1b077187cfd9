"""``HelpScreen(screen)``: every key of a screen and of the app, generated from their bindings.

The list is read from the live binding maps (the screen's, the app's and
those of the widgets on the screen that have their own keys), so it stays
true for every screen without being written by hand.  A screen's ``HELP``
text (Markdown), when it has one, is shown above the keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Markdown, Static

from .._textual_internals import bindings_map

STYLES = Path(__file__).resolve().parent  # the .tcss files sit beside their screen

_KEY_NAMES = {
    "right": "→",
    "left": "←",
    "up": "↑",
    "down": "↓",
    "space": "space",
    "plus": "+",
    "minus": "−",
    "question_mark": "?",
    "escape": "Esc",
    "enter": "Enter",
    "home": "Home",
    "end": "End",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "ctrl+p": "Ctrl+P",
    "ctrl+q": "Ctrl+Q",
    "ctrl+c": "Ctrl+C",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "left_curly_bracket": "{",
    "right_curly_bracket": "}",
    "comma": ",",
    "full_stop": ".",
    "slash": "/",
    "backslash": "\\",
    "equals_sign": "=",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "asterisk": "*",
    "number_sign": "#",
    "underscore": "_",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "backspace": "Backspace",
    "delete": "Del",
    "insert": "Ins",
}


def key_label(key: str, binding: Binding | None = None) -> str:
    """How a key is written: a readable name (the footer's ``key_display`` may group keys)."""
    if key in _KEY_NAMES or len(key) == 1:
        return _KEY_NAMES.get(key, key)
    if binding is not None and binding.key_display and binding.key == key:
        return binding.key_display
    *modifiers, last = key.split("+")
    last = key_label(last) if modifiers else last.replace("_", " ").capitalize()
    return "+".join([m.capitalize() for m in modifiers] + [last])


def _description(binding: Binding) -> str:
    return binding.tooltip or binding.description or binding.action.replace("_", " ")


def binding_rows(node: DOMNode) -> list[tuple[str, str]]:
    """``(keys, what they do)`` for ``node``'s bindings; keys doing the same action are merged."""
    merged: dict[tuple[str, str], list[str]] = {}
    for key, bindings in bindings_map(node).key_to_bindings.items():
        for binding in bindings:
            if binding.system:
                continue
            ident = (binding.action, _description(binding))
            label = key_label(key, binding)
            keys = merged.setdefault(ident, [])
            if label not in keys:
                keys.append(label)
    return [(" ".join(keys), desc) for (_action, desc), keys in merged.items()]


def _words(name: str) -> str:
    """A class name as a student reads it: ``DrawingCanvas`` → ``drawing canvas``."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def _widget_groups(screen: Screen[Any]) -> Iterable[tuple[str, list[tuple[str, str]]]]:
    """Bindings of the screen's own widget types (ours, not Textual's), once per type."""
    seen: set[type] = set()
    for widget in screen.query("*"):
        cls = type(widget)
        if cls in seen or not cls.__module__.startswith("tui_convnet") or not cls.__dict__.get("BINDINGS"):
            continue
        seen.add(cls)
        rows = binding_rows(widget)
        if rows:
            title = getattr(cls, "HELP_TITLE", None) or f"On the {_words(cls.__name__)}"
            yield title, rows


class HelpScreen(ModalScreen[None]):
    """Every key of ``screen`` and of the app (Esc, q or ? closes)."""

    CSS_PATH = [STYLES / "help.tcss"]

    BINDINGS = [
        Binding("escape", "dismiss", "Close", key_display="Esc"),
        Binding("q", "dismiss", "Close"),
        Binding("question_mark", "dismiss", "Close", key_display="?"),
    ]

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.target = screen

    def compose(self) -> ComposeResult:
        target = self.target
        name = getattr(target, "TITLE", None) or type(target).__name__.removesuffix("Screen")
        with Vertical(id="help-box"):
            yield Label(f"Keys — {name}", id="help-title")
            with VerticalScroll(id="help-body"):
                help_text = getattr(target, "HELP", None)
                if help_text:
                    yield Markdown(help_text, id="help-text")
                with Horizontal(id="help-columns"):
                    with Vertical(classes="help-column"):
                        yield Static(self._table("This screen", binding_rows(target)), classes="help-table")
                    with Vertical(classes="help-column"):
                        for title, rows in _widget_groups(target):
                            yield Static(self._table(title, rows), classes="help-table")
                        yield Static(self._table("Everywhere", binding_rows(self.app)), classes="help-table")
            yield Label("Esc, q or ? closes this help", id="help-footer")

    @staticmethod
    def _table(title: str, rows: list[tuple[str, str]]) -> Table:
        table = Table(
            title=title,
            title_justify="left",
            title_style="bold",
            show_header=False,
            box=None,
            padding=(0, 2, 0, 0),
            expand=False,
        )
        table.add_column("keys", style="bold", no_wrap=True, min_width=12)
        table.add_column("action")
        for keys, desc in rows:
            table.add_row(Text(keys), Text(desc))
        return table

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
