"""From the inspect screen (h): the hierarchy lesson on the inspect screen's digit and model (no TensorFlow)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from textual.app import App
from textual.pilot import Pilot

from tests.inspect.fixed_model import fixed_numpy_model
from tests.ui.screens import current
from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.messages import ModelReady
from tui_convnet.ui.common.session_model import session_model
from tui_convnet.ui.inspect.screen import InspectScreen
from tui_convnet.ui.lessons.screen import LessonsScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI


@pytest.fixture(scope="module")
def ready() -> ModelReady:
    from tui_convnet.data.mnist import load_mnist

    # a session model with fixed seeded weights (spec + numpy weights: no TensorFlow, no training)
    return ModelReady(session_model(fixed_numpy_model(seed=0), "run 1"), load_mnist("sample").limited(None, 50))


async def settle(pilot: Pilot[int]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def title(ui: type[UI], app: App[Any]) -> str:
    return ui.widget_text(app.screen.query_one("#lesson-title"))


async def test_h_opens_the_hierarchy_lesson_on_this_digit_and_model(ui: type[UI], ready: ModelReady) -> None:
    app = create_app()
    async with app.run_test(size=(130, 42)) as pilot:
        app.post_message(ready)
        await pilot.pause()
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("right", "right")  # test digit #2, a 1
        await settle(pilot)
        inspect = current(app, InspectScreen)
        assert ready.data is not None
        assert inspect.index == 2 and int(ready.data.y_test[2]) == 1
        await pilot.press("h")
        await pilot.pause()
        assert type(app.screen).__name__ == "LessonsScreen"
        heading = title(ui, app)
        assert "Lesson 17 · A hierarchy of features" in heading
        assert "test digit #2 (a 1) from the inspect screen" in heading
        assert "Model: run 1, trained in this session" in heading
        lessons = current(app, LessonsScreen)
        lesson = lessons.lesson("hierarchy", lessons.position.digit)
        assert lesson.model.weights[0].tobytes() == ready.model.weights[0].tobytes()  # the inspect screen's model
        assert (lesson.digit.image * 255).round().astype("uint8").tolist() == ready.data.x_test[2].tolist()
        await pilot.press("right_square_bracket")  # ] goes on to the bundled digits
        assert "test digit 0 (a 7)" in title(ui, app)
