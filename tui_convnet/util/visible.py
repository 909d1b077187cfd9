"""Show user-supplied text (a file name, a path, an origin) with its control characters made visible.

A file may be named with a terminal escape sequence: printed as it is, an OSC
sequence would change the terminal's title, a CSI sequence move the cursor or
clear the screen, a bidirectional override reorder the line.  Every name the
user (or a file, or a browser) supplied is printed through :func:`visible`,
in the TUI and on stdout/stderr alike.

Plain Python, no package imports: every layer may use it (the core escapes
its values with ``repr`` already).
"""

from __future__ import annotations

import os

__all__ = ["visible"]


def _escaped(char: str) -> str:
    code = ord(char)
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    if char == "\r":
        return "\\r"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str | os.PathLike[str], *, keep: str = "", limit: int | None = None) -> str:
    """``text`` with every character that is not printable (C0/C1 controls, DEL, format characters such as
    bidirectional overrides, lone surrogates from undecodable file names) written as a Python escape
    (``\\x1b``, ``\\n``, ``\\u202e``, ``\\udcff``); printable text, spaces included, is unchanged.

    ``keep`` names characters left as they are (``"\\n"`` for a message of several lines); with ``limit``,
    longer text is cut to that many characters and says how long it was (a 100 kB paste is not echoed).
    """
    text = os.fspath(text)
    if limit is not None and len(text) > limit:
        text = f"{text[:limit]}… ({len(text):,} characters)"
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c in keep else _escaped(c) for c in text)
