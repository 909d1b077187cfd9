"""A crash is never silent: one line on stderr naming what failed and where the full report is.

Any unexpected exception ends a command with exit code 1 and this line; the traceback goes to a log
file in the per-user state folder (the TUI's own stderr log, or ``crash.log`` for the other
commands), never into the student's terminal.
"""

from __future__ import annotations

import contextlib
import os
import traceback
from pathlib import Path

from .ui.terminal import open_log

CRASH_LOG = "crash.log"


def describe(exc: BaseException) -> str:
    """``Type: first line of the message`` (at most 200 characters, control characters made visible)."""
    message = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {message[0]}" if message else type(exc).__name__
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return text if len(text) <= 200 else text[:199] + "…"


def crash_line(exc: BaseException, log: Path | None) -> str:
    """The one line the command prints after an unexpected exception."""
    where = f"; the full report is in {log}" if log is not None else ""
    return f"convnet-tui: crashed: {describe(exc)}{where}"


def write_report(exc: BaseException) -> Path | None:
    """Write ``exc``'s traceback to the crash log (per-user, private); its path, or None if none could be written."""
    opened = open_log(CRASH_LOG)
    if opened is None:
        return None
    fd, path = opened
    with contextlib.suppress(OSError), os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as log:
        log.write("".join(traceback.format_exception(exc)))
        return path
    return None
