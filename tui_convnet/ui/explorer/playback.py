"""The explorer's stepping and playing: step, first and last step, play and pause, the play speed.

:class:`PlaybackKeys` holds the actions behind those keys (their bindings are in :mod:`.keys`) and the
timer that plays the steps; it is mixed into :class:`~.screen.ExplorerScreen`, whose ``state``,
``playing`` and ``speed`` reactives it moves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.timer import Timer

if TYPE_CHECKING:
    from .screen import ExplorerScreen

#: Play speeds, in steps per second.
SPEEDS = (0.5, 1, 2, 4, 8, 16, 32)


class PlaybackKeys:
    """Stepping, playing and the play speed; mixed into :class:`~.screen.ExplorerScreen`."""

    _timer: Timer | None = None

    def _explorer(self) -> ExplorerScreen:
        return cast("ExplorerScreen", self)

    def action_step(self, delta: int) -> None:
        screen = self._explorer()
        screen.playing = False
        if screen.state is not None and not (delta > 0 and screen.quiz_asks(screen.state)):
            screen.state = screen.state.moved(delta)

    def action_first(self) -> None:
        screen = self._explorer()
        screen.playing = False
        if screen.state is not None:
            screen.state = screen.state.first()

    def action_last(self) -> None:
        screen = self._explorer()
        screen.playing = False
        if screen.state is not None:
            screen.state = screen.state.last()

    def action_play(self) -> None:
        screen = self._explorer()
        state = screen.state
        if state is None:
            return
        if not screen.playing and state.at_end:
            screen.state = state.first()
        screen.playing = not screen.playing

    def watch_playing(self, playing: bool) -> None:
        screen = self._explorer()
        if self._timer is not None:
            self._timer.resume() if playing else self._timer.pause()
        screen.show_title()

    def action_speed(self, delta: int) -> None:
        screen = self._explorer()
        screen.speed = min(max(screen.speed + delta, 0), len(SPEEDS) - 1)

    def watch_speed(self, speed: int) -> None:
        screen = self._explorer()
        if self._timer is not None:
            self._timer.stop()
        self._timer = screen.set_interval(1 / SPEEDS[speed], self._tick, pause=not screen.playing)
        screen.show_title()

    def _tick(self) -> None:
        screen = self._explorer()
        state = screen.state
        if state is None or state.at_end:
            screen.playing = False
        else:
            screen.state = state.moved(1)
