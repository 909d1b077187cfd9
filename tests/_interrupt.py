"""Raise an exception at the n-th line run in chosen functions: what a signal's Python handler does (it runs
between two bytecodes of the main thread, whatever line that is), without any timing."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from types import CodeType, FrameType
from typing import Any


@contextlib.contextmanager
def raising_at(
    event: int, exc: BaseException | type[BaseException], codes: set[CodeType]
) -> Iterator[Callable[[], int]]:
    """Within the block, raise ``exc`` as the ``event``-th line (counted over the functions whose code is in
    ``codes``) is about to run; yields a function saying how many lines were counted."""
    seen = 0

    def local(frame: FrameType, kind: str, arg: Any) -> Callable[..., Any]:
        nonlocal seen
        if kind == "line":
            seen += 1
            if seen == event:
                raise exc
        return local

    sys.settrace(lambda frame, kind, arg: local if frame.f_code in codes else None)
    try:
        yield lambda: seen
    finally:
        sys.settrace(None)
