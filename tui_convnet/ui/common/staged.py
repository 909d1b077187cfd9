"""A mode screen's heavy panes, built after its first frame, one pane per frame; each says so until it is built.

A key that shows a screen for the first time used to compose, style, lay out and draw every pane of it
before the first frame (0.5-1 s of CPU for the training screen). A :class:`~.mode_screen.ModeScreen` made
by a key composes a light frame instead (its title, its borders, the pane the student reads first) and
names its heavy panes as *stages*: each is mounted after a refresh, so that a frame is drawn and the keys
pressed meanwhile are answered between two stages. Until its stage runs, a pane shows one line,
"Building the settings…": a half-built pane is never presented as finished.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Iterable
from functools import wraps
from typing import Any, TypeVar, cast

from textual.app import ComposeResult
from textual.compose import compose
from textual.widget import Widget
from textual.widgets import Static

#: The class of the line a pane shows until it is built.
BUILDING = "building"

#: A stage: mounts one heavy pane (an async callable; the screen awaits it).
Stage = Callable[[], Awaitable[object]]


def building_line(what: str) -> Static:
    """The one line a pane shows while it is built: ``Building the settings…``."""
    return Static(f"Building {what}…", classes=BUILDING)


async def fill(container: Widget, widgets: Iterable[Widget] | ComposeResult) -> None:
    """Mount ``widgets`` (a list, or a generator written as a ``compose``) into ``container`` in place of its
    building line (the pane is then finished)."""
    lines = list(container.query_children(f".{BUILDING}"))
    made = compose(container, widgets) if isinstance(widgets, Generator) else list(widgets)
    await container.mount_all(made)
    for line in lines:
        await line.remove()


Action = TypeVar("Action", bound=Callable[..., Any])


def once_built(action: Action) -> Action:
    """A screen's key that needs its panes: it does nothing until the screen is built (a fraction of a second
    after its first frame). The footer still shows it: dimming it and back would redraw the footer twice."""

    @wraps(action)
    def guarded(screen: Any, *args: Any, **kwargs: Any) -> Any:
        if not screen.built:
            return None
        return action(screen, *args, **kwargs)

    return cast(Action, guarded)
