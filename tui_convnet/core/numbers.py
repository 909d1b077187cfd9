"""How numbers are written, in one place (the explorer, the inspect screen, plots and the CLI).

Pure Python: every function takes a float and returns text.  Each one is named
for where the text goes:

- :func:`plain` — a number in written arithmetic (``3``, ``-0.25``, ``0.333``);
- :func:`term` — the same inside a sum, negative values in parentheses (``(-4)``);
- :func:`cell` — a grid cell, as short as it can be (``.25``, ``-.5``);
- :func:`signed` — a weight in a fixed width, sign always shown (``+0.12``);
- :func:`axis` — a plot's axis label (``0.25``, ``12.5``, ``1e+03``);
- :func:`metric` — a loss or an accuracy in a log line (``0.0909``, ``-`` when missing).
"""

from __future__ import annotations

import math

__all__ = ["axis", "cell", "count", "metric", "plain", "signed", "term"]


def _finite_or_text(value: float) -> str | None:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return None


def plain(value: float, integral: bool = False, decimals: int = 3) -> str:
    """A number in the arithmetic: integers plainly, others with up to ``decimals`` decimals."""
    special = _finite_or_text(value)
    if special is not None:
        return special
    if integral and float(value).is_integer():
        return str(int(value))
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def term(value: float, integral: bool = False, decimals: int = 3) -> str:
    """:func:`plain`, in parentheses when negative (a term of a sum: ``0·(-1)``)."""
    text = plain(value, integral, decimals)
    return f"({text})" if text.startswith("-") else text


def cell(value: float, integral: bool = False) -> str:
    """A grid cell's number: integers as they are, other values with two decimals.

    Trailing zeros go, and so does the leading zero of a fraction
    (``0.25`` → ``.25``, ``-0.5`` → ``-.5``) so that a 28x28 digit fits.  A value that two
    decimals would write as 0 gets the arithmetic's three (``-0.001`` → ``-.001``, as :func:`plain`).
    NaN (a padding cell of a 'same' pooling window) is blank.
    """
    if math.isnan(value):
        return ""
    special = _finite_or_text(value)
    if special is not None:
        return special
    if integral:
        return str(round(value))
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    if text in ("-0", "", "0") and value != 0:
        # Too small for two decimals: written as the arithmetic writes it (a learned bias of -0.001 reads
        # "-.001" in its grid and "(-0.001)" in the sum, never "0" beside "(-0.001)").
        text = plain(value)
    if text.startswith("0."):
        text = text[1:]
    elif text.startswith("-0."):
        text = "-" + text[2:]
    return text


def signed(value: float, width: int = 5) -> str:
    """A weight in ``width`` characters with its sign: ``+0.12``, ``-1.50``, ``+12.3``.

    A weight too small for two decimals is written ``-1e-3``, never ``-0.00`` (a zero with a sign).
    """
    special = _finite_or_text(value)
    if special is not None:
        return special[:width]
    for digits in (2, 1, 0):
        text = f"{value:+.{digits}f}"
        if len(text) <= width and (value == 0 or float(text) != 0):
            return text
    mantissa, exponent = f"{value:+.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"[:width]


def axis(value: float) -> str:
    """A plot's axis label: two significant-looking decimals, exponent form when very large or small."""
    if value == 0:
        return "0"
    if abs(value) >= 1000 or abs(value) < 0.01:
        return f"{value:.0e}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def metric(value: float | None, decimals: int = 4) -> str:
    """A loss or accuracy in a log line; ``-`` when there is none (e.g. no validation split)."""
    return "-" if value is None else f"{value:.{decimals}f}"


def count(value: int) -> str:
    """A whole number with thousands separators: ``93,322``."""
    return f"{value:,}"
