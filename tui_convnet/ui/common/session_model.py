"""The model trained or loaded in this session (``app.trained``) as the one :class:`~tui_convnet.model.model.Model`.

:func:`session_model` turns what the TensorFlow worker hands back (a
:class:`~tui_convnet.training.protocol.ModelRef`: spec, weights and its key) into the model every screen uses,
named as every screen names it; :func:`runnable` checks that the numpy engine can run it; :func:`current_model`
is the model a screen shows.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ...model.model import Loaded, Model, Provenance, Trained

if TYPE_CHECKING:
    from ...training.protocol import ModelRef
    from .messages import ModelReady


def describe_source(source: str) -> str:
    """``model of run 2, trained in this session`` for a run label, ``model loaded from PATH`` for a file."""
    if source == "trained":
        return "model trained in this session"
    if re.fullmatch(r"run \d+(, .*)?", source):
        return f"model of {source}, trained in this session"
    return f"model loaded from {source}"


def provenance(source: str) -> Provenance:
    """A run of the training screen (``run 2``, ``run 2, cancelled …``, ``trained``) or a file path."""
    if source == "trained" or re.fullmatch(r"run \d+(, .*)?", source):
        return Trained(source)
    return Loaded(source)


def session_model(ref: ModelRef | Model, source: str) -> Model:
    """The worker's model (its spec, weights and key) named for the screens after ``source``: a run of the
    training screen or the path of a ``.keras`` file."""
    return Model(ref.spec, tuple(ref.weights), describe_source(source), provenance(source), ref.key, ref.class_names)


def runnable(ready: ModelReady) -> Model:
    """The session's model, checked for the numpy engine (the MNIST input and output, every weight's shape).

    Raises ``ValueError`` (the inspector's message) for a model the numpy engine cannot run.
    """
    from ...training.inspector import ModelInspector

    ModelInspector(ready.model)
    return ready.model


def current_model(ready: ModelReady | None) -> Model:
    """The session's model when there is one the numpy engine runs, else the bundled one (whose label then
    says why the session's could not be used).

    Raises :class:`~tui_convnet.model.bundled.ModelAssetError` when the bundled model is damaged.
    """
    from ...model.bundled import load_bundled_model

    refused = ""
    if ready is not None:
        try:
            return runnable(ready)
        except Exception as exc:  # an architecture the numpy engine cannot run, or Keras failing
            refused = f" (the session's model cannot be used: {exc})"
    bundled = load_bundled_model()
    return replace(bundled, label=bundled.label + refused) if refused else bundled
