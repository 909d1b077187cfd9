"""Keep the terminal for Textual alone, and give it back in every case.

Textual draws on ``sys.__stderr__``.  Native libraries (TensorFlow above all)
write log lines straight to file descriptor 2, which would land in the middle
of the screen.  :func:`own_terminal` gives Textual a private duplicate of the
terminal (taken from stdout, so that a closed stderr does not leave the
screen blank) and points descriptor 2 at a private log file for as long as
the app runs, or at /dev/null when no log can be opened.

The log lives in a per-user folder created with mode 0700
(``$XDG_STATE_HOME/convnet-tui``, else ``~/.local/state/convnet-tui``) and is
opened with ``O_NOFOLLOW``; when that folder cannot be used, a fresh file
from :func:`tempfile.mkstemp` (unpredictable name, mode 0600) takes its place.
Never a fixed name in a shared folder: another user's symlink there must not
be followed.

:func:`exit_on_signals` makes SIGTERM and SIGHUP leave the app as ``q`` does (and a closed terminal's
SIGCONT restart nothing: :mod:`tui_convnet.ui.hangup`),
so Textual restores the terminal (main screen, mouse reporting off, cursor
shown), with exit code 128 + N; SIGINT is ``q`` (it asks while a model
trains; a second SIGINT ends the app) and ends with 130, never 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import signal
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import IO, Any

LOG_NAME = "stderr.log"
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def is_interactive() -> bool:
    """Whether stdin and stdout are both a terminal (the TUI needs both)."""
    for stream in (sys.stdin, sys.stdout):
        try:
            if stream is None or not os.isatty(stream.fileno()):
                return False
        except (AttributeError, OSError, ValueError):
            return False
    return True


def state_dir() -> Path:
    """The per-user folder for the log (not created here)."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "convnet-tui"


def _private_folder(folder: Path) -> bool:
    """Create ``folder`` (mode 0700) if needed; True if it is a real folder owned by us that only we can use."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(folder)
    except (OSError, RuntimeError):
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not (st.st_mode & 0o077)


def open_log(name: str = LOG_NAME) -> tuple[int, Path] | None:
    """Open the log ``name`` (default: the stderr log) for writing: ``(fd, path)``, or None if none can be opened."""
    folder = state_dir()
    if _private_folder(folder):
        path = folder / name
        try:
            fd = os.open(path, _OPEN_FLAGS, 0o600)
            if stat.S_ISREG(os.fstat(fd).st_mode):
                return fd, path
            os.close(fd)
        except OSError:
            pass
    try:
        fd, name = tempfile.mkstemp(prefix="convnet-tui-", suffix=".log")
    except OSError:
        return None
    return fd, Path(name)


class TerminalFile(io.TextIOWrapper):
    """Textual's private duplicate of the terminal. Once the terminal is gone (a write or a flush fails: EIO after
    a hangup, EPIPE), what follows is dropped instead of raising: Textual's output thread would die on the error,
    and its queue, no longer emptied, could then block the app's last writes as it ends."""

    def __init__(self, fd: int, encoding: str) -> None:
        super().__init__(io.BufferedWriter(io.FileIO(fd, "w")), encoding=encoding, line_buffering=True)
        #: The terminal went away: nothing more is written.
        self.gone = False

    def write(self, s: str, /) -> int:
        if not self.gone:
            try:
                return super().write(s)
            except BlockingIOError:
                raise
            except OSError:
                self.gone = True
        return len(s)

    def flush(self) -> None:
        if not self.gone:
            try:
                super().flush()
            except BlockingIOError:
                raise
            except OSError:
                self.gone = True


def _fd_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


#: What puts a terminal back as a shell expects it: mouse reporting, bracketed paste and focus events off,
#: the main screen, the cursor shown, attributes reset. Textual does all this when it stops normally.
RESTORE = "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l\x1b[?1004l\x1b[?1049l\x1b[?25h\x1b[0m"


def restore_terminal() -> None:
    """After a crash: write :data:`RESTORE` to the terminal (a no-op when stdout is not one)."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        stream = sys.__stdout__
        if stream is not None and os.isatty(stream.fileno()):
            stream.write(RESTORE)
            stream.flush()


@contextlib.contextmanager
def own_terminal() -> Iterator[Path | None]:
    """Run the body with Textual on a duplicate of the terminal and fd 2 in a log file.

    Yields the log's path (None when there is no log or no terminal).
    """
    try:
        terminal_fd = sys.__stdout__.fileno() if sys.__stdout__ is not None else -1
        if terminal_fd < 0 or not os.isatty(terminal_fd):
            raise OSError("not a terminal")
    except (AttributeError, OSError, ValueError):
        yield None
        return
    if not _fd_open(2):  # stderr closed (2>&-): keep fd 2 taken, so no file we open lands on it
        os.open(os.devnull, os.O_WRONLY)
    original = sys.__stderr__
    with contextlib.suppress(AttributeError, OSError, ValueError):
        if original is not None:
            original.flush()
    log = open_log()
    log_fd = log[0] if log is not None else os.open(os.devnull, os.O_WRONLY)
    private = os.dup(terminal_fd)
    encoding = getattr(sys.__stdout__, "encoding", None) or "utf-8"
    private_file: IO[str] = TerminalFile(private, encoding)
    saved_fd2 = os.dup(2)
    sys.__stderr__ = private_file  # type: ignore[misc,assignment]  # Textual draws on sys.__stderr__
    os.dup2(log_fd, 2)
    try:
        yield None if log is None else log[1]
    finally:
        with contextlib.suppress(OSError, ValueError):
            private_file.flush()
        os.dup2(saved_fd2, 2)
        os.close(saved_fd2)
        os.close(log_fd)
        sys.__stderr__ = original  # type: ignore[misc]
        with contextlib.suppress(OSError, ValueError):
            private_file.close()


@contextlib.contextmanager
def exit_on_signals(app: Any) -> Iterator[None]:
    """SIGTERM and SIGHUP end ``app`` as ``q`` does (return code 128 + the signal), restoring the terminal;
    SIGINT asks as ``q`` does while a model trains (a second SIGINT ends it), and ends with 130.

    A save under way is finished before the process exits (:func:`tui_convnet.util.fileio.finish_writes`, at
    exit), so no temporary file is left.  Before the app runs (or after it stopped) the signal ends the
    process with that code.
    """
    if sys.platform == "win32" or not hasattr(signal, "SIGHUP"):  # pragma: no cover - POSIX only
        yield
        return
    from .hangup import hangup_safe

    app.driver_class = hangup_safe(app.driver_class)  # a closed terminal's SIGCONT restarts no input thread

    def handler(signum: int, frame: FrameType | None) -> None:
        try:  # the app's loop, if it runs (Python runs signal handlers in the main thread, where App.run's loop is)
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise SystemExit(128 + signum) from None
        # A signal handler must not block: hand the exit to the app's loop (this also wakes it up).
        if signum == signal.SIGINT and hasattr(app, "interrupt"):
            loop.call_soon_threadsafe(app.interrupt, signum)  # asks first while a model trains
        else:
            loop.call_soon_threadsafe(lambda: app.exit(return_code=128 + signum))

    signals = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
