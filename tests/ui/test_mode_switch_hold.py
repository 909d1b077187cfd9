"""A mode switch holds the screen's updates for a millisecond, not Textual's 50 ms, before its first frame."""

from __future__ import annotations

import pytest
from textual.app import App

from tui_convnet.ui.app import UPDATE_HOLD, create_app


async def test_a_screen_switch_holds_updates_a_millisecond_not_textuals_50_ms(monkeypatch: pytest.MonkeyPatch) -> None:
    holds: list[float] = []
    textuals = App.delay_update

    def recorded(app: App[object], delay: float = 0.05) -> None:
        holds.append(delay)
        textuals(app, delay)

    monkeypatch.setattr(App, "delay_update", recorded)
    app = create_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for key, mode in (("L", "lessons"), ("e", "explorer"), ("L", "lessons")):
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode
    assert holds == [UPDATE_HOLD] * 3
    assert UPDATE_HOLD <= 0.001
