"""How numbers are written, in one place (the explorer, the inspect screen, plots and the CLI).

Pure Python: every function takes a float and returns text.  Each one is named
for where the text goes:

- :func:`plain` — a number in written arithmetic (``3``, ``-0.25``, ``0.333``);
- :func:`term` — the same inside a sum, negative values in parentheses (``(-4)``);
- :func:`cell` — a grid cell, as short as it can be (``.25``, ``-.5``);
- :func:`signed` — a weight in a fixed width, sign always shown (``+0.12``);
- :func:`axis` — a plot's axis label (``0.25``, ``12.5``, ``1e+03``);
- :func:`metric` — a loss or an accuracy in a log line (``0.0909``, ``-`` when missing);
- :func:`fit` — a number in a fixed-width grid column, never wider (``17.7``, ``2e-5``);
- :func:`percent` — an accuracy or a probability (``97.2 %``);
- :func:`position` — where a walk through steps is (``step 165 of 676``);
- :func:`equals` — ``=`` when the shown terms add up to the shown sum, ``≈`` when rounding shows.

Three promises hold for every function (``tests/core/test_numbers.py`` sweeps them):
a value that is not zero never reads as zero (``2e-5``, not ``0``), a zero never carries a
sign (no ``-0``), and the leading digit is never cut off (1/255 is ``.004`` or ``4e-3``, never ``004``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = ["axis", "cell", "count", "equals", "fit", "metric", "percent", "plain", "position", "signed", "term"]


def _finite_or_text(value: float) -> str | None:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return None


def _scientific(value: float, digits: int = 0) -> str:
    """``2e-5``, ``-1.5e4``: Python's exponent form without the ``+`` and the leading zero of the exponent."""
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def _decimals(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def plain(value: float, integral: bool = False, decimals: int = 3) -> str:
    """A number in the arithmetic: integers plainly, others with up to ``decimals`` decimals.

    A value that is not zero but that ``decimals`` decimals would write as 0 gets one significant
    digit in exponent form (a confident digit's gradient ``2e-5``, never ``0``).
    """
    special = _finite_or_text(value)
    if special is not None:
        return special
    if integral and float(value).is_integer():
        return str(int(value))
    text = _decimals(value, decimals)
    if text == "0" and value != 0:
        return _scientific(value)
    return text


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
    text = _decimals(value, 2)
    if text == "0" and value != 0:
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


def fit(value: float, width: int, integral: bool = False) -> str:
    """A grid cell's number in at most ``width`` characters (a column of ``width + 1`` keeps a space).

    :func:`cell` when it fits; else fewer decimals (``17.72`` → ``17.7`` → ``18``); else one
    significant digit in exponent form (``12345`` → ``1e4``, ``0.00002`` → ``2e-5``); else ``…``
    (never a number with its first digits or its sign cut off).
    """
    if width < 1:
        raise ValueError(f"A column must be at least one character wide. Received: width={width}")
    text = cell(value, integral)
    if len(text) <= width:
        return text
    if math.isfinite(value):
        if abs(value) >= 1:
            for digits in (1, 0):
                text = _decimals(value, digits)
                if len(text) <= width:
                    return text
        text = _scientific(value)
        if len(text) <= width:
            return text
    return "…"


def percent(fraction: float, decimals: int = 1) -> str:
    """A fraction (an accuracy, a probability) as a percentage: ``0.9723`` → ``97.2 %``.

    A fraction that is not 0 or 1 never reads as ``0.0 %`` or ``100.0 %`` (``<0.1 %``, ``>99.9 %``).
    """
    special = _finite_or_text(fraction)
    if special is not None:
        return special
    text = f"{fraction * 100:.{decimals}f}"
    smallest = 10.0**-decimals
    if fraction > 0 and float(text) == 0:
        return f"<{smallest:.{decimals}f} %"
    if fraction < 1 and float(text) == 100:
        return f">{100 - smallest:.{decimals}f} %"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return f"{text} %"


def position(index: int, total: int, noun: str = "step", short: bool = False) -> str:
    """Where a walk is, from 0: ``position(164, 676)`` → ``step 165 of 676`` (thousands separated).

    ``short`` is the title bars' form, where width is scarce: ``step 165/676``.
    """
    if short:
        return f"{noun} {index + 1}/{total}"
    return f"{noun} {count(index + 1)} of {count(total)}"


def equals(products: Iterable[tuple[float, float]], total: float, integral: bool = False, decimals: int = 3) -> str:
    """``=`` when the terms as written (``plain``) add up to the total as written, else ``≈``.

    ``0.725·1 + 0.624·(−1) = 0.102`` reads wrong (the shown terms make 0.101): it is written with
    ``≈``, which says the shown numbers are rounded.
    """
    shown = sum(_as_shown(a, integral, decimals) * _as_shown(b, integral, decimals) for a, b in products)
    return "=" if plain(shown, integral, decimals) == plain(total, integral, decimals) else "≈"


def _as_shown(value: float, integral: bool, decimals: int) -> float:
    try:
        return float(plain(value, integral, decimals))
    except ValueError:
        return value
