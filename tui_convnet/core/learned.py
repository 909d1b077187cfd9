"""A model's first Conv2D layer (its learned kernels and biases) on one image, as an explorer
:class:`~.examples.ConvExample`: what the draw and inspect screens open when the student steps through a
learned feature map (numpy only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .examples import ConvExample
from .model import Conv2DSpec, ModelSpec, infer_shapes


@dataclass(frozen=True, eq=False)
class LearnedConv:
    """A model's first Conv2D layer: its name, its spec, its learned ``(kh, kw, 1, n)`` kernels and biases."""

    name: str
    layer: Conv2DSpec
    kernels: np.ndarray
    bias: np.ndarray

    @property
    def count(self) -> int:
        return int(self.kernels.shape[3])

    @property
    def size(self) -> str:
        """``3x3``."""
        return f"{self.kernels.shape[0]}x{self.kernels.shape[1]}"

    def example(
        self, x: np.ndarray, *, key: str, title: str, description: str, source: str, channel_name: str
    ) -> ConvExample:
        """The layer on ``x``, the image as the model reads it (``(28, 28, 1)`` in [0, 1])."""
        return ConvExample(
            key=key,
            title=title,
            description=description,
            source=source,
            x=np.asarray(x, dtype=np.float64),
            channel_names=(channel_name,),
            kernels=self.kernels,
            bias=self.bias,
            kernel_names=tuple(f"k{i}" for i in range(self.count)),
            stride=self.layer.strides,
            padding=self.layer.padding,
            dilation=self.layer.dilation_rate,
            activation=self.layer.activation,
        )


def first_conv(spec: ModelSpec, weights: Sequence[np.ndarray]) -> LearnedConv:
    """The first Conv2D layer of a model with these weights.

    Raises ``ValueError`` when the model has none, or its first one does not read the image itself.
    """
    infos = infer_shapes(spec)
    first = next((i for i, info in enumerate(infos) if isinstance(info.spec, Conv2DSpec)), None)
    if first is None:
        raise ValueError("The model has no Conv2D layer to step through.")
    info = infos[first]
    if info.input_shape[2] != 1:
        raise ValueError(f"The first Conv2D layer must read the image itself. Received: input_shape={info.input_shape}")
    assert isinstance(info.spec, Conv2DSpec)
    index = sum(2 for earlier in infos[:first] if earlier.params)  # kernel, bias of each earlier layer
    kernels = np.asarray(weights[index], dtype=np.float64)
    bias = np.asarray(weights[index + 1], dtype=np.float64)
    return LearnedConv(info.name, info.spec, kernels, bias)
