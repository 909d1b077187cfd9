"""The slide's layer names (Keras 2: ``conv2d_1``, ``max_pooling2d_1``, ``dense_2`` …) beside Keras 3's.

The lecture's ``model.summary()`` was printed by Keras 2, which numbered each layer type from 1 in a
fresh session; Keras 3, which this app uses, leaves the first layer of a type unnumbered and counts the
next from 1. :func:`keras2_names` gives the slide's names for any model, :data:`KERAS_NAMES_NOTE` the
sentence that says why they differ.
"""

from __future__ import annotations

from ..core import ModelSpec, infer_shapes

KERAS_NAMES_NOTE = (
    "The slide's names (conv2d_1, max_pooling2d_1, dense_2) come from Keras 2, which numbered each layer type "
    "from 1; Keras 3, used here, leaves the first unnumbered and counts on from 1 (conv2d, conv2d_1), so the "
    "slide's conv2d_2 is Keras 3's conv2d_1: the same layer."
)


def keras2_name(keras3_name: str) -> str:
    """``conv2d`` → ``conv2d_1``, ``conv2d_1`` → ``conv2d_2``: the same layer as Keras 2 named it."""
    stem, _, number = keras3_name.rpartition("_")
    if stem and number.isdigit():
        return f"{stem}_{int(number) + 1}"
    return f"{keras3_name}_1"


def keras2_names(spec: ModelSpec) -> list[str]:
    """The slide's name of each layer of ``spec`` (a model built first in a fresh Keras 2 session)."""
    return [keras2_name(info.name) for info in infer_shapes(spec)]


def slide_named(keras3_name: str, layer_type: str = "") -> str:
    """``conv2d_1 (Conv2D; the slide's conv2d_2)``: a layer named in a sentence, with the slide's name."""
    kind = f"{layer_type}; " if layer_type else ""
    return f"{keras3_name} ({kind}the slide's {keras2_name(keras3_name)})"


def both_names(keras3_name: str) -> str:
    """``conv2d_1 (slide: conv2d_2)``."""
    return f"{keras3_name} (slide: {keras2_name(keras3_name)})"
