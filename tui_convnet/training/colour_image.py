"""A picture for a model of 32x32 RGB images (``convnet-tui predict MODEL.keras --image FILE``), and its answer.

No MNIST preprocessing (no digit found, inverted, centred): the picture is read as the other image files are
(:func:`tui_convnet.images.read.read_image`, the same size limits and one-line refusals), its centre square
cut out and resized to the model's 32x32, in colour (a grey picture gets three equal channels; a transparent
one is laid on white). The answer names the classes (the names saved with the model, else their numbers).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

import numpy as np

from ..core import ModelSpec, forward, numbers
from ..data.labels import ClassLabels
from ..model.model import Loaded, Model
from ..util.visible import visible

#: The side of the images such a model reads.
SIDE = 32


def colour_input(path: str, side: int = SIDE) -> np.ndarray:
    """The picture at ``path`` as ``(side, side, 3)`` uint8: its centre square, resized, in colour.

    Raises :class:`~tui_convnet.images.ImageError` (one line) for a file that cannot be used.
    """
    from PIL import Image

    from ..images.read import read_image

    pixels = np.asarray(read_image(path, max_side=8 * side), dtype=np.float32)
    if pixels.ndim == 2:
        pixels = np.repeat(pixels[..., None], 3, axis=2)
    elif pixels.shape[2] == 4:  # transparent: on white paper
        alpha = pixels[..., 3:]
        pixels = pixels[..., :3] * alpha + (1.0 - alpha)
    h, w = pixels.shape[:2]
    edge = min(h, w)
    top, left = (h - edge) // 2, (w - edge) // 2
    square = np.clip(np.rint(pixels[top : top + edge, left : left + edge, :3] * 255.0), 0, 255).astype(np.uint8)
    resized = Image.fromarray(square, "RGB").resize((side, side), Image.Resampling.BOX)
    return np.asarray(resized, dtype=np.uint8)


def reads_colour(spec: ModelSpec) -> bool:
    """Whether the model reads 32x32 RGB images (not MNIST's 28x28 grey digits)."""
    return tuple(spec.input_shape) == (SIDE, SIDE, 3)


def colour_bars(probabilities: np.ndarray, labels: ClassLabels, width: int = 40) -> list[str]:
    """One line per class: its name, a bar of ``█`` and the probability."""
    names = max(len(n) for n in labels.names)
    return [
        f"{labels.name(c):<{names}}  {'█' * round(float(p) * width):<{width}} {numbers.percent(float(p)):>7}"
        for c, p in enumerate(probabilities)
    ]


def predict_colour(args: argparse.Namespace, model: Model, labels: ClassLabels, fail: Callable[[str, int], int]) -> int:
    """``predict --image`` for a model of 32x32 RGB images: the answer by class name (``fail(message, code)``
    prints one line and returns the exit code)."""
    from ..images import ImageError

    try:
        x = colour_input(args.image)
    except ImageError as exc:
        return int(fail(str(exc), 2))
    probabilities = np.asarray(forward(model.spec, model.weights, x.astype(np.float32) / 255.0), dtype=np.float64)
    predicted = int(np.argmax(probabilities))
    top = float(probabilities[predicted])
    if getattr(args, "json", False):
        record = {
            "image": str(args.image),
            "model": model.label,
            "engine": "numpy",
            "input": "32x32 RGB, the centre square resized",
            "predicted": predicted,
            "class_name": labels.name(predicted),
            "probability": round(top, 6),
            "probabilities": [round(float(p), 6) for p in probabilities],
            "class_names": list(labels.names),
        }
        print(json.dumps(record))
        return 0
    print(f"{visible(args.image)}: the network says {visible(labels.name(predicted))} ({numbers.percent(top)})")
    print(f"model: {visible(model.label)}; numpy engine; the picture's centre square resized to 32x32 RGB")
    print("\n".join(visible(line) for line in colour_bars(probabilities, labels)))
    sys.stdout.flush()
    return 0


def colour_model(path: str) -> tuple[Model, ClassLabels] | None:
    """The model in ``path`` and its classes' names if it reads 32x32 RGB images; None for any other file
    (the caller reads it as before and says what is wrong with it)."""
    import warnings

    if not _declares_colour(path):  # an MNIST model (or a damaged file) is read once, by the caller
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from ..data.image_sets import read_model_classes
            from ..data.labels import image_labels
            from .inspector import ModelInspector
            from .model import load_model_safe

            inspector = ModelInspector(load_model_safe(path))
            if not reads_colour(inspector.spec):
                return None
            classes = int(inspector.layers[-1].output_shape[-1])
            names = read_model_classes(path, classes) or tuple(map(str, range(classes)))
    except Exception:  # every refusal is said again, in one line, by the caller's own reading of the file
        return None
    model = Model(inspector.spec, tuple(inspector.weights), str(path), Loaded(str(path)), class_names=names)
    return model, image_labels(names)


def _declares_colour(path: str) -> bool:
    """Whether the ``.keras`` archive's ``config.json`` declares a 32x32x3 input (read without Keras)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("config.json")
            if info.file_size > 1 << 20:
                return False
            config = json.loads(z.read(info))
        shape = config.get("build_config", {}).get("input_shape") or []
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, AttributeError, RuntimeError):
        return False
    return list(shape[1:]) == [SIDE, SIDE, 3]
