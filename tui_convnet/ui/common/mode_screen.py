"""The base of the app's mode screens (explorer, training, inspect, draw, lessons, architect): shown again cheaply.

Textual restyles every widget of a screen each time it is shown (``ScreenResume`` asks for it), twice for a
screen made by the key that shows it, and once more when its breakpoint class is first set after it was
styled. A mode's screen was styled as its widgets mounted, and Textual already restyles a screen whose
stylesheet changed meanwhile (a new theme) when it is shown; so a :class:`ModeScreen` skips that full
restyle while the theme and the app's classes are those it was styled with, and starts with its
breakpoint classes set. On a large screen this is most of the time a key takes to change screens.

A screen made by a key (not the app's first) builds its heavy panes after its first frame, one per frame
(:meth:`ModeScreen.build_stages`, :mod:`.staged`); :meth:`ModeScreen.when_built` runs once they all are.
The app's first screen builds them before its first frame, as before (no key is waiting). Later heavy work
(a new model's layers) goes the same way: :meth:`ModeScreen.run_in_steps`, one step per frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from textual import events, on
from textual.app import ScreenStackError
from textual.screen import Screen

from . import heap
from .staged import Stage


class ModeScreen(Screen[None]):
    """A screen shown and left again and again (a mode's): not restyled whole when nothing it shows changed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: What the screen's styles were computed for (None: not yet known, the next resume restyles).
        self.styled_for: tuple[object, ...] | None = None
        #: True once every stage of :meth:`build_stages` is mounted (at once for a screen without stages).
        self.built = False
        self._stages: list[Stage] = []
        self._build_paused = False
        self._stepping = False  # a step is scheduled or running
        #: Made by a key while another screen is shown: the heavy panes wait for the first frame.
        self.staged = False
        try:
            width, height = self.app.size
        except Exception:  # made outside a running app: Textual sets the classes when the screen is shown
            return
        self._set_breakpoints(width, height)
        try:
            self.staged = self.app.screen is not None
        except ScreenStackError:  # the app's first screen: built whole before the first frame
            self.staged = False

    def build_stages(self) -> Sequence[Stage]:
        """The screen's heavy panes, each an async callable that mounts one (in place of its building line).

        They run in order, one after each refresh, once the light frame that :meth:`compose` made is drawn."""
        return ()

    def when_built(self) -> None:
        """Runs once every stage is mounted: a screen looks up its panes and starts its workers here."""

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
    async def _styled_at_mount(self) -> None:
        self.styled_for = self._style_key()  # its widgets were styled as they mounted, by the current stylesheet
        stages = list(self.build_stages())
        if self.staged and stages:
            self.run_in_steps([*stages, self._finish_build])
            return
        for stage in stages:
            await stage()
        await self._finish_build()

    def run_in_steps(self, steps: Iterable[Stage]) -> None:
        """Run ``steps`` after those already waiting, one after each refresh (a frame is drawn and the keys
        pressed meanwhile are answered between two of them); while the screen is not shown they wait."""
        self._stages.extend(steps)
        if self._stages and not self._stepping:
            self._stepping = True
            self.call_after_refresh(self._build_next)

    @property
    def settled(self) -> bool:
        """Built, and no step waiting (:meth:`run_in_steps`): the screen shows all it was given."""
        return self.built and not self._stages

    async def _build_next(self) -> None:
        """Run the next step; the one after it waits for the next refresh (keys are answered between)."""
        if not self._stages or not self.is_attached:
            self._stepping = False
            return
        if not self.is_current:  # the student left: the rest waits until the screen is shown again
            self._stepping = False
            self._build_paused = True
            return
        await self._stages.pop(0)()
        if self._stages:
            # A frame before the next step: the step's widgets ask for their layout and repaint through
            # messages, which may come after the screen's next idle; asked for here, it cannot be skipped.
            self.refresh(repaint=False, layout=True)
            self.call_after_refresh(self._build_next)
        else:
            self._stepping = False

    async def _finish_build(self) -> None:
        self.built = True
        self.when_built()
        self.call_after_refresh(heap.settle)  # the screen's widgets live as long as the app

    @on(events.ScreenResume)
    def _restyle_only_if_needed(self, event: events.ScreenResume) -> None:
        """Runs before Textual's own handler: it restyles the whole screen only if something it depends on
        changed since the screen was styled."""
        key = self._style_key()
        if key == self.styled_for:
            event.refresh_styles = False
        self.styled_for = key
        if self._build_paused:
            self._build_paused = False
            self.run_in_steps(())
