"""Helpers for the core tests (imported as ``from core_testing import ...``)."""

from __future__ import annotations

import numpy as np

#: conv2d / pool2d / forward must match Keras to this (absolute and relative).
TOL = 1e-5


def assert_close(actual, expected, *, tol: float = TOL, err_msg: str = "") -> None:
    """``|actual − expected| <= tol + tol·|expected|`` everywhere, shapes equal."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"{err_msg} shape {actual.shape} != {expected.shape}"
    np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol, err_msg=err_msg)
