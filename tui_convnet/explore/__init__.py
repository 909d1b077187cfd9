"""The explorer's state and narration, outside Textual (numpy and the core only).

Its modules, each importing only the ones listed above it:

- :mod:`.panels`: typed panel keys, panels and highlights, and how panels flow;
- :mod:`.stepping`: :class:`StepRange`, :class:`Stepping` (what every state has: the step and its range)
  and :class:`ExplorerRequest` for opening an example from another screen;
- :mod:`.state`: a convolution, pooling or model example's settings, computation and state, and the
  functions that change it (settings, cell edits);
- :mod:`.gradient_example`: the kernel-gradient lesson's example;
- :mod:`.narration`: what a step writes (the arithmetic), as ``(text, role)`` lines;
- :mod:`.frames`: :class:`Stage`, :class:`Frame` and the :class:`Stepper` protocol;
- :mod:`.steppers`: the steppers of a convolution, pooling or model example;
- :mod:`.gradient`: the kernel-gradient lesson's state and stepper;
- :mod:`.kinds`: the kinds of example: :data:`ExplorerState`, :func:`open_example`, :func:`stepper_for`;
- :mod:`.layout`: the layout decision for a terminal size.
"""

from .frames import Frame, Stage, Stepper
from .kinds import ExplorerState, is_lesson, open_example, open_request, reset, step_for_cell, stepper_for
from .panels import Follow, Highlights, Panel, PanelKey, Part, Volume
from .state import ConvSettings, ConvState, EditError, ModelState, PoolSettingsOnly, Setting, change_setting, edit_cell
from .steppers import ConvStepper, ModelStepper
from .stepping import ExplorerRequest, Stepping, StepRange, focus_on_map

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
    "Stepping",
    "Volume",
    "change_setting",
    "edit_cell",
    "focus_on_map",
    "is_lesson",
    "open_example",
    "open_request",
    "reset",
    "step_for_cell",
    "stepper_for",
]
