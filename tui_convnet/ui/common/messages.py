"""Messages that travel *up* to the app: screens never reach into each other.

Attributes flow down (the app sets a screen's reactives), messages flow up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from textual.message import Message

from ...core import Example, ModelSpec
from ...explore import ExplorerRequest, StepRange


@dataclass
class OpenInExplorer(Message):
    """Show ``example`` in the explorer, positioned on ``step``; ``steps`` keeps Home/End inside a range.

    ``OpenInExplorer.of(focus_on_map(example, k))`` opens feature map ``k`` on its largest activation.
    """

    example: Example
    step: int = 0
    steps: StepRange | None = None
    label: str = ""

    @classmethod
    def of(cls, request: ExplorerRequest) -> OpenInExplorer:
        return cls(request.example, request.step, request.steps, request.label)

    @property
    def request(self) -> ExplorerRequest:
        return ExplorerRequest(self.example, self.step, self.steps, self.label)


@dataclass(eq=False)  # one model, one message: compared by identity (comparing its data would compare arrays)
class ModelReady(Message):
    """A trained (or loaded) model is available to the other screens; it replaces the bundled one.

    ``model`` is a ``keras.Model`` (or a spec with its weights, such as
    :class:`~tui_convnet.training.inspector.NumpyModel`); ``data`` the
    :class:`~tui_convnet.data.mnist.MnistData` it was evaluated on (or ``None``);
    ``source`` says where it came from: a run of the training screen
    (``run 2``, ``run 2, cancelled at epoch 2, batch 107``; ``trained``) or a file path.
    """

    model: Any
    data: Any
    source: str

    @property
    def description(self) -> str:
        """What every screen says about the model: ``model of run 2, trained in this session`` or
        ``model loaded from PATH`` (shown literally: never parse it as markup)."""
        return describe_source(self.source)


def describe_source(source: str) -> str:
    """``model of run 2, trained in this session`` for a run label, ``model loaded from PATH`` for a file."""
    if source == "trained":
        return "model trained in this session"
    if re.fullmatch(r"run \d+(, .*)?", source):
        return f"model of {source}, trained in this session"
    return f"model loaded from {source}"


@dataclass
class OpenHierarchy(Message):
    """Open the hierarchy-of-features lesson on this digit and model (the inspect screen's).

    ``image`` is the digit ``(28, 28)`` (uint8, or floats in [0, 1]); ``spec`` and ``weights`` the model
    as the numpy engine runs it; ``name`` and ``model_label`` what the lesson's title calls them.
    """

    image: Any
    label: int
    name: str
    spec: Any
    weights: Any
    model_label: str


@dataclass
class TrainModel(Message):
    """Train ``spec`` (the architecture editor's model) on the training screen instead of the lecture's."""

    spec: ModelSpec
