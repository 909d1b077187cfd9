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
from collections.abc import Iterator, Sequence
from types import FrameType

from .cli_parser import DETAILED, LECTURER_COMMANDS
from .cli_parser import SCREEN_NAMES as SCREEN_NAMES
from .cli_parser import build_parser as build_parser
from .util.fileio import os_reason, remove_temp_files
from .util.visible import visible

# One BLAS thread, set before numpy is first imported (unless the user chose a number). The interactive
# numpy work (an explorer step, a drawing's forward pass, one digit on the inspect screen) is made of small
# products that OpenBLAS would split between threads which then spin and wait for each other: a second core
# burnt for nothing (a stroke on the draw screen took 97 ms of CPU instead of 42), and long stalls while
# TensorFlow trains. TensorFlow does not use OpenBLAS, so training keeps its own threads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130
_OUTPUT_ERRORS = {errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG}
NO_TERMINAL = "convnet-tui needs an interactive terminal (stdin and stdout must both be one)."


def _summary(args: argparse.Namespace) -> int:
    from .core import mnist_convnet
    from .model.summary import FittedSummary
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


def _explore(
    example: str | None, image: str | None = None, screen: str | None = None, data: tuple[str | None, ...] = ()
) -> int:
    # The collector stays paused until the first frame is drawn. A start allocates hundreds of thousands of
    # objects that live as long as the process (Textual, numpy, our modules, the widgets) and almost no
    # garbage, yet the collector walked them again and again as they grew: about 37 ms of a 0.48 s cold
    # start (benchmarks/bench_startup.py).
    gc.disable()
    try:
        return _explore_app(example, image, screen, data)
    finally:
        gc.enable()  # however the app ended (it may never have drawn a frame)


def _explore_app(example: str | None, image: str | None, screen: str | None, data: tuple[str | None, ...]) -> int:
    from .ui.app import create_app

    if image is not None and screen not in (None, "draw"):
        print(f"convnet-tui: --image opens the draw screen. Received: --screen {visible(screen)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        lecturer = example is not None and example.lower().endswith(".toml")
        app = create_app(
            example=None if lecturer else example,
            screen=screen or ("draw" if image is not None else "train" if data and data[0] is not None else "explorer"),
            on_first_frame=_collect_again,
        )
        from .util.settings import settings_path

        app.settings_path = settings_path()  # the theme chosen last time, and remembered when changed
        from .data.image_sets import app_image_set

        app.image_set = (
            app_image_set(*data, image=image) if data else None
        )  # --data, --classes: a bad set is one line, exit 2
        if lecturer and example is not None:  # the lecturer's own file: its problems are shown, the app stays up
            from .teach.example_files import add_lecturer_example

            add_lecturer_example(app, example)
        if image is not None and app.image_set is not None and app.image_set.input_shape[2] == 3:
            from .training.colour_image import colour_input  # a colour picture, for a model of these images

            app.draw_colour = (colour_input(image), image)
        elif image is not None:  # read and check it before the app starts: a bad image is one line and exit 2
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
        from .training.predict_image_cli import run_predict_image

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
        from .serve.server import run_serve
        from .training.slots import configure_serving

        try:  # the tabs inherit the training slots' folder and limit
            configure_serving(args.max_training)
        except ValueError as exc:
            print(f"convnet-tui serve: {exc}", file=sys.stderr)
            return 2
        return run_serve(args.host, args.port, args.max_sessions, args.allow_origin)
    data = (getattr(args, "app_data", None), getattr(args, "app_classes", None))
    return _explore(getattr(args, "example_sub", None) or args.example, args.image, args.screen, data)


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
