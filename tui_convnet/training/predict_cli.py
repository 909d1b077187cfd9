"""``convnet-tui predict MODEL.keras``: test accuracy and confusion matrix, by numpy or by Keras.

Exit codes (the same rule as ``train``, see :mod:`.outcome`): 0 done; 1 the
run failed (the output could not be written, an unexpected error); 2 the
model, the data or the arguments cannot be used.  Always one clear line on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from ..core import numbers
from ..model.summary import confusion_table
from ..util.fileio import PathError, os_reason, user_path
from ..util.visible import visible
from .outcome import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    OutputClosed,
    json_line,
    output_console,
    silence_stdout,
    write_line,
)

PROG = "convnet-tui predict"


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"{PROG}: error: {visible(message)}", file=sys.stderr)
    return code


def run_predict(args: argparse.Namespace) -> int:
    """Evaluate ``args.model`` on the test set of ``args.dataset`` with ``args.engine``."""
    from ..data.mnist import DataError, load_mnist

    engine = getattr(args, "engine", "numpy")
    limit = getattr(args, "limit", None)
    try:
        model_path = user_path(args.model, "model path", "MODEL")
    except PathError as exc:
        return _fail(str(exc))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from .inspector import InspectError, ModelInspector
            from .model import ModelFileError, load_model_safe

            try:
                model = load_model_safe(model_path)
                inspector = ModelInspector(model)
                # The bundled sample holds the complete 10,000-digit test set: no download for 'auto'.
                data = load_mnist(args.dataset, download=False)
                result = inspector.evaluate(data.x_test[:limit], data.y_test[:limit], engine)
            except (ModelFileError, InspectError, DataError) as exc:
                return _fail(str(exc))
    except KeyboardInterrupt:
        raise
    except MemoryError:
        return _fail("out of memory", EXIT_FAILED)
    except OSError as exc:
        return _fail(f"{model_path}: {os_reason(exc)}")
    except Exception as exc:  # never a traceback: Keras/TensorFlow raise many types
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no details"
        return _fail(f"{type(exc).__name__}: {first}", EXIT_FAILED)

    try:
        if getattr(args, "json", False):
            write_line(
                json_line(
                    {
                        "model": str(args.model),
                        "dataset": data.source,
                        "dataset_description": data.description,
                        **result.to_dict(),
                    }
                )
            )
            return EXIT_OK
        from rich.markup import escape

        console = output_console()
        correct = int((result.predicted == result.labels).sum())
        console.print(f"[b]{escape(visible(str(args.model)))}[/b] on {escape(data.description)}")
        console.print(
            f"Test accuracy: [b]{numbers.percent(result.accuracy, 2)}[/b] ({correct:,} of {result.samples:,} digits), "
            f"computed by the {result.engine} engine in {result.seconds:.2f} s"
        )
        console.print(confusion_table(result.confusion))
        console.file.flush()
    except (OutputClosed, OSError) as exc:
        silence_stdout()
        reason = exc.reason if isinstance(exc, OutputClosed) else os_reason(exc)
        return _fail(f"cannot write the output ({reason})", EXIT_FAILED)
    return EXIT_OK
