"""Numbers as the screens draw them: no value runs into its neighbour, none loses its leading digit or sign.

The formatting itself is swept in ``tests/core/test_numbers.py``; these press real keys and read the grids.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from tui_convnet.lessons.dropout_lesson import DropoutFrame
from tui_convnet.ui.app import create_app
from tui_convnet.ui.explorer.volume_view import VolumeView
from tui_convnet.ui.lessons.blocks import number_cell
from tui_convnet.ui.lessons.views import DropoutView

if TYPE_CHECKING:
    from tests.ui.conftest import UI

#: A number whose first digits were cut off: "004" for .004 (1/255), "-0" with nothing after it.
CUT = re.compile(r"(?<![\d.])(0\d+|-0)(?![\d.])")


def _tokens(lines: list[str]) -> list[str]:
    return [t for line in lines for t in line.split()]


async def test_a_faint_pixel_keeps_its_point_in_the_explorer(ui: type[UI]) -> None:
    # Example 03, numbers shown (z), last step: 1/255 was drawn "004" in its three-character column.
    app = create_app("03")
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.pause()
        await pilot.press("z", "end")
        await pilot.pause()
        lines = [line for view in app.screen.query(VolumeView) for line in ui.view_lines(view)]
        tokens = _tokens(lines)
        assert ".004" in tokens
        assert not [t for t in tokens if CUT.fullmatch(t)]


def test_dropout_units_of_ten_or_more_stay_apart() -> None:
    # Lesson 18's rows read "017.72  .5913.23": a value of 10 or more filled its column.
    row = [0.0, 17.72, 0.59, 13.23, 0.0, 14.83, 25.86, 1 / 255]
    assert "".join(number_cell(v, 5) for v in row).split() == ["0", "17.7", ".59", "13.2", "0", "14.8", "25.9", ".004"]


async def test_the_dropout_lesson_draws_every_unit_apart(ui: type[UI]) -> None:
    app = create_app(screen="lessons")
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.pause()
        await pilot.press("N", "m", "space")  # lesson 18, training mode, a mask drawn: survivors scaled up
        await pilot.pause()
        view = app.screen.query_one(DropoutView)
        frame = view.frame
        assert isinstance(frame, DropoutFrame)
        lines = ui.widget_text(view).splitlines()
        tokens = [t for t in _tokens(lines[1:]) if t not in ("●", "·")]
        shown = np.array([float(t) for t in tokens if re.fullmatch(r"-?\d*\.?\d+(e-?\d+)?", t)])
        # every unit of x and of the output is one token: none ran into its neighbour
        assert shown.size == frame.result.x.size + frame.result.output.size
        assert float(np.max(frame.result.output)) >= 10  # the case that collided
