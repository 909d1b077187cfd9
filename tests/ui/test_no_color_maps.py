"""Without colour (NO_COLOR) a heatmap's half blocks are all the same solid block: the maps are then glyphs,
magnitude on a ramp and, on a diverging map, the sign (``≡=-`` negative, ``+*#`` positive, blank near 0)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest
from textual.app import App, ComposeResult

from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.gradcam import glyph_image_lines
from tui_convnet.ui.common.heatmap import (
    NEGATIVE_GLYPHS,
    POSITIVE_GLYPHS,
    SEQUENTIAL_GLYPHS,
    UPPER_HALF,
    HeatmapGrid,
    glyph_rows,
    quantise,
)
from tui_convnet.ui.explorer.volume_view import VolumeView
from tui_convnet.ui.lessons.backprop import NetworkGradientScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI


def test_a_diverging_ramp_keeps_the_sign_and_a_sequential_one_the_order() -> None:
    values = np.array([[-1.0, -0.5, 0.0, 0.5, 1.0]] * 2)
    assert "".join(glyph_rows(quantise(values, -1, 1, "diverging"), "diverging")[0]) == "≡= *#"
    ramp = "".join(glyph_rows(quantise(np.linspace(0, 1, 10)[None].repeat(2, 0), 0, 1, "sequential"), "sequential")[0])
    assert ramp == SEQUENTIAL_GLYPHS
    # one text cell is the mean of its two pixel rows
    assert glyph_rows(quantise(np.array([[1.0], [-1.0]]), -1, 1, "diverging"), "diverging")[0][0] == " "


def test_a_grad_cam_overlay_without_colour_is_its_lightness_on_the_ramp() -> None:
    image = np.zeros((2, 3, 3), dtype=np.uint8)
    image[:, 1] = 128
    image[:, 2] = 255
    [[segment]] = glyph_image_lines(image)
    assert segment.text == " +@" and not segment.style


class _Grid(App[None]):
    def compose(self) -> ComposeResult:
        yield HeatmapGrid(palette="diverging", label="#")


async def _grid_rows(monkeypatch: pytest.MonkeyPatch, no_color: bool) -> list[str]:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = _Grid()
    async with app.run_test(size=(40, 8)) as pilot:
        grid = app.query_one(HeatmapGrid)
        maps = np.zeros((4, 6, 1))
        maps[:, :2, 0], maps[:, 4:, 0] = -1.0, 1.0
        grid.set_maps(maps)
        await pilot.pause()
        return [grid.render_line(y).text for y in range(1, 3)]


async def test_the_inspect_screens_grid_writes_its_signs_without_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    assert await _grid_rows(monkeypatch, no_color=False) == [UPPER_HALF * 6 + " " * 34] * 2
    assert await _grid_rows(monkeypatch, no_color=True) == ["≡≡  ##" + " " * 34] * 2


async def test_lesson_20s_gradient_maps_without_colour(ui: type[UI], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = create_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = NetworkGradientScreen()
        await ui.open_screen(pilot, screen, lambda s: s.result is not None)
        for _ in range(3):  # back to conv2d_2: its dL/d maps have both signs
            await pilot.press("right")
        await pilot.pause()
        grid = screen.query_one("#grid-grad", HeatmapGrid)
        drawn = "".join(grid.render_line(y).text for y in range(grid.virtual_size.height))
        assert UPPER_HALF not in drawn
        assert set(drawn) & set(NEGATIVE_GLYPHS) and set(drawn) & set(POSITIVE_GLYPHS)
        assert "(blank ≈ 0)" in " ".join(ui.screen_text(app).split())


def test_a_digit_without_colour_is_its_ink_on_the_ramp_with_the_field_reversed() -> None:
    from tui_convnet.ui.common.digits import FIELD_MARK, digit_text

    image = np.zeros((4, 3))
    image[:, 1] = 1.0
    text = digit_text(image, glyphs=True, field=(0, 1, 0, 0))  # the field: the top-left cell
    assert text.plain.splitlines() == [" @ ", " @ "]
    assert [(span.start, span.end) for span in text.spans if span.style == FIELD_MARK] == [(0, 1)]
    assert "▀" in digit_text(image).plain  # in colour: half blocks


async def test_what_a_student_draws_shows_without_colour(ui: type[UI], monkeypatch: pytest.MonkeyPatch) -> None:
    # the canvas and "as the network sees it" were solid half blocks under NO_COLOR: nothing drawn showed
    from tui_convnet.ui.draw.canvas import DrawingCanvas

    monkeypatch.setenv("NO_COLOR", "1")
    app = create_app(screen="draw")
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.pause()
        canvas = app.screen.query_one("#draw-canvas", DrawingCanvas)
        canvas.focus()
        await pilot.press("right", *["up"] * 9)
        for _ in range(10):  # a 1 down column 15
            await pilot.press("space", "down", "down")
        await pilot.pause()
        drawn = [canvas.render_line(y).text for y in range(14)]
        assert all(UPPER_HALF not in line for line in drawn)
        column = "".join(line[15] for line in drawn[3:11])
        assert set(column) & set(SEQUENTIAL_GLYPHS[-4:]), drawn  # dense ink where the stroke is
        assert drawn[0].strip() == ""  # no ink above it


async def test_the_explorers_colour_only_digit_without_colour(ui: type[UI], monkeypatch: pytest.MonkeyPatch) -> None:
    # example 03 opens compact (colours only): without colour its 28x28 digit was blank cells
    monkeypatch.setenv("NO_COLOR", "1")
    app = create_app("03")
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.pause()
        view = app.screen.query_one("#input-view", VolumeView)
        assert view.compact
        drawn = "".join(ui.view_lines(view))
        assert "@@" in drawn and set(drawn) & set(SEQUENTIAL_GLYPHS[1:4])
        assert "≡=- negative  +*# positive" in ui.widget_text(app.screen.query_one("#legend"))


async def test_the_training_gallery_without_colour(ui: type[UI], monkeypatch: pytest.MonkeyPatch) -> None:
    # the misclassified digits under the confusion matrix were solid half blocks without colour
    from textual.app import App

    from tui_convnet.ui.training.results import DigitGallery

    class _Gallery(App[None]):
        def compose(self) -> ComposeResult:
            yield DigitGallery()

    monkeypatch.setenv("NO_COLOR", "1")
    images = np.zeros((2, 28, 28), dtype=np.uint8)
    images[:, 4:24, 12:16] = 255  # a 1
    app = _Gallery()
    async with app.run_test(size=(80, 24)) as pilot:
        gallery = app.query_one(DigitGallery)
        gallery.show(images, np.array([1, 1]), np.array([1, 7]), np.array([0.9, 0.6]), np.array([1, 0]))
        await pilot.pause()
        drawn = ui.screen_text(app)
        assert "pred 7" in drawn and UPPER_HALF not in drawn and "@@" in drawn
