"""A small description of a Sequential ConvNet, its shapes, its parameter
counts (with the arithmetic written out) and its numpy forward pass.

The spec is plain data: the Keras code in ``tui_convnet.training`` builds
the real model from it, and :func:`forward` runs the same network in numpy
from that model's weights.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from numbers import Real
from typing import TYPE_CHECKING, Any

import numpy as np

from ._validate import fail, is_int, numeric_array, pair
from .activations import activate_owned, activation_name
from .arrays import Array
from .conv import conv_geometry
from .pooling import POOL_MODES, pool_geometry

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

# --------------------------------------------------------------------------- dense


def flatten(x: Any) -> np.ndarray:
    """Flatten ``(H, W, C)`` to ``(H·W·C,)`` (batch: keep the first axis), in Keras' row-major order."""
    x = numeric_array(x, "x", ndims=(1, 2, 3, 4))
    flat: Array = x.reshape(-1) if x.ndim <= 3 else x.reshape(x.shape[0], -1)
    return flat


def dense(x: Any, kernel: Any, bias: Any = None, activation: str | None = None) -> np.ndarray:
    """``activation(x @ kernel + bias)`` with Keras' ``Dense`` layout ``kernel: (in, units)``."""
    x = numeric_array(x, "x", ndims=(1, 2))
    w = numeric_array(kernel, "kernel", ndims=(2,))
    if x.shape[-1] != w.shape[0]:
        raise fail(
            f"The input size must match the kernel's first axis ({w.shape[0]})",
            **{"x.shape": x.shape, "kernel.shape": w.shape},
        )
    b = None
    if bias is not None:
        b = numeric_array(bias, "bias", ndims=(1,))
        if b.shape != (w.shape[1],):
            raise fail(f"`bias` must have one value per unit ({w.shape[1]})", **{"bias.shape": b.shape})
    return dense_batch(x, w, b, activation)


def dense_batch(x: Array, kernel: Array, bias: Array | None, activation: str | None) -> Array:
    """The arithmetic of :func:`dense` on inputs that have been checked (numbers, finite, sizes)."""
    dtype = np.result_type(x.dtype, kernel.dtype, np.float32)
    out = x.astype(dtype, copy=False) @ kernel.astype(dtype, copy=False)
    if bias is not None:
        out += bias.astype(dtype, copy=False)
    return activate_owned(out, activation)


# --------------------------------------------------------------------------- spec


def _positive_int(value: Any, name: str) -> int:
    if not is_int(value) or value < 1:
        raise fail(f"`{name}` must be a positive integer", **{name: value})
    return int(value)


def _padding_name(value: Any, layer: str) -> str:
    if not isinstance(value, str) or value.lower() not in ("valid", "same"):
        raise fail(f"A {layer} layer's `padding` must be 'valid' or 'same'", padding=value)
    return value.lower()


def _set(obj: object, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True)
class Conv2DSpec:
    """A ``Conv2D`` layer; the arguments are checked (and normalised) as Keras checks them."""

    filters: int
    kernel_size: tuple[int, int] = (3, 3)
    strides: tuple[int, int] = (1, 1)
    padding: str = "valid"
    dilation_rate: tuple[int, int] = (1, 1)
    activation: str = "relu"
    type: str = field(default="Conv2D", init=False)

    def __post_init__(self) -> None:
        _set(self, "filters", _positive_int(self.filters, "filters"))
        _set(self, "kernel_size", pair(self.kernel_size, "kernel_size", minimum=1))
        strides = pair(self.strides, "strides", minimum=1)
        dilation = pair(self.dilation_rate, "dilation_rate", minimum=1)
        if max(strides) > 1 and max(dilation) > 1:
            # Keras' own rule (and message): TensorFlow has no strided dilated convolution.
            raise fail(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`",
                strides=strides,
                dilation_rate=dilation,
            )
        _set(self, "strides", strides)
        _set(self, "dilation_rate", dilation)
        _set(self, "padding", _padding_name(self.padding, "Conv2D"))
        _set(self, "activation", activation_name(self.activation))


@dataclass(frozen=True)
class Pool2DSpec:
    """A ``MaxPooling2D`` (``mode='max'``) or ``AveragePooling2D`` (``mode='avg'``) layer."""

    mode: str = "max"  # "max" | "avg"
    pool_size: tuple[int, int] = (2, 2)
    strides: tuple[int, int] | None = None
    padding: str = "valid"

    def __post_init__(self) -> None:
        if not isinstance(self.mode, str) or self.mode not in POOL_MODES:
            raise fail("Unknown pooling mode. Expected one of 'max', 'avg'", mode=self.mode)
        size = pair(self.pool_size, "pool_size", minimum=1)
        _set(self, "pool_size", size)
        # Keras: strides default to the pool size.
        _set(self, "strides", size if self.strides is None else pair(self.strides, "strides", minimum=1))
        _set(self, "padding", _padding_name(self.padding, self.type))

    @property
    def type(self) -> str:
        return "MaxPooling2D" if self.mode == "max" else "AveragePooling2D"


@dataclass(frozen=True)
class FlattenSpec:
    type: str = field(default="Flatten", init=False)


@dataclass(frozen=True)
class DenseSpec:
    units: int
    activation: str = "linear"
    type: str = field(default="Dense", init=False)

    def __post_init__(self) -> None:
        _set(self, "units", _positive_int(self.units, "units"))
        _set(self, "activation", activation_name(self.activation))


@dataclass(frozen=True)
class DropoutSpec:
    rate: float = 0.5
    type: str = field(default="Dropout", init=False)

    def __post_init__(self) -> None:
        rate = self.rate
        if isinstance(rate, bool) or not isinstance(rate, Real) or not 0 <= rate < 1:
            raise fail("The dropout `rate` must be in [0, 1)", rate=rate)
        _set(self, "rate", float(rate))


LayerSpec = Conv2DSpec | Pool2DSpec | FlattenSpec | DenseSpec | DropoutSpec
LAYER_SPECS = (Conv2DSpec, Pool2DSpec, FlattenSpec, DenseSpec, DropoutSpec)

#: Keras' default layer names (the prefix before ``_1``, ``_2`` …).
_KERAS_NAMES = {
    "Conv2D": "conv2d",
    "MaxPooling2D": "max_pooling2d",
    "AveragePooling2D": "average_pooling2d",
    "Flatten": "flatten",
    "Dense": "dense",
    "Dropout": "dropout",
}


@dataclass(frozen=True)
class LayerInfo:
    """One row of the model summary."""

    index: int
    name: str  # Keras-style default name: conv2d, max_pooling2d, conv2d_1, …
    type: str
    spec: LayerSpec
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    params: int
    param_formula: str  # e.g. "32·(3·3·1) + 32 = 320"; "" for layers without weights
    shape_formula: str  # how the output shape follows from the input shape

    @property
    def shape_text(self) -> str:
        return "(None, " + ", ".join(str(d) for d in self.output_shape) + ")"


@dataclass(frozen=True)
class ModelSpec:
    """A Sequential model: an input shape and a list of layer specs."""

    input_shape: tuple[int, int, int]
    layers: tuple[LayerSpec, ...]
    name: str = "sequential"

    def __post_init__(self) -> None:
        shape = self.input_shape
        if isinstance(shape, str | bytes) or not isinstance(shape, Sequence) or len(shape) != 3:
            raise fail("`input_shape` must be [height, width, channels]", input_shape=shape)
        _set(self, "input_shape", tuple(_positive_int(v, "input_shape") for v in shape))
        layers = self.layers
        if isinstance(layers, str | bytes) or not isinstance(layers, Sequence):
            raise fail("`layers` must be a sequence of layer specs", layers=layers)
        for layer in layers:
            if not isinstance(layer, LAYER_SPECS):
                raise fail(
                    "A layer must be a Conv2DSpec, Pool2DSpec, FlattenSpec, DenseSpec or DropoutSpec", layer=layer
                )
        _set(self, "layers", tuple(layers))
        if not isinstance(self.name, str):
            raise fail("`name` must be a string", name=self.name)

    def summary(self) -> list[LayerInfo]:
        return infer_shapes(self)

    @property
    def total_params(self) -> int:
        return sum(info.params for info in self.summary())

    def to_dict(self) -> dict[str, Any]:
        layers = []
        for layer in self.layers:
            d = {"type": layer.type, **{k: v for k, v in asdict(layer).items() if k not in ("type", "mode")}}
            layers.append(d)
        return {"name": self.name, "input_shape": list(self.input_shape), "layers": layers}

    def with_dropout(self, rate: float | None) -> ModelSpec:
        """This spec with a Dropout(rate) before the last Dense (or without any Dropout for None/0)."""
        layers: list[LayerSpec] = [layer for layer in self.layers if not isinstance(layer, DropoutSpec)]
        if rate is not None and (isinstance(rate, bool) or not isinstance(rate, Real) or not 0 <= rate < 1):
            raise fail("The dropout rate must be between 0 and 1 (exclusive)", rate=rate)
        dense = [i for i, layer in enumerate(layers) if isinstance(layer, DenseSpec)]
        if rate and not dense:
            raise fail("Dropout goes before the last Dense layer, and this model has none", rate=rate)
        if rate:
            last_dense = max(dense)
            layers.insert(last_dense, DropoutSpec(float(rate)))
        return ModelSpec(self.input_shape, tuple(layers), self.name)


def mnist_convnet(dropout: float | None = None) -> ModelSpec:
    """The lecture's MNIST ConvNet (Chollet, *Deep Learning with Python*): 93,322 parameters."""
    spec = ModelSpec(
        input_shape=(28, 28, 1),
        layers=(
            Conv2DSpec(32, (3, 3), activation="relu"),
            Pool2DSpec("max", (2, 2)),
            Conv2DSpec(64, (3, 3), activation="relu"),
            Pool2DSpec("max", (2, 2)),
            Conv2DSpec(64, (3, 3), activation="relu"),
            FlattenSpec(),
            DenseSpec(64, activation="relu"),
            DenseSpec(10, activation="softmax"),
        ),
        name="mnist_convnet",  # the lecture's name for it, on every screen, in summary and in Keras
    )
    return spec.with_dropout(dropout)


def missing_is_none(d: Mapping[str, Any], key: str) -> Any:
    """``d[key]``, or None (refused by the spec with a clear message) when it is missing."""
    return d.get(key)


def layer_from_dict(data: Mapping[str, Any]) -> LayerSpec:
    """Build a layer spec from a mapping such as ``{"type": "Conv2D", "filters": 32}``."""
    if not isinstance(data, Mapping) or "type" not in data:
        raise fail("A layer must be a table with a `type`", layer=data)
    d: dict[str, Any] = dict(data)
    kind = d.pop("type")
    if not isinstance(kind, str):
        raise fail("A layer's `type` must be text such as 'Conv2D'", type=kind)
    known = {
        "Conv2D": {"filters", "kernel_size", "strides", "padding", "dilation_rate", "activation"},
        "MaxPooling2D": {"pool_size", "strides", "padding"},
        "AveragePooling2D": {"pool_size", "strides", "padding"},
        "Flatten": set(),
        "Dense": {"units", "activation"},
        "Dropout": {"rate"},
    }
    if kind not in known:
        raise fail("Unknown layer type. Expected one of " + ", ".join(known), type=kind)
    extra = set(d) - known[kind]
    if extra:
        raise fail(f"Unknown option for a {kind} layer", option=sorted(extra)[0])
    if kind == "Conv2D":
        return Conv2DSpec(
            missing_is_none(d, "filters"),
            d.get("kernel_size", 3),
            d.get("strides", 1),
            d.get("padding", "valid"),
            d.get("dilation_rate", 1),
            d.get("activation", "linear"),
        )
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        return Pool2DSpec(
            "max" if kind == "MaxPooling2D" else "avg",
            d.get("pool_size", 2),
            d.get("strides"),
            d.get("padding", "valid"),
        )
    if kind == "Flatten":
        return FlattenSpec()
    if kind == "Dense":
        return DenseSpec(missing_is_none(d, "units"), d.get("activation", "linear"))
    return DropoutSpec(d.get("rate", 0.5))


def spec_from_dict(data: Mapping[str, Any]) -> ModelSpec:
    """Build (and shape-check) a :class:`ModelSpec` from plain data."""
    if not isinstance(data, Mapping):
        raise fail("A model must be a table with `input_shape` and `layers`", model=data)
    shape = data.get("input_shape")
    if isinstance(shape, str | bytes) or not isinstance(shape, Sequence) or len(shape) != 3:
        raise fail("`input_shape` must be [height, width, channels]", input_shape=shape)
    layers = data.get("layers")
    if not isinstance(layers, Sequence) or isinstance(layers, str) or not layers:
        raise fail("`layers` must be a non-empty list of layer tables", layers=layers)
    spec = ModelSpec(
        tuple(_positive_int(v, "input_shape") for v in shape),  # type: ignore[arg-type]
        tuple(layer_from_dict(layer) for layer in layers),
        str(data.get("name", "sequential")),
    )
    infer_shapes(spec)  # validate now, with a clear message
    return spec


def _named(name: str, kind: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``fn``; a ``ValueError`` from it gets the layer's name in front."""
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        raise ValueError(f"Layer {name} ({kind}): {exc}") from None


def infer_shapes(spec: ModelSpec) -> list[LayerInfo]:
    """Shapes, parameter counts and their formulas, layer by layer (as ``model.summary()``)."""
    if not isinstance(spec, ModelSpec):
        raise fail("`spec` must be a ModelSpec", spec=type(spec).__name__)
    shape: tuple[int, ...] = tuple(spec.input_shape)
    counters: dict[str, int] = {}
    rows: list[LayerInfo] = []
    for i, layer in enumerate(spec.layers):
        prefix = _KERAS_NAMES[layer.type]
        n = counters.get(prefix, 0)
        counters[prefix] = n + 1
        name = prefix if n == 0 else f"{prefix}_{n}"
        in_shape = shape
        params, pformula, sformula = 0, "", ""
        if isinstance(layer, Conv2DSpec):
            if len(shape) != 3:
                raise fail(f"Layer {name} (Conv2D) needs a 3-D input (H, W, C)", input_shape=shape)
            kh, kw = layer.kernel_size
            g = _named(
                name,
                layer.type,
                conv_geometry,
                shape,
                (kh, kw, shape[2], layer.filters),
                stride=layer.strides,
                padding=layer.padding,
                dilation=layer.dilation_rate,
            )
            shape = g.out_shape
            params, pformula = g.param_count, g.param_formula
            fh, fw = g.output_formulas()
            sformula = fh if fh == fw else f"{fh} and {fw}"
        elif isinstance(layer, Pool2DSpec):
            if len(shape) != 3:
                raise fail(f"Layer {name} ({layer.type}) needs a 3-D input (H, W, C)", input_shape=shape)
            g = _named(name, layer.type, pool_geometry, shape, layer.pool_size, layer.strides, layer.padding)
            shape = g.out_shape
            fh, fw = g.output_formulas()
            sformula = fh if fh == fw else f"{fh} and {fw}"
        elif isinstance(layer, FlattenSpec):
            shape = (int(np.prod(shape)),)
            sformula = "·".join(str(d) for d in in_shape) + f" = {shape[0]}"
        elif isinstance(layer, DenseSpec):
            if len(shape) != 1:
                raise fail(f"Layer {name} (Dense) needs a flat input: add a Flatten layer first", input_shape=shape)
            params = shape[0] * layer.units + layer.units
            pformula = f"{shape[0]}·{layer.units} + {layer.units} = {params:,}"
            shape = (layer.units,)
            sformula = f"{layer.units} units"
        else:
            sformula = "unchanged (active only while training)"
        rows.append(LayerInfo(i, name, layer.type, layer, in_shape, shape, params, pformula, sformula))
    return rows


# --------------------------------------------------------------------------- forward


def layers_with_weights(
    spec: ModelSpec, weights: Sequence[ArrayLike]
) -> list[tuple[LayerInfo, tuple[Array, Array] | None]]:
    """Each layer's :class:`LayerInfo` with its checked ``(kernel, bias)`` (None for layers without weights);
    ``weights`` lists them in layer order."""
    if isinstance(weights, str | bytes | np.ndarray) or not isinstance(weights, Sequence):
        raise fail("`weights` must be a list of arrays (kernel, bias for each layer with weights)", weights=weights)
    per_layer: list[tuple[LayerInfo, tuple[Array, Array] | None]] = []
    flat = list(weights)
    for info in infer_shapes(spec):
        layer = info.spec
        if not isinstance(layer, Conv2DSpec | DenseSpec):
            per_layer.append((info, None))
            continue
        if len(flat) < 2:
            raise fail("Not enough weight arrays for the model's layers", weights=len(weights))
        kernel = numeric_array(flat.pop(0), f"{info.name} kernel", ndims=(2, 4))
        bias = numeric_array(flat.pop(0), f"{info.name} bias", ndims=(1,))
        expected = (
            (*layer.kernel_size, info.input_shape[2], layer.filters)
            if isinstance(layer, Conv2DSpec)
            else (info.input_shape[0], layer.units)
        )
        if kernel.shape != expected or bias.shape != (expected[-1],):
            raise fail(
                f"Weights of layer {info.name} have the wrong shape (expected kernel {expected})",
                **{"kernel.shape": kernel.shape, "bias.shape": bias.shape},
            )
        per_layer.append((info, (kernel, bias)))
    if flat:
        raise fail("More weight arrays than the model has layers with weights", weights=len(weights))
    return per_layer


def summary_rows(spec: ModelSpec) -> Iterable[tuple[str, str, str, str]]:
    """``(name (type), output shape, params, formula)`` strings, as the summary table shows them."""
    for info in infer_shapes(spec):
        yield f"{info.name} ({info.type})", info.shape_text, f"{info.params:,}", info.param_formula
