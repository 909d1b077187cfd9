"""Typed access to what a test drives: the app's current screen as the kind it must be, a cell's offset."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import App
from textual.screen import Screen

if TYPE_CHECKING:
    from tui_convnet.explore.panels import PanelKey
    from tui_convnet.ui.explorer.volume_view import VolumeView

S = TypeVar("S", bound=Screen[Any])


def current(app: App[Any], kind: type[S]) -> S:
    """The app's current screen, which must be a ``kind``."""
    screen = app.screen
    assert isinstance(screen, kind), f"the current screen is a {type(screen).__name__}, not a {kind.__name__}"
    return screen


def cell_offset(view: VolumeView, key: PanelKey, row: int, col: int) -> tuple[int, int]:
    """Where to click a cell of a volume view (which must be on screen)."""
    offset = view.cell_offset(key, row, col)
    assert offset is not None, f"cell ({row}, {col}) of {key} is not on screen"
    return offset
