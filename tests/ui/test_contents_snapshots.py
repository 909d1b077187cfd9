"""Snapshots of the contents (o) at 80x24 and 130x42, in a dark theme and in textual-light."""

from __future__ import annotations

import pytest

from tui_convnet.ui.app import create_app

SIZES = [(80, 24), (130, 42)]
THEMES = ["textual-dark", "textual-light"]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_contents_snapshot(snap_compare, size, theme):
    async def run_before(pilot) -> None:
        pilot.app.theme = theme
        await pilot.pause()

    # from example 09, one entry down: the highlight on the first of lesson 1's examples
    assert snap_compare(create_app("09"), press=["o", "down"], run_before=run_before, terminal_size=size)
