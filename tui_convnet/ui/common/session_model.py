"""The model trained or loaded in this session (``app.trained``), read for the numpy engine."""

from __future__ import annotations

import numpy as np

from ...core import ModelSpec
from .messages import ModelReady


def session_model(ready: ModelReady) -> tuple[ModelSpec, list[np.ndarray], str]:
    """``(spec, weights, label)`` of the session's model: a Keras model or a spec with its weights.

    Raises ``ValueError`` (the inspector's message) for a model the numpy engine cannot run.
    """
    from ...training.inspector import ModelInspector

    inspector = ModelInspector(ready.model)
    return inspector.spec, inspector.weights, session_label(ready)


def session_label(ready: ModelReady) -> str:
    """How the screens name it, as every screen does: ``model of run 2, trained in this session``."""
    return ready.description
