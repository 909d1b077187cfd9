"""The kinds of explorer example and how each is opened and stepped: a convolution or pooling example
(:class:`~.state.ConvState`), the model example (:class:`~.state.ModelState`) and the kernel-gradient
lesson (:class:`~.gradient.GradientState`); :func:`open_example` picks the state, :func:`stepper_for`
its stepper."""

from __future__ import annotations

from typing import TypeAlias

from ..core import Example, ModelExample
from .frames import Stepper
from .gradient import GradientState, GradientStepper, open_gradient
from .gradient_example import GradientExample
from .panels import PanelKey, Part, Volume
from .state import ConvState, ModelState, open_conv, open_model
from .steppers import ConvStepper, ModelStepper
from .stepping import ExplorerRequest, StepRange

ExplorerState: TypeAlias = ConvState | ModelState | GradientState


def is_lesson(state: ExplorerState) -> bool:
    """Whether ``state`` is a lesson's (the kernel gradient's), which has no settings to change."""
    return isinstance(state, GradientState)


def open_example(example: Example, step: int = 0, steps: StepRange | None = None, label: str = "") -> ExplorerState:
    """The state of ``example`` as written, on ``step`` (raises ``ValueError`` if the core refuses it)."""
    if isinstance(example, GradientExample):
        return open_gradient(example, step, steps, label)
    if isinstance(example, ModelExample):
        return open_model(example, step, steps, label)
    return open_conv(example, step, steps, label)


def open_request(request: ExplorerRequest) -> ExplorerState:
    return open_example(request.example, request.step, request.steps, request.label)


def reset(state: ExplorerState) -> ExplorerState:
    """Back to the example as written (the step range another screen chose is kept)."""
    return open_example(state.example, state.steps.start, state.steps, state.label)


def stepper_for(state: ExplorerState) -> Stepper:
    """The stepper of a state (build it once per state and reuse it for every step)."""
    if isinstance(state, GradientState):
        return GradientStepper(state)
    if isinstance(state, ModelState):
        return ModelStepper(state)
    return ConvStepper(state)


def step_for_cell(state: ExplorerState, key: PanelKey, row: int, col: int) -> int | None:
    """The step that computes the output (or pooled) cell ``key[row, col]``; None for other grids."""
    if not isinstance(state, ConvState):
        return None
    comp = state.comp
    if key.volume is Volume.OUTPUT and comp.conv is not None:
        channel = 0 if key.part is Part.LETTERS else key.index
        return comp.conv.index_of(channel, row, col)
    if key.volume is Volume.POOL and comp.pool is not None:
        return comp.conv_steps + comp.pool.index_of(key.index, row, col)
    return None
