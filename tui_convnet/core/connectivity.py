"""Sparse connectivity and parameter sharing, counted.

Goodfellow's figure in the lecture: inputs x1…x5, outputs s1…s5.  A
convolution of width 3 connects each output to the 3 inputs under its
window (2 at the edges, with 'same' padding); a dense layer connects every
output to every input.  The same counts for a real layer: a dense layer
from the lecture model's 28×28×1 input to its first convolution's 26×26×32
output would need 784·21,632 weights (+ 21,632 biases); the convolution
needs 32·(3·3·1) + 32 = 320, because one kernel is shared by all 676
positions (parameter sharing) and each position sees only 9 inputs (sparse
connectivity).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validate import fail
from .conv import ConvGeometry, conv_geometry, conv_output_size, same_padding
from .conv_sizes import conv_param_formula
from .model import Conv2DSpec, ModelSpec, infer_shapes


def _positive(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise fail(f"`{name}` must be a positive integer", **{name: value})
    return int(value)


@dataclass(frozen=True)
class Connectivity1D:
    """A 1-D convolution of ``width`` over ``n_inputs`` inputs beside a dense layer (no biases).

    Indices are 0-based (x1 is input 0).  ``padding`` is 'same' (Goodfellow's
    figure: as many outputs as inputs) or 'valid'.
    """

    n_inputs: int
    width: int
    padding: str
    n_outputs: int
    pad_before: int

    def conv_inputs_of(self, output: int) -> tuple[int, ...]:
        """The inputs output ``output`` depends on through the convolution."""
        self._check(output, self.n_outputs, "output")
        start = output - self.pad_before
        return tuple(i for i in range(start, start + self.width) if 0 <= i < self.n_inputs)

    def conv_outputs_of(self, input_: int) -> tuple[int, ...]:
        """The outputs input ``input_`` reaches through the convolution."""
        self._check(input_, self.n_inputs, "input")
        return tuple(o for o in range(self.n_outputs) if input_ in self.conv_inputs_of(o))

    def dense_inputs_of(self, output: int) -> tuple[int, ...]:
        self._check(output, self.n_outputs, "output")
        return tuple(range(self.n_inputs))

    def dense_outputs_of(self, input_: int) -> tuple[int, ...]:
        self._check(input_, self.n_inputs, "input")
        return tuple(range(self.n_outputs))

    @property
    def conv_connections(self) -> int:
        """Edges of the convolution's graph (one multiplication each)."""
        return sum(len(self.conv_inputs_of(o)) for o in range(self.n_outputs))

    @property
    def dense_connections(self) -> int:
        return self.n_inputs * self.n_outputs

    @property
    def conv_weights(self) -> int:
        """Distinct weights of the convolution: one kernel, shared by every output."""
        return self.width

    @property
    def unshared_weights(self) -> int:
        """Weights of the same sparse graph without sharing (a locally connected layer)."""
        return self.conv_connections

    @property
    def dense_weights(self) -> int:
        return self.dense_connections

    def _check(self, index: Any, stop: int, name: str) -> None:
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < stop:
            raise fail(f"`{name}` must be an integer between 0 and {stop - 1}", **{name: index})


def connectivity_1d(n_inputs: int = 5, width: int = 3, padding: str = "same") -> Connectivity1D:
    """Goodfellow's figure by default: x1…x5, a kernel of width 3, 'same' padding."""
    n = _positive(n_inputs, "n_inputs")
    k = _positive(width, "width")
    if padding not in ("same", "valid"):
        raise fail("`padding` must be 'same' or 'valid'", padding=padding)
    n_out = conv_output_size(n, k, 1, padding)
    before = same_padding(n, k)[0] if padding == "same" else 0
    return Connectivity1D(n, k, padding, n_out, before)


@dataclass(frozen=True)
class LayerConnections:
    """A Conv2D layer of a model against a dense layer with the same input and output sizes."""

    name: str
    in_shape: tuple[int, int, int]
    out_shape: tuple[int, int, int]
    kernel_shape: tuple[int, int, int, int]  # (kh, kw, C_in, C_out)

    @property
    def inputs(self) -> int:
        h, w, c = self.in_shape
        return h * w * c

    @property
    def outputs(self) -> int:
        h, w, c = self.out_shape
        return h * w * c

    @property
    def positions(self) -> int:
        """Output positions one kernel is applied at (26·26 = 676 for the lecture's first layer)."""
        return self.out_shape[0] * self.out_shape[1]

    @property
    def window(self) -> int:
        """Inputs one output cell sees: kh·kw·C_in."""
        kh, kw, c, _ = self.kernel_shape
        return kh * kw * c

    @property
    def dense_weights(self) -> int:
        return self.inputs * self.outputs

    @property
    def dense_params(self) -> int:
        return self.dense_weights + self.outputs

    @property
    def conv_weights(self) -> int:
        return self.window * self.kernel_shape[3]

    @property
    def conv_params(self) -> int:
        return self.conv_weights + self.kernel_shape[3]

    @property
    def conv_connections(self) -> int:
        """Multiplications of the convolution (at most; fewer where 'same' padding clips windows)."""
        return self.outputs * self.window

    @property
    def unshared_weights(self) -> int:
        """Weights without parameter sharing: a separate kernel at every position."""
        return self.positions * self.conv_weights

    @property
    def dense_formula(self) -> str:
        """``784·21,632 + 21,632 = 16,981,120``."""
        return f"{self.inputs:,}·{self.outputs:,} + {self.outputs:,} = {self.dense_params:,}"

    @property
    def conv_formula(self) -> str:
        """``32·(3·3·1) + 32 = 320``."""
        kh, kw, c, n = self.kernel_shape
        return conv_param_formula(kh, kw, c, n)

    @property
    def unshared_formula(self) -> str:
        """``676·32·(3·3·1) = 194,688``."""
        kh, kw, c, n = self.kernel_shape
        return f"{self.positions:,}·{n}·({kh}·{kw}·{c}) = {self.unshared_weights:,}"


def conv_layer_geometry(layer: Conv2DSpec, input_shape: tuple[int, ...]) -> ConvGeometry:
    """The geometry of a Conv2D layer of a spec, given the shape of its input."""
    return conv_geometry(
        input_shape,
        (*layer.kernel_size, input_shape[2], layer.filters),
        stride=layer.strides,
        padding=layer.padding,
        dilation=layer.dilation_rate,
    )


def layer_connections(spec: ModelSpec, layer: int = 0) -> LayerConnections:
    """Counts for the Conv2D layer at index ``layer`` of ``spec`` (the first one by default)."""
    if not isinstance(spec, ModelSpec):
        raise fail("`spec` must be a ModelSpec", spec=type(spec).__name__)
    infos = infer_shapes(spec)
    if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or not 0 <= layer < len(infos):
        raise fail(f"`layer` must be an integer between 0 and {len(infos) - 1}", layer=layer)
    info = infos[layer]
    if not isinstance(info.spec, Conv2DSpec):
        raise fail(f"Layer {info.name} is a {info.type}, not a Conv2D layer", layer=layer)
    g = conv_layer_geometry(info.spec, info.input_shape)
    return LayerConnections(info.name, g.in_shape, g.out_shape, g.kernel_shape)


__all__ = ["Connectivity1D", "LayerConnections", "connectivity_1d", "layer_connections"]
