"""The header of a ``.npy`` array (shape, order, dtype), read without its data and without a foreign error.

numpy parses the header's Python literal itself and lets ``tokenize.TokenError``,
``SyntaxError`` or ``TypeError`` escape for some damaged headers; every reader of
``.npy`` data (the MNIST loader, the image reader) goes through
:func:`read_npy_header`, which turns them into a :class:`ValueError`.
numpy only.
"""

from __future__ import annotations

import struct
from typing import IO, Any

import numpy as np

#: The longest header read (numpy's own limit for files it does not trust: ``max_header_size``).
MAX_HEADER_BYTES = 10_000


def _check_length(fp: IO[bytes], version: tuple[int, int]) -> None:
    """Refuse a header longer than :data:`MAX_HEADER_BYTES` before reading it: numpy reads the length it
    is told first (a 4 GiB claim was a MemoryError) and refuses it after, in a message of two lines."""
    size = 2 if version == (1, 0) else 4
    raw = fp.read(size)
    if len(raw) < size:
        raise ValueError("the .npy header is cut short")
    length = struct.unpack("<H" if size == 2 else "<I", raw)[0]
    if length > MAX_HEADER_BYTES:
        raise ValueError(f"the .npy header claims {length:,} bytes, more than the limit of {MAX_HEADER_BYTES:,}")
    fp.seek(-size, 1)


def read_npy_header(fp: IO[bytes]) -> tuple[tuple[int, ...], bool, np.dtype[Any]]:
    """The ``(shape, fortran_order, dtype)`` of a ``.npy`` stream, its data not read; :class:`ValueError` for
    any damaged header (numpy raises ``tokenize.TokenError``, ``SyntaxError`` or ``TypeError`` for some)."""
    try:
        version = np.lib.format.read_magic(fp)
        _check_length(fp, version)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
        else:
            raise ValueError(f"unknown .npy format version {version}")
    except (ValueError, EOFError, OSError):
        raise
    except (Exception, MemoryError) as exc:
        # tokenize.TokenError, SyntaxError, TypeError, RecursionError, and the parser's MemoryError for a few
        # hundred nested brackets (the header is at most MAX_HEADER_BYTES long): a damaged header
        raise ValueError(f"the .npy header is damaged: {type(exc).__name__}") from None
    if any(isinstance(d, bool) or d < 0 for d in shape):  # numpy lets (True, 40) and (-1, 40) through
        raise ValueError(f"the .npy header's shape must hold whole numbers from 0. Received: shape={shape}")
    return tuple(int(d) for d in shape), bool(fortran), dtype
