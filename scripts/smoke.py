"""The real-terminal smoke test: the installed ``convnet-tui`` on a pseudo-terminal, every screen, and ``serve``.

Not Textual's headless driver: the command runs as a student runs it, on a pseudo-terminal of 100x30
with ``TERM=xterm-256color``, so what only breaks on a real terminal (Python 3.12's eager tasks, the
terminal's own modes) breaks here. For each screen: start ``convnet-tui --screen NAME``, wait until
the text that screen always shows has been drawn, press ``q``, expect exit code 0. Then ``serve`` on a
free loopback port: the page answers, one tab's websocket draws a frame, SIGINT ends the server.

    python scripts/smoke.py PATH/TO/convnet-tui [--only explorer,draw] [--no-serve]

Prints one line per check and ``N passed, N failed``; exits 1 if any failed. Standard library only,
plus aiohttp for the websocket (a dependency of textual-serve, so in every install).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import time
import urllib.request
from collections.abc import Callable, Sequence
from functools import partial

#: Each screen and a text it always draws on its first frame.
SCREENS = {
    "explorer": "Step 1 of",
    "train": "Train the lecture",
    "inspect": "Test digit #0",
    "draw": "Your drawing",
    "lessons": "A kernel is a pattern detector",
}
COLUMNS, ROWS = 100, 30
START_TIMEOUT_S = 90.0  # a cold start on a loaded 2-core machine, first import of numpy and Textual
QUIT_TIMEOUT_S = 30.0
_ESCAPES = re.compile(
    rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|P[^\x1b]*\x1b\\|[()][0-9A-Za-z]|[@-Z\\-_])"
)


def visible_text(raw: bytes) -> str:
    """What a terminal shows of ``raw``, roughly: escape sequences removed (cursor moves count as nothing)."""
    return _ESCAPES.sub(b"", raw).decode("utf-8", "replace")


def _read_until(fd: int, pid: int, want: str, timeout: float) -> tuple[bool, bytes]:
    """Read the pty until ``want`` is visible, the child ends, or ``timeout``; (seen, everything read)."""
    raw = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            raw += chunk
            if want in visible_text(raw[-200_000:]):
                return True, raw
        elif os.waitpid(pid, os.WNOHANG) != (0, 0):
            break
    return want in visible_text(raw), raw


def _wait_exit(pid: int, fd: int, timeout: float) -> int | None:
    """The child's exit code (128 + N for signal N), draining its output meanwhile; None after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
        if select.select([fd], [], [], 0.1)[0]:
            with contextlib.suppress(OSError):
                os.read(fd, 65536)
    return None


def run_on_pty(argv: list[str], env: dict[str, str], timeout: float) -> tuple[int | None, bytes]:
    """Run ``argv`` on a pseudo-terminal until it ends (or ``timeout``): its exit code and all it wrote."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    raw = b""
    deadline = time.monotonic() + timeout
    code: int | None = None
    try:
        while time.monotonic() < deadline:
            if select.select([fd], [], [], 0.1)[0]:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    chunk = b""
                raw += chunk
                if chunk:
                    continue
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                code = os.waitstatus_to_exitcode(status)
                break
    finally:
        if code is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    return code, raw


def run_screen(command: str, screen: str, env: dict[str, str]) -> tuple[bool, str]:
    """Start ``command --screen screen`` on a pseudo-terminal, see its first frame, quit with ``q``."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, on the pty
        try:
            os.execve(command, [command, "--screen", screen], env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    started = time.monotonic()
    try:
        seen, raw = _read_until(fd, pid, SCREENS[screen], START_TIMEOUT_S)
        if not seen:
            tail = visible_text(raw)[-300:].replace("\n", " ").strip()
            return (
                False,
                f"no first frame with {SCREENS[screen]!r} ({time.monotonic() - started:.1f} s); last: {tail!r}",
            )
        first = time.monotonic() - started
        time.sleep(0.5)  # let the app settle after its first frame, as a student would read it
        os.write(fd, b"q")
        code = _wait_exit(pid, fd, QUIT_TIMEOUT_S)
        if code is None:
            return False, f"first frame in {first:.1f} s, but `q` did not quit within {QUIT_TIMEOUT_S:.0f} s"
        if code != 0:
            return False, f"first frame in {first:.1f} s, but exit code {code} after `q`"
        return True, f"first frame in {first:.1f} s, `q`, exit code 0"
    finally:
        try:
            if os.waitpid(pid, os.WNOHANG) == (0, 0):  # still running: a failed check
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        except ChildProcessError:
            pass  # already reaped by _wait_exit
        os.close(fd)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _tab_frame(url: str, want: str, timeout: float) -> bool:
    """Open one tab's websocket and read until ``want`` is drawn."""
    import aiohttp

    raw = b""
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(url, origin=url.replace("ws://", "http://").split("/ws")[0]) as ws,
    ):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                message = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                break
            if message.type == aiohttp.WSMsgType.BINARY:
                raw += message.data
            elif message.type == aiohttp.WSMsgType.TEXT:
                raw += message.data.encode()
            else:
                break
            if want.encode() in _ESCAPES.sub(b"", raw):
                return True
    return False


def run_serve(command: str, env: dict[str, str]) -> tuple[bool, str]:
    """``serve`` on a free loopback port: the page, one tab's first frame, then SIGINT ends it."""
    port = _free_port()
    with tempfile.TemporaryFile() as out:
        server = subprocess.Popen([command, "serve", "--port", str(port)], env=env, stdout=out, stderr=out)
        try:
            page = ""
            deadline = time.monotonic() + START_TIMEOUT_S
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                        page = response.read().decode("utf-8", "replace")
                    break
                except OSError:
                    time.sleep(0.3)
            if "ws" not in page:
                out.seek(0)
                return False, f"the page did not answer; server said: {out.read()[-300:]!r}"
            url = f"ws://127.0.0.1:{port}/ws?width={COLUMNS}&height={ROWS}"
            if not asyncio.run(_tab_frame(url, SCREENS["explorer"], START_TIMEOUT_S)):
                out.seek(0)
                return False, f"the tab drew no frame with {SCREENS['explorer']!r}; server said: {out.read()[-300:]!r}"
            server.send_signal(signal.SIGINT)
            try:
                server.wait(QUIT_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                return False, "page and tab answered, but SIGINT did not end the server"
            return True, f"page, one tab's first frame, SIGINT ended it (exit code {server.returncode})"
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", help="the installed convnet-tui to test")
    parser.add_argument("--only", default=",".join(SCREENS), help="comma-separated screens (default: all)")
    parser.add_argument("--no-serve", action="store_true", help="skip the serve check")
    args = parser.parse_args(argv)
    command = os.path.abspath(args.command)
    if not os.access(command, os.X_OK):
        print(f"smoke: no such command: {command}\nsmoke: 0 passed, 1 failed", flush=True)
        return 1
    with tempfile.TemporaryDirectory() as home:
        env = {
            "PATH": os.path.dirname(command) + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": home,
            "XDG_STATE_HOME": os.path.join(home, "state"),
            "XDG_CONFIG_HOME": os.path.join(home, "config"),
            "TERM": "xterm-256color",
            "COLUMNS": str(COLUMNS),
            "LINES": str(ROWS),
            "LANG": "C.UTF-8",
        }
        version = subprocess.run([command, "--version"], capture_output=True, text=True, env=env, check=False)
        print(f"smoke: {version.stdout.strip() or version.stderr.strip()} ({command})", flush=True)
        checks: list[tuple[str, tuple[bool, str]]] = []
        runs: list[tuple[str, Callable[[], tuple[bool, str]]]] = [
            (f"--screen {screen}", partial(run_screen, command, screen, env))
            for screen in args.only.split(",")
            if screen
        ]
        if not args.no_serve:
            runs.append(("serve", partial(run_serve, command, env)))
        for name, run in runs:
            try:
                checks.append((name, run()))
            except Exception as exc:  # the check itself could not run (no such command, …): a failure
                checks.append((name, (False, f"{type(exc).__name__}: {exc}")))
            print(f"  {'ok  ' if checks[-1][1][0] else 'FAIL'} {name}: {checks[-1][1][1]}", flush=True)
        passed = sum(ok for _, (ok, _) in checks)
        failed = len(checks) - passed
        print(f"smoke: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
