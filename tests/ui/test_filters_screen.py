"""The filter gallery: every filter of a layer as the input that excites it most, beside its weights."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from textual.app import App

from tui_convnet.core import Conv2DSpec, DenseSpec, FlattenSpec, ModelSpec, Pool2DSpec, seeded_weights
from tui_convnet.data.labels import image_labels
from tui_convnet.ui._textual_internals import screen_strips
from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.digits import UPPER_HALF, digit_strips
from tui_convnet.ui.filters.screen import FiltersScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI

SMALL = ModelSpec(
    (28, 28, 1),
    (
        Conv2DSpec(4, (3, 3), activation="relu"),
        Pool2DSpec("max", (2, 2)),
        Conv2DSpec(6, (3, 3), activation="relu"),
        FlattenSpec(),
        DenseSpec(10, activation="softmax"),
    ),
)


def _complete(screen: FiltersScreen) -> bool:
    return screen.current in screen._complete


async def test_the_gallery_shows_each_filter_and_moves_between_layers(ui: type[UI]) -> None:
    app = create_app(screen="architect")
    async with app.run_test(size=(130, 42)) as pilot:
        screen = FiltersScreen(SMALL, seeded_weights(SMALL, 3), "a small model")
        await ui.open_screen(pilot, screen, _complete)
        text = ui.screen_text(app)
        assert "What each filter looks for · conv2d (1 of 2) · 4 filters · a small model" in text
        assert "3x3 weights (red > 0 > blue)" in text.replace("\n", " ")
        labels = [f"f{i} " for i in range(4)]
        assert all(label in text for label in labels)
        assert len(screen.results["conv2d"]) == 4
        await pilot.press("right")
        while not _complete(screen):
            await pilot.pause(0.05)
        await pilot.pause()
        text = ui.screen_text(app)
        assert "conv2d_1 (2 of 2) · 6 filters" in text and "mean over its 4 input channels" in text.replace("\n", " ")
        assert "f5 " in text
        await pilot.press("escape")
        assert not isinstance(app.screen, FiltersScreen)


async def test_capital_f_opens_the_gallery_on_the_bundled_model(ui: type[UI]) -> None:
    app = create_app(screen="architect")
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, FiltersScreen)
        assert "conv2d (1 of 3) · 32 filters · bundled model" in ui.screen_text(app)


#: A model of 32x32 RGB images of three named classes (fixed seeded weights: nothing trains).
COLOUR = ModelSpec(
    (32, 32, 3),
    (
        Conv2DSpec(4, (3, 3), activation="relu"),
        Pool2DSpec("max", (2, 2)),
        Conv2DSpec(6, (3, 3), activation="relu"),
        FlattenSpec(),
        DenseSpec(3, activation="softmax"),
    ),
)
NAMES = ("cat", "dog", "fish")


def _colour_screen() -> FiltersScreen:
    return FiltersScreen(COLOUR, seeded_weights(COLOUR, 3), "my model", labels=image_labels(NAMES))


def _upper_colours(app: App[Any]) -> set[tuple[int, int, int]]:
    """The foreground colours of every half block on the screen."""
    found = set()
    for strip in screen_strips(app):
        for segment in strip:
            if UPPER_HALF in segment.text and segment.style is not None and segment.style.color is not None:
                found.add(tuple(segment.style.color.get_truecolor()))
    return found


async def test_an_rgb_models_gallery_draws_each_found_input_in_colour_and_names_its_classes(
    ui: type[UI], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    app = create_app(screen="architect")
    async with app.run_test(size=(130, 42)) as pilot:
        screen = _colour_screen()
        await ui.open_screen(pilot, screen, _complete)
        text = ui.screen_text(app)
        flat = " ".join(text.split())
        assert "conv2d (1 of 2) · 4 filters · my model" in text
        assert "in its colours" in flat and "parts of the images (classes: cat, dog, fish)" in flat
        assert "digit" not in text.lower()
        # the first filter's found input, drawn in its own colours (all three channels, not the first one's map)
        shown = (screen.results["conv2d"][0].display() * 255).astype(np.uint8)  # as digit_text reads [0, 1]
        top_row = {(r, g, b) for r, g, b in shown[0].tolist()}
        assert top_row <= _upper_colours(app)
        assert any(r != g or g != b for r, g, b in top_row)
        # beside it the filter's weights in colour: its red, green and blue input weights as one pixel's colour
        kernel = np.asarray(screen.weights[0])  # (3, 3, 3, 4)
        scale = float(np.abs(kernel).max())
        assert "weights in colour" in flat and f"symmetric around 0: ±{scale:.2g}" in flat
        assert "mean over its 3 input channels" not in flat
        drawn = _upper_colours(app)
        for row in range(3):  # every weight of filter 0 (two half blocks a weight), within rounding
            for col in range(3):
                want = np.clip(127.5 + 127.5 * kernel[row, col, :, 0] / scale, 0, 255)
                assert any(np.abs(np.subtract(c, want)).max() <= 1 for c in drawn), (row, col, want)


async def test_an_rgb_models_gallery_without_colour_writes_glyphs(
    ui: type[UI], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = create_app(screen="architect")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _colour_screen()
        await ui.open_screen(pilot, screen, _complete)
        lines = ui.screen_lines(app)
        first = screen.results["conv2d"][0].display()
        glyph_rows = ["".join(s.text for s in line) for line in digit_strips(first, glyphs=True)]
        assert len(glyph_rows[0]) == 32 and glyph_rows[0].strip()
        assert any(glyph_rows[0] in line for line in lines)
        assert not any(UPPER_HALF in line for line in lines[2:-1])
        flat = " ".join(" ".join(lines).split())
        assert "as its lightness" in flat and "parts of the images (classes: cat, dog, fish)" in flat
        assert "mean over its 3 input channels (red > 0 > blue)" in flat  # the weights as glyphs of their mean


async def test_capital_f_names_the_classes_of_the_sessions_model_of_another_set(ui: type[UI]) -> None:
    from tui_convnet.model.model import Loaded, Model
    from tui_convnet.ui.common.messages import ModelReady

    model = Model(COLOUR, tuple(seeded_weights(COLOUR, 3)), "my model", Loaded("pets.keras"), class_names=NAMES)
    app = create_app(screen="architect")
    async with app.run_test(size=(130, 42)) as pilot:
        app.trained = ModelReady(model, None)
        await pilot.press("F")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FiltersScreen) and screen.labels.names == NAMES
        assert "(classes: cat, dog, fish)" in " ".join(ui.screen_text(app).split())
