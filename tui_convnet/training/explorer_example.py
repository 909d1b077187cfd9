"""The bridge to the explorer: a trained model's first Conv2D layer on a real digit, as an explorer
:class:`~tui_convnet.core.ConvExample` (the inspect screen's "step through this feature map")."""

from __future__ import annotations

import numpy as np

from ..core import Conv2DSpec, ConvExample
from .inspector import InspectError, ModelInspector


def learned_kernel_example(
    inspector: ModelInspector, digit: np.ndarray, label: int, index: int, model: str = "trained model"
) -> ConvExample:
    """The first conv layer on a real test digit, as an explorer :class:`~tui_convnet.core.ConvExample`.

    The input is the digit scaled to [0, 1] (28x28x1), the kernels and biases
    are the model's learned ones, the activation is ReLU as in the lecture.
    ``model`` says which model it is (``bundled model, 97.2% on the official test set``): the
    example's source, so that the explorer says which model it shows.
    """
    conv = inspector.conv_layers()
    if not conv:
        raise InspectError("The model has no Conv2D layer to step through.")
    info = conv[0]
    if info.input_shape[2] != 1:
        raise InspectError(
            f"The first Conv2D layer must read the digit itself. Received: input_shape={info.input_shape}"
        )
    kernels, bias = inspector.kernel_and_bias(info)
    spec: Conv2DSpec = info.spec  # type: ignore[assignment]
    x = inspector.model_input(digit).astype(np.float64)
    kh, kw, _, n = kernels.shape
    return ConvExample(
        key=f"learned_{info.name}_test_{index}",
        title=f"Learned {info.name} kernels on test digit #{index} (a {label})",
        description=(
            f"Test digit #{index} (labelled {label}), scaled to [0, 1], under the {n} learned "
            f"{kh}x{kw} kernels of layer {info.name} of the {model}, each with its learned bias, "
            f"then the activation {spec.activation!r} — exactly the numbers of the inspect screen."
        ),
        source=f"the weights of the {model}",
        x=x,
        channel_names=("digit",),
        kernels=np.asarray(kernels, dtype=np.float64),
        bias=np.asarray(bias, dtype=np.float64),
        kernel_names=tuple(f"k{i}" for i in range(n)),
        stride=(spec.strides[0], spec.strides[1]),
        padding=spec.padding,
        dilation=(spec.dilation_rate[0], spec.dilation_rate[1]),
        activation=spec.activation,
    )
