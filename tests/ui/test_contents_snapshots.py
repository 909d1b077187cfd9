"""Snapshots of the contents (o) at 80x24 and 130x42, in a dark theme and in textual-light
(one run of the app, every look of it: ``snap_looks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_convnet.ui.app import create_app

if TYPE_CHECKING:
    from tests.ui.conftest import UI, SnapLooks


async def test_contents_snapshot(snap_looks: SnapLooks, ui: type[UI]) -> None:
    # from example 09, one entry down: the highlight on the first of lesson 1's examples
    await snap_looks(lambda: create_app("09"), ui.EVERY_LOOK, press=["o", "down"], run_per_size=True)
