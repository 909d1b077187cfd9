"""Messages that travel *up* to the app: screens never reach into each other.

Attributes flow down (the app sets a screen's reactives), messages flow up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from ..core import Example
from ..explore import ExplorerRequest, StepRange


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


@dataclass
class ModelReady(Message):
    """A trained (or loaded) Keras model is available to the other screens.

    ``model`` is a ``keras.Model``; ``data`` the :class:`~tui_convnet.data.MnistData`
    it was evaluated on; ``source`` says where it came from ("trained", or a file path).
    """

    model: Any
    data: Any
    source: str
