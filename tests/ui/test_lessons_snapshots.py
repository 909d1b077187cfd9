"""Snapshots of every lesson at 130×42 (dark) and 80×24 (textual-light), and of two at the other pairing.

Numbers come from the bundled trained model's committed weights through the numpy engine (no
TensorFlow), so a snapshot does not depend on Keras' float rounding or on timing.
"""

from __future__ import annotations

import pytest

from tui_convnet.ui.app import create_app

LARGE, SMALL = (130, 42), (80, 24)

#: The keys that open each lesson from the explorer and show an interesting step of it.
KEYS = {
    1: ["L"],
    2: ["L", "n", "right", "right"],
    3: ["L", "n", "n", "right", "right", "right", "right", "l", "j"],
    4: ["L", "n", "n", "n", "right", "right", "right"],
    5: ["L", "n", "n", "n", "n", "end"],
    6: ["L", "N", "m", "space"],
}


def _theme(name: str):
    async def run_before(pilot) -> None:
        pilot.app.theme = name
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("lesson", sorted(KEYS))
def test_lesson_large_dark(snap_compare, lesson):
    assert snap_compare(create_app(), press=KEYS[lesson], terminal_size=LARGE, run_before=_theme("textual-dark"))


@pytest.mark.parametrize("lesson", sorted(KEYS))
def test_lesson_small_light(snap_compare, lesson):
    assert snap_compare(create_app(), press=KEYS[lesson], terminal_size=SMALL, run_before=_theme("textual-light"))


@pytest.mark.parametrize(
    ("lesson", "size", "theme"),
    [
        pytest.param(3, LARGE, "textual-light", id="3-large-light"),
        pytest.param(4, SMALL, "textual-dark", id="4-small-dark"),
    ],
)
def test_lesson_other_pairings(snap_compare, lesson, size, theme):
    assert snap_compare(create_app(), press=KEYS[lesson], terminal_size=size, run_before=_theme(theme))
