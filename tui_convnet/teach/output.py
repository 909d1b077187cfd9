"""Where the lecturer's commands (``code``, ``quiz``, ``handout``, ``examples``) put their text.

Standard output, or a file written atomically (:func:`~tui_convnet.util.fileio.atomic_write`): a full disk or
a Ctrl-C never leaves half a handout where a good one was. A path that cannot be written is one line
on standard error and exit code 2, checked before anything is computed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..util.fileio import PathError, atomic_write_bytes, os_reason, user_path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class OutputError(ValueError):
    """The output path cannot be used; the message says why."""


def check_output(text: str | None, option: str = "-o") -> Path | None:
    """The output path the user typed, refused now if its folder is missing or not writable (None: stdout)."""
    if text is None or text == "-":
        return None
    try:
        path = user_path(text, "output path", option)
    except PathError as exc:
        raise OutputError(str(exc)) from None
    try:
        if path.is_dir():
            raise OutputError(f"{option} names a folder, not a file. Received: {option}={text!r}")
        folder = path.parent
        if not folder.is_dir():
            raise OutputError(f"The folder for {option} does not exist: {folder}. Received: {option}={text!r}")
    except OSError as exc:
        raise OutputError(f"{option} cannot be used ({os_reason(exc)}). Received: {option}={text[:200]!r}") from None
    if not os.access(folder, os.W_OK):
        raise OutputError(f"The folder for {option} is not writable: {folder}. Received: {option}={text!r}")
    return path


def emit(text: str, path: Path | None, prog: str) -> int:
    """Print ``text``, or write it to ``path`` atomically and say where; the exit code."""
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return EXIT_OK
    try:
        atomic_write_bytes(path, text.encode("utf-8"))
    except OSError as exc:
        print(f"{prog}: error: cannot write {path} ({os_reason(exc)})", file=sys.stderr)
        return EXIT_FAILED
    print(f"{prog}: wrote {path}", file=sys.stderr)
    return EXIT_OK


def fail(prog: str, message: str, code: int = EXIT_USAGE) -> int:
    print(f"{prog}: error: {message}", file=sys.stderr)
    return code
