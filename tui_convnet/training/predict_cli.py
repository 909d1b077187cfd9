"""``convnet-tui predict MODEL.keras``: test accuracy and confusion matrix, by numpy or by Keras.

Exit codes: 0 on success, 1 when the model or the data cannot be used (a
clear one-line message on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from typing import Any

PROG = "convnet-tui predict"


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 1


def confusion_table(result: Any) -> Any:
    """A Rich table of the confusion matrix: rows true labels, columns predictions."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    m = result.confusion
    table = Table(  # fits 80 columns: counts without separators, no vertical rules
        title="Confusion matrix (rows: true digit, columns: predicted)",
        title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1),
    )
    table.add_column("true", justify="right", style="bold")
    for c in range(m.shape[1]):
        table.add_column(str(c), justify="right")
    table.add_column("correct", justify="right")
    for r in range(m.shape[0]):
        cells = []
        for c in range(m.shape[1]):
            value = int(m[r, c])
            style = "bold green" if r == c else ("red" if value else "dim")
            cells.append(Text(str(value), style=style))
        total = int(m[r].sum())
        share = f"{m[r, r] / total:.1%}" if total else "–"
        table.add_row(str(r), *cells, share)
    return table


def run_predict(args: argparse.Namespace) -> int:
    """Evaluate ``args.model`` on the test set of ``args.dataset`` with ``args.engine``."""
    from ..data import DataError, load_mnist

    engine = getattr(args, "engine", "numpy")
    limit = getattr(args, "limit", None)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from .inspect import InspectError, ModelInspector, evaluate
            from .model import ModelFileError, load_model_safe

            try:
                model = load_model_safe(args.model)
                inspector = ModelInspector(model)
                # The bundled sample holds the complete 10,000-digit test set: no download for 'auto'.
                data = load_mnist(args.dataset, download=False)
                result = evaluate(inspector, data, engine, limit)
            except (ModelFileError, InspectError, DataError) as exc:
                return _fail(str(exc))
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # never a traceback: Keras/TensorFlow raise many types
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no details"
        return _fail(f"{type(exc).__name__}: {first}")

    if getattr(args, "json", False):
        print(json.dumps({"model": str(args.model), **result.to_dict()}))
        return 0
    from rich.console import Console

    console = Console()
    correct = int((result.predicted == result.labels).sum())
    console.print(f"[b]{args.model}[/b] on {result.description}")
    console.print(
        f"Test accuracy: [b]{result.accuracy:.2%}[/b] ({correct:,} of {result.samples:,} digits), "
        f"computed by the {result.engine} engine in {result.seconds:.2f} s"
    )
    console.print(confusion_table(result))
    return 0
