"""The explorer's state and narration, outside Textual (numpy and the core only).

- :mod:`.state`: settings, the computation, the frozen :data:`ExplorerState`
  and the functions that change it (step, settings, cell edits, reset), and
  :class:`ExplorerRequest` for opening a convolution from another screen;
- :mod:`.narration`: what a step writes (the arithmetic), as ``(text, role)`` lines;
- :mod:`.panels`: typed panel keys, panels and highlights, and how panels flow;
- :mod:`.stepper`: the :class:`Stepper` protocol and the steppers of each kind of example;
- :mod:`.layout`: the layout decision for a terminal size.

See ``/work/coord/explorer-api.md`` (and the README's developer notes) for how to build on it.
"""

from .panels import Follow, Highlights, Panel, PanelKey, Part, Volume
from .state import (
    ConvSettings,
    ConvState,
    EditError,
    ExplorerRequest,
    ExplorerState,
    ModelState,
    PoolSettingsOnly,
    Setting,
    StepRange,
    change_setting,
    edit_cell,
    focus_on_map,
    open_example,
    open_request,
    reset,
)
from .stepper import ConvStepper, Frame, ModelStepper, Stage, Stepper, step_for_cell, stepper_for

__all__ = [
    "ConvSettings",
    "ConvState",
    "ConvStepper",
    "EditError",
    "ExplorerRequest",
    "ExplorerState",
    "Follow",
    "Frame",
    "Highlights",
    "ModelState",
    "ModelStepper",
    "Panel",
    "PanelKey",
    "Part",
    "PoolSettingsOnly",
    "Setting",
    "Stage",
    "StepRange",
    "Stepper",
    "Volume",
    "change_setting",
    "edit_cell",
    "focus_on_map",
    "open_example",
    "open_request",
    "reset",
    "step_for_cell",
    "stepper_for",
]
