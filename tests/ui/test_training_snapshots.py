"""Snapshots of the training screen: before training, during a run (frozen values), and the results.

Nothing here trains: the run is a fixed sequence of the trainer's events, and the results are the
bundled model's (numpy weights) on the first 500 test digits, so every number is the same on every
machine.  TensorFlow still loads in the background (the screen waits for it before Start works).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TabbedContent

from tui_convnet.ui.app import create_app
from tui_convnet.ui.training.messages import TensorFlowReady, TrainingEvents, TrainingFinished
from tui_convnet.ui.training.screen import TrainingScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI, SnapLooks
    from tui_convnet.training.evaluate import Evaluation
    from tui_convnet.training.events import TrainEvent
    from tui_convnet.training.protocol import ModelRef

pytestmark = pytest.mark.keras  # waits for TensorFlow to load


async def ready_screen(pilot: Pilot[int]) -> TrainingScreen:
    deadline = time.monotonic() + 300
    while not (isinstance(pilot.app.screen, TrainingScreen) and pilot.app.screen.tf_ready):
        assert time.monotonic() < deadline, "TensorFlow did not load in time"
        await pilot.pause(0.1)
    # The worker's start-up time and device as on the benchmark machine: the same line on every machine.
    screen = pilot.app.screen
    assert isinstance(screen, TrainingScreen)
    screen.post_message(TensorFlowReady(6.2, "CPU, 2 threads"))
    await pilot.pause()
    return screen


def run_events() -> tuple[TrainEvent, ...]:
    """Epoch 1 of 5 done, epoch 2 half way: the events the trainer sends, with fixed numbers."""
    from tui_convnet.training.events import BatchEnd, EpochBegin, EpochEnd, TrainBegin

    steps = 71
    events: list[TrainEvent] = [TrainBegin(4500, 500, 10000, 5, 64, 71, "bundled MNIST sample")]
    for epoch, last in ((1, steps), (2, 36)):
        events.append(EpochBegin(epoch, 5))
        for batch in range(1, last + 1):
            x = epoch - 1 + batch / steps
            loss = 2.3 * np.exp(-2.2 * x) + 0.12 + 0.05 * np.sin(7 * batch)  # noisy, falling, continuous
            acc = 1.0 - loss / 2.5
            events.append(BatchEnd(epoch, batch, steps, min(batch * 64, 4500), loss, acc, 2400.0, loss, acc))
        if last == steps:
            events.append(EpochEnd(epoch, 5, 0.712, 0.781, 0.301, 0.912, 1.9, 2400.0))
    return tuple(events)


async def test_training_screen_before_start(
    snap_looks: SnapLooks, ui: type[UI], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # no cached full MNIST: the bundled sample, always

    async def run_before(pilot: Pilot[int]) -> None:
        await ready_screen(pilot)

    await snap_looks(lambda: create_app(screen="train"), ui.EVERY_LOOK, run_before=run_before)


async def test_training_screen_during_a_run(
    snap_looks: SnapLooks, ui: type[UI], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    async def run_before(pilot: Pilot[int]) -> None:
        screen = await ready_screen(pilot)
        screen.query_one("#validation-split", Input).value = "0.1"  # as the events say: 500 of the 5,000 digits
        await pilot.pause()
        settings = screen.read_settings()
        assert settings is not None
        screen.runs.run = 1
        screen._reset_progress(settings)
        screen.phase = "training"
        screen.query_one("#training-tabs", TabbedContent).active = "tab-progress"
        if screen.has_class("-narrow"):
            screen.show_side = False  # as Start does on a narrow terminal
        screen.post_message(TrainingEvents(run_events()))
        await pilot.pause()
        await pilot.pause()

    # run_per_size: on a narrow terminal, Start hid the panel
    await snap_looks(lambda: create_app(screen="train"), ui.EVERY_LOOK, run_before=run_before, run_per_size=True)


@pytest.fixture(scope="module")
def bundled_results() -> tuple[ModelRef, Evaluation]:
    """The bundled model (numpy weights) and its evaluation on the first 500 sample test digits: computed
    once for the four results snapshots."""
    from tui_convnet.data.mnist import load_mnist
    from tui_convnet.model.bundled import load_bundled_model
    from tui_convnet.training.inspector import ModelInspector
    from tui_convnet.training.protocol import ModelRef

    bundled = load_bundled_model()
    model = ModelRef(bundled.spec, bundled.weights, "mnist_convnet")
    data = load_mnist("sample").limited(None, 500)
    return model, ModelInspector(model).evaluate(data.x_test, data.y_test)


async def test_training_screen_results(
    snap_looks: SnapLooks,
    ui: type[UI],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    bundled_results: tuple[ModelRef, Evaluation],
) -> None:
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    from tui_convnet.training.protocol import TrainDone

    model, evaluation = bundled_results

    async def run_before(pilot: Pilot[int]) -> None:
        screen = await ready_screen(pilot)
        assert screen.data is not None
        data = screen.data.limited(None, 500)
        assert np.array_equal(evaluation.labels, data.y_test)  # the screen's digits are the ones evaluated
        screen.runs.run = 1
        screen.phase = "training"
        result = TrainDone(model=model, reason="completed", evaluation=evaluation, message="Training completed.")
        screen.post_message(TrainingFinished(result, data))
        await pilot.pause()
        await pilot.pause()

    await snap_looks(lambda: create_app(screen="train"), ui.EVERY_LOOK, run_before=run_before)
