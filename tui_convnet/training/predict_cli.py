"""``convnet-tui predict MODEL.keras``: test accuracy and confusion matrix, by numpy or by Keras.

Exit codes: 0 on success, 1 when the model or the data cannot be used (a
clear one-line message on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings

from ..summary import confusion_table

PROG = "convnet-tui predict"


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 1


def run_predict(args: argparse.Namespace) -> int:
    """Evaluate ``args.model`` on the test set of ``args.dataset`` with ``args.engine``."""
    from ..data import DataError, load_mnist

    engine = getattr(args, "engine", "numpy")
    limit = getattr(args, "limit", None)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from .inspector import InspectError, ModelInspector
            from .model import ModelFileError, load_model_safe

            try:
                model = load_model_safe(args.model)
                inspector = ModelInspector(model)
                # The bundled sample holds the complete 10,000-digit test set: no download for 'auto'.
                data = load_mnist(args.dataset, download=False)
                result = inspector.evaluate(data.x_test[:limit], data.y_test[:limit], engine)
            except (ModelFileError, InspectError, DataError) as exc:
                return _fail(str(exc))
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # never a traceback: Keras/TensorFlow raise many types
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no details"
        return _fail(f"{type(exc).__name__}: {first}")

    if getattr(args, "json", False):
        print(
            json.dumps(
                {
                    "model": str(args.model),
                    "dataset": data.source,
                    "dataset_description": data.description,
                    **result.to_dict(),
                }
            )
        )
        return 0
    from rich.console import Console

    console = Console()
    correct = int((result.predicted == result.labels).sum())
    console.print(f"[b]{args.model}[/b] on {data.description}")
    console.print(
        f"Test accuracy: [b]{result.accuracy:.2%}[/b] ({correct:,} of {result.samples:,} digits), "
        f"computed by the {result.engine} engine in {result.seconds:.2f} s"
    )
    console.print(confusion_table(result.confusion))
    return 0
