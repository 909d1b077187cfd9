"""The filter gallery: every filter of a layer as the input that excites it most, beside its weights."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_convnet.core import Conv2DSpec, DenseSpec, FlattenSpec, ModelSpec, Pool2DSpec, seeded_weights
from tui_convnet.ui.app import create_app
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
