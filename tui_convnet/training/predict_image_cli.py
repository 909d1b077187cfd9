"""``convnet-tui predict [MODEL.keras] --image PATH [--json]``: what the network says about your image.

The image goes through the preprocessing (:mod:`tui_convnet.images`: the
digit found in the picture, made to look like MNIST) and the numpy engine.
A picture without a digit is one line "no digit found: <why>" and exit 2; an
answer under 50 % is called unsure. Without MODEL it is the bundled model, and TensorFlow
is never imported; with MODEL the ``.keras`` file is loaded in Keras' safe
mode and its weights run through the same numpy engine.

Exit codes: 0 done; 1 the model cannot be used; 2 the image cannot be used
(one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from ..core import numbers
from ..images.notes import UNSURE
from ..images.preprocess import Preprocessed
from ..model.model import Loaded, Model
from ..util.visible import visible

PROG = "convnet-tui predict"


def _fail(message: str, code: int) -> int:
    print(f"{PROG}: error: {visible(message)}", file=sys.stderr)
    return code


def _model(path: str | None) -> Model:
    """The bundled model, or the weights of a ``.keras`` file (labelled with its path)."""
    if path is None:
        from ..model.bundled import load_bundled_model

        return load_bundled_model()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from .inspector import ModelInspector
        from .model import load_model_safe

        inspector = ModelInspector(load_model_safe(path))
    return Model(inspector.spec, tuple(inspector.weights), str(path), Loaded(str(path)))


def bars(probabilities: np.ndarray, width: int = 40) -> list[str]:
    """One line per class: the digit, a bar of ``█`` and the probability."""
    lines = []
    for c, p in enumerate(probabilities):
        lines.append(f"{c}  {'█' * round(float(p) * width):<{width}} {numbers.percent(float(p)):>7}")
    return lines


def run_predict_image(args: argparse.Namespace) -> int:
    from ..core import forward
    from ..images import ImageError, load_digit, verdict
    from ..model.bundled import ModelAssetError

    given = getattr(args, "model", None)
    if given is not None:  # a model of 32x32 RGB images reads the picture in colour, without the MNIST preprocessing
        from .colour_image import colour_model

        colour = colour_model(given)
        if colour is not None:
            from .colour_image import predict_colour

            return predict_colour(args, *colour, _fail)
    try:
        pre = load_digit(args.image)
    except ImageError as exc:
        return _fail(str(exc), 2)
    # A model file the student gave that cannot be used is bad input (2, as `predict MODEL` says); a damaged
    # bundled model is a broken installation (1).
    bad_model = 1 if given is None else 2
    try:
        model = _model(given)
    except (ModelAssetError, ValueError) as exc:  # ModelFileError and InspectError are ValueErrors
        return _fail(str(exc), bad_model)
    except Exception as exc:  # Keras raises many types for damaged files
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no details"
        return _fail(f"{type(exc).__name__}: {first}", bad_model)
    if tuple(model.spec.input_shape) != (28, 28, 1):
        return _fail(f"The model must take 28x28x1 digits. Received: input_shape={model.spec.input_shape}", bad_model)
    probabilities = np.asarray(forward(model.spec, model.weights, pre.model_input), dtype=np.float64)
    predicted = int(np.argmax(probabilities))
    if getattr(args, "json", False):
        print(
            json.dumps(
                {
                    "image": str(args.image),
                    "model": model.label,
                    "engine": "numpy",
                    "predicted": predicted,
                    "probability": round(float(probabilities[predicted]), 6),
                    "unsure": bool(probabilities[predicted] < UNSURE),
                    "probabilities": [round(float(p), 6) for p in probabilities],
                    "inverted": pre.inverted,
                    "box": list(pre.box),
                    "offset": list(pre.offset),
                }
            )
        )
        return 0
    print(f"{visible(args.image)}: {verdict(probabilities)}")
    print(f"model: {visible(model.label)}; numpy engine; preprocessing:")
    for line in _stage_lines(pre):
        print(f"  {line}")
    print("\n".join(bars(probabilities)))
    return 0


def _stage_lines(pre: Preprocessed) -> list[str]:
    from ..images import stages

    return [f"{stage.title}: {stage.note}" for stage in stages(pre)]
