"""``convnet-tui``: the explorer by default, plus ``summary``, ``train``, ``predict`` and ``serve``.

Nothing here imports TensorFlow at module level: the explorer and
``summary`` start without it, ``train``/``predict`` import it on demand.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="convnet-tui",
        description="Learn how convolutional neural networks compute, one key at a time.",
    )
    parser.add_argument("--version", action="version", version=f"convnet-tui {__version__}")
    parser.add_argument(
        "--example", metavar="NAME", help="open the explorer on this example (file name or number, e.g. 04)"
    )
    parser.add_argument("--image", metavar="PATH", help="open the draw screen on an image (PNG, JPEG, PGM or .npy)")
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

    t = sub.add_parser("train", help="train the lecture's ConvNet on MNIST without the TUI")
    t.add_argument("--epochs", type=_positive_int, default=5)
    t.add_argument("--batch-size", type=_positive_int, default=64)
    t.add_argument("--dataset", default="auto", metavar="auto|sample|keras|PATH")
    t.add_argument(
        "--limit", type=_positive_int, default=None, metavar="N", help="use only the first N training digits"
    )
    t.add_argument(
        "--test-limit",
        type=_positive_int,
        default=None,
        metavar="N",
        help="evaluate on the first N test digits",
    )
    t.add_argument("--dropout", type=_rate, default=None, metavar="RATE")
    t.add_argument("--optimizer", choices=("rmsprop", "adam", "sgd"), default="rmsprop")
    t.add_argument("--learning-rate", type=_positive_float, default=None, metavar="LR")
    t.add_argument("--validation-split", type=_rate, default=0.0, metavar="F")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--save", metavar="PATH", help="save the trained model (.keras, written atomically)")
    t.add_argument("--json", action="store_true", help="one JSON object per epoch, then a final summary object")

    p = sub.add_parser(
        "predict", help="evaluate a saved model on the MNIST test set, or say what it sees in an image (--image)"
    )
    p.add_argument("model", metavar="MODEL.keras", nargs="?", help="optional with --image (default: the bundled model)")
    p.add_argument("--image", metavar="PATH", help="predict this image (PNG, JPEG, PGM or .npy) instead")
    p.add_argument("--dataset", default="auto", metavar="auto|sample|keras|PATH")
    p.add_argument("--engine", choices=("numpy", "keras"), default="numpy")
    p.add_argument("--limit", type=_positive_int, default=None, metavar="N", help="use only the first N test digits")
    p.add_argument("--json", action="store_true")

    from . import serve  # standard library only; checks its own values (one line on stderr, exit 2)

    w = sub.add_parser("serve", help="serve the app to web browsers, one app per tab (for a classroom)")
    w.add_argument("--host", default=serve.DEFAULT_HOST, help="address to listen on (default: this machine only)")
    w.add_argument("--port", default=str(serve.DEFAULT_PORT), help="port to listen on (default %(default)s)")
    w.add_argument("--max-sessions", default=str(serve.DEFAULT_MAX_SESSIONS), metavar="N", help="at most N tabs")
    return parser


def _summary(args: argparse.Namespace) -> int:
    from rich.console import Console

    from .core import mnist_convnet
    from .summary import summary_table

    Console().print(summary_table(mnist_convnet(args.dropout), formulas=not args.no_formulas))
    return 0


def _explore(example: str | None, image: str | None = None) -> int:
    from .ui.app import create_app

    try:
        app = create_app(example=example)
        if image is not None:  # read and check it before the app starts: a bad image is one line and exit 2
            from .images import load_digit

            app.draw_image = (load_digit(image), image)
    except ValueError as exc:  # unknown example, broken example file, an image that cannot be used
        print(f"convnet-tui: {exc}", file=sys.stderr)
        return 2
    from .ui.terminal import own_terminal

    with own_terminal():
        app.run()
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "summary":
            return _summary(args)
        if args.command == "train":
            from .training.cli import run_train

            return run_train(args)
        if args.command == "predict" and args.image:
            from .image_cli import run_predict_image

            return run_predict_image(args)
        if args.command == "predict" and args.model is None:
            print("convnet-tui predict: error: give MODEL.keras, or --image PATH (bundled model)", file=sys.stderr)
            return 2
        if args.command == "predict":
            from .training.predict_cli import run_predict

            return run_predict(args)
        if args.command == "serve":
            from .serve import run_serve

            return run_serve(args.host, args.port, args.max_sessions)
        return _explore(getattr(args, "example_sub", None) or args.example, args.image)
    except KeyboardInterrupt:
        print("convnet-tui: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
