"""``KeysFooter``: Textual's footer, with its keys made once, with the screen, and styled once."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    """Textual's :class:`~textual.widgets.Footer`, cheaper to start.

    - Textual's footer composes no key at first, then all of them once the screen announces its
      bindings, after its first layout: one more layout and render of the screen. This one composes its
      keys with the screen, and composes them again only when the keys it would show have changed.
    - Textual creates every key compact (its default), styles it, then the key's ``compact`` watcher adds
      the ``-compact`` class (a restyle) and the binding to the footer's ``compact`` removes it again
      (another restyle). Here each key gets its final value and class before it is mounted. The
      command-palette key is not bound to the footer and stays compact, as in Textual.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_reactive(Footer._bindings_ready, True)
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
        self._shown = self._keys_shown()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                compact = True if widget.has_class("-command-palette") else self.compact
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if screen is self.screen and self.is_attached and self._shown == self._keys_shown():
            return  # the keys shown are the ones already composed
        super().bindings_changed(screen)
