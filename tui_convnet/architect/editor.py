"""The architecture editor's state, outside Textual: a layer stack, the selected layer and setting, every edit.

Every edit is a function returning a new :class:`ArchitectState`; the screen
keeps one and shows :func:`check` of it after every key::

    state = ArchitectState.lecture()            # the lecture's ConvNet
    state = add_layer(state, "Conv2D")          # after the selected layer
    state = adjust(state, +1)                   # the selected setting, one step up
    result = check(state)                       # the summary, or the layer and the reason

An edit the layer itself refuses (0 filters, a stride with a dilation …)
leaves the layers as they were and says why in ``message``.  A stack the
model refuses as a whole (an output under 1 cell, Dense before Flatten …) is
kept, so the student can mend it, and :func:`check` names the layer and the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..core import (
    Conv2DSpec,
    DenseSpec,
    DropoutSpec,
    FlattenSpec,
    LayerInfo,
    ModelSpec,
    Pool2DSpec,
    infer_shapes,
    mnist_convnet,
)
from ..core.model import LayerSpec

#: The layer types the editor adds, with the key that adds each (the screen binds them).
LAYER_KINDS = ("Conv2D", "MaxPooling2D", "AveragePooling2D", "Dropout", "Flatten", "Dense")

#: The settings of each layer type, in the order the selection moves through them.
FIELDS: dict[str, tuple[str, ...]] = {
    "Conv2D": ("filters", "kernel_size", "strides", "padding", "activation"),
    "MaxPooling2D": ("pool_size", "strides", "padding"),
    "AveragePooling2D": ("pool_size", "strides", "padding"),
    "Dropout": ("rate",),
    "Flatten": (),
    "Dense": ("units", "activation"),
}

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear", "softmax")
PADDINGS = ("valid", "same")
MAX_FILTERS = 1024
MAX_UNITS = 4096
MAX_WINDOW = 15


def new_layer(kind: str) -> LayerSpec:
    """A layer of ``kind`` with the settings the lecture uses most."""
    layers: dict[str, LayerSpec] = {
        "Conv2D": Conv2DSpec(32, (3, 3), activation="relu"),
        "MaxPooling2D": Pool2DSpec("max", (2, 2)),
        "AveragePooling2D": Pool2DSpec("avg", (2, 2)),
        "Dropout": DropoutSpec(0.5),
        "Flatten": FlattenSpec(),
        "Dense": DenseSpec(64, activation="relu"),
    }
    if kind not in layers:
        raise ValueError(f"Unknown layer type. Expected one of {', '.join(LAYER_KINDS)}. Received: kind={kind!r}")
    return layers[kind]


@dataclass(frozen=True)
class ArchitectState:
    """The layers being edited, the selected layer (``row``) and its selected setting (``field``)."""

    input_shape: tuple[int, int, int]
    layers: tuple[LayerSpec, ...]
    name: str = "my_convnet"
    row: int = 0
    field: int = 0
    message: str = ""  # why the last edit was refused ("" when it was made)

    @classmethod
    def lecture(cls) -> ArchitectState:
        """The lecture's ConvNet, as every screen starts with it."""
        spec = mnist_convnet()
        return cls(spec.input_shape, spec.layers)

    @classmethod
    def of(cls, spec: ModelSpec) -> ArchitectState:
        return cls(spec.input_shape, spec.layers, spec.name)

    @property
    def selected(self) -> LayerSpec | None:
        return self.layers[self.row] if self.layers else None

    @property
    def fields(self) -> tuple[str, ...]:
        """The settings of the selected layer."""
        layer = self.selected
        return FIELDS[layer.type] if layer is not None else ()

    @property
    def field_name(self) -> str | None:
        return self.fields[self.field] if self.fields else None

    def spec(self) -> ModelSpec:
        """The stack as a :class:`ModelSpec` (not checked: see :func:`check`)."""
        return ModelSpec(self.input_shape, self.layers, self.name)


@dataclass(frozen=True)
class Check:
    """:func:`check`'s answer: the summary rows, or the first layer the model refuses and why."""

    infos: tuple[LayerInfo, ...]  # every layer's row when the model is possible, else the rows before ``layer``
    layer: int | None = None  # index of the refused layer
    reason: str = ""  # the core's message (it names the layer)
    training_note: str = ""  # why it cannot be trained on 10 classes as it is ("" when it can)

    @property
    def ok(self) -> bool:
        return self.layer is None and bool(self.infos)

    @property
    def total_params(self) -> int:
        return sum(info.params for info in self.infos)


def check(state: ArchitectState, classes: int = 10) -> Check:
    """Shapes and parameters of every layer, or the first impossible layer and the reason."""
    if not state.layers:
        return Check((), None, "", "The model has no layers: add one (c for a Conv2D).")
    spec = state.spec()
    try:
        infos = tuple(infer_shapes(spec))
    except ValueError as exc:
        for end in range(1, len(state.layers) + 1):  # the first prefix that fails ends at the refused layer
            try:
                good = tuple(infer_shapes(ModelSpec(state.input_shape, state.layers[:end])))
            except ValueError:
                return Check(good if end > 1 else (), end - 1, str(exc))
        return Check((), 0, str(exc))  # pragma: no cover - a whole model fails only where a prefix does
    return Check(infos, training_note=training_note(spec, classes))


def training_note(spec: ModelSpec, classes: int = 10) -> str:
    """What stops training ``spec`` on ``classes`` classes with the lecture's loss, or ''."""
    last = spec.layers[-1] if spec.layers else None
    if not isinstance(last, DenseSpec) or last.activation != "softmax" or last.units != classes:
        return f"To train it, the last layer must be Dense({classes}, softmax): one probability per class."
    return ""


# --------------------------------------------------------------------------- moving the selection


def select(state: ArchitectState, delta: int) -> ArchitectState:
    """Select the layer ``delta`` rows away (clamped); its first setting."""
    if not state.layers:
        return state
    row = min(max(state.row + delta, 0), len(state.layers) - 1)
    return replace(state, row=row, field=0 if row != state.row else state.field, message="")


def select_field(state: ArchitectState, delta: int) -> ArchitectState:
    """Select the setting ``delta`` places away, wrapping around the layer's settings."""
    count = len(state.fields)
    return replace(state, field=(state.field + delta) % count, message="") if count else state


# --------------------------------------------------------------------------- the stack


def add_layer(state: ArchitectState, kind: str) -> ArchitectState:
    """Insert a new ``kind`` layer after the selected one and select it."""
    layer = new_layer(kind)
    at = state.row + 1 if state.layers else 0
    layers = (*state.layers[:at], layer, *state.layers[at:])
    return replace(state, layers=layers, row=at, field=0, message="")


def remove_layer(state: ArchitectState) -> ArchitectState:
    """Remove the selected layer; the one before it is selected."""
    if not state.layers:
        return replace(state, message="There is no layer to remove.")
    layers = state.layers[: state.row] + state.layers[state.row + 1 :]
    return replace(state, layers=layers, row=max(min(state.row, len(layers) - 1), 0), field=0, message="")


def move_layer(state: ArchitectState, delta: int) -> ArchitectState:
    """Move the selected layer ``delta`` places up (−) or down (+), keeping it selected."""
    to = state.row + delta
    if not state.layers or not 0 <= to < len(state.layers):
        return replace(state, message="The layer is already at the " + ("top." if delta < 0 else "bottom."))
    layers = list(state.layers)
    layers.insert(to, layers.pop(state.row))
    return replace(state, layers=tuple(layers), row=to, message="")


# --------------------------------------------------------------------------- settings


def _stepped(value: int, delta: int, big: bool, top: int) -> int:
    if big:
        value = value * 2 if delta > 0 else value // 2
    else:
        value += delta
    return min(max(value, 0), top)


def _cycled(options: Sequence[str], value: str, delta: int) -> str:
    index = options.index(value) if value in options else 0
    return options[(index + delta) % len(options)]


def _square(value: tuple[int, int] | None, delta: int) -> tuple[int, int]:
    size = (value or (1, 1))[0] + delta
    return (min(size, MAX_WINDOW), min(size, MAX_WINDOW))


def _changed(layer: LayerSpec, name: str, delta: int, big: bool) -> LayerSpec:
    """``layer`` with setting ``name`` one step (``big``: doubled or halved) in the direction of ``delta``."""
    changes: dict[str, Any] = {}
    if name == "filters" and isinstance(layer, Conv2DSpec):
        changes = {"filters": _stepped(layer.filters, delta, big, MAX_FILTERS)}
    elif name == "units" and isinstance(layer, DenseSpec):
        changes = {"units": _stepped(layer.units, delta, big, MAX_UNITS)}
    elif name == "kernel_size" and isinstance(layer, Conv2DSpec):
        changes = {"kernel_size": _square(layer.kernel_size, delta)}
    elif name == "pool_size" and isinstance(layer, Pool2DSpec):
        size = _square(layer.pool_size, delta)
        # Keras' default: strides follow the pool size while they are equal to it.
        follow = layer.strides == layer.pool_size
        changes = {"pool_size": size, **({"strides": size} if follow else {})}
    elif name == "strides" and isinstance(layer, Conv2DSpec | Pool2DSpec):
        changes = {"strides": _square(layer.strides, delta)}
    elif name == "padding" and isinstance(layer, Conv2DSpec | Pool2DSpec):
        changes = {"padding": _cycled(PADDINGS, layer.padding, delta)}
    elif name == "activation" and isinstance(layer, Conv2DSpec | DenseSpec):
        changes = {"activation": _cycled(ACTIVATIONS, layer.activation, delta)}
    elif name == "rate" and isinstance(layer, DropoutSpec):
        changes = {"rate": round(layer.rate + (0.1 if big else 0.05) * delta, 2)}
    if isinstance(layer, Pool2DSpec):
        return Pool2DSpec(
            layer.mode,
            changes.get("pool_size", layer.pool_size),
            changes.get("strides", layer.strides),
            changes.get("padding", layer.padding),
        )
    return replace(layer, **changes)


def adjust(state: ArchitectState, delta: int, *, big: bool = False) -> ArchitectState:
    """Change the selected setting one step up (``delta`` > 0) or down; ``big`` doubles or halves a count.

    A value the layer refuses (0 filters, a rate of 1 …) leaves the state as it was, with the reason in ``message``.
    """
    layer, name = state.selected, state.field_name
    if layer is None or name is None:
        return replace(state, message="This layer has no settings." if layer is not None else "There is no layer.")
    try:
        changed = _changed(layer, name, delta, big)
    except ValueError as exc:
        return replace(state, message=str(exc))
    layers = (*state.layers[: state.row], changed, *state.layers[state.row + 1 :])
    return replace(state, layers=layers, message="")


def setting_text(layer: LayerSpec, name: str) -> str:
    """How a setting is shown: ``3x3``, ``same``, ``0.5``, ``32``."""
    value = getattr(layer, name)
    if isinstance(value, tuple):
        return f"{value[0]}x{value[1]}" if value[0] != value[1] else f"{value[0]}"
    return str(value)


def _size(value: tuple[int, int]) -> str:
    return f"{value[0]}x{value[1]}"


def _stride(value: tuple[int, int] | None) -> str:
    return "" if value is None else (str(value[0]) if value[0] == value[1] else _size(value))


def layer_text(layer: LayerSpec) -> str:
    """One short line for a layer: ``Conv2D 32 3x3 s1 valid relu`` (``s``: the strides)."""
    if isinstance(layer, Conv2DSpec):
        size, stride = _size(layer.kernel_size), _stride(layer.strides)
        return f"Conv2D {layer.filters} {size} s{stride} {layer.padding} {layer.activation}"
    if isinstance(layer, Pool2DSpec):
        return f"{layer.type} {_size(layer.pool_size)} s{_stride(layer.strides)} {layer.padding}"
    if isinstance(layer, DropoutSpec):
        return f"Dropout {layer.rate:g}"
    if isinstance(layer, DenseSpec):
        return f"Dense {layer.units} {layer.activation}"
    return "Flatten"
