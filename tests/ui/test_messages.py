"""Messages between the screens: a model message is compared by identity, never by its data."""

from __future__ import annotations

import numpy as np

from tui_convnet.ui.common.messages import ModelReady


def test_two_model_messages_with_array_data_compare_without_error() -> None:
    data_a, data_b = np.zeros((3, 28, 28)), np.ones((3, 28, 28))
    first, second = ModelReady("model", data_a, "run 1"), ModelReady("model", data_b, "run 1")
    assert first != second and first == first  # arrays compared element-wise would raise ValueError here
    assert first.description == "model of run 1, trained in this session"
