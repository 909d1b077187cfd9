"""The lecture's ConvNet with fixed weights, shared by the inspect tests and others (imported by name).

The weights come from a seeded numpy generator (:func:`tui_convnet.core.seeded_weights`),
never from training: they are the same on every machine, so what
the tests and snapshots show does not depend on TensorFlow's float rounding.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from tui_convnet.core import ModelSpec, mnist_convnet, seeded_weights
from tui_convnet.training.protocol import ModelRef


def fixed_weights(spec: ModelSpec | None = None, seed: int = 0) -> list[np.ndarray]:
    """A kernel and a bias (float32) for every layer with weights, in ``model.get_weights()`` order:
    Keras' initial distribution (Glorot uniform, zero biases) drawn from a numpy seed."""
    return seeded_weights(spec or mnist_convnet(), seed)


def fixed_numpy_model(seed: int = 0) -> ModelRef:
    """The model as the numpy engine sees it (no TensorFlow)."""
    spec = mnist_convnet()
    return ModelRef(spec, tuple(fixed_weights(spec, seed)), spec.name)


def fixed_keras_model(seed: int = 0, dropout: float | None = None) -> Any:  # a Keras model
    """The same weights in a real Keras model (built from the spec, then ``set_weights``)."""
    from tui_convnet.training.model import build_model

    spec = mnist_convnet(dropout)
    model = build_model(spec, seed=seed)
    model.set_weights(fixed_weights(spec, seed))
    return model


def save_fixed_model(folder: Path, seed: int = 0) -> Path:
    """Save :func:`fixed_keras_model` to ``folder/fixed.keras``; returns the path."""
    from tui_convnet.training.model import save_model_atomic

    return save_model_atomic(fixed_keras_model(seed), Path(folder) / "fixed.keras")


def scripted_fit(model: Any, pace: float = 0.0, hold: bool = False) -> Any:
    """A ``fit`` for ``model`` that trains nothing: it plays the batches through the real callbacks with a
    falling, made-up loss (``pace`` seconds per batch) and honours ``model.stop_training`` as Keras does.

    With ``hold``, the last batch waits (up to a minute) for the trainer's cancel event: a run that a test
    means to cancel cannot end first on a slow, busy machine."""

    def fit(x: Any, y: Any, *, epochs: int, batch_size: int, callbacks: list[Any], **_ignored: Any) -> None:
        steps = math.ceil(len(x) / batch_size)
        cancels = [c.cancel for c in callbacks if hasattr(c, "cancel")]
        model.stop_training = False
        for callback in callbacks:
            callback.set_model(model)
        for epoch in range(epochs):
            for callback in callbacks:
                callback.on_epoch_begin(epoch)
            logs: dict[str, float] = {}
            for batch in range(steps):
                time.sleep(pace)
                if hold and epoch == epochs - 1 and batch == steps - 1:
                    for cancel in cancels:
                        cancel.wait(60)
                loss = 2.3 / (1 + epoch + batch / steps)
                logs = {"loss": loss, "accuracy": 1 - loss / 2.5}
                for callback in callbacks:
                    callback.on_train_batch_end(batch, logs)
                if model.stop_training:
                    break
            for callback in callbacks:
                callback.on_epoch_end(epoch, dict(logs))
            if model.stop_training:
                break

    return fit


def scripted_training(monkeypatch: Any, pace: float = 0.0, hold: bool = False) -> None:
    """Make ``trainer.train`` run the real trainer (events, cancel, NaN check, evaluation, messages) on a fresh
    :func:`fixed_keras_model` per run whose ``fit`` is :func:`scripted_fit` (``pace``, ``hold``): no gradient
    step, no float rounding of TensorFlow's in what the test sees, and a fit trace less per run."""
    from tui_convnet.training import trainer
    from tui_convnet.training.model import build_model

    real_train = trainer.train

    def train(spec: Any, data: Any, config: Any = None, on_event: Any = None, cancel: Any = None) -> Any:
        model = build_model(spec, seed=0)
        model.set_weights(fixed_weights(spec))
        model.fit = scripted_fit(model, pace, hold)
        return real_train(spec, data, config, on_event, cancel, model=model)

    monkeypatch.setattr(trainer, "train", train)
