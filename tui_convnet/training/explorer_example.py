"""The bridge to the explorer: a trained model's first Conv2D layer on a test digit, as an explorer
:class:`~tui_convnet.core.ConvExample` (the inspect screen's "step through this feature map")."""

from __future__ import annotations

import numpy as np

from ..core import ConvExample
from ..core.learned import first_conv
from .inspector import InspectError, ModelInspector


def learned_kernel_example(
    inspector: ModelInspector, digit: np.ndarray, label: int, index: int, model: str = "trained model"
) -> ConvExample:
    """The first conv layer on a real test digit, as an explorer :class:`~tui_convnet.core.ConvExample`.

    The input is the digit scaled to [0, 1] (28x28x1), the kernels and biases
    are the model's learned ones, the activation is ReLU as in the lecture.
    ``model`` says which model it is (``bundled model, 97.9% on the official test set``): the
    example's source, so that the explorer says which model it shows.
    """
    try:
        conv = first_conv(inspector.spec, inspector.weights)
    except ValueError as exc:
        raise InspectError(str(exc)) from None
    return conv.example(
        inspector.model_input(digit),
        key=f"learned_{conv.name}_test_{index}",
        title=f"Learned {conv.name} kernels on test digit #{index} (a {label})",
        description=(
            f"Test digit #{index} (labelled {label}), scaled to [0, 1], under the {conv.count} learned "
            f"{conv.size} kernels of layer {conv.name} of the {model}, each with its learned bias, "
            f"then the activation {conv.layer.activation!r} — exactly the numbers of the inspect screen."
        ),
        source=f"the weights of the {model}",
        channel_name="digit",
    )
