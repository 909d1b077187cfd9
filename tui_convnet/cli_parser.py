"""The command line's words: ``build_parser`` and each command's options, with Keras-style checks of their values.

Standard library only at import: the training defaults, the server's and the lecturer's options are
imported when a command that uses them is named (see :func:`build_parser`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Container
from typing import Any

from . import __version__


def _checked(cast: Callable[[str], Any], kind: str, ok: Callable[[Any], bool], rule: str) -> Callable[[str], Any]:
    """An argparse ``type``: ``cast`` the text, then check it, with messages in Keras' style."""

    def parse(text: str) -> Any:
        try:
            value = cast(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {kind}. Received: {text!r}") from None
        if not ok(value):
            raise argparse.ArgumentTypeError(f"must be {rule}. Received: {value}")
        return value

    return parse


_positive_int = _checked(int, "a whole number", lambda v: v >= 1, "at least 1")
_rate = _checked(float, "a number", lambda v: 0 <= v < 1, "in [0, 1)")
_positive_float = _checked(float, "a number", lambda v: v > 0, "greater than 0")


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Every option's help ends with its default (none for flags and options without one)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default is False or action.default is argparse.SUPPRESS:
            return action.help
        return super()._get_help_string(action)


#: The screens ``--screen`` opens on (``ui.app.SCREENS``: a test keeps the two the same; the names are here so
#: that the command line is parsed without importing Textual).
SCREEN_NAMES = ("explorer", "train", "inspect", "draw", "lessons", "architect")

#: The commands whose options take their defaults from other modules (the training defaults, the server's).
DETAILED = ("train", "predict", "serve", "code")
#: The lecturer's commands (tui_convnet.teach.cli).
LECTURER_COMMANDS = ("code", "quiz", "handout", "examples")


def build_parser(detailed: Container[str] = DETAILED) -> argparse.ArgumentParser:
    """The command line; the options of the commands in ``detailed`` only (the others are listed, bare).

    :func:`main` details only the commands named on its command line, so that the explorer starts without
    importing the training defaults (numpy and the training events) or the web server's module: a command
    that is not named cannot be chosen, and ``--help`` lists every command either way.
    """
    parser = argparse.ArgumentParser(
        prog="convnet-tui",
        description="Learn how convolutional neural networks compute, one key at a time.",
    )
    parser.add_argument("--version", action="version", version=f"convnet-tui {__version__}")
    parser.add_argument(
        "--example",
        metavar="NAME",
        help="open the explorer on this example (file name or number, e.g. 04), or on your own PATH.toml",
    )
    parser.add_argument(
        "--image", metavar="PATH", help="open the draw screen on an image (PNG, JPEG, WebP, BMP, PGM or .npy)"
    )
    parser.add_argument(
        "--screen",
        choices=SCREEN_NAMES,
        default=None,
        help="open on this screen (default: the explorer; with --image: draw; with --data: train)",
    )
    parser.add_argument(
        "--data",
        metavar="PATH",
        dest="app_data",
        help="train on another image set: a .npz or IDX folder, 28x28 grey or 32x32 RGB, or fashion_mnist",
    )
    parser.add_argument(
        "--classes", metavar="FILE", dest="app_classes", help="with --data: the class names, one per line"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("explore", help="open the convolution explorer (the default)").add_argument(
        "--example", metavar="NAME", dest="example_sub", help="example to open (file name or number)"
    )

    s = sub.add_parser("summary", help="print the lecture model's summary with the arithmetic")
    s.add_argument(
        "--dropout",
        type=_rate,
        default=None,
        metavar="RATE",
        help="insert Dropout(RATE) before the last Dense",
    )
    s.add_argument("--no-formulas", action="store_true", help="only the Keras columns")
    s.add_argument("--spec", metavar="FILE", help="the model in this TOML file (the architecture screen saves one)")

    t = sub.add_parser(
        "train",
        help="train the lecture's ConvNet on MNIST without the TUI",
        description="Train the lecture's ConvNet on MNIST (the training screen uses the same defaults).",
        formatter_class=_HelpFormatter,
    )
    p = sub.add_parser(
        "predict",
        help="evaluate a saved model on the MNIST test set, or say what it sees in an image (--image)",
        description="Test accuracy and confusion matrix of a saved model, or its prediction for an image.",
        formatter_class=_HelpFormatter,
    )
    w = sub.add_parser("serve", help="serve the app to web browsers, one app per tab (for a classroom)")
    c = sub.add_parser(
        "code",
        help="write the lecture's Keras code for the model and settings as a script",
        description="The lecture's Keras code (load MNIST, prepare, build, compile, fit, evaluate) as a script.",
        formatter_class=_HelpFormatter,
    )
    if "train" in detailed:
        _train_options(t)
    if "predict" in detailed:
        _predict_options(p)
    if "serve" in detailed:
        _serve_options(w)
    from .teach.cli import add_parsers  # the lecturer's commands (standard library only at import)

    add_parsers(sub)
    if "code" in detailed:
        _train_options(c, outputs=False)
    return parser


def _train_options(t: argparse.ArgumentParser, outputs: bool = True) -> None:
    from .training.defaults import DEFAULT_DATASET, DEFAULT_DROPOUT, DEFAULTS
    from .training.events import OPTIMIZERS

    t.add_argument("--epochs", type=_positive_int, default=DEFAULTS.epochs, metavar="N", help="passes over the data")
    t.add_argument(
        "--batch-size", type=_positive_int, default=DEFAULTS.batch_size, metavar="B", help="digits per weight update"
    )
    t.add_argument(
        "--dataset",
        default=DEFAULT_DATASET,
        metavar="auto|sample|keras|PATH",
        help="auto: full MNIST from the Keras cache, else the bundled sample; keras: download it if needed; "
        "or a mnist.npz file or a folder of IDX files"
        if outputs
        else "auto: mnist.load_data() as the slides, else the bundled sample; keras: mnist.load_data() only; "
        "sample: the bundled sample; or a mnist.npz file",
    )
    t.add_argument(
        "--limit", type=_positive_int, default=None, metavar="N", help="use only the first N training digits (all)"
    )
    t.add_argument(
        "--test-limit",
        type=_positive_int,
        default=None,
        metavar="N",
        help="evaluate on the first N test digits (all)",
    )
    t.add_argument(
        "--dropout",
        type=_rate,
        default=DEFAULT_DROPOUT,
        metavar="RATE",
        help="insert Dropout(RATE) before the last Dense (off)",
    )
    t.add_argument("--optimizer", choices=OPTIMIZERS, default=DEFAULTS.optimizer, help="optimizer")
    t.add_argument(
        "--learning-rate",
        type=_positive_float,
        default=DEFAULTS.learning_rate,
        metavar="LR",
        help="learning rate (Keras' default for the optimizer: 0.001 for rmsprop and adam, 0.01 for sgd)",
    )
    t.add_argument(
        "--validation-split",
        type=_rate,
        default=DEFAULTS.validation_split,
        metavar="F",
        help="fraction of the shuffled training digits held out for validation",
    )
    t.add_argument("--seed", type=int, default=DEFAULTS.seed, metavar="S", help="random seed (weights, shuffling)")
    t.add_argument("--spec", metavar="FILE", help="train the model in this TOML file instead of the lecture's")
    if not outputs:  # `code`: the script, not a model or a report
        from .teach.code_cli import add_output_option

        add_output_option(t, "script")
        return
    t.add_argument(
        "--data",
        metavar="PATH",
        help="another image set: a .npz or IDX folder, 28x28 grey or 32x32 RGB; fashion_mnist (downloaded if needed)",
    )
    t.add_argument("--classes", metavar="FILE", help="with --data: the class names, one per line (classes.txt)")
    t.add_argument("--save", metavar="PATH", help="save the trained model (.keras, written atomically)")
    t.add_argument("--json", action="store_true", help="one JSON object per epoch, then a final result object")


def _predict_options(p: argparse.ArgumentParser) -> None:
    from .training.defaults import DEFAULT_DATASET

    p.add_argument(
        "model",
        metavar="MODEL.keras",
        nargs="?",
        help="the model file, loaded in Keras' safe mode (optional with --image: the bundled model)",
    )
    p.add_argument("--image", metavar="PATH", help="predict this image (PNG, JPEG, WebP, BMP, PGM or .npy) instead")
    p.add_argument(
        "--dataset",
        default=DEFAULT_DATASET,
        metavar="auto|sample|keras|PATH",
        help="where the test digits come from (never downloads)",
    )
    p.add_argument(
        "--engine", choices=("numpy", "keras"), default="numpy", help="who computes: the numpy core or Keras"
    )
    p.add_argument(
        "--limit", type=_positive_int, default=None, metavar="N", help="use only the first N test digits (all)"
    )
    p.add_argument("--json", action="store_true", help="one JSON object instead of the table")


def _serve_options(w: argparse.ArgumentParser) -> None:
    from .serve import server as serve  # standard library only; checks its own values (one line on stderr, exit 2)

    w.add_argument("--host", default=serve.DEFAULT_HOST, help="address to listen on (default: this machine only)")
    w.add_argument("--port", default=str(serve.DEFAULT_PORT), help="port to listen on (default %(default)s)")
    w.add_argument("--max-sessions", default=str(serve.DEFAULT_MAX_SESSIONS), metavar="N", help="at most N tabs")
    from .training.slots import default_max_training

    w.add_argument(
        "--max-training",
        metavar="N",
        help=f"at most N models train at once, further runs wait in line (default {default_max_training()}: "
        "one per two cores and a GiB of free memory per run, on this machine)",
    )
    w.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="also accept tabs from pages of this origin, e.g. https://class.example.org behind a reverse proxy "
        "(repeatable; default: only the server's own page)",
    )
