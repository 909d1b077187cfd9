"""The stderr log: a private per-user place, never a symlink's target, and no log rather than no app."""

from __future__ import annotations

import os
import pty
import stat
import tempfile
from pathlib import Path

import pytest

from tui_convnet.ui.terminal import LOG_NAME, TerminalFile, open_log


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "convnet-tui"


def opened(result: tuple[int, Path] | None) -> Path:
    assert result is not None
    fd, path = result
    os.close(fd)
    return path


def test_the_log_folder_is_private(state: Path) -> None:
    path = opened(open_log())
    assert path == state / LOG_NAME
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o700 and stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_symlink_in_place_of_the_log_is_never_followed(state: Path, tmp_path: Path) -> None:
    # was: the log opened with O_CREAT|O_TRUNC following symlinks, truncating another user's file
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    state.mkdir(parents=True, mode=0o700)
    (state / LOG_NAME).symlink_to(victim)
    path = opened(open_log())
    assert victim.read_text() == "precious"
    assert path != state / LOG_NAME and path.name.startswith("convnet-tui-")  # a fresh private file instead
    path.unlink()


def test_a_folder_in_place_of_the_log_is_no_crash(state: Path) -> None:
    # was IsADirectoryError: the app did not start
    (state / LOG_NAME).mkdir(parents=True)
    path = opened(open_log())
    assert path.is_file() and path.parent != state
    path.unlink()


def test_a_shared_or_foreign_log_folder_is_not_used(state: Path) -> None:
    state.mkdir(parents=True)
    os.chmod(state, 0o777)  # anyone could plant a file there
    path = opened(open_log())
    assert path.parent != state
    path.unlink()


def test_the_fallback_is_unpredictable_not_a_fixed_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # was: /tmp/stderr.log, opened with O_TRUNC (another user's file truncated to 0 bytes)
    monkeypatch.setenv("XDG_STATE_HOME", "/proc/no-such-folder")
    first, second = opened(open_log()), opened(open_log())
    assert first != second and first.name != "stderr.log"
    assert stat.S_IMODE(os.stat(first).st_mode) == 0o600
    first.unlink()
    second.unlink()


def test_no_log_at_all_is_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", "/proc/no-such-folder")

    def no_temp(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", no_temp)  # the module tui_convnet.ui.terminal calls
    assert open_log() is None  # own_terminal then points fd 2 at /dev/null and the app runs


def test_the_private_terminal_drops_its_output_once_the_terminal_is_gone() -> None:
    """After a hangup a write fails (EIO): Textual's output thread died on it, and its queue could fill up."""
    master, slave = pty.openpty()
    terminal = TerminalFile(slave, "utf-8")
    try:
        terminal.write("seen\n")
        assert os.read(master, 100).replace(b"\r", b"") == b"seen\n"
        os.close(master)  # the terminal closes
        for _ in range(3):
            assert terminal.write("lost " * 2000) == len("lost " * 2000)
            terminal.flush()
        assert terminal.gone
    finally:
        terminal.close()
