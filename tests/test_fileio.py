"""Atomic writes: the mode of the replaced file is kept, nothing is left behind on failure or SIGTERM."""

from __future__ import annotations

import errno
import inspect
import os
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tests._interrupt import raising_at
from tui_convnet.util.fileio import PathError, atomic_write, atomic_write_bytes, os_reason, user_path


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_overwriting_keeps_the_mode_of_the_replaced_file(tmp_path: Path) -> None:
    path = tmp_path / "model.keras"
    path.write_bytes(b"old")
    os.chmod(path, 0o644)
    atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"new" and mode(path) == 0o644  # was 0o600 (mkstemp's mode)
    os.chmod(path, 0o640)
    atomic_write_bytes(path, b"newer")
    assert mode(path) == 0o640


def test_a_new_file_gets_the_umask_default(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "a.bin", b"x")
        os.umask(0o027)
        atomic_write_bytes(tmp_path / "b.bin", b"x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "a.bin") == 0o644 and mode(tmp_path / "b.bin") == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "model.keras"
    path.write_bytes(b"good")

    def write(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError):
        atomic_write(path, write, suffix=".keras")
    assert path.read_bytes() == b"good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.keras"]


def test_the_temp_file_keeps_the_suffix_keras_insists_on(tmp_path: Path) -> None:
    seen = []

    def write(tmp: Path) -> None:
        seen.append(tmp.name)
        tmp.write_bytes(b"x")

    atomic_write(tmp_path / "m.keras", write, suffix=".keras")
    assert seen[0].startswith(".m.keras.") and seen[0].endswith(".keras")


def test_sigterm_during_a_save_removes_the_temp_file(tmp_path: Path) -> None:
    # The CLI's SIGTERM handler removes temporary files as Ctrl-C does (was: a 0-byte hidden file left behind).
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from pathlib import Path
        from tui_convnet.cli import exit_on_signals
        from tui_convnet.util.fileio import atomic_write

        def write(tmp):
            tmp.write_bytes(b"half a model")
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(10**6):  # the handler runs between bytecodes
                pass

        with exit_on_signals():
            atomic_write(Path({str(tmp_path / "model.keras")!r}), write, suffix=".keras")
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 128 + 15, proc.stderr
    assert list(tmp_path.iterdir()) == []
    assert "Traceback" not in proc.stderr


def test_sigterm_while_another_thread_saves_leaves_no_temp_file(tmp_path: Path) -> None:
    # As the TUI saves: a worker thread writes, SIGTERM reaches the main thread as the temporary file appears.
    # The handler used to remove that file; the writer (Keras opens the path by name) created it again and the
    # process ended during the write: a hidden `.model.keras.XXXX.tmp.keras` was left (5 of 5 runs).
    script = textwrap.dedent(
        f"""
        import os, signal, threading, time
        from pathlib import Path
        from tui_convnet.cli import exit_on_signals
        from tui_convnet.util.fileio import atomic_write

        target = Path({str(tmp_path / "model.keras")!r})
        target.write_bytes(b"old model")

        def write(tmp):
            os.kill(os.getpid(), signal.SIGTERM)  # the temporary file exists: now
            deadline = time.monotonic() + 0.3  # the handler runs in the main thread (and removed the file)
            while tmp.exists() and time.monotonic() < deadline:
                time.sleep(0.005)
            with open(tmp, "wb") as f:  # by name, as Keras does
                for _ in range(10):
                    f.write(b"new model ")
                    time.sleep(0.05)

        with exit_on_signals():
            threading.Thread(target=atomic_write, args=(target, write), daemon=True).start()
            try:
                while True:
                    time.sleep(0.01)
            except SystemExit:
                time.sleep(0.2)  # the app takes a moment to close its screens
                raise
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 128 + 15, proc.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["model.keras"]  # no temporary file
    assert (tmp_path / "model.keras").read_bytes() == b"new model " * 10  # the save under way was finished
    assert "Traceback" not in proc.stderr


def test_the_tensorflow_worker_finishes_a_save_before_it_ends(tmp_path: Path) -> None:
    # The worker ends with os._exit (TensorFlow's threads would hold the exit), which skips atexit: the app
    # quitting while the worker saved left the temporary file (the save thread was cut off mid-write).
    script = textwrap.dedent(
        f"""
        import threading, time
        from pathlib import Path
        from tui_convnet.util.fileio import atomic_write
        from tui_convnet.training import worker

        target = Path({str(tmp_path / "model.keras")!r})

        def write(tmp):
            with open(tmp, "wb") as f:  # by name, as Keras does
                for _ in range(10):
                    f.write(b"new model ")
                    time.sleep(0.03)

        def serve(self, read):  # a save is under way when the app closes the worker's input
            threading.Thread(target=atomic_write, args=(target, write), daemon=True).start()
            time.sleep(0.05)

        worker.Service.serve = serve
        worker.main()
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )
    assert proc.returncode == 0, proc.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["model.keras"]  # no temporary file
    assert (tmp_path / "model.keras").read_bytes() == b"new model " * 10


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "The model path is empty: give a file name. Received: --save=''"),
        ("   ", "The model path is empty"),
        ("a\0b", "contains a NUL character"),
        ("x" * 5000, "The model path is too long (5,000 characters; the limit is 4,096)"),
        ("~nouser_convnet_tui/m.keras", "Cannot expand ~nouser_convnet_tui: no such user. Received: --save="),
    ],
)
def test_user_path_refuses_what_cannot_name_a_file(text: str, message: str) -> None:
    with pytest.raises(PathError, match=message.replace("(", r"\(").replace(")", r"\)")):
        user_path(text, "model path", "--save")


def test_user_path_expands_the_home_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert user_path("~/m.keras") == tmp_path / "m.keras"


@pytest.mark.parametrize(
    "code,reason",
    [(errno.EACCES, "permission denied"), (errno.ENAMETOOLONG, "file name too long"), (errno.ENOSPC, "no space")],
)
def test_os_reason(code: int, reason: str) -> None:
    assert os_reason(OSError(code, os.strerror(code))).startswith(reason)


def _interrupted_at(
    event: int, exc: type[BaseException] | BaseException, target: Path, write: Callable[[Path], None]
) -> int | None:
    """Run ``atomic_write(target, write)`` and raise ``exc`` in it at its ``event``-th executed line (counting the
    lines of atomic_write, of the context manager that registers the temporary file and of ``write``): what a
    signal handler does, between two bytecodes. Returns None when the write finished before that line."""
    from tui_convnet.util import fileio

    watched = {fileio.atomic_write.__code__, inspect.unwrap(fileio._registered).__code__, write.__code__}
    try:
        with raising_at(event, exc, watched):
            atomic_write(target, write, suffix=".keras")
    except (SystemExit, KeyboardInterrupt):
        return event
    return None


@pytest.mark.parametrize("exc", [SystemExit(143), KeyboardInterrupt], ids=["SIGTERM", "SIGINT"])
def test_a_signal_at_any_line_of_a_save_leaves_the_old_or_the_new_model_and_no_temp_file(
    tmp_path: Path, exc: BaseException | type[BaseException]
) -> None:
    """SIGTERM's handler raises SystemExit(143) and Ctrl-C KeyboardInterrupt at whatever line runs: here at
    every line a save runs, one after the other (then what the exit runs: ``finish_writes``). A signal
    right after the temporary file was created, before it was registered, left it behind."""
    from tui_convnet.util.fileio import finish_writes

    target = tmp_path / "model.keras"

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as f:  # by name, as Keras does
            f.write(b"new ")
            f.write(b"model")

    lines = 0
    for event in range(1, 200):
        target.write_bytes(b"old model")
        hit = _interrupted_at(event, exc, target, write)
        finish_writes(0)  # what the exit runs (atexit)
        assert [p.name for p in tmp_path.iterdir()] == ["model.keras"], event
        assert target.read_bytes() in (b"old model", b"new model"), event
        if hit is None:
            break
        lines += 1
    assert 15 <= lines < 199  # every line was tried, and the last run finished the save
