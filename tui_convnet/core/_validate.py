"""Argument checks shared by the core, with Keras-style messages.

Every message says what is wrong, then ``Received: name=value`` so that a
student who typed the value can see exactly what the engine got.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np

from .arrays import Array

#: The step-by-step engine (``conv_trace`` / ``pool_trace``) keeps every
#: window of the computation addressable; beyond these sizes a volume is too
#: large to show cell by cell in a terminal.
MAX_SHOW_SIDE = 64
MAX_SHOW_CHANNELS = 16
MAX_SHOW_KERNELS = 64

#: The most values one call may allocate (a padded input, its im2col
#: matrix, an output): 2**27 values, 512 MiB of float32.  Larger work is
#: refused before anything is allocated.
MAX_VALUES = 2**27

PADDING_NAMES = ("valid", "same")


def is_int(value: Any) -> bool:
    """A true integer (Python or numpy), not a bool."""
    return isinstance(value, Integral) and not isinstance(value, (bool, np.bool_))


def int_arg(value: Any, name: str, *, minimum: int) -> int:
    """Check one integer argument ``>= minimum``."""
    if not is_int(value) or value < minimum:
        raise fail(f"`{name}` must be an integer >= {minimum}", **{name: value})
    return int(value)


def check_values(count: int, what: str, **received: Any) -> None:
    """Refuse work that would allocate more than :data:`MAX_VALUES` values."""
    if count > MAX_VALUES:
        raise fail(
            f"{what} would hold {count:,} values, more than the limit of {MAX_VALUES:,}",
            **received,
        )


def shape_arg(shape: Any, name: str, *, ndims: tuple[int, ...], minimum: int = 1) -> tuple[int, ...]:
    """Check a shape: a tuple of ``ndims`` integers >= ``minimum``."""
    try:
        dims = tuple(shape)
    except TypeError:
        raise fail(f"`{name}` must be a tuple of integers", **{name: shape}) from None
    if len(dims) not in ndims or not all(is_int(d) and d >= minimum for d in dims):
        expected = " or ".join(str(n) for n in ndims)
        raise fail(f"`{name}` must be {expected} integers >= {minimum}", **{name: shape})
    return tuple(int(d) for d in dims)


def fail(what: str, **received: Any) -> ValueError:
    """Build a ``ValueError`` in Keras' style: ``what. Received: k=v``."""
    shown = ", ".join(f"{k}={v!r}" for k, v in received.items())
    what = what.rstrip(".")
    return ValueError(f"{what}. Received: {shown}" if shown else f"{what}.")


def pair(value: Any, name: str, *, minimum: int) -> tuple[int, int]:
    """Normalise an int or a 2-sequence of ints to ``(h, w)``, each >= minimum."""
    if isinstance(value, (bool, np.bool_, str)):
        raise fail(f"`{name}` must be an integer or a tuple of 2 integers", **{name: value})
    if isinstance(value, Integral):
        items = (int(value), int(value))
    else:
        try:
            raw = tuple(value)
        except TypeError:
            raise fail(f"`{name}` must be an integer or a tuple of 2 integers", **{name: value}) from None
        if len(raw) != 2 or not all(is_int(v) for v in raw):
            raise fail(f"`{name}` must be an integer or a tuple of 2 integers", **{name: value})
        items = (int(raw[0]), int(raw[1]))
    if min(items) < minimum:
        raise fail(f"`{name}` must be >= {minimum}", **{name: value})
    return items


def padding_arg(padding: Any) -> str | tuple[int, int]:
    """Check ``padding``: 'valid', 'same', an int >= 0 or ``(ph, pw)``."""
    if isinstance(padding, str):
        low = padding.lower()
        if low not in PADDING_NAMES:
            raise fail(
                "Invalid value for argument `padding`. Expected one of "
                "'valid', 'same', an integer >= 0 or a tuple (ph, pw)",
                padding=padding,
            )
        return low
    try:
        ph, pw = pair(padding, "padding", minimum=0)
    except ValueError:
        raise fail(
            "Invalid value for argument `padding`. Expected one of "
            "'valid', 'same', an integer >= 0 or a tuple (ph, pw) of integers >= 0",
            padding=padding,
        ) from None
    return ph, pw


def numeric_array(value: Any, name: str, *, ndims: tuple[int, ...]) -> Array:
    """Turn nested lists into a numeric array, refusing ragged or text grids."""
    if isinstance(value, np.ndarray):
        arr = value
    else:
        try:
            arr = np.asarray(value)
        except RecursionError:  # thousands of nested lists
            raise fail(f"`{name}` is nested too deeply", **{name: "[[[..."}) from None
        except (ValueError, TypeError):
            raise fail(f"`{name}` is ragged: every row must have the same length", **{name: _short(value)}) from None
    if arr.dtype == object:
        raise fail(f"`{name}` is ragged: every row must have the same length", **{name: _short(value)})
    if arr.dtype.kind not in "biuf":
        raise fail(f"`{name}` must contain only numbers", **{name: _short(value)})
    if arr.ndim not in ndims:
        expected = " or ".join(str(n) for n in ndims)
        raise fail(f"`{name}` must be a {expected}-D array", **{f"{name}.shape": arr.shape})
    # before any whole-array work: a broadcast view of 10**10 values costs nothing until numpy copies it
    check_values(arr.size, f"`{name}`", **{f"{name}.shape": arr.shape})
    if arr.size and arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise fail(f"`{name}` must contain only finite numbers (no NaN or inf)", **{f"{name}.shape": arr.shape})
    return arr


def check_showable(
    shape: tuple[int, ...], name: str, n_kernels: int | None = None, *, padded: bool = False, **received: Any
) -> None:
    """Refuse volumes that are too large to step through on a terminal.

    With ``padded=True`` ``shape`` is the input once padded (what the
    explorer draws), and ``received`` names the settings that made it so.
    """
    h, w, c = shape[-3:]
    if max(h, w) > MAX_SHOW_SIDE or c > MAX_SHOW_CHANNELS:
        what = f"`{name}` once padded" if padded else f"`{name}`"
        key = f"{name}.padded_shape" if padded else f"{name}.shape"
        raise fail(
            f"{what} is too large to show step by step: the limit is "
            f"{MAX_SHOW_SIDE}x{MAX_SHOW_SIDE} cells and {MAX_SHOW_CHANNELS} channels",
            **{key: tuple(shape)},
            **received,
        )
    if n_kernels is not None and n_kernels > MAX_SHOW_KERNELS:
        raise fail(
            f"Too many kernels to show step by step: the limit is {MAX_SHOW_KERNELS}",
            filters=n_kernels,
        )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def positive_real(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not float(value) > 0:
        raise fail(f"`{name}` must be a positive number", **{name: value})
    return float(value)
