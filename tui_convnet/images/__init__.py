"""Your own picture as an MNIST digit: read the file, find the digit, make it look like MNIST.

- :mod:`.read` — the file as pixels (PNG, JPEG, WebP, BMP, Netpbm, ``.npy``), big pictures decoded small;
- :mod:`.preprocess` — the stages, from a photo to the 28x28 frame the network sees;
- :mod:`.blobs`, :mod:`.filters` — connected ink, and the small numpy filters the stages use;
- :mod:`.notes` — one sentence per stage saying what it did to this picture;
- :mod:`.drawing` — a digit drawn on the draw screen's canvas, and what the network makes of it.

``convnet-tui predict --image`` is :mod:`tui_convnet.training.predict_image_cli` (it may load a Keras model, a
layer above).

Data layer: numpy and Pillow; never imports training or ui.
"""

from __future__ import annotations

import os

from ..util.fileio import user_path
from .notes import STAGE_COUNT, UNSURE, Stage, stages, verdict
from .preprocess import (
    BOX,
    FRAME,
    INK_THRESHOLD,
    WORK_SIDE,
    Preprocessed,
    centre_by_mass,
    centre_of_mass,
    grayscale,
    ink_box,
    mass_offset,
    preprocess,
    scale_to_box,
    scaled_size,
)
from .read import FORMATS_READ, MAX_PIXELS, ImageError, read_image, read_picture


def load_digit(path: str | os.PathLike[str]) -> Preprocessed:
    """Read an image file (a big one decoded small) and preprocess it; every failure is an
    :class:`ImageError` naming the file."""
    pixels, size = read_picture(path, max_side=WORK_SIDE)
    try:
        return preprocess(pixels, original=size)
    except ImageError as exc:
        raise ImageError(f"{user_path(path)}: {exc}") from None


__all__ = [
    "BOX",
    "FORMATS_READ",
    "FRAME",
    "INK_THRESHOLD",
    "MAX_PIXELS",
    "STAGE_COUNT",
    "UNSURE",
    "WORK_SIDE",
    "ImageError",
    "Preprocessed",
    "Stage",
    "centre_by_mass",
    "centre_of_mass",
    "grayscale",
    "ink_box",
    "load_digit",
    "mass_offset",
    "preprocess",
    "read_image",
    "read_picture",
    "scale_to_box",
    "scaled_size",
    "stages",
    "verdict",
]
