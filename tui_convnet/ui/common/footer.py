"""``KeysFooter``: Textual's footer with the app's keys kept in view, composed again only when its keys change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Label

#: Below this width the command palette's key leaves the footer (ctrl+p still opens it; ? lists it).
PALETTE_WIDTH = 150

#: What the keys do while a field takes the typed keys (the letters type; Textual leaves their keys out).
TYPING_KEYS = (("Esc", "back to the keys"), ("Tab", "next field"), ("Enter", "confirm"), ("Ctrl+Q", "quit"))


def typing_keys() -> Text:
    """``Esc back to the keys  Tab next field  …``: the footer's line while a field is being typed in."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for key, what in TYPING_KEYS:
        text.append(f" {key}", "bold")
        text.append(f" {what} ")
    return text


class KeysFooter(Footer):
    """Textual's :class:`~textual.widgets.Footer`: the screen's keys on the left, the app's on the right.

    - The app's keys (Train, Inspect, Draw, Lessons, Help, Quit: the screens and the way out) are docked
      on the right, compact, so that a narrow terminal cuts the screen's last keys, never those (at 80
      columns Textual's footer ended at ``s Pa▏``). The key of the screen shown is left out.
    - While a field takes the typed keys (an ``Input``: ``s`` types an s), Textual leaves every letter key
      out and the footer was empty; it then says what the keys do: Esc, Tab, Enter, Ctrl+Q.
    - Textual's footer composes its keys again every time the screen announces its bindings (each focus
      change, each ``refresh_bindings``), although most announcements change no key. This one remembers
      what its composed keys depend on and recomposes only when that differs.
    - A screen being left announces its bindings too (Textual's stack update), and its keys then differed (the
      mode shown changed): it composed its keys again for a screen nobody sees (a 26-widget mount in every
      ``e`` from the training screen). A screen not shown keeps its keys; they are compared again when it is
      shown (the stack update announces its bindings again).

    Public Textual API only: the footer's keys are the widgets :meth:`Footer.compose` yields, told
    apart by their public ``key`` and ``action`` attributes.
    """

    DEFAULT_CSS = """
    KeysFooter .app-keys {
        dock: right;
        width: auto;
        height: 1;
        background: $footer-background;
        FooterKey .footer-key--key { padding: 0 0 0 1; }
        FooterKey .footer-key--description { padding: 0 0 0 1; }
        FooterKey.-command-palette { dock: none; margin-left: 1; }
    }
    KeysFooter .typing-keys {
        width: auto;
        height: 1;
        color: $footer-description-foreground;
        background: $footer-background;
    }
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
        return (*keys, self.show_command_palette, self.compact, self.app.current_mode, self._typing())

    def _typing(self) -> bool:
        """A field of this footer's screen has the focus and takes the typed letters."""
        focused = self.screen.focused
        return focused is not None and focused.check_consume_key("a", "a")

    def compose(self) -> ComposeResult:
        # decided here, from the terminal's width, so that the first keys are the right ones (no second compose)
        self.set_reactive(Footer.show_command_palette, self.app.size.width >= PALETTE_WIDTH)
        widgets: list[Widget] = list(super().compose())
        for widget in widgets:  # a key starts as compact as the footer: mounting it restyles nothing (twice per key)
            self._start_compact(widget)
        # The keys composed now are the ones shown; none means the screen has not announced its bindings yet.
        typing = self._typing()
        self._shown = self._keys_shown() if widgets or typing else None
        if typing:  # the letters type: say what the keys do instead (Textual shows no key then)
            yield Label(typing_keys(), classes="typing-keys")
        if not widgets:  # nothing to show yet, and the screen may not be on the stack (Python 3.12+: eager tasks)
            return
        # the app's keys, also where a screen binds one of them itself (training's q asks before quitting)
        order = [b.key if isinstance(b, Binding) else b[0] for b in self.app.BINDINGS]
        app_keys = {binding.key for node, binding, _e, _t in self.screen.active_bindings.values() if node is self.app}
        app_keys |= set(order)
        own_mode = f"switch_mode('{self.app.current_mode}')"
        screen_keys: list[Widget] = []
        app_widgets: list[Widget] = []
        palette: Widget | None = None
        for widget in widgets:
            key, action = getattr(widget, "key", None), getattr(widget, "action", None)
            if widget.has_class("-command-palette"):
                palette = widget
            elif key not in app_keys:
                screen_keys.append(widget)
            elif action != own_mode:
                app_widgets.append(widget)
        say: Callable[[str], str] | None = getattr(self.screen, "say", None)  # another image set: "Images"
        for widget in screen_keys:
            description = getattr(widget, "description", None)
            if say is not None and isinstance(description, str):
                widget.description = say(description)  # type: ignore[attr-defined]
        yield from screen_keys
        app_widgets.sort(
            key=lambda w: order.index(getattr(w, "key", "")) if getattr(w, "key", "") in order else len(order)
        )
        if palette is not None:
            app_widgets.append(palette)
        if app_widgets:
            yield HorizontalGroup(*app_widgets, classes="app-keys")

    def _start_compact(self, widget: Widget) -> None:
        """Give a key the footer's ``compact`` (its class too) before it mounts: Textual's keys start compact and
        are bound to the footer's value as they mount, each change restyling the key (48 restyles a screen)."""
        compact = getattr(type(widget), "compact", None)
        if isinstance(compact, Reactive):
            widget.set_reactive(compact, self.compact)
            widget.set_class(self.compact, "-compact", update=False)
        for child in widget.children if isinstance(widget, HorizontalGroup) else ():
            self._start_compact(child)

    def on_resize(self, event: events.Resize) -> None:
        show = event.size.width >= PALETTE_WIDTH
        if show != self.show_command_palette:
            self.show_command_palette = show
            self.refresh(recompose=True)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if screen is self.screen and self.is_attached and not screen.is_current:
            return  # being left (or hidden): compared again when it is shown
        if screen is self.screen and self.is_attached and self._shown is not None and self._shown == self._keys_shown():
            return  # the keys shown are the ones already composed
        super().bindings_changed(screen)
