"""Snapshots of the explorer: each kind of example (convolution, pooling, model) at 80x24 and 130x42,
in the default dark theme and in textual-light; plus cs231n's first, middle and last steps."""

from __future__ import annotations

import pytest

from tui_convnet.ui.app import create_app

SIZE = (130, 42)
SMALL = (80, 24)


def test_cs231n_middle_step(snap_compare):
    # step 10 of 18: the second kernel's first window, the first output slice complete
    assert snap_compare(create_app("01"), press=["right"] * 9, terminal_size=SIZE)


# (example, keys): each kind (convolution, pooling alone, the model), in both sizes and both themes
KINDS = {"conv": ("01", ["right"] * 4), "pool": ("07", ["right"]), "model": ("09", ["right"])}
# and the convolutions that look different: the 28x28 digit (compact, side by side), the letters of Goodfellow's example
MORE = {"digit": ("03", ["right"] * 30), "symbolic": ("04", ["right"])}


def _theme(theme: str):
    async def set_theme(pilot) -> None:
        pilot.app.theme = theme
        await pilot.pause()

    return set_theme


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("size", [SMALL, SIZE], ids=["80x24", "130x42"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_of_example(snap_compare, kind, size, theme):
    name, keys = KINDS[kind]
    assert snap_compare(create_app(name), press=keys, terminal_size=size, run_before=_theme(theme))


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("kind", list(MORE))
def test_the_digit_and_the_letters(snap_compare, kind, theme):
    name, keys = MORE[kind]
    size = SIZE if theme == "textual-dark" else SMALL
    assert snap_compare(create_app(name), press=keys, terminal_size=size, run_before=_theme(theme))
