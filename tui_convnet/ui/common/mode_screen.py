"""The base of the app's mode screens (explorer, training, inspect, draw, lessons, architect): shown again cheaply.

Textual restyles every widget of a screen each time it is shown (``ScreenResume`` asks for it), twice for a
screen made by the key that shows it, and once more when its breakpoint class is first set after it was
styled. A mode's screen was styled as its widgets mounted, and Textual already restyles a screen whose
stylesheet changed meanwhile (a new theme) when it is shown; so a :class:`ModeScreen` skips that full
restyle while the theme and the app's classes are those it was styled with, and starts with its
breakpoint classes set. On a large screen this is most of the time a key takes to change screens.
"""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.screen import Screen


class ModeScreen(Screen[None]):
    """A screen shown and left again and again (a mode's): not restyled whole when nothing it shows changed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: What the screen's styles were computed for (None: not yet known, the next resume restyles).
        self.styled_for: tuple[object, ...] | None = None
        try:
            width, height = self.app.size
        except Exception:  # made outside a running app: Textual sets the classes when the screen is shown
            return
        self._set_breakpoints(width, height)

    def _set_breakpoints(self, width: int, height: int) -> None:
        """The breakpoint classes for the app's size, set before the widgets are styled (not after, which
        restyles them all once more)."""
        horizontal, vertical = self.HORIZONTAL_BREAKPOINTS, self.VERTICAL_BREAKPOINTS  # as Textual: the app's if None
        for dimension, breakpoints in (
            (width, (self.app.HORIZONTAL_BREAKPOINTS if horizontal is None else horizontal) or []),
            (height, (self.app.VERTICAL_BREAKPOINTS if vertical is None else vertical) or []),
        ):
            names = {name for _, name in breakpoints}
            chosen = next((name for low, name in sorted(breakpoints, reverse=True) if dimension >= low), None)
            for name in names:
                self.set_class(name == chosen, name, update=False)

    def _style_key(self) -> tuple[object, ...]:
        return (self.app.theme, frozenset(self.app.classes))

    @on(events.Mount)
    def _styled_at_mount(self) -> None:
        self.styled_for = self._style_key()  # its widgets were styled as they mounted, by the current stylesheet

    @on(events.ScreenResume)
    def _restyle_only_if_needed(self, event: events.ScreenResume) -> None:
        """Runs before Textual's own handler: it restyles the whole screen only if something it depends on
        changed since the screen was styled."""
        key = self._style_key()
        if key == self.styled_for:
            event.refresh_styles = False
        self.styled_for = key
