"""The training screen's looks at 130 columns, in a dark and a light theme: the confusion-matrix
title on one line, the Dropout switch's off state visible on its panel."""

from __future__ import annotations

import numpy as np
import pytest
from rich.color import Color
from textual.widgets import Static, Switch, TabbedContent

from tests.ui.screens import current
from tui_convnet.ui.app import create_app
from tui_convnet.ui.training.screen import TrainingScreen

pytestmark = [pytest.mark.keras]  # the training screen loads TensorFlow in the background when it opens


def contrast(a: Color | None, b: Color | None) -> float:
    """WCAG contrast ratio of two Rich colours (both must be set)."""
    assert a is not None and b is not None

    def luminance(colour: Color) -> float:
        rgb = colour.get_truecolor()
        channels = [c / 255 for c in (rgb.red, rgb.green, rgb.blue)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return float(0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2])

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


THEMES = ("textual-dark", "textual-light")


async def test_the_confusion_title_fits_on_one_line_at_130_columns() -> None:
    from tui_convnet.data.mnist import load_mnist
    from tui_convnet.training.evaluate import evaluation_from_probabilities

    data = load_mnist("sample").limited(None, 200)
    probabilities = np.eye(10)[(data.y_test + (np.arange(200) % 7 == 0)) % 10]  # some mistakes
    evaluation = evaluation_from_probabilities(probabilities, data.y_test, engine="numpy")
    app = create_app(screen="train")
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.pause()
        screen = current(app, TrainingScreen)
        screen._show_results(evaluation, data, "run 1")  # what a finished run shows (no training here)
        screen.query_one("#training-tabs", TabbedContent).active = "tab-results"
        for theme in THEMES:
            app.theme = theme
            await pilot.pause()
            await pilot.pause()
            title = screen.query_one("#confusion-title", Static)
            assert title.region.height == 1 and title.region.width > 0, theme
            assert "Enter on a cell: its digits" in str(title.render())


async def test_the_dropout_switch_off_state_is_visible() -> None:
    app = create_app(screen="train")
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.pause()
        switch = app.screen.query_one("#settings Switch", Switch)
        assert not switch.value
        for theme in THEMES:
            app.theme = theme
            await pilot.pause()
            slider = switch.get_component_rich_style("switch--slider")
            behind = switch.rich_style.bgcolor
            assert contrast(slider.color, behind) >= 1.8, (theme, slider.color, behind)
