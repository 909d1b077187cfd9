"""The explorer's scrolling by keyboard: PgUp/PgDn for the stage, [ and ] for the side panel.

Every pane that can hold more than the terminal shows is reachable without a mouse: the stage (the
grids one under the other, each big grid on its own at 130 columns, or the model's summary and code)
pages with PgUp/PgDn; the side panel (settings, formulas, notes) with ``[`` and ``]``.  A step then
scrolls the grids back to what it computes (the view follows the narration).
"""

from __future__ import annotations

from typing import cast

from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

PANE_BINDINGS = [
    Binding("pagedown", "scroll_stage(1)", "Scroll", key_display="PgUp/PgDn", show=False, tooltip="Scroll the grids"),
    Binding("pageup", "scroll_stage(-1)", "Scroll up", show=False),
    Binding("right_square_bracket", "scroll_panel(1)", "Scroll the panel", key_display="[/]", show=False),
    Binding("left_square_bracket", "scroll_panel(-1)", "Scroll the panel up", show=False),
]


def _page(widget: Widget, pages: int) -> None:
    if pages > 0:
        widget.scroll_page_down(animate=False)
    else:
        widget.scroll_page_up(animate=False)


class PaneKeys:
    """The scrolling actions; mixed into :class:`ExplorerScreen` (its panes by id)."""

    def stage_panes(self) -> list[Widget]:
        """What PgUp/PgDn scroll: the model view, the column of grids, or (side by side) each grid that scrolls."""
        screen = cast(Screen[None], self)
        if screen.has_class("-model"):
            return [screen.query_one("#model-view")]
        volumes = screen.query_one("#volumes")
        if volumes.max_scroll_y > 0:
            return [volumes]
        return [view for view in volumes.query("VolumeView") if view.display and view.max_scroll_y > 0]

    def action_scroll_stage(self, pages: int) -> None:
        for pane in self.stage_panes():
            _page(pane, pages)

    def action_scroll_panel(self, pages: int) -> None:
        _page(cast(Screen[None], self).query_one("#sidebar"), pages)
