"""The inspect screen names each layer as the slide does too (Keras 2's conv2d_1 beside Keras 3's conv2d)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_convnet.model.layer_names import KERAS_NAMES_NOTE
from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.mode_screen import ModeScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI


async def test_every_layer_title_has_the_slides_name_and_the_list_says_why(ui: type[UI]) -> None:
    app = create_app(screen="inspect")
    async with app.run_test(size=(130, 42)) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            screen = app.screen
            # the model arrives in steps (one per frame): wait until all of it is on screen
            if isinstance(screen, ModeScreen) and screen.settled and getattr(screen, "inspector", None) is not None:
                break
        titles = [str(title.render()) for title in app.screen.query(".layer-title")]
        assert titles[0].startswith("conv2d (slide: conv2d_1) · (Conv2D 32×3×3, relu) → 26×26×32")
        assert titles[2].startswith("conv2d_1 (slide: conv2d_2) · (Conv2D 64×3×3, relu)")
        assert titles[-1].startswith("dense_1 (slide: dense_2) · (Dense 10, softmax)")
        note = app.screen.query_one(".names-note")
        assert str(note.render()) == KERAS_NAMES_NOTE
        await pilot.press("end")  # under the last layer
        await pilot.pause()
        assert "so the slide's conv2d_2 is Keras 3's conv2d_1" in " ".join(ui.screen_text(app).split())
