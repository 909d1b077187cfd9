"""Snapshots of every lesson at 130×42 (dark) and 80×24 (textual-light), and of two at the other pairing
(one run of the app per lesson, every look of it: ``snap_looks``).

Numbers come from the bundled trained model's committed weights through the numpy engine (no
TensorFlow), so a snapshot does not depend on Keras' float rounding or on timing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tui_convnet.ui.app import create_app

if TYPE_CHECKING:
    from tests.ui.conftest import UI, SnapLooks

#: The keys that open each lesson from the first (the app opens on the lessons screen) and show an
#: interesting step of it.
KEYS = {
    1: [],
    2: ["n", "right", "right"],
    3: ["n", "n", "right", "right", "right", "right", "l", "j"],
    4: ["n", "n", "n", "right", "right", "right"],
    5: ["n", "n", "n", "n", "end"],
    6: ["N", "m", "space"],
}


#: The looks of each lesson: every lesson at 80x24 light and 130x42 dark, two of them in the other pairing too.
LOOKS = {lesson: ["SMALL_LIGHT", "LARGE_DARK"] for lesson in KEYS}
LOOKS[3] = ["SMALL_LIGHT", "LARGE_LIGHT", "LARGE_DARK"]
LOOKS[4] = ["SMALL_DARK", "SMALL_LIGHT", "LARGE_DARK"]


@pytest.mark.parametrize("lesson", sorted(KEYS))
async def test_lesson(snap_looks: SnapLooks, ui: type[UI], lesson: int) -> None:
    looks = [getattr(ui, look) for look in LOOKS[lesson]]
    await snap_looks(lambda: create_app(screen="lessons"), looks, press=KEYS[lesson])
