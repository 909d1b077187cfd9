"""The command palette (Ctrl+P): Textual's, over the screen dimmed exactly as Textual dims it, for less work."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from rich.segment import ControlType, Segment
from rich.style import Style
from textual.color import Color
from textual.renderables.background_screen import BackgroundScreen

from tui_convnet.ui import command_palette
from tui_convnet.ui.app import create_app
from tui_convnet.ui.command_palette import Backdrop, ConvnetPalette, tinted

if TYPE_CHECKING:
    from tests.ui.conftest import UI

SEGMENTS = [
    Segment("a", Style(color="#ff8000", bgcolor="#102030", bold=True)),
    Segment("bc", None),
    Segment("d", Style(bgcolor="red")),
    Segment("e", Style(color="white", link="https://example.org")),
    Segment("f", Style.from_meta({"@click": "app.bell()"}) + Style(color="blue")),
    Segment("", None, [(ControlType.BELL,)]),  # a control segment passes through
    Segment("a", Style(color="#ff8000", bgcolor="#102030", bold=True)),  # a style seen before
]


def test_the_backdrop_dims_each_cell_as_textual_does() -> None:
    for color in (Color(0, 0, 0, 0.6), Color(255, 255, 255, 0.3), Color(10, 20, 30, 0.0)):
        for _ in range(2):  # the second time from the memo
            ours = list(Backdrop.process_segments(SEGMENTS, color))
            textuals = list(BackgroundScreen.process_segments(SEGMENTS, color))
            assert ours == textuals
            assert not any(s.style.link or s.style.meta for s in ours if s.style)  # links and clicks removed


async def test_ctrl_p_opens_the_palette_over_the_dimmed_screen_and_runs_a_command(
    ui: type[UI], monkeypatch: pytest.MonkeyPatch
) -> None:
    tints: list[Style | None] = []

    def counted(style: Style | None, color: Color) -> Style:
        tints.append(style)
        return tinted(style, color)

    monkeypatch.setattr(command_palette, "tinted", counted)
    app = create_app()
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, ConvnetPalette)
        tints.clear()
        assert "cs231n: two 3x3x3 filters" in ui.screen_text(app)  # the explorer shows through, dimmed
        assert len(tints) >= 42  # every line of it went through the Backdrop
        await pilot.press(*"Draw")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "draw"
