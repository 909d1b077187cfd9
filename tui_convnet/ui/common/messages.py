"""Messages that travel *up* to the app: screens never reach into each other.

Attributes flow down (the app sets a screen's reactives), messages flow up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from ...core import Example, ModelSpec
from ...explore import ExplorerRequest, StepRange

if TYPE_CHECKING:
    from ...core.arrays import Array
    from ...data.mnist import MnistData
    from ...model.model import Model


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

    ``model`` is the session's :class:`~tui_convnet.model.model.Model` (its label, shown literally, says where
    it came from: ``model of run 2, trained in this session``, ``model loaded from PATH``); ``data`` the
    :class:`~tui_convnet.data.mnist.MnistData` it was evaluated on (or ``None``).
    """

    model: Model
    data: MnistData | None


@dataclass
class OpenHierarchy(Message):
    """Open the hierarchy-of-features lesson on this digit and model (the inspect screen's).

    ``image`` is the digit ``(28, 28)`` (uint8, or floats in [0, 1]); ``model`` the screen's model;
    ``name`` and ``model_label`` what the lesson's title calls them.
    """

    image: Array
    label: int
    name: str
    model: Model
    model_label: str


@dataclass
class TrainModel(Message):
    """Train ``spec`` (the architecture editor's model) on the training screen instead of the lecture's."""

    spec: ModelSpec
