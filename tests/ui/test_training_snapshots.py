"""Snapshot of the training screen before training: data source, settings and the model summary."""

from __future__ import annotations

import time

from tui_convnet.ui.app import create_app
from tui_convnet.ui.screens.training import TrainingScreen

SIZE = (130, 42)


def test_training_screen_before_start(snap_compare, monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # no cached full MNIST: the bundled sample, always

    async def ready(pilot) -> None:
        await pilot.press("t")
        deadline = time.monotonic() + 120
        while not (isinstance(pilot.app.screen, TrainingScreen) and pilot.app.screen.tf_ready):
            assert time.monotonic() < deadline, "TensorFlow did not load in time"
            await pilot.pause(0.1)
        await pilot.pause()

    assert snap_compare(create_app(), run_before=ready, terminal_size=SIZE)
