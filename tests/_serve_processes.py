"""A `convnet-tui serve` process for the tests, and its children read from Linux /proc."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Callable
from pathlib import Path

WAIT_S = 60  # generous: only a failing test waits this long (a busy 2-core machine starts a tab in ~5 s)
HAS_PROC = Path("/proc/self/task").is_dir()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> set[int]:
    """The live child processes of ``pid``."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found |= {int(c) for c in (task / "children").read_text().split()}
    return {child for child in found if running(child)}


def running(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def wait_until(condition: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
    """Poll ``condition`` until it holds (a wait on a state, never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Served:
    """`convnet-tui serve` on a free localhost port, in its own session (a SIGINT reaches only the server).

    Its output goes to a file (a pipe nobody reads could fill up and stop the server)."""

    def __init__(self, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        folder = tempfile.mkdtemp(prefix="convnet-serve-")
        weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)  # gone with this object (or at exit)
        self._log = Path(folder) / "serve.log"
        log_fd = os.open(self._log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tui_convnet", "serve", "--port", str(self.port), *args],
                stdin=subprocess.DEVNULL,
                stdout=log_fd,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            os.close(log_fd)
        wait_until(lambda: self.process.poll() is not None or http_status(self.url) is not None, "the server")
        assert self.process.poll() is None, self.output()

    @property
    def pid(self) -> int:
        return self.process.pid

    def tabs(self) -> set[int]:
        """The app processes of the open tabs."""
        return children(self.pid)

    def output(self) -> str:
        return self._log.read_text(errors="replace")

    def stop(self, signum: int = signal.SIGINT) -> str:
        """Ctrl-C (SIGINT to the server alone, or ``signum``); its output. Killed, and a failure, if it does not
        stop."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            self.process.wait(WAIT_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait()
            raise AssertionError(f"the server did not stop on Ctrl-C:\n{self.output()}") from None
        return self.output()

    def kill(self) -> None:
        """SIGKILL: no clean-up in the server at all."""
        self.process.kill()
        self.process.wait(WAIT_S)
