"""The command palette (Ctrl+P): Textual's, over the screen dimmed exactly as Textual dims it, for less work."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from rich.segment import ControlType, Segment
from rich.style import Style
from textual.color import Color
from textual.command import CommandList, CommandPalette, Hits
from textual.pilot import Pilot
from textual.renderables.background_screen import BackgroundScreen

from tests.ui.conftest import screen_lines
from tui_convnet.ui import command_palette
from tui_convnet.ui.app import create_app
from tui_convnet.ui.command_palette import Backdrop, ConvnetCommands, ConvnetPalette, discovery_hits, tinted

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


async def _listed(pilot: Pilot[Any]) -> list[str]:
    """The screen's lines once the palette lists its commands."""
    for _ in range(200):
        screen = pilot.app.screen
        if screen.has_class("-ready") and screen.query_one(CommandList).option_count:
            break
        await pilot.pause(0.01)
    await pilot.pause()
    return list(screen_lines(pilot.app))


async def test_the_palette_shows_what_textuals_shows() -> None:
    app = create_app()
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.pause()
        await app.push_screen(CommandPalette(id="--command-palette"))  # Textual's own
        textuals = await _listed(pilot)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, ConvnetPalette)
        ours = await _listed(pilot)
        assert ours == textuals
        assert any("Draw" in line for line in ours) and any("Example 01" in line for line in ours)


async def test_the_palette_composes_with_its_commands_and_gathers_only_what_is_typed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Textual's palette showed the dimmed screen alone, then asked its providers, then listed the commands (a
    # second layout and full frame); this one is complete as it mounts, and does not list them twice.
    discovered: list[object] = []
    discover = ConvnetCommands.discover

    def counted(self: ConvnetCommands) -> Hits:
        discovered.append(self)
        return discover(self)

    monkeypatch.setattr(ConvnetCommands, "discover", counted)
    app = create_app()
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.pause()
        hits = discovery_hits(app, app.screen)
        assert hits is not None and len(hits) > 30
        palette = ConvnetPalette(hits, id="--command-palette")
        await app.push_screen(palette)
        assert palette.has_class("-ready") and palette.query_one(CommandList).option_count == len(hits)
        await pilot.pause(0.3)
        assert palette.query_one(CommandList).option_count == len(hits) and discovered == []
        await pilot.press("D", "r")
        await pilot.pause(0.3)
        assert palette.query_one(CommandList).option_count < len(hits)
        await pilot.press("backspace", "backspace")  # an emptied field lists every command again, as in Textual
        await pilot.pause(0.3)
        assert len(discovered) == 1 and palette.query_one(CommandList).option_count == len(hits)


async def test_the_dimmed_screen_below_is_drawn_once_and_follows_its_changes(
    ui: type[UI], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_convnet.ui.explorer.title_bar import TitleBar

    app = create_app()
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.pause()
        explorer = app.screen
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, ConvnetPalette)
        first = ui.screen_lines(app)
        tints: list[Style | None] = []

        def counted(style: Style | None, color: Color) -> Style:
            tints.append(style)
            return tinted(style, color)

        monkeypatch.setattr(command_palette, "tinted", counted)
        app.screen.refresh()  # the palette repaints (as when its list changes): the screen below is not dimmed again
        assert ui.screen_lines(app) == first and tints == []
        explorer.query_one(TitleBar).title = "A title changed under the palette"
        await pilot.pause()
        await pilot.pause()
        assert "A title changed under the palette" in ui.screen_lines(app)[0] and tints  # dimmed again


async def test_each_command_prompt_is_made_once_and_kept() -> None:
    # Each prompt carries its height at the palette's width once worked out: the same prompts at every opening.
    app = create_app()
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.pause()
        prompts = []
        for _ in range(2):
            await pilot.press("ctrl+p")
            await pilot.pause()
            prompts.append([option.prompt for option in app.screen.query_one(CommandList).options])
            await pilot.press("escape")
            await pilot.pause()
        assert len(prompts[0]) > 30 and all(a is b for a, b in zip(*prompts, strict=True))
