"""One number formatter (core/numbers.py): a grid cell and the arithmetic agree on small values (issue 11)."""

from __future__ import annotations

import pytest

from tui_convnet.core import numbers


@pytest.mark.parametrize(
    ("value", "grid", "sum_term"),
    [
        (-0.001, "-.001", "(-0.001)"),  # a learned bias: was "0" in the grid beside "(-0.001)"
        (0.0039, ".004", "0.004"),  # a digit's faintest pixel, 1/255
        (0.0004, "0", "0"),  # too small for the arithmetic too: both say 0
        (-0.25, "-.25", "(-0.25)"),
        (0.0, "0", "0"),
        (3.0, "3", "3"),
    ],
)
def test_a_value_reads_the_same_in_its_grid_and_in_the_sum(value, grid, sum_term):
    assert numbers.cell(value) == grid
    assert numbers.term(value) == sum_term
    assert float(numbers.cell(value)) == pytest.approx(float(numbers.plain(value)), abs=0.0051)


def test_a_cell_never_shows_minus_zero_or_a_zero_that_is_not_one():
    for value in (-1e-9, -0.004, 0.0049, -0.0001):
        text = numbers.cell(value)
        assert text != "-0" and not text.startswith("-0")
        assert text == "0" or float(text) != 0


def test_a_signed_weight_is_never_a_signed_zero():
    assert numbers.signed(0.123) == "+0.12" and numbers.signed(-1.5) == "-1.50" and numbers.signed(12.34) == "+12.3"
    assert numbers.signed(-0.001) == "-1e-3" and numbers.signed(0.004) == "+4e-3" and numbers.signed(0.0) == "+0.00"
    assert len(numbers.signed(-123456.0)) <= 5
    assert numbers.signed(float("nan")) == "nan"
