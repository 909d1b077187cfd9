"""Training events → the training screen's progress, without an app (ui/training/run_state.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tui_convnet.training.events import (
    BatchEnd,
    EpochBegin,
    EpochEnd,
    EvaluationBegin,
    TrainBegin,
    TrainConfig,
    TrainEnd,
)
from tui_convnet.ui.training.form import TrainSettings
from tui_convnet.ui.training.progress import ProgressState
from tui_convnet.ui.training.run_state import RunTracker


def settings(epochs: int = 2, **config: Any) -> TrainSettings:
    return TrainSettings(TrainConfig(epochs=epochs, **config), dropout=False, train_limit=1000, test_limit=None)


def test_a_run_starts_blank_and_names_its_settings() -> None:
    runs = RunTracker()
    runs.run = 2
    runs.loss_series[0].points.append((0.5, 1.0))
    line = runs.reset(settings(epochs=3, optimizer="adam", batch_size=32))
    assert not any(series.points for series in (*runs.loss_series, *runs.acc_series))
    assert runs.epochs == 3
    seed = TrainConfig().seed
    assert line.plain == f"Run 2: 3 epochs, batch 32, adam lr 0.001, dropout off, val 0, seed {seed}, 1,000 digits"


def test_events_become_progress_changes_log_lines_and_curve_points() -> None:
    runs = RunTracker()
    runs.reset(settings(epochs=2))
    begin = runs.apply([TrainBegin(900, 100, 500, 2, 100, 9, "sample"), EpochBegin(1, 2)], ProgressState())
    assert begin.changes["steps"] == 9 and begin.changes["epochs"] == 2
    assert begin.changes["status"].startswith("Training on 900 digits, 100 for validation; 9 batches of 100")
    assert begin.changes["epoch_eta"] is None and not begin.plots_changed  # no rate yet

    batch = runs.apply([BatchEnd(1, 3, 9, 300, 0.9, 0.7, 600.0, 0.8, 0.75)], ProgressState())
    assert batch.changes["batch"] == 3 and batch.changes["loss"] == 0.9
    assert batch.changes["epoch_eta"] == pytest.approx(600 / 600.0)  # 600 digits left in the epoch
    assert batch.changes["total_eta"] == pytest.approx((600 + 900) / 600.0)  # and one more epoch
    assert batch.plots_changed and not batch.epoch_ended
    [(x, loss)] = runs.loss_series[0].points  # the batch's own loss, at its x
    assert x == pytest.approx(1 / 3) and loss == 0.8

    end = runs.apply([EpochEnd(1, 2, 0.5, 0.8, 0.4, 0.85, 1.5, 600.0)], ProgressState())
    assert end.changes == {"epochs_done": 1} and end.epoch_ended
    assert [line.plain for line in end.log_lines] == [
        "Epoch 1/2  1.5s   600/s loss 0.5000 acc 80.0 % val loss 0.4000 acc 85.0 %"
    ]
    assert runs.loss_series[1].points == [(1.0, 0.4)] and runs.acc_series[1].points == [(1.0, 0.85)]

    later = runs.apply([EpochBegin(2, 2)], ProgressState(samples_per_second=450.0))
    assert later.changes["epoch_eta"] == pytest.approx(900 / 450.0)  # the rate shown so far

    evaluating = runs.apply([EvaluationBegin(500)], ProgressState())
    assert evaluating.changes == {"status": "Evaluating on 500 test digits…"}
    done = runs.apply([TrainEnd("completed", 2, 18, 3.0, 600.0, None, "Training completed.")], ProgressState())
    assert done.changes == {"status": "Training completed."} and done.epoch_ended


def test_cancelling_says_so_unless_an_event_says_more() -> None:
    runs = RunTracker()
    quiet = runs.apply([BatchEnd(1, 1, 9, 100, 0.9, 0.7, 600.0, 0.9, 0.7)], ProgressState(), cancelling=True)
    assert quiet.changes["status"] == "Cancelling at the end of this batch…"
    ended = runs.apply([TrainEnd("cancelled", 0, 1, 1.0, 600.0, None, "Cancelled.")], ProgressState(), cancelling=True)
    assert ended.changes["status"] == "Cancelled."


def test_a_run_is_named_by_how_it_ended() -> None:
    runs = RunTracker()
    runs.run = 3
    assert runs.label("completed", None) == "run 3"
    assert runs.label("cancelled", (2, 107)) == "run 3, cancelled at epoch 2, batch 107"
    assert runs.label("cancelled", None) == "run 3, cancelled"


def test_the_log_says_how_a_run_ended() -> None:
    from types import SimpleNamespace

    runs = RunTracker()
    runs.run = 2
    evaluation = SimpleNamespace(accuracy=0.9712, loss=0.0931, samples=500)  # the numbers the line quotes
    done = runs.finished_line("completed", "Training completed.", evaluation)  # type: ignore[arg-type]  # a stand-in
    assert done.plain.startswith("Run 2 done: test accuracy 97.1") and "(500 test digits)" in done.plain
    assert runs.finished_line("nan", "The loss became NaN at epoch 1.", None).plain == "The loss became NaN at epoch 1."
    cancelled = runs.finished_line("cancelled", "Cancelled at epoch 1, batch 3.", None)
    assert cancelled.plain == "Run 2: Cancelled at epoch 1, batch 3." and str(cancelled.style) == "yellow"
