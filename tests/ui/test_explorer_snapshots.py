"""Snapshots of the explorer: each kind of example (convolution, pooling, model) at 80x24 and 130x42,
in the default dark theme and in textual-light; plus cs231n's first, middle and last steps.

Each test runs its app once and takes every look of it (``snap_looks``: resize, change the theme)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tui_convnet.ui.app import create_app

if TYPE_CHECKING:
    from tests.ui.conftest import UI, SnapLooks

SIZE = (130, 42)
SMALL = (80, 24)


def test_cs231n_middle_step(snap_compare: Callable[..., bool]) -> None:
    # step 10 of 18: the second kernel's first window, the first output slice complete
    assert snap_compare(create_app("01"), press=["right"] * 9, terminal_size=SIZE)


# (example, keys): each kind (convolution, pooling alone, the model), in both sizes and both themes
KINDS = {"conv": ("01", ["right"] * 4), "pool": ("07", ["right"]), "model": ("09", ["right"])}
# and the convolutions that look different: the 28x28 digit (compact, side by side), the letters of Goodfellow's example
MORE = {"digit": ("03", ["right"] * 30), "symbolic": ("04", ["right"])}


@pytest.mark.parametrize("kind", list(KINDS))
async def test_each_kind_of_example(snap_looks: SnapLooks, ui: type[UI], kind: str) -> None:
    name, keys = KINDS[kind]
    await snap_looks(lambda: create_app(name), ui.EVERY_LOOK, press=keys)


@pytest.mark.parametrize("kind", list(MORE))
async def test_the_digit_and_the_letters(snap_looks: SnapLooks, ui: type[UI], kind: str) -> None:
    name, keys = MORE[kind]
    await snap_looks(lambda: create_app(name), [ui.SMALL_LIGHT, ui.LARGE_DARK], press=keys)
