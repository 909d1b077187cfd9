"""The command line: `summary`, argument errors, example names."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tui_convnet.cli import main
from tui_convnet.core import load_examples
from tui_convnet.ui.app import ConvnetApp, create_app, find_example


def test_summary_prints_the_lecture_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary"]) == 0
    out = capsys.readouterr().out
    for text in (
        'Model: "mnist_convnet"',  # the lecture's name, as the explorer and Keras say it
        "(None, 26, 26, 32)",
        "(None, 13, 13, 32)",
        "(None, 11, 11, 64)",
        "(None, 5, 5, 64)",
        "(None, 3, 3, 64)",
        "(None, 576)",
        "18,496",
        "36,928",
        "650",
        "Total params: 93,322",
        "32·(3·3·1) + 32",
        "64·(3·3·32) + 64",
        "576·64 + 64",
        "(28 − 3 + 2·0) / 1 + 1 = 26",
    ):
        assert text in out, text


def test_summary_with_dropout_adds_a_layer_without_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", "--dropout", "0.5", "--no-formulas"]) == 0
    out = capsys.readouterr().out
    assert "dropout (Dropout)" in out and "Total params: 93,322" in out


def test_summary_does_not_import_tensorflow() -> None:
    code = (
        "import sys; from tui_convnet.cli import main; main(['summary']);"
        "sys.exit(1 if {'tensorflow', 'keras'} & set(sys.modules) else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "argv, message",
    [
        (["summary", "--dropout", "1.5"], "must be in [0, 1). Received: 1.5"),
        (["train", "--epochs", "0"], "must be at least 1. Received: 0"),
        (["train", "--batch-size", "many"], "must be a whole number. Received: 'many'"),
        (["predict", "m.keras", "--engine", "torch"], "invalid choice: 'torch'"),
    ],
)
def test_bad_arguments_exit_with_a_message(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_unknown_example_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--example", "no-such-example"]) == 2
    err = capsys.readouterr().err
    assert "'no-such-example' is not a built-in example" in err and "01_cs231n" in err


def test_an_image_with_a_screen_other_than_draw_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--image", "seven.png", "--screen", "train"]) == 2
    assert capsys.readouterr().err == "convnet-tui: --image opens the draw screen. Received: --screen train\n"


@pytest.mark.parametrize(
    ("argv", "screen"),
    [([], "explorer"), (["--screen", "lessons"], "lessons"), (["--image", "seven.png"], "draw")],
)
def test_the_command_line_opens_the_app_on_the_screen_it_names(
    argv: list[str], screen: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--screen` reaches the app (and `--image` alone opens on the draw screen); without a terminal the
    command then stops with its one line, before the app runs."""
    import tui_convnet.images
    import tui_convnet.ui.app

    made: list[str] = []

    def recording(example: str | None = None, *, screen: str = "explorer", **kwargs: Any) -> ConvnetApp:
        made.append(screen)
        return create_app(example, screen=screen, **kwargs)

    monkeypatch.setattr(tui_convnet.ui.app, "create_app", recording)
    monkeypatch.setattr(tui_convnet.images, "load_digit", lambda path: object())
    assert main(argv) == 2
    assert made == [screen] and "interactive terminal" in capsys.readouterr().err


@pytest.mark.parametrize("draws_a_frame", [True, False])
def test_the_garbage_collector_is_paused_until_the_first_frame(
    draws_a_frame: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The explorer starts with Python's cyclic collector paused (it walked the start-up's long-lived objects
    again and again); the first frame freezes them and runs the collector again, and so does any end."""
    import contextlib
    import gc

    import tui_convnet.ui.app
    import tui_convnet.ui.terminal

    seen: list[tuple[str, bool]] = []

    class App:
        return_code = 0
        _exception = None  # as Textual's App: what ended it (tui_convnet.ui._textual_internals.unhandled_exception)

        def __init__(self, on_first_frame: Callable[[], object]) -> None:
            self.on_first_frame = on_first_frame

        def run(self) -> None:
            seen.append(("started", gc.isenabled()))
            if not draws_a_frame:
                raise RuntimeError("no frame")
            self.on_first_frame()
            seen.append(("first frame", gc.isenabled()))

    monkeypatch.setattr(tui_convnet.ui.app, "create_app", lambda example=None, **kw: App(kw["on_first_frame"]))
    monkeypatch.setattr(tui_convnet.ui.terminal, "is_interactive", lambda: True)
    monkeypatch.setattr(tui_convnet.ui.terminal, "own_terminal", contextlib.nullcontext)
    monkeypatch.setattr(tui_convnet.ui.terminal, "exit_on_signals", lambda app: contextlib.nullcontext())
    monkeypatch.setattr(gc, "freeze", lambda: seen.append(("frozen", gc.isenabled())))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert gc.isenabled()
    if draws_a_frame:
        assert main([]) == 0
        assert seen == [("started", False), ("frozen", False), ("first frame", True)]
    else:  # a crash: one line, exit code 1 (tests/test_crash.py checks it on a real terminal)
        assert main([]) == 1
        assert "convnet-tui: crashed: RuntimeError: no frame" in capsys.readouterr().err
        assert seen == [("started", False)]
    assert gc.isenabled()


def test_examples_are_found_by_number_key_or_title_word() -> None:
    examples = load_examples()
    assert examples[find_example(examples, "4")].key == "04_goodfellow_2d"
    assert examples[find_example(examples, "04")].key == "04_goodfellow_2d"
    assert examples[find_example(examples, "01_cs231n")].key == "01_cs231n"
    assert examples[find_example(examples, "detection")].key == "03_edge_detection"
    assert examples[find_example(examples, "transposed")].key == "11_horizontal_edges"
    with pytest.raises(ValueError, match="ambiguous"):
        find_example(examples, "pooling")


def test_create_app_opens_on_the_requested_example() -> None:
    app = create_app("rgb")
    assert app.examples[app.initial_example].key == "02_rgb_bias"


# --------------------------------------------------------------------------- terminals


def test_without_a_terminal_the_app_refuses_at_once(tmp_path: Path) -> None:
    # `convnet-tui </dev/null >out 2>&1` never exited and wrote escape codes
    out = tmp_path / "out"
    with open(os.devnull) as stdin, open(out, "w") as stdout:
        proc = subprocess.run(
            [sys.executable, "-m", "tui_convnet"], stdin=stdin, stdout=stdout, stderr=subprocess.STDOUT, timeout=60
        )
    assert proc.returncode == 2
    assert out.read_text() == "convnet-tui needs an interactive terminal (stdin and stdout must both be one).\n"


def _run_in_pty(
    tmp_path: Path, *, close_stderr: bool, then: Callable[[subprocess.Popen[bytes], int], object]
) -> tuple[int, bytes]:
    """Start the real app in a pseudo-terminal (80x24), wait for its first frame, call ``then(proc, master)``.

    Returns the exit code and everything the app wrote to the terminal.
    """
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "XDG_STATE_HOME": str(tmp_path / "state")}
    env.pop("TEXTUAL", None)

    def setup() -> None:  # in the child, after the descriptors are in place: stderr closed if asked
        if close_stderr:
            os.close(2)

    proc = subprocess.Popen(
        [sys.executable, "-m", "tui_convnet"],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.DEVNULL if not close_stderr else slave,
        preexec_fn=setup,
        start_new_session=True,
        env=env,
    )
    os.close(slave)
    output = bytearray()

    def drain(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                output.extend(chunk)
            elif proc.poll() is not None:
                return

    deadline = time.monotonic() + 60
    while FIRST_FRAME not in output and time.monotonic() < deadline and proc.poll() is None:
        drain(0.1)
    assert FIRST_FRAME in output, bytes(output[-500:])
    then(proc, master)
    end = time.monotonic() + 30
    while proc.poll() is None and time.monotonic() < end:
        drain(0.1)
    drain(0.2)
    os.close(master)
    if proc.poll() is None:
        proc.kill()
    return proc.wait(), bytes(output)


#: The explorer's title bar, in the first frame (as benchmarks/bench_startup.py waits for it).
FIRST_FRAME = b"step 1/"

# Textual leaves the alternate screen, turns mouse reporting off and shows the cursor when it stops.
RESTORED = (b"\x1b[?1049l", b"\x1b[?1000l", b"\x1b[?25h")


def test_with_stderr_closed_the_app_draws_and_quits_on_q(tmp_path: Path) -> None:
    # `convnet-tui 2>&-` was blank and ignored q and Ctrl-C
    code, output = _run_in_pty(tmp_path, close_stderr=True, then=lambda proc, master: os.write(master, b"q"))
    assert code == 0
    assert FIRST_FRAME in output
    assert all(seq in output for seq in RESTORED)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_sigterm_and_sighup_restore_the_terminal_like_q(tmp_path: Path, sig: signal.Signals) -> None:
    # SIGTERM left the terminal in the alternate screen, mouse reporting on, cursor hidden; SIGINT exited 0
    # (no model trains here, so SIGINT does not ask: 130 at once)
    code, output = _run_in_pty(tmp_path, close_stderr=False, then=lambda proc, master: proc.send_signal(sig))
    assert code == 128 + sig
    tail = output[output.rfind(b"\x1b[?1049h") :]
    assert all(seq in tail for seq in RESTORED), tail[-300:]
