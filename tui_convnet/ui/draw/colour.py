"""The draw screen with a model of 32x32 RGB images: a picture (``convnet-tui --data RGBSET --image FILE``) through it.

Pure (numpy and Rich markup, no widgets): the lines the screen shows while the picture waits for such a model and
once it is shown, and the picture's pass through the model (every layer's output, by the numpy engine). The
picture is the colour preprocessing's (:func:`tui_convnet.training.colour_image.colour_input`: the centre square
resized to 32x32 RGB), never MNIST's; the pen keeps drawing 28x28 grey digits for grey models.
"""

from __future__ import annotations

import numpy as np
from rich.markup import escape

from ...model.model import Model
from ...training.colour_image import reads_colour
from ...util.visible import visible

#: Under the picture: what the network sees, and that the pen is for grey models (one line each).
SEEN_NOTE = (
    "[b]The picture's centre square[/b], resized to 32x32 RGB (no MNIST preprocessing).\n"
    "The pen draws 28x28 grey digits: only for grey models (its canvas is back with one)."
)


#: The screen's help (``?``) while a model of colour images reads the picture.
HELP = """\
**A picture through a model of 32x32 colour images.** The picture given with `--image` is read in colour:
its centre square, resized to 32x32 RGB (no MNIST preprocessing), is what the network sees, shown beside
the bars. It then goes through the network, layer by layer, by the numpy engine; the bars are the class
probabilities, by the classes' names.

The pen draws 28x28 grey digits, so it is only for grey models: its canvas comes back with one.
"""


def waiting_line(source: str) -> str:
    """The model line while ``source`` (a colour picture) waits for a model of 32x32 RGB images."""
    return (
        f"[b]{escape(visible(source))}[/b] waits for a 32x32 colour model: train (t) or load one; drawing uses "
        "the model below"
    )


def picture_outputs(model: Model, pixels: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every layer's output for ``pixels`` (``(32, 32, 3)`` uint8), the last the class probabilities."""
    if not reads_colour(model.spec):
        raise ValueError(f"The model does not read 32x32 RGB images. Received: input_shape={model.spec.input_shape}")
    return tuple(np.asarray(out) for out in model.layer_outputs(model_input(pixels)))


def model_input(pixels: np.ndarray) -> np.ndarray:
    """The picture as the model reads it: floats in [0, 1], ``(32, 32, 3)`` (as ``predict --image`` does)."""
    return np.asarray(pixels, dtype=np.float32) / 255.0
