"""The kinds of explorer example and how each is opened and stepped: a convolution or pooling example
(:class:`~.state.ConvState`), the model example (:class:`~.state.ModelState`) and the kernel-gradient
lesson (:class:`~.gradient.GradientState`), the transposed convolution's entries
(:class:`~.transpose_example.TransposeState`) and the lesson that it is a convolution's gradient
(:class:`~.transpose_gradient.TransposeGradientState`); :func:`open_example` picks the state, :func:`stepper_for`
its stepper."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

from ..core import Example, ModelExample
from .frames import Stepper
from .gradient import GradientState, GradientStepper, open_gradient
from .gradient_example import GradientExample
from .panels import PanelKey, Part, Volume
from .state import ConvState, ModelState, Setting, change_setting, open_conv, open_model
from .steppers import ConvStepper, ModelStepper
from .stepping import ExplorerRequest, StepRange
from .transpose_example import TransposeExample, TransposeState, change_transpose, open_transpose
from .transpose_gradient import (
    TransposeGradientExample,
    TransposeGradientState,
    TransposeGradientStepper,
    open_transpose_gradient,
)
from .transpose_steps import transpose_stepper

ExplorerState: TypeAlias = ConvState | ModelState | GradientState | TransposeState | TransposeGradientState


def is_lesson(state: ExplorerState) -> bool:
    """Whether ``state`` is a lesson's (the kernel gradient's), which has no settings to change.

    A transposed convolution's entry is drawn as one too (no kernel knobs), with its stride and padding
    knobs only (:func:`has_stride_and_padding`)."""
    return isinstance(state, GradientState | TransposeState | TransposeGradientState)


def has_stride_and_padding(state: ExplorerState) -> bool:
    """Whether ``state`` changes only its stride and padding (a transposed convolution's entry)."""
    return isinstance(state, TransposeState)


def change(state: ExplorerState, setting: Setting, value: Any) -> ExplorerState:
    """The state with one setting changed, back on the first step (raises ``ValueError`` with the reason).

    A convolution or pooling example changes any setting; a transposed convolution's entry its stride
    and its padding; the others nothing.
    """
    if isinstance(state, ConvState):
        return change_setting(state, setting, value)
    if isinstance(state, TransposeState):
        return change_transpose(state, setting.value, value)
    raise ValueError(f"This entry has no settings to change. Received: {setting.value}={value!r}")


def open_example(example: Example, step: int = 0, steps: StepRange | None = None, label: str = "") -> ExplorerState:
    """The state of ``example`` as written, on ``step`` (raises ``ValueError`` if the core refuses it)."""
    if isinstance(example, GradientExample):
        return open_gradient(example, step, steps, label)
    if isinstance(example, TransposeExample):
        return open_transpose(example, step, steps, label)
    if isinstance(example, TransposeGradientExample):
        return open_transpose_gradient(example, step, steps, label)
    if isinstance(example, ModelExample):
        return open_model(example, step, steps, label)
    return open_conv(example, step, steps, label)


def open_request(request: ExplorerRequest) -> ExplorerState:
    return open_example(request.example, request.step, request.steps, request.label)


def reset(state: ExplorerState) -> ExplorerState:
    """Back to the example as written (the step range another screen chose is kept)."""
    if isinstance(state, TransposeState):  # its range is the whole of its settings, which reset changes
        return open_transpose(state.example)
    return open_example(state.example, state.steps.start, state.steps, state.label)


def stepper_for(state: ExplorerState) -> Stepper:
    """The stepper of a state (build it once per state and reuse it for every step)."""
    if isinstance(state, GradientState):
        return GradientStepper(state)
    if isinstance(state, TransposeState):
        return transpose_stepper(state)
    if isinstance(state, TransposeGradientState):
        return TransposeGradientStepper(state)
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


def example_position(examples: Sequence[Example], index: int | None) -> tuple[int, int] | None:
    """``(number, total)`` of ``examples[index]`` among the lecture's examples (the title bar's "example 3/12");
    None for an example made elsewhere or one listed after the lessons (it has its contents number instead)."""
    if index is None or examples[index].after_lessons:
        return None
    lecture = [i for i, ex in enumerate(examples) if not ex.after_lessons]  # a lecturer's own file comes after all
    return lecture.index(index) + 1, len(lecture)


def next_example(examples: Sequence[Example], index: int | None, delta: int) -> int:
    """The index of the example ``delta`` away from ``examples[index]`` (n/p), going round within its group:
    the lecture's examples, or the ones listed after the lessons."""
    beyond = index is not None and examples[index].after_lessons
    group = [i for i, ex in enumerate(examples) if ex.after_lessons == beyond]
    if index is None:
        return group[0 if delta > 0 else -1]
    return group[(group.index(index) + delta) % len(group)]
