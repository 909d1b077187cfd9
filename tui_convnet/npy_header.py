"""The header of a ``.npy`` array (shape, order, dtype), read without its data and without a foreign error.

numpy parses the header's Python literal itself and lets ``tokenize.TokenError``,
``SyntaxError`` or ``TypeError`` escape for some damaged headers; every reader of
``.npy`` data (the MNIST loader, the image reader) goes through
:func:`read_npy_header`, which turns them into a :class:`ValueError`.
numpy only.
"""

from __future__ import annotations

from typing import IO, Any

import numpy as np


def read_npy_header(fp: IO[bytes]) -> tuple[tuple[int, ...], bool, np.dtype[Any]]:
    """The ``(shape, fortran_order, dtype)`` of a ``.npy`` stream, its data not read; :class:`ValueError` for
    any damaged header (numpy raises ``tokenize.TokenError``, ``SyntaxError`` or ``TypeError`` for some)."""
    try:
        version = np.lib.format.read_magic(fp)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
        else:
            raise ValueError(f"unknown .npy format version {version}")
    except (ValueError, EOFError, OSError, MemoryError):
        raise
    except Exception as exc:  # tokenize.TokenError, SyntaxError, TypeError, RecursionError: a damaged header
        raise ValueError(f"the .npy header is damaged: {type(exc).__name__}") from None
    return tuple(int(d) for d in shape), bool(fortran), dtype
