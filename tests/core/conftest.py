"""Shared fixtures for the numpy core's tests.

Keras is imported only by the ``keras`` fixture (through
``tui_convnet.training.tf_env.import_keras``, the project's one quiet way
in), so the core tests that do not ask for it never pay for TensorFlow.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import numpy as np
import pytest


@pytest.fixture(scope="session")
def keras() -> ModuleType:
    from tui_convnet.training.tf_env import import_keras

    return import_keras()


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240607)


@pytest.fixture(autouse=True, scope="module")
def fresh_keras_names_after_module() -> Iterator[None]:
    """Leave Keras' layer-name counters as a fresh process has them.

    Keras names layers ``conv2d``, ``conv2d_1``, … from process-wide counters;
    the sweeps here build dozens of layers, and a test file that runs after
    them in the same worker (``--dist loadfile``) must still see ``conv2d``.
    """
    yield
    import sys

    if "keras" in sys.modules:
        sys.modules["keras"].backend.clear_session()
