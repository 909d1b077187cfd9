"""``convnet-tui``: the explorer by default, plus ``summary``, ``train``, ``predict`` and ``serve``.

Nothing here imports TensorFlow at module level: the explorer and
``summary`` start without it, ``train``/``predict`` import it on demand.
Exit codes are the same for every command (see the README, *Exit codes*):
0 done, 1 failed, 2 unusable input, 130 Ctrl-C, 128 + N for signal N.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import io
import os
import signal
import sys
from collections.abc import Callable, Container, Iterator, Sequence
from types import FrameType
from typing import Any

from . import __version__
from .fileio import os_reason, remove_temp_files
from .visible import visible

# One BLAS thread, set before numpy is first imported (unless the user chose a number). The interactive
# numpy work (an explorer step, a drawing's forward pass, one digit on the inspect screen) is made of small
# products that OpenBLAS would split between threads which then spin and wait for each other: a second core
# burnt for nothing (a stroke on the draw screen took 97 ms of CPU instead of 42), and long stalls while
# TensorFlow trains. TensorFlow does not use OpenBLAS, so training keeps its own threads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130
_OUTPUT_ERRORS = {errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG}
NO_TERMINAL = "convnet-tui needs an interactive terminal (stdin and stdout must both be one)."


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
    parser.add_argument("--image", metavar="PATH", help="open the draw screen on an image (PNG, JPEG, PGM or .npy)")
    parser.add_argument(
        "--screen",
        choices=SCREEN_NAMES,
        default=None,
        help="open on this screen (default: the explorer; with --image: draw)",
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
    t.add_argument("--data", metavar="PATH", help="another image set: a .npz or IDX folder, 28x28 grey or 32x32 RGB")
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
    p.add_argument("--image", metavar="PATH", help="predict this image (PNG, JPEG, PGM or .npy) instead")
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
    from . import serve  # standard library only; checks its own values (one line on stderr, exit 2)

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


def _summary(args: argparse.Namespace) -> int:
    from .core import mnist_convnet
    from .summary import FittedSummary
    from .training.outcome import output_console

    if args.spec is not None:
        from .architect.spec_file import SpecFileError, read_spec_file

        try:
            spec = read_spec_file(args.spec)
        except SpecFileError as exc:
            print(f"convnet-tui summary: error: {visible(str(exc))}", file=sys.stderr)
            return EXIT_USAGE
    else:
        spec = mnist_convnet(args.dropout)
    output_console().print(FittedSummary(spec, slide_names=True, formulas=not args.no_formulas))
    return 0


def _collect_again() -> None:
    """Python's cyclic garbage collector, paused while the app starts (see :func:`_explore`), runs again.

    What the start allocated (modules, classes, widgets, the example) lives as long as the process:
    ``gc.freeze`` keeps later collections (during steps) from walking it again, as Python's documentation
    advises for long-lived start-up state.
    """
    gc.freeze()
    gc.enable()


def _explore(example: str | None, image: str | None = None, screen: str | None = None) -> int:
    # The collector stays paused until the first frame is drawn. A start allocates hundreds of thousands of
    # objects that live as long as the process (Textual, numpy, our modules, the widgets) and almost no
    # garbage, yet the collector walked them again and again as they grew: about 37 ms of a 0.48 s cold
    # start (benchmarks/bench_startup.py).
    gc.disable()
    try:
        return _explore_app(example, image, screen)
    finally:
        gc.enable()  # however the app ended (it may never have drawn a frame)


def _explore_app(example: str | None, image: str | None, screen: str | None) -> int:
    from .ui.app import create_app

    if image is not None and screen not in (None, "draw"):
        print(f"convnet-tui: --image opens the draw screen. Received: --screen {visible(screen)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        lecturer = example is not None and example.lower().endswith(".toml")
        app = create_app(
            example=None if lecturer else example,
            screen=screen or ("draw" if image is not None else "explorer"),
            on_first_frame=_collect_again,
        )
        from .settings import settings_path

        app.settings_path = settings_path()  # the theme chosen last time, and remembered when changed
        if lecturer and example is not None:  # the lecturer's own file: its problems are shown, the app stays up
            from .teach.example_files import add_lecturer_example

            add_lecturer_example(app, example)
        if image is not None:  # read and check it before the app starts: a bad image is one line and exit 2
            from .images import load_digit

            app.draw_image = (load_digit(image), image)
    except ValueError as exc:  # unknown example, broken example file, an image that cannot be used
        print(f"convnet-tui: {visible(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    from .ui.terminal import is_interactive

    if not is_interactive():
        with contextlib.suppress(OSError, ValueError, AttributeError):
            print(NO_TERMINAL, file=sys.stderr, flush=True)
        return EXIT_USAGE
    from .crash import crash_line, write_report
    from .ui._textual_internals import unhandled_exception
    from .ui.terminal import exit_on_signals as app_exits_on_signals
    from .ui.terminal import own_terminal, restore_terminal

    with own_terminal() as log, app_exits_on_signals(app):
        try:
            app.run()
        except Exception as exc:  # Textual itself failed (its own exceptions end the app below)
            crashed: BaseException | None = exc
            log = write_report(exc)
        else:
            crashed = unhandled_exception(app)  # Textual drew its traceback into the log
    if crashed is not None:
        restore_terminal()
        _say(crash_line(crashed, log))
        return EXIT_FAILED
    return app.return_code or 0


def _say(line: str) -> None:
    """Print one line on stderr, if stderr is still there."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(line, file=sys.stderr, flush=True)


@contextlib.contextmanager
def exit_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP end the command as Ctrl-C does: no temporary file left, exit code 128 + N."""

    def handler(signum: int, frame: FrameType | None) -> None:
        # A save under way in this thread removes its own temporary file as SystemExit passes through it; one
        # in another thread is finished at exit (fileio.finish_writes): removing it here let Keras create it
        # again by name, and it was left behind.
        raise SystemExit(128 + signum)

    signals = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _tensorflow_missing(command: str) -> str | None:
    """The one line saying TensorFlow is needed and how to install it, or None when it is installed."""
    from .training.tf_env import TensorFlowMissing, tensorflow_installed

    if tensorflow_installed():
        return None
    needed = "Training" if command == "train" else "Reading a .keras model"
    return f"convnet-tui {command}: {TensorFlowMissing(needed)}"


def _run(args: argparse.Namespace) -> int:
    if args.command == "summary":
        return _summary(args)
    if args.command == "train" or (args.command == "predict" and args.model is not None):
        missing = _tensorflow_missing(args.command)
        if missing is not None:
            _say(missing)
            return EXIT_USAGE
    if args.command == "train":
        from .training.cli import run_train

        return run_train(args)
    if args.command == "predict" and args.image:
        from .image_cli import run_predict_image

        return run_predict_image(args)
    if args.command == "predict" and args.model is None:
        print("convnet-tui predict: error: give MODEL.keras, or --image PATH (bundled model)", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "predict":
        from .training.predict_cli import run_predict

        return run_predict(args)
    if args.command in LECTURER_COMMANDS:
        from .teach.cli import run

        return run(args)
    if args.command == "serve":
        from .serve import run_serve
        from .training.slots import configure_serving

        try:  # the tabs inherit the training slots' folder and limit
            configure_serving(args.max_training)
        except ValueError as exc:
            print(f"convnet-tui serve: {exc}", file=sys.stderr)
            return 2
        return run_serve(args.host, args.port, args.max_sessions, args.allow_origin)
    return _explore(getattr(args, "example_sub", None) or args.example, args.image, args.screen)


def plain_output_if_needed() -> None:
    """On a stream whose encoding cannot show the output's characters (``PYTHONIOENCODING=ascii``, a C locale),
    print ``?`` in their place instead of failing with UnicodeEncodeError, and say once what to set."""
    note = False
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            "×·→█─…".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            with contextlib.suppress(AttributeError, ValueError, OSError):
                stream.reconfigure(errors="replace")  # type: ignore[union-attr]
                note = True
    if note:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            print(
                "convnet-tui: note: the output's encoding cannot show some characters; they print as '?' "
                "(set PYTHONIOENCODING=utf-8 or a UTF-8 locale to see them)",
                file=sys.stderr,
            )


def _output_failed(exc: OSError) -> int:
    """stdout failed (a closed pipe, a full disk): one line on stderr and exit 1, for every command."""
    from .training.outcome import silence_stdout

    silence_stdout()
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"convnet-tui: error: cannot write the output ({os_reason(exc)})", file=sys.stderr)
    return EXIT_FAILED


def _parse(parser: argparse.ArgumentParser, words: list[str]) -> argparse.Namespace:
    """``parser.parse_args(words)``; the text of ``--help`` and ``--version`` is written here, where a failed
    write raises (argparse ignores it: ``--help > /dev/full`` exited 0 with nothing written)."""
    real, captured = sys.stdout, io.StringIO()
    sys.stdout = captured
    try:
        return parser.parse_args(words)
    finally:
        sys.stdout = real
        if captured.getvalue():
            real.write(captured.getvalue())
            real.flush()


def _flush_stdout() -> None:
    """Flush stdout now (a write to a full disk fails only here): an ``OSError`` if it cannot be written."""
    if sys.stdout is not None:
        sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(detailed=[name for name in DETAILED if name in words])
    prints = bool(
        {"--help", "-h", "--version", "summary", "train", "predict", "serve", *LECTURER_COMMANDS} & set(words)
    )
    if prints and sys.stdout is None:  # `convnet-tui summary >&-`: print() would write nothing, silently
        with contextlib.suppress(OSError, ValueError, AttributeError):
            print("convnet-tui: error: cannot write the output (stdout is closed)", file=sys.stderr)
        return EXIT_FAILED
    if prints:
        plain_output_if_needed()
    try:
        args = _parse(parser, words)
        if args.command in ("train", "predict", "summary", *LECTURER_COMMANDS):
            with exit_on_signals():
                code = _run(args)
        else:
            code = _run(args)
        _flush_stdout()
        return code
    except KeyboardInterrupt:
        remove_temp_files()
        print("convnet-tui: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:
        if exc.errno in _OUTPUT_ERRORS:  # stdout closed or full while printing (a pipe to `head`, /dev/full)
            return _output_failed(exc)
        _say(f"convnet-tui: error: {os_reason(exc)}")
        return EXIT_FAILED
    except Exception as exc:  # a bug: one line and the report's path, never a traceback on the terminal
        from .crash import crash_line, write_report

        remove_temp_files()
        _say(crash_line(exc, write_report(exc)))
        return EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
