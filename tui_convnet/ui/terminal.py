"""Keep the terminal for Textual alone.

Textual draws on ``sys.__stderr__``.  Native libraries (TensorFlow above all)
write log lines straight to file descriptor 2, which would land in the middle
of the screen.  :func:`own_terminal` gives Textual a private duplicate of the
terminal and points descriptor 2 at a log file for as long as the app runs.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path


def log_path() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    folder = Path(base) / "convnet-tui"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    return folder / "stderr.log"


@contextlib.contextmanager
def own_terminal() -> Iterator[Path | None]:
    """Run the body with Textual on a duplicate of the terminal and fd 2 in a log file."""
    try:
        original = sys.__stderr__
        fd = original.fileno()
        if not os.isatty(fd):
            raise OSError("not a terminal")
    except (AttributeError, OSError, ValueError):
        yield None
        return
    path = log_path()
    original.flush()
    private = os.dup(fd)
    log_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    private_file = os.fdopen(private, "w", buffering=1, encoding=getattr(original, "encoding", None) or "utf-8")
    saved_fd2 = os.dup(2)
    sys.__stderr__ = private_file
    os.dup2(log_fd, 2)
    try:
        yield path
    finally:
        private_file.flush()
        os.dup2(saved_fd2, 2)
        os.close(saved_fd2)
        os.close(log_fd)
        sys.__stderr__ = original
        private_file.close()
