"""A real (small) Keras training run: the event stream, cancel, NaN, save/load."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from tui_convnet.core import mnist_convnet
from tui_convnet.data.mnist import load_mnist
from tui_convnet.training.events import (
    BatchEnd,
    EpochBegin,
    EpochEnd,
    EvaluationBegin,
    TrainBegin,
    TrainConfig,
    TrainEnd,
    TrainEvent,
)

if TYPE_CHECKING:
    from tui_convnet.data.mnist import MnistData
    from tui_convnet.training.trainer import TrainResult

pytestmark = [pytest.mark.keras, pytest.mark.training]


@pytest.fixture(scope="module")
def trainer() -> ModuleType:
    """The trainer module, imported by the first test that needs it (it imports TensorFlow): collecting
    this file imports nothing of TensorFlow, so a test worker that runs no Keras test never loads it."""
    trainer: ModuleType = pytest.importorskip("tui_convnet.training.trainer")
    return trainer


@pytest.fixture(scope="module")
def small_data() -> MnistData:
    return load_mnist("sample").limited(600, 1000)


@pytest.fixture(scope="module")
def run(small_data: MnistData, trainer: ModuleType) -> tuple[TrainResult, list[TrainEvent]]:
    events: list[TrainEvent] = []
    result = trainer.train(
        mnist_convnet(),
        small_data,
        TrainConfig(epochs=1, batch_size=64, validation_split=0.1, seed=0),
        events.append,
    )
    return result, events


def test_event_stream_matches_the_data_and_batch_size(run: tuple[TrainResult, list[TrainEvent]]) -> None:
    result, events = run
    kinds = [type(e) for e in events]
    assert kinds[0] is TrainBegin and kinds[1] is EpochBegin
    assert kinds[-3:] == [EpochEnd, EvaluationBegin, TrainEnd]
    begin = events[0]
    assert isinstance(begin, TrainBegin)
    # 600 digits, 10% validation: 540 train / 60 validation, ceil(540 / 64) = 9 batches.
    assert (begin.train_samples, begin.val_samples, begin.test_samples) == (540, 60, 1000)
    assert begin.steps_per_epoch == 9 and begin.epochs == 1 and begin.batch_size == 64
    assert "600 training" in begin.dataset
    counts = Counter(k.__name__ for k in kinds)
    assert counts == {
        "TrainBegin": 1,
        "EpochBegin": 1,
        "BatchEnd": 9,
        "EpochEnd": 1,
        "EvaluationBegin": 1,
        "TrainEnd": 1,
    }
    batches = [e for e in events if isinstance(e, BatchEnd)]
    assert [b.batch for b in batches] == list(range(1, 10))
    assert [b.samples for b in batches] == [64 * i for i in range(1, 9)] + [540]
    assert all(b.epoch == 1 and b.steps == 9 and np.isfinite(b.loss) and b.samples_per_second > 0 for b in batches)
    epoch = next(e for e in events if isinstance(e, EpochEnd))
    assert epoch.val_loss is not None and epoch.val_accuracy is not None and 0 <= epoch.val_accuracy <= 1
    assert epoch.loss == pytest.approx(batches[-1].loss, rel=1e-4)
    end = events[-1]
    assert isinstance(end, TrainEnd)
    assert end.reason == "completed" and end.epochs_completed == 1 and end.batches == 9
    assert result.reason == "completed" and result.history == [epoch]


def test_test_accuracy_beats_chance_and_evaluation_is_consistent(run: tuple[TrainResult, list[TrainEvent]]) -> None:
    result, events = run
    end = events[-1]
    assert isinstance(end, TrainEnd)
    ev = end.evaluation
    assert ev is result.evaluation and ev is not None
    assert ev.accuracy > 0.2, ev.accuracy  # chance is 0.1; seed 0 gives ~0.45 here
    assert ev.samples == 1000 and ev.confusion.sum() == 1000
    assert ev.accuracy == pytest.approx(np.trace(ev.confusion) / 1000)
    wrong = ev.predicted[ev.order] != ev.labels[ev.order]
    assert wrong[: ev.misclassified].all() and not wrong[ev.misclassified :].any()


def test_saved_then_loaded_model_gives_the_same_predictions(
    run: tuple[TrainResult, list[TrainEvent]], small_data: MnistData, tmp_path: Path
) -> None:
    from tui_convnet.data.mnist import to_model_inputs
    from tui_convnet.training.model import load_model_safe, save_model_atomic

    model = run[0].model
    path = save_model_atomic(model, tmp_path / "mnist.keras")
    assert [p.name for p in tmp_path.iterdir()] == ["mnist.keras"]  # no temporary file left
    loaded = load_model_safe(path)
    x = to_model_inputs(small_data.x_test[:200])
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_cancel_stops_at_the_end_of_the_current_batch(small_data: MnistData, trainer: ModuleType) -> None:
    cancel = threading.Event()
    events: list[TrainEvent] = []

    def on_event(event: TrainEvent) -> None:
        events.append(event)
        if isinstance(event, BatchEnd) and event.batch == 2:
            cancel.set()

    result = trainer.train(mnist_convnet(), small_data, TrainConfig(epochs=3, validation_split=0.1), on_event, cancel)
    assert result.reason == "cancelled"
    assert sum(isinstance(e, BatchEnd) for e in events) == 2
    assert not any(isinstance(e, (EpochEnd, EvaluationBegin)) for e in events)
    assert isinstance(events[-1], TrainEnd) and events[-1].evaluation is None
    assert "epoch 1, batch 2" in result.message


def test_nan_loss_stops_with_reason_nan(small_data: MnistData, trainer: ModuleType) -> None:
    events: list[TrainEvent] = []
    config = TrainConfig(epochs=2, optimizer="sgd", learning_rate=1e6)
    result = trainer.train(mnist_convnet(), small_data, config, events.append)
    assert result.reason == "nan" and result.evaluation is None
    batches = [e for e in events if isinstance(e, BatchEnd)]
    assert len(batches) < 10  # stopped in the first epoch (10 batches of 64 in 600)
    assert not np.isfinite(batches[-1].loss) and np.isfinite(batches[0].loss)
    assert isinstance(events[-1], TrainEnd) and events[-1].reason == "nan" and "learning rate" in result.message


def test_same_seed_same_run(small_data: MnistData, trainer: ModuleType) -> None:
    data = small_data.limited(256, 10)
    runs = []
    for _ in range(2):
        events: list[TrainEvent] = []
        trainer.train(mnist_convnet(), data, TrainConfig(epochs=1, batch_size=64, evaluate=False), events.append)
        runs.append([e.loss for e in events if isinstance(e, BatchEnd)])
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-5)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"epochs": 0}, "Received: epochs=0"),
        ({"batch_size": 2.5}, "Received: batch_size=2.5"),
        ({"optimizer": "adagrad"}, "Received: optimizer='adagrad'"),
        ({"learning_rate": -1.0}, "Received: learning_rate=-1.0"),
        ({"learning_rate": float("nan")}, "Received: learning_rate=nan"),
        ({"validation_split": 1.0}, "Received: validation_split=1.0"),
        ({"seed": -3}, "Received: seed=-3"),
    ],
)
def test_bad_config_is_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        TrainConfig(**kwargs)


def test_a_split_that_leaves_nothing_is_refused(small_data: MnistData, trainer: ModuleType) -> None:
    with pytest.raises(ValueError, match="No training digits are left"):
        trainer.prepare_arrays(small_data.limited(1, 5), 0.5, 0)
    assert trainer.check_split(5, 0.01) == (4, 1)  # Keras rounds the training side down
