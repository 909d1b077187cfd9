"""The lecturer's tools on the explorer: the Keras code beside model.summary(), the slide's layer names,
quiz mode (x: predict the step, checked, scored) and the handout key (p)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from textual.app import App

from tests.ui.screens import current
from tui_convnet.ui._textual_internals import notifications
from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.keras_code import KerasCode
from tui_convnet.ui.common.quiz import QuizModal
from tui_convnet.ui.explorer.screen import ExplorerScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI

SIZE = (130, 42)


def marked(app: App[Any]) -> list[str]:
    return [line for line in app.screen.query_one("#keras-code", KerasCode).plain.splitlines() if line.startswith("▶")]


async def test_the_model_example_shows_its_keras_code_with_the_layer_on_screen_marked(ui: type[UI]) -> None:
    app = create_app(example="09")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert marked(app) == ["▶ model.add(layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)))"]
        for _ in range(6):
            await pilot.press("right")
        await pilot.pause()
        assert marked(app) == ["▶ model.add(layers.Dense(64, activation='relu'))"]
        screen = ui.screen_text(app)
        assert "▶ model.add(layers.Dense(64, activation='relu'))" in screen  # scrolled into view
        assert "│ dense           │ dense_1         │ (None, 64)" in screen  # the slide's name beside Keras 3's


async def test_at_80_columns_the_slides_names_are_a_line_under_the_summary(ui: type[UI]) -> None:
    app = create_app(example="09")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one("#model-view").scroll_to(y=22, animate=False, immediate=True)
        await pilot.pause()
        text = ui.screen_text(app)
        assert "On the slide (Keras 2): conv2d_1, max_pooling2d_1" in " ".join(text.split())


async def test_quiz_mode_asks_before_the_step_checks_scores_and_shows_the_arithmetic(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x", "right")
        await pilot.pause()
        assert isinstance(app.screen, QuizModal)
        assert "What is o[0,1,0]" in ui.screen_text(app)
        assert "step 1/18" in str(app.screen_stack[-2].query_one("#titlebar").render())  # not shown yet
        await pilot.press("t", "w", "o", "enter")
        await pilot.pause()
        assert isinstance(app.screen, QuizModal) and "Type a number. Received: 'two'" in ui.screen_text(app)
        await pilot.press("backspace", "backspace", "backspace", "0", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, QuizModal)
        assert "Not quite: -1, not 0. Session: 0 of 1 right (0 %)." in notifications(app)
        assert "o[0,1,0] = (-2) + 0 + 0 + b0 1 = -1" in app.screen.query_one("#arith").plain  # the arithmetic
        await pilot.press("right")
        await pilot.pause()
        await pilot.press("1", "enter")  # o[0,2,0] = 1
        await pilot.pause()
        assert "Right: 1. Session: 1 of 2 right (50 %)." in notifications(app)
        assert "step 3/18" in ui.screen_text(app)
        await pilot.press("x")  # off: the arrows step at once again
        await pilot.pause()
        assert "Quiz mode off. This session: 1 of 2 right (50 %)." in notifications(app)
        await pilot.press("right")
        await pilot.pause()
        assert not isinstance(app.screen, QuizModal) and "step 4/18" in ui.screen_text(app)


async def test_escape_shows_the_step_without_scoring(ui: type[UI]) -> None:
    app = create_app(example="09")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x", "right")
        await pilot.pause()
        assert "How large is the first axis of its output?" in ui.screen_text(app)  # max_pooling2d: no weights
        await pilot.press("escape")
        await pilot.pause()
        assert "step 2/8" in ui.screen_text(app) and current(app, ExplorerScreen).quiz.score.asked == 0


async def test_the_handout_key_writes_the_examples_page(
    ui: type[UI], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        path = tmp_path / "handout-01_cs231n.html"
        assert path.read_text().startswith("<!DOCTYPE html>") and "Step 18 of 18" in path.read_text()
        assert f"Handout of the example as written: {path}" in notifications(app)
