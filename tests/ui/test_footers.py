"""At 130 columns every screen's footer shows all its keys up to Help and Quit (issue 10: "? Hel▏" was cut)."""

from __future__ import annotations

from tui_convnet.ui.app import create_app


async def test_help_and_quit_fit_in_the_footer_at_130_columns(ui):
    app = create_app()
    async with app.run_test(size=(130, 42)) as pilot:
        for key in ("e", "t", "i", "d"):  # each screen, opened by its key
            await pilot.press(key)
            await pilot.pause()
            await pilot.pause()
            footer = await ui.footer_line(pilot)
            assert "? Help" in footer and "q Quit" in footer, (type(app.screen).__name__, footer)
