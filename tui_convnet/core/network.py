"""The numpy forward pass of a whole model, its spec and weights checked once.

:func:`forward` checks the spec, every weight array (shapes, numbers, finite)
and every layer's geometry, then runs the layers.  A screen that runs the same
model again and again (the inspect screen, once per key press) builds a
:class:`ForwardPass` once with :func:`forward_pass` and calls it: each call then
checks only its input (and the work a new batch size asks for, before
allocating it) and runs the same arithmetic as :func:`conv2d`, :func:`pool2d`
and :func:`dense` (the same functions: the numbers are the same to the bit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ._validate import fail, numeric_array
from .arrays import Array
from .conv import ConvGeometry, check_conv_work, conv_batch, conv_geometry
from .model import (
    Conv2DSpec,
    DenseSpec,
    FlattenSpec,
    LayerInfo,
    ModelSpec,
    Pool2DSpec,
    dense_batch,
    layers_with_weights,
)
from .pooling import PoolGeometry, check_pool_work, pool_batch, pool_geometry

if TYPE_CHECKING:
    from numpy.typing import ArrayLike


@dataclass(frozen=True, eq=False)
class ConvLayer:
    """A Conv2D layer, checked: its geometry and its kernels as the ``(kh·kw·C_in, C_out)`` matrix."""

    geometry: ConvGeometry
    kernel_matrix: Array
    bias: Array
    padding: str  # as the spec gives it (shown when the work is refused)
    activation: str

    def check_work(self, batch: int) -> None:
        check_conv_work(self.geometry, batch, padding=self.padding)

    keeps_finite = False  # a sum of products may overflow

    def run(self, h: Array) -> Array:
        return conv_batch(h, self.geometry, self.kernel_matrix, self.bias, self.activation)


@dataclass(frozen=True, eq=False)
class PoolLayer:
    """A MaxPooling2D or AveragePooling2D layer, checked."""

    geometry: PoolGeometry
    mode: str

    def check_work(self, batch: int) -> None:
        check_pool_work(self.geometry, batch, self.mode)

    @property
    def keeps_finite(self) -> bool:
        """A maximum of finite numbers is finite (an average of large ones may overflow)."""
        return self.mode == "max"

    def run(self, h: Array) -> Array:
        return pool_batch(h, self.geometry, self.mode)


@dataclass(frozen=True, eq=False)
class DenseLayer:
    """A Dense layer, checked."""

    kernel: Array
    bias: Array
    activation: str

    def check_work(self, batch: int) -> None:
        """A Dense layer's output is never larger than its kernel (already allocated): nothing to refuse."""

    keeps_finite = False  # a sum of products may overflow

    def run(self, h: Array) -> Array:
        return dense_batch(h, self.kernel, self.bias, self.activation)


@dataclass(frozen=True)
class FlattenLayer:
    """``(N, H, W, C)`` → ``(N, H·W·C)``, Keras' row-major order (a view, no copy)."""

    def check_work(self, batch: int) -> None:
        """A reshape allocates nothing."""

    keeps_finite = True

    def run(self, h: Array) -> Array:
        return h.reshape(h.shape[0], -1)


@dataclass(frozen=True)
class IdentityLayer:
    """A Dropout layer at inference: its output is its input."""

    def check_work(self, batch: int) -> None:
        """Nothing is computed."""

    keeps_finite = True

    def run(self, h: Array) -> Array:
        return h


Layer = ConvLayer | PoolLayer | DenseLayer | FlattenLayer | IdentityLayer


def _finite(h: Array) -> None:
    """Refuse a layer input with NaN or inf, with the message the layer's own function gives."""
    if h.dtype.kind == "f" and h.size and not np.isfinite(h).all():
        raise fail("`x` must contain only finite numbers (no NaN or inf)", **{"x.shape": h.shape})


@dataclass(frozen=True, eq=False)
class ForwardPass:
    """A model's forward pass with its spec and weights checked once (build it with :func:`forward_pass`).

    It reads the weight arrays it was given without copying them: they must not
    be changed in place afterwards (build a new one for new weights).
    """

    spec: ModelSpec
    infos: tuple[LayerInfo, ...]
    layers: tuple[Layer, ...]
    #: Per layer: whether its input must be checked for NaN and inf (see :func:`_finite_checks`).
    checks: tuple[bool, ...]
    #: Batch sizes whose work every layer has accepted (checked once per size, before allocating).
    _accepted: set[int] = field(default_factory=set, repr=False)

    def __call__(self, x: Any, *, intermediates: bool = False) -> Any:
        """The output for one input ``(H, W, C)`` or a batch ``(N, H, W, C)``; with
        ``intermediates=True`` the list of every layer's output (as :func:`forward`)."""
        return self.run(_model_input(self.spec, x), intermediates=intermediates)

    def run(self, x: Array, *, intermediates: bool = False) -> Any:
        """:meth:`__call__` for an input already checked (numbers, finite, the model's input shape)."""
        batched = x.ndim == 4
        h = x.astype(np.result_type(x.dtype, np.float32), copy=False)
        if not batched:
            h = h[None]
        batch = h.shape[0]
        if batch not in self._accepted:
            for layer in self.layers:
                layer.check_work(batch)
            self._accepted.add(batch)
        outputs = []
        for layer, check in zip(self.layers, self.checks, strict=True):
            if check:
                _finite(h)  # as conv2d, pool2d and dense refuse a non-finite input
            h = layer.run(h)
            outputs.append(h if batched else h[0])
        return outputs if intermediates else outputs[-1]


def _layer(info: LayerInfo, weights: tuple[Array, Array] | None) -> Layer:
    """One layer of a :class:`ForwardPass`, its geometry resolved (and checked) once."""
    layer = info.spec
    if isinstance(layer, Conv2DSpec) and weights is not None:
        kernel, bias = weights
        g = conv_geometry(
            info.input_shape, kernel.shape, stride=layer.strides, padding=layer.padding, dilation=layer.dilation_rate
        )
        return ConvLayer(g, kernel.reshape(-1, layer.filters), bias, layer.padding, layer.activation)
    if isinstance(layer, DenseSpec) and weights is not None:
        return DenseLayer(weights[0], weights[1], layer.activation)
    if isinstance(layer, Pool2DSpec):
        return PoolLayer(pool_geometry(info.input_shape, layer.pool_size, layer.strides, layer.padding), layer.mode)
    if isinstance(layer, FlattenSpec):
        return FlattenLayer()
    return IdentityLayer()  # Dropout (the layers with weights always have them: layers_with_weights)


def _finite_checks(layers: Sequence[Layer]) -> tuple[bool, ...]:
    """Which layers' inputs to check for NaN and inf: as :func:`conv2d`, :func:`pool2d` and :func:`dense`
    check theirs, except where it is known finite (the checked input, or what a max pooling, a Flatten or a
    Dropout made of a finite input)."""
    checks, known_finite = [], True
    for layer in layers:
        check = not known_finite and isinstance(layer, ConvLayer | PoolLayer | DenseLayer)
        checks.append(check)
        known_finite = (known_finite or check) and layer.keeps_finite
    return tuple(checks)


def forward_pass(spec: ModelSpec, weights: Sequence[ArrayLike]) -> ForwardPass:
    """Check ``spec`` and ``weights`` (the flat list Keras' ``model.get_weights()`` returns: kernel,
    bias for each Conv2D and Dense layer, in order) once, for a :class:`ForwardPass` that runs them."""
    checked = layers_with_weights(spec, weights)
    layers = tuple(_layer(info, w) for info, w in checked)
    return ForwardPass(spec, tuple(info for info, _ in checked), layers, _finite_checks(layers))


def _model_input(spec: ModelSpec, x: Any) -> Array:
    """``x`` checked as one input or a batch of inputs of ``spec``: numbers, finite, the input shape."""
    checked = numeric_array(x, "x", ndims=(3, 4))
    if tuple(checked.shape[-3:]) != tuple(spec.input_shape):
        raise fail(f"The input must have shape {tuple(spec.input_shape)}", **{"x.shape": checked.shape})
    return checked


def forward(spec: ModelSpec, weights: Sequence[ArrayLike], x: Any, *, intermediates: bool = False) -> Any:
    """Run the model in numpy.

    ``weights`` is the flat list Keras' ``model.get_weights()`` returns
    (kernel, bias for each Conv2D and Dense layer, in order).  ``x`` is one
    input ``(H, W, C)`` or a batch ``(N, H, W, C)``.  Returns the output, or
    with ``intermediates=True`` the list of every layer's output.  Checks the
    spec and the weights on every call: to run the same model many times, build
    a :func:`forward_pass` once.
    """
    x = _model_input(spec, x)
    return forward_pass(spec, weights).run(x, intermediates=intermediates)
