"""The contents (o): every example and lesson in one numbered list, opened with Enter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import OptionList

from tests.inspect.fixed_model import fixed_numpy_model
from tests.ui.screens import current
from tui_convnet.core.lessons import network_gradients
from tui_convnet.data.mnist import bundled_digit
from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.messages import ModelReady
from tui_convnet.ui.common.session_model import session_model
from tui_convnet.ui.contents.screen import ContentsScreen
from tui_convnet.ui.lessons.backprop import LearnKernelScreen, NetworkGradientScreen
from tui_convnet.ui.lessons.screen import LessonsScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI

SIZE = (130, 42)


async def open_contents(pilot: Pilot[int]) -> ContentsScreen:
    await pilot.pause()
    await pilot.press("o")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ContentsScreen)
    return screen


async def choose(pilot: Pilot[int], number: int) -> None:
    """Open the contents and press ↓ from entry 01 (Home) to ``number``, then Enter."""
    await open_contents(pilot)
    await pilot.press("home", *["down"] * (number - 1), "enter")
    await pilot.pause()


def titlebar(ui: type[UI], app: App[Any]) -> str:
    return ui.widget_text(app.screen.query_one("#titlebar"))


async def test_the_list_shows_every_entry_numbered_with_its_slide_and_starts_on_the_current_one(ui: type[UI]) -> None:
    app = create_app("04")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_contents(pilot)
        options = screen.query_one("#contents", OptionList)
        assert options.option_count == 24 and options.highlighted == 3  # 04, where the explorer is
        text = ui.screen_text(app)
        assert "04  Example · 2-D convolution without kernel flipping" in text
        assert "Lecture slide 'Convolution' (Goodfellow et al. 2016, figure 9.1)" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, ContentsScreen)
        assert "o Open…" in (await ui.footer_line(pilot))  # the explorer's footer shows the key


async def test_enter_opens_an_example_in_the_explorer(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, 11)
        assert type(app.screen).__name__ == "ExplorerScreen"
        assert "transposed edge kernel" in titlebar(ui, app) and "example 11/12" in titlebar(ui, app)
        await choose(pilot, 12)
        assert "The gradient of a kernel" in titlebar(ui, app)


async def test_enter_opens_a_lesson_screen_and_a_backprop_screen(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, 15)
        assert type(app.screen).__name__ == "LessonsScreen"
        heading = ui.widget_text(app.screen.query_one("#lesson-title"))
        assert "Lesson 15 · The receptive field grows with depth" in heading
        await open_contents(pilot)  # from the lessons screen too, on the lesson shown
        assert app.screen.query_one("#contents", OptionList).highlighted == 14
        await pilot.press("down", "down", "down", "down", "enter")  # 19
        await pilot.pause()
        assert isinstance(app.screen, LearnKernelScreen)
        assert "Lesson 19 · Learn a kernel" in ui.widget_text(app.screen.query_one("#title"))
        await pilot.press("escape")  # back to the lessons screen it was opened from
        assert type(app.screen).__name__ == "LessonsScreen"


# --------------------------------------------------------------------------- lesson 20 on the session's model


def status(ui: type[UI], app: App[Any]) -> str:
    return ui.widget_text(app.screen.query_one("#net-status"))


async def test_backprop_through_the_network_uses_the_sessions_model_and_says_which(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await ui.open_screen(pilot, NetworkGradientScreen(), lambda s: s.result is not None)
        assert "model: bundled" in status(ui, app)
        result = current(app, NetworkGradientScreen).result
        assert result is not None
        bundled_loss = result.loss
        # a model "trained" in the session: the lecture's model with fixed seeded weights, no training
        app.post_message(ModelReady(session_model(fixed_numpy_model(seed=0), "run 1"), None))
        for _ in range(50):
            await pilot.pause(0.05)
            if "model of run 1, trained in this session" in status(ui, app):
                break
        assert "model: model of run 1, trained in this session" in status(ui, app)
        model = fixed_numpy_model(seed=0)
        image, label = bundled_digit(0)
        expected = network_gradients(model.spec, list(model.weights), (image / 255.0)[:, :, None], label)
        result = current(app, NetworkGradientScreen).result
        assert result is not None and result.loss == pytest.approx(expected.loss) != pytest.approx(bundled_loss)


async def test_the_lessons_switch_to_a_model_trained_while_they_are_open(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, 16)  # parameter sharing: the prediction comes from the model
        heading = ui.widget_text(app.screen.query_one("#lesson-title"))
        assert "Lesson 16" in heading and "Model: bundled model" in heading
        model = fixed_numpy_model(seed=0)
        app.post_message(ModelReady(session_model(model, "run 1"), None))
        await pilot.pause()
        await pilot.pause()
        heading = ui.widget_text(app.screen.query_one("#lesson-title"))
        assert "Lesson 16" in heading and "Model: run 1, trained in this session" in heading
        lessons = current(app, LessonsScreen)
        lesson = lessons.lesson("sharing", lessons.position.digit)
        assert lesson.model.weights[0].tobytes() == model.weights[0].tobytes()
