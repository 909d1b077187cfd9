"""The explorer's state of a convolution, pooling or model example: its settings, the computation, the
step, and the changes a student makes (settings, cell edits).

Everything here is a frozen value and every change is a function returning a
new value, so the screen keeps one :data:`~.kinds.ExplorerState` in a reactive and
tests drive the explorer without an app::

    state = open_conv(cs231n)                          # step 0 of 18
    state = state.moved(+1)                            # step 1
    state = change_setting(state, Setting.STRIDE, 3)   # recomputed, step 0 of 8
    state = edit_cell(state, input_key(0), 2, 2, 5.0)  # x[1, 1, 0] = 5, downstream recomputed

A change that the core refuses raises ``ValueError`` with the core's message
and leaves the old state untouched (it is a value).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, TypeAlias

import numpy as np

from ..core import (
    ConvExample,
    ConvTrace,
    ModelExample,
    PoolExample,
    PoolSettings,
    PoolTrace,
    conv_trace,
    pool_trace,
)
from ..core.conv_sizes import Padding
from ..core.examples import MAX_SETTING, MAX_VALUE
from .panels import PanelKey, Part, Volume, all_integral
from .stepping import Stepping, StepRange

#: Seed of the fixed pattern that fills new kernel weights.
KERNEL_SEED = 0

NEW_WEIGHTS_NOTE = (
    "Changing the kernel size or count keeps every weight that still fits (top-left corner, "
    f"first kernels); new weights come from a fixed pattern of −1, 0 and 1 (seed {KERNEL_SEED}), "
    "new biases are 0."
)

Pair: TypeAlias = int | tuple[int, int]


class Setting(Enum):
    """The settings a student can change (the knobs of the settings panel)."""

    STRIDE = "stride"
    PADDING = "padding"
    KERNEL_SIZE = "kernel size"
    KERNEL_COUNT = "kernels"
    DILATION = "dilation"
    ACTIVATION = "activation"
    POOL = "pooling"
    POOL_SIZE = "pool size"


ACTIVATIONS = ("linear", "relu", "tanh", "sigmoid")
POOL_CHOICES = ("none", "max", "avg")


# --------------------------------------------------------------------------- settings


def single(value: Any) -> Any:
    """``(2, 2)`` → ``2`` (a knob shows one number when both axes agree)."""
    if isinstance(value, (tuple, list)) and len(value) == 2 and value[0] == value[1]:
        return int(value[0])
    return value


@dataclass(frozen=True, eq=False)
class ConvSettings:
    """A convolution's values and settings, optionally followed by pooling."""

    x: np.ndarray  # (H, W, C)
    kernels: np.ndarray  # (kh, kw, C, K)
    bias: np.ndarray  # (K,)
    stride: Pair = 1
    padding: Padding = "valid"
    dilation: Pair = 1
    activation: str = "linear"
    pool: PoolSettings | None = None


@dataclass(frozen=True, eq=False)
class PoolSettingsOnly:
    """Pooling alone, over ``x``."""

    x: np.ndarray
    pool: PoolSettings


Settings = ConvSettings | PoolSettingsOnly


def settings_of(example: ConvExample | PoolExample) -> Settings:
    if isinstance(example, PoolExample):
        return PoolSettingsOnly(x=example.x, pool=example.pool)
    return ConvSettings(
        x=example.x,
        kernels=example.kernels,
        bias=example.bias,
        stride=single(example.stride),
        padding=single(example.padding),
        dilation=single(example.dilation),
        activation=example.activation,
        pool=example.pool,
    )


# --------------------------------------------------------------------------- computation


@dataclass(frozen=True, eq=False)
class Computation:
    """The core's traces for one :data:`Settings`: the convolution (if any), then the pooling (if any).

    Build it with :func:`compute`, which validates the settings.
    """

    settings: Settings
    conv: ConvTrace | None
    pool: PoolTrace | None
    integral: bool  # every value is a whole number: no decimals in the arithmetic

    @property
    def conv_steps(self) -> int:
        return self.conv.num_steps if self.conv is not None else 0

    @property
    def num_steps(self) -> int:
        return self.conv_steps + (self.pool.num_steps if self.pool is not None else 0)

    @property
    def padded(self) -> np.ndarray:
        """The padded input (as the first stage sees it)."""
        if self.conv is not None:
            return self.conv.padded
        assert self.pool is not None
        return self.pool.padded

    @property
    def pad_offset(self) -> tuple[int, int]:
        """Rows and columns of padding above and left of the input."""
        if self.conv is not None:
            return self.conv.geometry.pad_top, self.conv.geometry.pad_left
        assert self.pool is not None
        return self.pool.geometry.pad_top, self.pool.geometry.pad_left


def compute(settings: Settings) -> Computation:
    """Run the core on ``settings`` (raises the core's ``ValueError`` for an impossible combination)."""
    conv = None
    if isinstance(settings, ConvSettings):
        conv = conv_trace(
            settings.x,
            settings.kernels,
            settings.bias,
            stride=settings.stride,
            padding=settings.padding,
            dilation=settings.dilation,
            activation=settings.activation,
        )
        values = [settings.x, settings.kernels, settings.bias]
    else:
        values = [settings.x]
    pool = None
    p = settings.pool
    if p is not None:
        source = conv.output if conv is not None else settings.x
        pool = pool_trace(source, p.size, p.stride, p.mode, p.padding)
    return Computation(settings, conv, pool, all_integral(values))


def resize_bank(
    kernels: np.ndarray, bias: np.ndarray, size: tuple[int, int], count: int
) -> tuple[np.ndarray, np.ndarray]:
    """A kernel bank of a new size/count: old weights kept where they fit, new ones a fixed pattern."""
    kh, kw = size
    old_h, old_w, cin, old_k = kernels.shape
    rng = np.random.default_rng(KERNEL_SEED)
    new = rng.integers(-1, 2, size=(kh, kw, cin, count)).astype(np.float64)
    h, w, k = min(kh, old_h), min(kw, old_w), min(count, old_k)
    new[:h, :w, :, :k] = kernels[:h, :w, :, :k]
    new_bias = np.zeros(count)
    new_bias[:k] = bias[:k]
    return new, new_bias


# --------------------------------------------------------------------------- the state


@dataclass(frozen=True, eq=False)
class ConvState(Stepping):
    """A convolution or pooling example being stepped through."""

    example: ConvExample | PoolExample
    settings: Settings
    comp: Computation
    modified: bool = False  # settings or values differ from the example as written
    info: str = ""  # what the last change did (new kernel weights …)

    @property
    def num_steps(self) -> int:
        return self.comp.num_steps

    @property
    def symbolic(self) -> bool:
        """Letters are written out while the kernel keeps the example's shape."""
        ex = self.example
        return (
            isinstance(ex, ConvExample)
            and ex.symbolic
            and isinstance(self.settings, ConvSettings)
            and self.settings.kernels.shape == ex.kernels.shape
        )

    def kernel_names(self) -> list[str]:
        if not isinstance(self.settings, ConvSettings) or not isinstance(self.example, ConvExample):
            return []
        count = self.settings.kernels.shape[3]
        names = list(self.example.kernel_names)[:count]
        return names + [f"W{k}" for k in range(len(names), count)]

    def channel_names(self) -> list[str]:
        names = list(self.example.channel_names)[: self.settings.x.shape[2]]
        return names + [f"ch{i}" for i in range(len(names), self.settings.x.shape[2])]


@dataclass(frozen=True, eq=False)
class ModelState(Stepping):
    """The model example: one step per layer of its summary."""

    example: ModelExample

    @property
    def num_steps(self) -> int:
        return len(self.example.model.layers)


def open_conv(
    example: ConvExample | PoolExample, step: int = 0, steps: StepRange | None = None, label: str = ""
) -> ConvState:
    """The state of a convolution or pooling example as written (raises ``ValueError`` if the core refuses it)."""
    settings = settings_of(example)
    return conv_state(example, settings, compute(settings), step, steps, label)


def open_model(example: ModelExample, step: int = 0, steps: StepRange | None = None, label: str = "") -> ModelState:
    """The state of the model example: one step per layer."""
    whole = StepRange(0, max(len(example.model.layers), 1))
    rng = steps if steps is not None and steps.stop <= whole.stop else whole
    return ModelState(step=rng.clamp(step), steps=rng, label=label if rng is steps else "", example=example)


def conv_state(
    example: ConvExample | PoolExample,
    settings: Settings,
    comp: Computation,
    step: int,
    steps: StepRange | None = None,
    label: str = "",
    *,
    modified: bool = False,
    info: str = "",
) -> ConvState:
    """The state of ``example`` with ``settings`` and their computation, on ``step`` (within ``steps``)."""
    whole = StepRange(0, max(comp.num_steps, 1))
    rng = steps if steps is not None and steps.stop <= whole.stop else whole
    return ConvState(
        step=rng.clamp(step),
        steps=rng,
        label=label if rng is steps else "",
        example=example,
        settings=settings,
        comp=comp,
        modified=modified,
        info=info,
    )


# --------------------------------------------------------------------------- changes


def _positive(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SETTING:
        raise ValueError(f"`{name}` must be between 1 and {MAX_SETTING}. Received: {name}={value!r}")
    return value


def changed_settings(settings: Settings, setting: Setting, value: Any) -> tuple[Settings, str]:
    """New settings with one setting changed, and a note on what it did (raises ``ValueError``)."""
    if setting is Setting.POOL:
        size = settings.pool.size if settings.pool else (2, 2)
        if value == "none":
            if isinstance(settings, PoolSettingsOnly):
                raise ValueError("A pooling example needs its pooling. Received: pooling='none'")
            return replace(settings, pool=None), ""
        if value not in ("max", "avg"):
            raise ValueError(f"Pooling must be none, max or avg. Received: pooling={value!r}")
        return replace(settings, pool=PoolSettings(value, size, None, "valid")), ""
    if setting is Setting.POOL_SIZE:
        n = _positive(value, "pool_size")
        mode = settings.pool.mode if settings.pool else "max"
        return replace(settings, pool=PoolSettings(mode, (n, n), None, "valid")), ""
    if not isinstance(settings, ConvSettings):
        raise ValueError(f"A pooling example has no {setting.value} to change. Received: {setting.value}={value!r}")
    if setting is Setting.STRIDE:
        return replace(settings, stride=_positive(value, "strides")), ""
    if setting is Setting.DILATION:
        return replace(settings, dilation=_positive(value, "dilation_rate")), ""
    if setting is Setting.PADDING:
        if value in ("valid", "same"):
            return replace(settings, padding=value), ""
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SETTING:
            raise ValueError(f"`padding` must be valid, same or 0..{MAX_SETTING}. Received: padding={value!r}")
        return replace(settings, padding="valid" if value == 0 else value), ""
    if setting is Setting.ACTIVATION:
        if value not in ACTIVATIONS:
            raise ValueError(f"Unknown activation. Received: activation={value!r}")
        return replace(settings, activation=value), ""
    kh, kw, _, count = settings.kernels.shape
    if setting is Setting.KERNEL_SIZE:
        size = value if isinstance(value, tuple) else (value, value)
        kh, kw = (_positive(v, "kernel_size") for v in size)
    else:
        count = _positive(value, "filters")
    kernels, bias = resize_bank(settings.kernels, settings.bias, (kh, kw), count)
    note = (
        f"Kernel bank now {count} × {kh}×{kw}: the old weights that fit are kept, the new ones "
        f"come from a fixed pattern of −1, 0, 1 (seed {KERNEL_SEED}), new biases are 0. r resets."
    )
    return replace(settings, kernels=kernels, bias=bias), note


def change_setting(state: ConvState, setting: Setting, value: Any) -> ConvState:
    """Recompute with one setting changed; back to the first step (raises ``ValueError``)."""
    settings, note = changed_settings(state.settings, setting, value)
    comp = compute(settings)
    return conv_state(state.example, settings, comp, 0, modified=True, info=note)


class EditError(ValueError):
    """An edit that cannot be applied (a padding cell, a value that is not a finite number)."""


def parse_value(text: str) -> float:
    """A typed cell value (raises :class:`EditError` with a Keras-style message)."""
    try:
        value = float(text)
    except ValueError:
        raise EditError(f"A cell value must be a number. Received: value={text!r}") from None
    if not np.isfinite(value) or abs(value) > MAX_VALUE:
        raise EditError(
            f"A cell value must be a finite number between -{MAX_VALUE:g} and {MAX_VALUE:g}. Received: value={text!r}"
        )
    return value


def edit_cell(state: ConvState, key: PanelKey, row: int, col: int, value: float) -> ConvState:
    """Set one input value, weight or bias; everything downstream is recomputed on the same step.

    ``row``/``col`` are the panel's cell (input panels include the padding).
    """
    s = state.settings
    if key.volume is Volume.INPUT and key.part is Part.NUMBERS:
        top, left = state.comp.pad_offset
        rr, cc = row - top, col - left
        if not (0 <= rr < s.x.shape[0] and 0 <= cc < s.x.shape[1]):
            raise EditError("Padding cells are always 0: edit a cell of the input itself.")
        x = s.x.copy()
        x[rr, cc, key.index] = value
        new: Settings = replace(s, x=x)
    elif key.volume is Volume.KERNELS and isinstance(s, ConvSettings) and key.part is Part.NUMBERS:
        kernels = s.kernels.copy()
        kernels[row, col, key.channel, key.index] = value
        new = replace(s, kernels=kernels)
    elif key.volume is Volume.KERNELS and isinstance(s, ConvSettings) and key.part is Part.BIAS:
        bias = s.bias.copy()
        bias[key.index] = value
        new = replace(s, bias=bias)
    else:
        raise EditError(f"This grid cannot be edited. Received: panel={key.volume.value}")
    comp = compute(new)
    return conv_state(state.example, new, comp, state.step, state.steps, state.label, modified=True)


def keras_refuses(state: Stepping) -> str:
    """Why Keras would not build this convolution, or ``""`` (the explorer still computes it)."""
    if not isinstance(state, ConvState) or not isinstance(state.settings, ConvSettings):
        return ""
    s = state.settings
    strides = s.stride if isinstance(s.stride, tuple) else (s.stride, s.stride)
    dilation = s.dilation if isinstance(s.dilation, tuple) else (s.dilation, s.dilation)
    if max(strides) > 1 and max(dilation) > 1:
        return (
            "Keras does not allow strides > 1 together with dilation > 1 "
            f"(Conv2D refuses it); the arithmetic here is still well defined. "
            f"Received: strides={single(strides)}, dilation_rate={single(dilation)}"
        )
    return ""
