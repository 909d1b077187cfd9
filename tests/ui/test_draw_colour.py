"""The draw screen with a model of 32x32 RGB images: ``--data RGBSET --image FILE``'s picture waits for such a model,
then goes through it (colour preprocessing, the bars and verdict by class name, every layer); the pen stays grey.
Fixed seeded numpy weights: nothing trains and TensorFlow never loads."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np
import pytest

from tests.ui.screens import current
from tui_convnet.core import Conv2DSpec, DenseSpec, FlattenSpec, ModelSpec, Pool2DSpec, numbers, seeded_weights
from tui_convnet.model.model import Loaded, Model
from tui_convnet.ui._textual_internals import screen_strips
from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.digits import UPPER_HALF
from tui_convnet.ui.common.messages import ModelReady
from tui_convnet.ui.draw.colour import model_input
from tui_convnet.ui.draw.screen import DrawScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI

COLOUR = ModelSpec(
    (32, 32, 3),
    (
        Conv2DSpec(4, (3, 3), activation="relu"),
        Pool2DSpec("max", (2, 2)),
        FlattenSpec(),
        DenseSpec(3, activation="softmax"),
    ),
)
NAMES = ("red", "green", "blue")


def _picture() -> np.ndarray:
    """A red square on a blue ground (32x32 RGB, as the colour preprocessing leaves a picture)."""
    pixels = np.zeros((32, 32, 3), dtype=np.uint8)
    pixels[..., 2] = 200
    pixels[8:24, 8:24] = (230, 30, 20)
    return pixels


async def test_a_colour_picture_goes_through_a_model_of_colour_images_by_class_name(
    ui: type[UI], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    pixels = _picture()
    model = Model(
        COLOUR, tuple(seeded_weights(COLOUR, 2)), "my colour model", Loaded("colour.keras"), class_names=NAMES
    )
    app = create_app(screen="draw")
    app.draw_colour = (pixels, "square.png")
    async with app.run_test(size=(130, 42)) as pilot:
        draw = current(app, DrawScreen)
        await pilot.pause()
        assert "square.png waits for a 32x32 colour model: train (t) or load one" in ui.screen_text(app)
        app.trained = ModelReady(model, None)
        deadline = time.monotonic() + 30
        while draw.colour_outputs is None:
            assert time.monotonic() < deadline, "the picture never went through the colour model"
            await pilot.pause(0.05)
        await pilot.pause()
        text = ui.screen_text(app)
        probabilities = model.layer_outputs(model_input(pixels))[-1]
        predicted = NAMES[int(np.argmax(probabilities))]
        verdict = ui.widget_text(draw.query_one("#draw-prediction"))
        assert f"{predicted} ({numbers.percent(float(probabilities.max()))})" in verdict
        assert f"predicted {predicted}: " in text  # Grad-CAM's title names the class too
        bars = ui.widget_text(draw.query_one("#draw-probs"))
        assert [line.split()[0] for line in bars.splitlines() if line.strip()] == list(NAMES)
        assert "The pen draws 28x28 grey digits: only for grey models" in " ".join(" ".join(text.split("\n")).split())
        assert not draw.query_one("#draw-canvas").display or not draw.query_one("#draw-left").display
        assert "conv2d (Conv2D 4 3×3, relu) → 30×30×4  colours: 0.00" in text  # the first layer's maps, drawn
        assert [str(title.name) for title, _ in draw._views][-1] == "dense (Dense 3, softmax) → 3"
        assert draw._views[0][1].count == 4
        colours = {
            tuple(s.style.color.get_truecolor())
            for strip in screen_strips(app)
            for s in strip
            if UPPER_HALF in s.text and s.style is not None and s.style.color is not None
        }
        assert {(230, 30, 20), (0, 0, 200)} <= colours  # the picture, in its colours
        before = draw.colour_outputs
        await pilot.press("space", "right", "space")  # the pen: the picture stays what the model reads
        await pilot.pause()
        assert draw.colour_outputs is before and ui.widget_text(draw.query_one("#draw-prediction")) == verdict
        await pilot.press("question_mark")  # the help explains the colour picture, not drawing digits
        await pilot.pause()
        help_text = " ".join(ui.screen_text(app).split())
        assert "A picture through a model of 32x32 colour images." in help_text
        assert "Drag with the left mouse button" not in help_text
