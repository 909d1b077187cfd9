"""Shared fixtures for the numpy core's tests.

Keras is imported only by the ``keras`` fixture (through
``tui_convnet.training.tf_env.import_keras``, the project's one quiet way
in), so the core tests that do not ask for it never pay for TensorFlow.
"""

from __future__ import annotations

import numpy as np
import pytest

@pytest.fixture(scope="session")
def keras():
    from tui_convnet.training.tf_env import import_keras

    return import_keras()


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240607)
