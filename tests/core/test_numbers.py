"""One number formatter (core/numbers.py): a grid cell and the arithmetic agree on small values."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from tui_convnet.core import numbers


@pytest.mark.parametrize(
    ("value", "grid", "sum_term"),
    [
        (-0.001, "-.001", "(-0.001)"),  # a learned bias: was "0" in the grid beside "(-0.001)"
        (0.0039, ".004", "0.004"),  # a digit's faintest pixel, 1/255
        (0.0004, "4e-4", "4e-4"),  # too small for three decimals: one digit in exponent form, never 0
        (-0.25, "-.25", "(-0.25)"),
        (0.0, "0", "0"),
        (3.0, "3", "3"),
    ],
)
def test_a_value_reads_the_same_in_its_grid_and_in_the_sum(value: float, grid: str, sum_term: str) -> None:
    assert numbers.cell(value) == grid
    assert numbers.term(value) == sum_term
    assert float(numbers.cell(value)) == pytest.approx(float(numbers.plain(value)), abs=0.0051)


def test_a_cell_never_shows_minus_zero_or_a_zero_that_is_not_one() -> None:
    for value in (-1e-9, -0.004, 0.0049, -0.0001):
        text = numbers.cell(value)
        assert text != "-0" and not text.startswith("-0")
        assert text == "0" or float(text) != 0


def test_a_signed_weight_is_never_a_signed_zero() -> None:
    assert numbers.signed(0.123) == "+0.12" and numbers.signed(-1.5) == "-1.50" and numbers.signed(12.34) == "+12.3"
    assert numbers.signed(-0.001) == "-1e-3" and numbers.signed(0.004) == "+4e-3" and numbers.signed(0.0) == "+0.00"
    assert len(numbers.signed(-123456.0)) <= 5
    assert numbers.signed(float("nan")) == "nan"


# A sweep over magnitudes and signs: the three promises of core/numbers.py for every formatter.
SWEEP = sorted(
    {
        sign * mantissa * 10.0**exponent
        for sign in (1, -1)
        for mantissa in (1, 1.5, 2.5, 3.9216, 5, 9.96)
        for exponent in range(-6, 6)
    }
    | {0.0, 1 / 255, -1 / 255, 17.72, 25.86, -0.0004, 2.3e-5, -2.9e-5, 0.9999, 99.95, -0.0}
)


def _check(value: float, text: str, where: str) -> None:
    """No collision of sign and zero, no lost leading digit: ``text`` reads as ``value`` to its first digit."""
    assert text.strip() == text and text, f"{where}({value!r}) = {text!r}: blank or padded"
    if text == "…":
        return
    shown = float(text)
    if value == 0:
        assert text in ("0", "+0.00"), f"{where}({value!r}) = {text!r}: a zero with a sign"
        return
    assert shown != 0, f"{where}({value!r}) = {text!r}: a non-zero value reads as zero"
    assert (shown > 0) == (value > 0), f"{where}({value!r}) = {text!r}: the sign is lost"
    if "e" in text:  # one significant digit: right to within half of it
        allowed = 0.5 * 10.0 ** math.floor(math.log10(abs(value))) * 1.0001
    else:  # right to within half of the last decimal written
        allowed = 0.5 * 10.0 ** -len(text.partition(".")[2]) * 1.0001
    assert abs(shown - value) <= allowed, f"{where}({value!r}) = {text!r}: the leading digit is lost"


@pytest.mark.parametrize("value", SWEEP)
def test_every_formatter_keeps_sign_zero_and_leading_digit(value: float) -> None:
    _check(value, numbers.plain(value), "plain")
    _check(value, numbers.cell(value), "cell")
    _check(value, numbers.term(value).strip("()"), "term")
    _check(value, numbers.signed(value), "signed")
    for width in range(1, 8):
        text = numbers.fit(value, width)
        assert len(text) <= width, f"fit({value!r}, {width}) = {text!r}: wider than its column"
        _check(value, text, f"fit(width={width})")


def test_a_row_of_fitted_cells_never_runs_together() -> None:
    # The dropout lesson's row "017.72  .5913.23": a value of 10 or more ran into its neighbours.
    row = [0.0, 17.72, 0.59, 13.23, 0.0, 14.83, -25.86, 1 / 255]
    line = "".join(" " + numbers.fit(v, 4).rjust(4) for v in row)
    assert line.split() == ["0", "17.7", ".59", "13.2", "0", "14.8", "-26", ".004"]


def test_a_faint_pixel_keeps_its_point() -> None:
    # 1/255 in a three-character column was "004" (looks like 4): it is ".004" or "4e-3", never cut.
    assert numbers.fit(1 / 255, 4) == ".004"
    assert numbers.fit(1 / 255, 3) == "…"
    assert numbers.fit(2.3e-5, 4) == "2e-5"


def test_percent_and_position_are_one_rule() -> None:
    assert numbers.percent(0.9723) == "97.2 %"
    assert numbers.percent(0.0004) == "<0.1 %" and numbers.percent(0.99996) == ">99.9 %"
    assert numbers.percent(1.0) == "100.0 %" and numbers.percent(0.0) == "0.0 %"
    assert numbers.position(164, 676) == "step 165 of 676"
    assert numbers.position(164, 21632, "Step") == "Step 165 of 21,632"


def test_terms_that_do_not_add_up_are_marked() -> None:
    # 0.725·1 + 0.624·(−1) is 0.101 as shown; the exact sum 0.1017 is shown 0.102: "≈", not "=".
    assert numbers.equals([(0.7246, 1), (0.6236, -1)], 0.7246 - 0.6236 + 0.001) == "≈"
    assert numbers.equals([(0.25, 2), (0.5, -1)], 0.0) == "="
    assert numbers.equals([(1, 2), (3, 4)], 14, integral=True) == "="


def test_a_gradient_of_a_confident_digit_is_not_zero() -> None:
    assert numbers.plain(2.3e-5) == "2e-5" and numbers.plain(-2.9e-5) == "-3e-5" and numbers.plain(0.0) == "0"


#: Where a percentage or an accuracy may still be written with a format spec, and why.
KERAS_LOG_FORMAT = {
    # ``convnet-tui train`` prints Keras' own log lines (``accuracy: 0.9494``), as the lecture shows them
    "training/cli.py",
    "training/trainer.py",
}
_PERCENT_SPEC = re.compile(r"\{[^{}\n]*:[^{}\n]*%\}")  # {p:.1%}
_ACCURACY_SPEC = re.compile(r"\{[^{}\n]*accuracy[^{}\n]*:[^{}\n]*f\}")  # {ev.accuracy:.4f}


def test_every_percentage_and_accuracy_goes_through_the_module() -> None:
    """The sweep of the source: no f-string writes a percentage (``{p:.1%}``) or an accuracy (``{acc:.4f}``)
    itself; ``numbers.percent`` does (``97.2 %``, never ``0.9723`` on one screen and ``97.2%`` on another)."""
    package = Path(numbers.__file__).resolve().parents[1]
    found = []
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).as_posix()
        if name == "core/numbers.py" or name in KERAS_LOG_FORMAT:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _PERCENT_SPEC.search(line) or _ACCURACY_SPEC.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_sweep_finds_a_format_spec() -> None:
    assert _PERCENT_SPEC.search('f"the network says {top} ({p[top]:.1%})"')
    assert _ACCURACY_SPEC.search('(f"{ev.accuracy:.4f}", "bold")')
    assert not _PERCENT_SPEC.search('f"under 50 % ({numbers.percent(p)})"')
