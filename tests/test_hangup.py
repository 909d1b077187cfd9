"""A closed terminal never leaves the app running: the real command on a pseudo-terminal, t, q, then the terminal
closes (its master side), and the app and its TensorFlow worker are gone within a few seconds.

Closing a terminal sends the app SIGHUP and then SIGCONT. Textual's driver restarted its input thread on that
SIGCONT even after the app had stopped it, and the new thread read the closed terminal in a loop: the process
never ended and kept a core busy (``tui_convnet/ui/hangup.py``). Which signal lands at which step of the
app's shutdown depends on the timing, so the terminal closes at several delays after ``q``. The driver's rule
(resume only after a suspend, and only on a terminal still there) is also tested alone, without an app.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from textual.app import App
from textual.drivers.headless_driver import HeadlessDriver
from textual.drivers.linux_driver import LinuxDriver

from tui_convnet.ui.hangup import HangupSafeDriver, hangup_safe, terminal_gone

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")

ROWS, COLUMNS = 42, 130
#: Escape sequences (CSI, OSC, two-character ones), removed to see the text the terminal shows.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


def _read_until(fd: int, want: str, timeout: float) -> bool:
    """Read the pty until ``want`` is on the screen (escape sequences removed), or ``timeout``."""
    raw = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                raw += os.read(fd, 65536)
            except OSError:
                return False
            if want in _ESCAPES.sub(b"", raw[-100_000:]).decode("utf-8", "replace"):
                return True
    return False


def _drain(fd: int, seconds: float) -> None:
    """Read what the app writes for ``seconds`` (a terminal that is not read would block it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if select.select([fd], [], [], 0.02)[0]:
            with contextlib.suppress(OSError):
                os.read(fd, 65536)


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
async def driver(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[HangupSafeDriver, list[str]]]:
    """A driver (it needs a running loop) on a fresh pty; its start and stop only record the call, and its
    signal handlers are put back after."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTSTP, signal.SIGCONT)}
    calls: list[str] = []
    monkeypatch.setattr(LinuxDriver, "start_application_mode", lambda self: calls.append("start"))
    monkeypatch.setattr(LinuxDriver, "stop_application_mode", lambda self: calls.append("stop"))
    master, slave = pty.openpty()
    made = HangupSafeDriver(App())
    made.fileno = slave
    try:
        yield made, calls
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        for fd in (master, slave):
            with contextlib.suppress(OSError):
                os.close(fd)


def test_only_the_linux_driver_is_replaced() -> None:
    assert hangup_safe(LinuxDriver) is HangupSafeDriver
    assert hangup_safe(HeadlessDriver) is HeadlessDriver


async def test_a_sigcont_without_a_ctrl_z_before_starts_no_input(driver: tuple[HangupSafeDriver, list[str]]) -> None:
    made, calls = driver
    made.resume_application_mode()  # what Textual does on every SIGCONT (a closed terminal sends one)
    assert calls == []


async def test_fg_after_ctrl_z_still_resumes_once(driver: tuple[HangupSafeDriver, list[str]]) -> None:
    made, calls = driver
    made.suspend_application_mode()
    made.resume_application_mode()
    made.resume_application_mode()  # a second SIGCONT: already running
    assert calls == ["stop", "start"]


async def test_a_suspended_app_whose_terminal_closed_does_not_resume(
    driver: tuple[HangupSafeDriver, list[str]],
) -> None:
    made, calls = driver
    made.suspend_application_mode()
    master, slave = pty.openpty()
    made.fileno = slave
    os.close(master)  # the terminal window closes while the app is suspended
    try:
        assert terminal_gone(slave)
        made.resume_application_mode()
    finally:
        os.close(slave)
    assert calls == ["stop"]


@pytest.mark.integration  # t starts the TensorFlow worker process
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
@pytest.mark.parametrize("delay", [0.0, 0.1, 0.3])
def test_a_terminal_closed_right_after_q_leaves_nothing_running(delay: float, tmp_path: Path) -> None:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command on the pty
        env = dict(os.environ, TERM="xterm-256color", XDG_STATE_HOME=str(tmp_path))
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
            os.execve(sys.executable, [sys.executable, "-m", "tui_convnet"], env)
        finally:
            os._exit(127)
    children: list[int] = []
    exited = False
    try:
        assert _read_until(fd, "q Quit", 60), "the app did not start"
        os.write(fd, b"t")
        assert _read_until(fd, "Train the lecture", 30), "t did not open the training screen"
        _drain(fd, 2.0)  # the TensorFlow worker is starting meanwhile
        children = _children(pid)
        os.write(fd, b"q")
        _drain(fd, delay)
        os.close(fd)  # the terminal closes: SIGHUP, then SIGCONT
        fd = -1
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not exited:
            exited = os.waitpid(pid, os.WNOHANG)[0] != 0
            time.sleep(0.05)
        assert exited, f"the app still runs 5 s after its terminal closed ({delay} s after q)"
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_running(child) for child in children):
            time.sleep(0.05)
        assert not [child for child in children if _running(child)], "a child of the app still runs"
    finally:
        if fd >= 0:
            os.close(fd)
        for leftover in [*children, *([] if exited else [pid])]:
            with contextlib.suppress(OSError):
                os.kill(leftover, signal.SIGKILL)
        if not exited:
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
