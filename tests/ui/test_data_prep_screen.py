"""The data preparation entry of the contents: a real digit through the slide's three lines, at 80x24."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from textual.pilot import Pilot

from tui_convnet.data.mnist import load_sample
from tui_convnet.ui.app import create_app
from tui_convnet.ui.contents.data_prep import DataPrepScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI


async def ready(pilot: Pilot[int]) -> DataPrepScreen:
    for _ in range(200):
        screen = pilot.app.screen
        if isinstance(screen, DataPrepScreen) and screen.prepared is not None:
            break
        await pilot.pause(0.05)
    await pilot.pause()
    assert isinstance(pilot.app.screen, DataPrepScreen)
    return pilot.app.screen


async def test_from_the_contents_list_step_by_step_at_80x24(
    ui: type[UI], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # no Keras cache: the bundled sample, as on a fresh machine
    sample = load_sample()
    label = int(sample.y_train[0])
    app = create_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # The last lesson: the contents list ends with three entries beyond the lecture.
        await pilot.press("o", "end", "up", "up", "up", "enter")
        screen = await ready(pilot)
        text = ui.screen_text(app)
        assert "Lesson 21 · Preparing the data, step by step   step 1/4" in text
        assert "bundled MNIST sample, 5,000 training digits · digit 0, a " + str(label) in text
        assert "▶ 1  train_images = train_images.reshape((5000, 28, 28, 1))" in text
        assert "before  shape (5000, 28, 28), uint8, values 0–255" in text
        assert "after   shape (5000, 28, 28, 1), uint8, values 0–255" in text
        await pilot.press("right")  # the scaling, scrolled into view
        await pilot.pause()
        text = ui.screen_text(app)
        assert "▶ 2  train_images = train_images.astype('float32') / 255" in text
        assert "after   shape (5000, 28, 28, 1), float32, values 0.0–1.0" in text
        r, c = np.unravel_index(np.argmax(sample.x_train[0]), (28, 28))
        raw = int(sample.x_train[0, r, c])
        assert f"pixel [{r},{c}]: {raw} → {raw} / 255 = {raw / 255:.4f}" in text
        await pilot.press("right")
        await pilot.pause()
        text = ui.screen_text(app)
        vector = ["0"] * 10
        vector[label] = "1"
        assert "▶ 3  train_labels = to_categorical(train_labels)" in text
        assert "after   shape (5000, 10), float64, values 0.0–1.0" in text
        assert f"label {label} → [{', '.join(vector)}]" in text
        await pilot.press("right", "right")  # the batches, and no step after them
        await pilot.pause()
        text = ui.screen_text(app)
        assert "step 4/4" in text
        assert "this set: 79 batches an epoch, the last holds 8" in text
        assert "images (64, 28, 28, 1), labels (64, 10)" in text
        assert "full MNIST (60,000, the slide's): 938 batches an epoch" in text
        await pilot.press("home")  # the body scrolls with the keyboard: back to the digit and its label
        await pilot.pause()
        assert f"train_labels[0] = {label}" in ui.screen_text(app)
        assert "▶ 4" not in ui.screen_text(app)
        await pilot.press("right_square_bracket")  # another digit
        for _ in range(100):
            if screen.prepared is not None and screen.prepared.index == 1:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        assert "▶ 4" in ui.screen_text(app)  # the step stays in view
        await pilot.press("home")
        await pilot.pause()
        assert f"digit 1, a {int(sample.y_train[1])}" in ui.screen_text(app)
        await pilot.press("escape")
        assert type(app.screen).__name__ == "ExplorerScreen"


async def test_from_the_command_palette(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    app = create_app()
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.press("ctrl+p", *"preparing the d")
        await pilot.pause(0.3)
        await pilot.press("enter")
        screen = await ready(pilot)
        assert screen.prepared is not None and screen.prepared.source.startswith("bundled MNIST sample")


async def test_unreadable_data_is_one_line_and_the_screen_stays_up(
    ui: type[UI], monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui_convnet.data.mnist as data_module
    from tui_convnet.data.mnist import DataError

    def broken(*args: object, **kwargs: object) -> None:
        raise DataError("The Keras cache file is not a zip archive. Received: path='/x/[b]mnist.npz'")

    monkeypatch.setattr(data_module, "load_mnist", broken)
    app = create_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(DataPrepScreen())
        for _ in range(100):
            await pilot.pause(0.05)
            if "Cannot load MNIST" in ui.screen_text(app):
                break
        text = " ".join(ui.screen_text(app).split())
        assert "Cannot load MNIST: The Keras cache file is not a zip archive. Received: path='/x/[b]mnist.npz'" in text
        await pilot.press("right", "right_square_bracket", "escape")  # the keys do nothing harmful; Esc goes back
        await pilot.pause()
        assert type(app.screen).__name__ == "ExplorerScreen"
