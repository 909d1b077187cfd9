"""``KeysFooter``: Textual's footer, composed again only when the keys it shows have changed."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's :class:`~textual.widgets.Footer`, which skips recomposing when nothing it shows changed.

    Textual's footer composes its keys again every time the screen announces its bindings (each focus
    change, each ``refresh_bindings``), although most announcements change no key. This one remembers
    what its composed keys depend on and recomposes only when that differs. It relies on Textual's public
    behaviour only: the footer composes nothing until its screen first announces its bindings.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple[object, ...] | None = None

    def _keys_shown(self) -> tuple[object, ...]:
        """What the composed keys depend on: every active binding, whether it is enabled, its tooltip and display."""
        get_key_display = self.app.get_key_display
        keys = [
            (key, binding, enabled, tooltip, get_key_display(binding))
            for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
        ]
        return (*keys, self.show_command_palette, self.compact)

    def compose(self) -> ComposeResult:
        widgets: list[Widget] = list(super().compose())
        # The keys composed now are the ones shown; none means the screen has not announced its bindings yet.
        self._shown = self._keys_shown() if widgets else None
        yield from widgets

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if screen is self.screen and self.is_attached and self._shown is not None and self._shown == self._keys_shown():
            return  # the keys shown are the ones already composed
        super().bindings_changed(screen)
