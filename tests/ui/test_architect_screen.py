"""The architecture screen: real keys change the model and the screen shows the summary, or why it is refused."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from textual.widgets import Input

from tui_convnet.architect.spec_file import read_spec_file, write_spec_file
from tui_convnet.core import Conv2DSpec, DenseSpec, FlattenSpec, ModelSpec
from tui_convnet.ui.app import create_app

if TYPE_CHECKING:
    from tests.ui.conftest import UI

SIZE = (130, 42)


async def test_keys_change_the_model_and_the_summary_follows(ui: type[UI]) -> None:
    app = create_app(screen="architect")
    async with app.run_test(size=SIZE) as pilot:
        text = ui.screen_text(app)
        assert "Your architecture · 8 layers · 93,322 parameters" in text
        assert "▸  1 Conv2D 32 3x3 s1 valid relu" in text
        assert "filters      ‹ 32 ›" in text and "(None, 26, 26, 32)" in text
        await pilot.press("asterisk")  # 32 -> 64 filters
        text = ui.screen_text(app)
        assert "‹ 64 ›" in text and "(None, 26, 26, 64)" in text and "64·(3·3·1) + 64" in text
        await pilot.press("right", "plus", "plus")  # kernel 3 -> 5
        assert "(None, 24, 24, 64)" in ui.screen_text(app)
        await pilot.press("down", "g")  # an AveragePooling2D after the max pooling
        text = ui.screen_text(app)
        assert "3 AveragePooling2D 2x2 s2 valid" in text and "average_pooling2d" in text


async def test_an_impossible_model_is_refused_with_the_layer_and_the_reason(ui: type[UI]) -> None:
    app = create_app(screen="architect")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", "right", *["plus"] * 6)  # conv2d_1's kernel 3 -> 9: 13x13 -> 5x5 -> 2x2
        text = ui.screen_text(app)
        assert "Your architecture · 8 layers · refused" in text
        assert "✗ Refused at layer 5: Layer conv2d_2 (Conv2D): The kernel (3x3 after dilation) is" in text
        assert " ✗ 5 Conv2D 64 3x3 s1 valid relu" in text
        await pilot.press("minus")  # 8x8: 13x13 -> 6x6 -> 3x3, and a 3x3 kernel fits again
        text = ui.screen_text(app)
        assert "Refused" not in text and "(None, 1, 1, 64)" in text


async def test_dense_before_flatten_is_refused_and_an_edit_the_layer_refuses_is_explained(ui: type[UI]) -> None:
    app = create_app(screen="architect")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["down"] * 5, "x")  # remove the Flatten
        text = ui.screen_text(app)
        assert "Refused at layer 6" in text and "add a Flatten layer first" in text.replace("\n", " ")
        await pilot.press("r", "slash", *["minus"] * 40)
        assert "`filters` must be a positive integer" in ui.screen_text(app)


async def test_save_and_load_a_model_as_toml(tmp_path: Path, ui: type[UI]) -> None:
    small = ModelSpec((28, 28, 1), (Conv2DSpec(2, (3, 3)), FlattenSpec(), DenseSpec(10, activation="softmax")), "tiny")
    source = write_spec_file(tmp_path / "tiny.toml", small)
    target = tmp_path / "mine.toml"
    app = create_app(screen="architect")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        path = app.screen.query_one("#arch-path", Input)
        path.value = str(source)
        await pilot.press("enter")
        text = ui.screen_text(app)
        assert "Your architecture · 3 layers · 13,550 parameters" in text and "Conv2D 2 3x3" in text
        await pilot.press("asterisk", "s")
        path.value = str(target)
        await pilot.press("enter")
        await pilot.pause()
    saved = read_spec_file(target)
    assert isinstance(saved.layers[0], Conv2DSpec) and saved.layers[0].filters == 4 and saved.name == "tiny"


async def test_at_80_columns_the_stack_and_the_summary_fit(ui: type[UI]) -> None:
    app = create_app(screen="architect")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        layers = ui.widget_text(app.screen.query_one("#arch-layers"))
        assert "1 Conv2D 32 3x3 s1 valid relu" in layers
        assert "93,322" in ui.screen_text(app)


@pytest.mark.keras  # the run starts TensorFlow (in the in-process worker)
async def test_capital_t_trains_this_model_on_the_training_screen_and_a_refused_one_stays(ui: type[UI]) -> None:
    from tui_convnet.ui._textual_internals import notifications
    from tui_convnet.ui.training.screen import TrainingScreen

    app = create_app(screen="architect")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["down"] * 5, "x", "T")  # no Flatten: refused, the screen stays
        await pilot.pause()
        assert "This model cannot be trained yet: layer" in notifications(app)[-1]
        assert type(app.screen).__name__ == "ArchitectScreen"
        await pilot.press("r", "asterisk", "T")  # the lecture's model with 64 filters in its first Conv2D
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TrainingScreen) and screen.chosen_spec is not None
        assert screen.chosen_spec.layers[0] == Conv2DSpec(64, (3, 3), activation="relu")
        await pilot.pause()
        text = ui.screen_text(app)
        assert "Your model from the architecture editor" in text and "(None, 26, 26, 64)" in text


def test_a_run_trains_the_chosen_model_else_the_lectures(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    from types import SimpleNamespace

    from tui_convnet.core import mnist_convnet
    from tui_convnet.training import worker_client
    from tui_convnet.training.events import TrainConfig
    from tui_convnet.ui.training import workers
    from tui_convnet.ui.training.form import TrainSettings

    trained: list[ModelSpec] = []

    class Client:
        def train(self, spec: ModelSpec, config: object, data: object, on_event: object) -> str:
            trained.append(spec)
            return "done"

    monkeypatch.setattr(worker_client, "shared_client", Client)
    monkeypatch.setattr(workers, "get_current_worker", lambda: SimpleNamespace(is_cancelled=False))
    mine = ModelSpec((28, 28, 1), (FlattenSpec(), DenseSpec(10, activation="softmax")), "mine")
    posted: list[object] = []
    for spec in (mine, None):
        settings = TrainSettings(TrainConfig(), False, None, None, spec)
        workers.train(posted.append, settings, None, threading.Event())  # type: ignore[arg-type]  # the fake needs no data
    assert trained == [mine, mnist_convnet(None)]
    assert [type(m).__name__ for m in posted] == ["TrainingFinished", "TrainingFinished"]
