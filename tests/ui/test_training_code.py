"""The training screen's Model tab: the lecture's Keras code for the form's settings, the field being edited
marked, and the slide's layer names under the summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Input, Select, Switch

from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.keras_code import KerasCode

if TYPE_CHECKING:
    from tests.ui.conftest import UI


async def test_the_code_follows_the_settings_and_marks_the_focused_one(ui: type[UI]) -> None:
    app = create_app(screen="train")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        code = screen.query_one("#keras-code", KerasCode)
        lines = code.plain.splitlines()
        assert "  model.fit(train_images, train_labels, epochs=5, batch_size=64)" in lines
        assert not any(line.startswith("▶") for line in lines)  # nothing focused: nothing marked
        assert "On the slide (Keras 2): conv2d_1, max_pooling2d_1" in " ".join(ui.screen_text(app).split())
        screen.query_one("#epochs", Input).value = "3"
        screen.query_one("#optimizer", Select).value = "adam"
        screen.query_one("#learning-rate", Input).value = "0.0005"
        screen.query_one("#dropout", Switch).value = True
        await pilot.pause()
        screen.query_one("#epochs", Input).focus()
        await pilot.pause()
        await pilot.pause()
        lines = code.plain.splitlines()
        assert "▶ model.fit(train_images, train_labels, epochs=3, batch_size=64)" in lines
        assert "  model.compile(optimizer=optimizers.Adam(learning_rate=0.0005)," in lines
        assert "  model.add(layers.Dropout(0.5))" in lines
        assert "▶ model.fit(" in ui.screen_text(app)  # scrolled into view
        screen.query_one("#learning-rate", Input).focus()
        await pilot.pause()
        assert "▶ model.compile(optimizer=optimizers.Adam(learning_rate=0.0005)," in code.plain.splitlines()
