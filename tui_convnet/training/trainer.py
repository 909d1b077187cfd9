"""Train the lecture's ConvNet with Keras and report every step as plain events.

No Textual here: :func:`train` takes a callback ``on_event`` (called in the
training thread with the dataclasses of :mod:`.events`) and a
``threading.Event`` that stops training at the end of the current batch.
The CLI prints the events; the training screen posts them as messages.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core import ModelSpec
from ..data.mnist import MnistData, targets, to_model_inputs
from .curves import batch_value
from .evaluate import Evaluation, evaluate_model
from .events import (  # TrainConfig and check_split are re-exported for the CLI and the tests
    BatchEnd,
    EpochBegin,
    EpochEnd,
    EvaluationBegin,
    EventHandler,
    TrainBegin,
    TrainConfig,
    TrainEnd,
    TrainEvent,
    check_split,
)
from .model import KerasModel, build_model, compile_model, keras


@dataclass
class TrainResult:
    model: KerasModel  # trained as far as it got
    reason: str  # "completed" | "cancelled" | "nan"
    history: list[EpochEnd] = field(default_factory=list)
    evaluation: Evaluation | None = None
    train_samples: int = 0
    val_samples: int = 0
    seconds: float = 0.0  # batches only (validation and evaluation excluded)
    samples_per_second: float = 0.0
    message: str = ""
    fit_seconds: float = 0.0  # wall time of the whole ``model.fit`` call
    stopped_at: tuple[int, int] | None = None  # (epoch, batch) where a cancel or a NaN stopped it


class EventForwarder(keras.callbacks.Callback):  # type: ignore[misc]  # Keras has no type information
    """Forwards Keras' callbacks to ``on_event`` as plain data; stops on cancel or NaN.

    Per batch it only reads two floats and builds one small dataclass, so
    it costs next to nothing; redraw throttling is the receiver's job.
    """

    def __init__(
        self,
        on_event: EventHandler,
        cancel: threading.Event,
        *,
        epochs: int,
        steps: int,
        batch_size: int,
        train_samples: int,
        validation: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        super().__init__()
        self.on_event = on_event
        self.cancel = cancel
        self.epochs = epochs
        self.steps = steps
        self.batch_size = batch_size
        self.train_samples = train_samples
        self.validation = validation
        self.reason = "completed"
        self.stopped_at: tuple[int, int] | None = None  # (epoch, batch) of a NaN or cancel
        self.history: list[EpochEnd] = []
        self.batches = 0
        self.train_seconds = 0.0  # batches only (validation excluded)
        self.samples_trained = 0
        self._epoch_start = 0.0
        self._last_batch_time = 0.0
        self._epoch_batches = 0
        self._previous: tuple[float, float, int] = (0.0, 0.0, 0)  # running loss, accuracy, samples

    # Keras numbers epochs and batches from 0; events from 1.
    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._epoch_batches = 0
        self._previous = (0.0, 0.0, 0)
        self._epoch_start = self._last_batch_time = time.perf_counter()
        self.on_event(EpochBegin(epoch + 1, self.epochs))

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        now = time.perf_counter()
        self._last_batch_time = now
        self._epoch_batches = batch + 1
        self.batches += 1
        logs = logs or {}
        loss = float(logs.get("loss", math.nan))
        accuracy = float(logs.get("accuracy", math.nan))
        samples = min((batch + 1) * self.batch_size, self.train_samples)
        elapsed = now - self._epoch_start
        previous_loss, previous_accuracy, previous_samples = self._previous
        if samples > previous_samples:
            batch_loss = batch_value(loss, samples, previous_loss, previous_samples)
            batch_accuracy = batch_value(accuracy, samples, previous_accuracy, previous_samples)
        else:  # not a batch of new digits (cannot happen with fit's batching): nothing to recover
            batch_loss = batch_accuracy = math.nan
        self._previous = (loss, accuracy, samples)
        self.on_event(
            BatchEnd(
                self._epoch_number,
                batch + 1,
                self.steps,
                samples,
                loss,
                accuracy,
                samples / elapsed if elapsed > 0 else 0.0,
                batch_loss,
                batch_accuracy,
            )
        )
        if not math.isfinite(loss):
            self.reason = "nan"
            self.stopped_at = (self._epoch_number, batch + 1)
            self.model.stop_training = True
        elif self.cancel.is_set():
            self.reason = "cancelled"
            self.stopped_at = (self._epoch_number, batch + 1)
            self.model.stop_training = True

    @property
    def _epoch_number(self) -> int:
        return len(self.history) + 1

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        train_time = self._last_batch_time - self._epoch_start
        samples = min(self._epoch_batches * self.batch_size, self.train_samples)
        self.train_seconds += train_time
        self.samples_trained += samples
        if self._epoch_batches < self.steps or self.reason == "nan":
            return  # a partial epoch (stopped early) is not an epoch result
        val_loss = val_accuracy = None
        if self.validation is not None and self.reason == "completed":
            xv, yv = self.validation
            # Evaluating inside on_epoch_end is what fit() itself does for
            # validation_data; doing it here lets a cancel skip it.
            val = self.model.evaluate(xv, yv, batch_size=max(self.batch_size, 256), verbose=0, return_dict=True)
            val_loss, val_accuracy = float(val["loss"]), float(val["accuracy"])
            logs["val_loss"], logs["val_accuracy"] = val_loss, val_accuracy
        event = EpochEnd(
            epoch + 1,
            self.epochs,
            float(logs.get("loss", math.nan)),
            float(logs.get("accuracy", math.nan)),
            val_loss,
            val_accuracy,
            time.perf_counter() - self._epoch_start,
            samples / train_time if train_time > 0 else 0.0,
        )
        self.history.append(event)
        self.on_event(event)


def prepare_arrays(
    data: MnistData, validation_split: float, seed: int | None, classes: int = 10
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Inputs and one-hot labels (or the given rows of probabilities); with a validation split, shuffle with
    ``seed`` first, then cut off the last fraction for validation.

    Keras' own ``validation_split`` takes the last fraction of the arrays *as
    given*, which for a file sorted by label would be all 9s: shuffling first
    avoids that.  Inputs scaled to [0, 1], labels one-hot, as in the lecture.
    """
    n = len(data.x_train)
    n_train, n_val = check_split(n, validation_split)
    if not n_val:
        # fit(shuffle=True) reshuffles every epoch anyway: same arrays as plain Keras.
        return to_model_inputs(data.x_train), targets(data.y_train, classes), None, None
    order = np.random.default_rng(seed).permutation(n)
    x = to_model_inputs(data.x_train[order])
    y = targets(data.y_train[order], classes)
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


def train(
    spec: ModelSpec,
    data: MnistData,
    config: TrainConfig | None = None,
    on_event: EventHandler | None = None,
    cancel: threading.Event | None = None,
    *,
    model: KerasModel = None,
) -> TrainResult:
    """Build (or take) the Keras model for ``spec``, train it on ``data``, evaluate on the test set.

    Events go to ``on_event`` (in this thread).  Setting ``cancel`` stops at
    the end of the current batch (reason "cancelled"); a NaN or infinite
    loss stops at once (reason "nan").  Neither raises: the result says why.
    """
    config = config or TrainConfig()
    cancel = cancel or threading.Event()
    events: list[TrainEvent] = []
    emit: EventHandler = on_event or events.append

    classes = getattr(spec.layers[-1], "units", 10)  # one output per class (another dataset: not 10)
    x, y, xv, yv = prepare_arrays(data, config.validation_split, config.seed, classes)
    n_train, n_val, n_test = len(x), 0 if xv is None else len(xv), len(data.x_test)
    steps = math.ceil(n_train / config.batch_size)

    if model is None:
        model = build_model(spec, seed=config.seed)
    elif config.seed is not None:
        keras.utils.set_random_seed(config.seed)
    compile_model(model, config.optimizer, config.learning_rate)

    emit(TrainBegin(n_train, n_val, n_test, config.epochs, config.batch_size, steps, data.description))
    forwarder = EventForwarder(
        emit,
        cancel,
        epochs=config.epochs,
        steps=steps,
        batch_size=config.batch_size,
        train_samples=n_train,
        validation=None if xv is None or yv is None else (xv, yv),
    )
    fit_started = time.perf_counter()
    model.fit(
        x,
        y,
        epochs=config.epochs,
        batch_size=config.batch_size,
        shuffle=True,
        verbose=0,
        callbacks=[forwarder],
    )
    fit_seconds = time.perf_counter() - fit_started

    reason = forwarder.reason
    seconds = forwarder.train_seconds
    rate = forwarder.samples_trained / seconds if seconds > 0 else 0.0
    evaluation = None
    if reason == "completed" and config.evaluate:
        emit(EvaluationBegin(n_test))
        evaluation = evaluate_model(model, data.x_test, data.y_test)
    message = _end_message(reason, forwarder, config, evaluation)
    emit(TrainEnd(reason, len(forwarder.history), forwarder.batches, seconds, rate, evaluation, message))
    return TrainResult(
        model=model,
        reason=reason,
        history=list(forwarder.history),
        evaluation=evaluation,
        train_samples=n_train,
        val_samples=n_val,
        seconds=seconds,
        samples_per_second=rate,
        message=message,
        fit_seconds=fit_seconds,
        stopped_at=forwarder.stopped_at,
    )


def _end_message(reason: str, fwd: EventForwarder, config: TrainConfig, evaluation: Evaluation | None) -> str:
    where = f"epoch {fwd.stopped_at[0]}, batch {fwd.stopped_at[1]}" if fwd.stopped_at else ""
    if reason == "nan":
        lr = config.learning_rate if config.learning_rate is not None else "default"
        return (
            f"Training stopped: the loss became NaN at {where}. "
            f"Try a smaller learning rate. Received: optimizer={config.optimizer}, learning_rate={lr}"
        )
    if reason == "cancelled":
        return f"Training cancelled at {where} ({len(fwd.history)} full epoch(s) done)."
    if evaluation is not None:
        return (
            f"Training completed: test accuracy {evaluation.accuracy:.4f}, test loss {evaluation.loss:.4f} "
            f"on {evaluation.samples:,} test digits."
        )
    return f"Training completed ({len(fwd.history)} epoch(s))."
