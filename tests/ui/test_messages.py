"""Messages between the screens: a model message is compared by identity, never by its data."""

from __future__ import annotations

import numpy as np

from tui_convnet.core import mnist_convnet, seeded_weights
from tui_convnet.model.model import Loaded, Model, Trained
from tui_convnet.ui.common.messages import ModelReady
from tui_convnet.ui.common.session_model import session_model


def _model() -> Model:
    spec = mnist_convnet()
    return Model(spec, tuple(seeded_weights(spec, 0)), "a model", Trained("run 1"))


def test_two_model_messages_with_array_data_compare_without_error() -> None:
    data_a, data_b = np.zeros((3, 28, 28)), np.ones((3, 28, 28))
    model = _model()
    first, second = ModelReady(model, data_a), ModelReady(model, data_b)  # type: ignore[arg-type]
    assert first != second and first == first  # arrays compared element-wise would raise ValueError here


def test_the_session_model_is_named_after_its_run_or_its_file() -> None:
    run = session_model(_model(), "run 1")
    assert run.label == "model of run 1, trained in this session" and run.provenance == Trained("run 1")
    cancelled = session_model(_model(), "run 2, cancelled at epoch 2, batch 107")
    assert cancelled.label == "model of run 2, cancelled at epoch 2, batch 107, trained in this session"
    loaded = session_model(_model(), "models/[best].keras")
    assert loaded.label == "model loaded from models/[best].keras" and loaded.provenance == Loaded(
        "models/[best].keras"
    )
