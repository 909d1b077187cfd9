"""What ``train`` and ``predict`` share about their outcome: exit codes and a stdout that may fail.

Exit codes, one rule for both commands (documented in the README):

- 0: done;
- 1: the run failed: a NaN loss, the model could not be saved, the output
  could not be written (a closed pipe, a full disk), or an unexpected error;
- 2: the input cannot be used: bad arguments, a data file or a model file
  that is missing, unreadable or wrong;
- 130: Ctrl-C; 128 + N for signal N (143 SIGTERM, 129 SIGHUP).

JSON output is always valid JSON: ``allow_nan=False``, and a NaN or
infinite number is written as ``null`` with its field named in
``not_finite``.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import sys
from typing import Any

from ..util.fileio import os_reason

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class OutputClosed(Exception):
    """stdout cannot be written any more; ``reason`` says why ("broken pipe", "no space left on the device")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def output_console(**options: Any) -> Any:
    """A Rich console on stdout whose broken pipe raises ``BrokenPipeError`` (Rich's own exits 1 silently):
    the command's output error path then prints its one line."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    return _Console(**options)


def write_line(text: str) -> None:
    """Write one line to stdout and flush it, or raise :class:`OutputClosed`."""
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except OSError as exc:
        raise OutputClosed(os_reason(exc)) from None


def _finite(value: Any, where: str, bad: list[str]) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        bad.append(where)
        return None
    if isinstance(value, dict):
        return {k: _finite(v, f"{where}.{k}" if where else str(k), bad) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v, f"{where}[{i}]", bad) for i, v in enumerate(value)]
    return value


def json_line(obj: dict[str, Any]) -> str:
    """``obj`` as one line of valid JSON; NaN and infinities become null, named in ``not_finite``."""
    bad: list[str] = []
    clean = _finite(obj, "", bad)
    if bad:
        clean["not_finite"] = bad
    return json.dumps(clean, allow_nan=False)


def silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush cannot fail a second time."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        fd = sys.stdout.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
