"""The draw screen: draw with the mouse and with the keys, and watch the prediction change.

Everything runs on the bundled model (committed weights) through the numpy engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from textual.pilot import Pilot

from tests.core.core_testing import conv_example
from tests.inspect.fixed_model import fixed_numpy_model
from tests.ui.screens import current
from tui_convnet.core import numbers
from tui_convnet.core.arrays import Array
from tui_convnet.images import drawing
from tui_convnet.images.preprocess import Preprocessed
from tui_convnet.ui.app import create_app
from tui_convnet.ui.draw.canvas import DrawingCanvas
from tui_convnet.ui.draw.screen import DrawScreen
from tui_convnet.ui.explorer.screen import ExplorerScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI

SIZE = (130, 42)
#: A 7 as pen positions, in pixels (row, column): the top bar, then the diagonal.
SEVEN = [(6, 7), (6, 20), (23, 11)]


async def open_draw(pilot: Pilot[int]) -> DrawScreen:
    """The draw screen, ready: the app opened on it (``create_app(screen="draw")``), or d from the explorer."""
    if not isinstance(pilot.app.screen, DrawScreen):
        await pilot.press("d")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DrawScreen)
    return screen


async def draw_a_seven(pilot: Pilot[int]) -> DrawScreen:
    """Open the draw screen with a 7 on the canvas (fixed pen positions) and its analysis shown."""
    screen = await open_draw(pilot)
    screen.query_one("#draw-canvas", DrawingCanvas).set_pixels(drawing.polyline(SEVEN))
    await pilot.pause()
    return screen


async def drag(pilot: Pilot[int], canvas: DrawingCanvas, cells: list[tuple[int, int]], button: int = 1) -> None:
    """Press at the first cell (x, y) of the canvas's content, move through the others, release."""
    left, top = canvas.gutter.left, canvas.gutter.top
    x, y = cells[0]
    await pilot.mouse_down(canvas, offset=(x + left, y + top), button=button)
    for x, y in cells[1:]:
        await pilot.hover(canvas, offset=(x + left, y + top))
    await pilot.mouse_up(canvas, offset=(x + left, y + top))  # Pilot releases as button 1; any release ends a drag
    await pilot.pause()


def analysed(screen: DrawScreen) -> drawing.Analysis:
    """What the screen shows the drawing as."""
    assert screen.analysis is not None
    return screen.analysis


def preprocessed(analysis: drawing.Analysis) -> Preprocessed:
    """The preprocessing stages of a drawn digit (not a blank canvas)."""
    assert analysis.preprocessed is not None
    return analysis.preprocessed


def probabilities(analysis: drawing.Analysis) -> Array:
    """The class probabilities of a drawn digit (not a blank canvas)."""
    assert analysis.probabilities is not None
    return analysis.probabilities


def prediction(screen: DrawScreen) -> str:
    return str(screen.query_one("#draw-prediction").render())


async def test_it_opens_on_the_bundled_model_at_once(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_draw(pilot)
        assert "bundled model, 97.9 % on the official test set" in ui.screen_text(app)
        assert "numpy engine" in ui.screen_text(app)
        assert "Draw a digit" in prediction(screen)
        assert screen.query_one("#draw-canvas").has_focus


async def test_a_student_draws_a_7_with_the_mouse_and_sees_7(ui: type[UI]) -> None:
    app = create_app(screen="draw")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_draw(pilot)
        canvas = screen.query_one("#draw-canvas", DrawingCanvas)
        # text cells (x, y): pixel row = 2·y + ½; the top bar at y=3, the stroke down to y=11
        await drag(pilot, canvas, [(7, 3), (10, 3), (14, 3), (20, 3), (18, 6), (15, 9), (12, 12)])
        assert canvas.pixels.max() == 1.0 and canvas.pixels[7, 7:21].min() > 0.9
        assert prediction(screen).startswith("The network says 7")
        assert analysed(screen).predicted == 7
        lines = ui.screen_text(app)
        assert "conv2d (Conv2D 32 3×3, relu) → 26×26×32" in lines
        # the right button erases: wipe the top bar and the answer changes
        await drag(pilot, canvas, [(6, 3), (10, 3), (14, 3), (18, 3), (22, 3)], button=3)
        assert canvas.pixels[6:8, 7:21].max() < 0.05
        assert not prediction(screen).startswith("The network says 7")


async def test_drawing_with_the_keys_changes_the_prediction() -> None:
    app = create_app(screen="draw")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_draw(pilot)
        canvas = screen.query_one("#draw-canvas", DrawingCanvas)
        assert canvas.cursor == (14, 14)
        # a 1: a stroke down column 15, a dab every second pixel from row 5 to row 23
        await pilot.press("right", *["up"] * 9)
        for _ in range(10):
            await pilot.press("space", "down", "down")
        await pilot.pause()
        assert canvas.cursor == (25, 15)
        assert analysed(screen).predicted == 1
        assert prediction(screen).startswith("The network says 1")
        # a bar to the left from the top of the stroke makes it a 7
        await pilot.press(*["up"] * 20, "left", "left")
        for _ in range(5):
            await pilot.press("space", "left", "left")
        await pilot.pause()
        assert analysed(screen).predicted == 7
        assert prediction(screen).startswith("The network says 7")
        # x erases under the cursor, c clears
        before = canvas.pixels.sum()
        await pilot.press("right", "right", "x")
        await pilot.pause()
        assert canvas.pixels.sum() < before
        await pilot.press("c")
        await pilot.pause()
        assert canvas.pixels.max() == 0.0 and "Draw a digit" in prediction(screen)


async def test_v_steps_through_the_preprocessing(ui: type[UI]) -> None:
    app = create_app(screen="draw")
    async with app.run_test(size=SIZE) as pilot:
        await draw_a_seven(pilot)
        assert "As the network sees it" in ui.screen_text(app)
        await pilot.press("v")
        text = ui.screen_text(app)
        assert "Stage 1 grey" in text and "28×28; grey levels" in text
        await pilot.press("v", "v")
        assert "3 paper lines" in ui.screen_text(app)
        await pilot.press("V", "V", "V")
        assert "As the network sees it" in ui.screen_text(app)


def test_the_draw_screen_runs_the_bundled_model_by_numpy() -> None:
    from tui_convnet.core import forward
    from tui_convnet.model.bundled import load_bundled_model

    model = b = load_bundled_model()
    a = drawing.analyse(model, drawing.polyline(SEVEN))
    assert a.predicted == 7 and len(a.outputs) == len(b.spec.layers)
    np.testing.assert_allclose(probabilities(a), forward(b.spec, b.weights, preprocessed(a).model_input), rtol=1e-6)
    blank = drawing.analyse(model, drawing.blank())
    assert blank.predicted is None and blank.message.startswith("no digit found")


@pytest.mark.parametrize("erase", [False, True])
def test_the_brush_is_soft_and_the_eraser_wipes(erase: bool) -> None:
    canvas = drawing.dab(drawing.blank(), 10, 10)
    assert canvas[10, 10] == 1.0 and 0 < canvas[10, 11] <= 1 and 0 < canvas[11, 11] < 1
    assert canvas[10, 12] == 0.0 and canvas[14, 10] == 0.0
    if erase:
        canvas = drawing.dab(canvas, 10, 10, erase=True)
        assert canvas.max() == 0.0


async def test_a_chosen_map_opens_in_the_explorer_on_the_drawing(ui: type[UI]) -> None:
    app = create_app(screen="draw")
    async with app.run_test(size=SIZE) as pilot:
        screen = await draw_a_seven(pilot)
        await pilot.press("]", "]", "[", "]")
        assert screen.selected_map == 2
        assert screen.model is not None
        expected = drawing.first_conv_example(screen.model, analysed(screen))
        await pilot.press("s")
        await pilot.pause()
        explorer = current(app, ExplorerScreen)
        assert explorer.state is not None
        example = conv_example(explorer.state.example)
        np.testing.assert_array_equal(example.x[:, :, 0], preprocessed(analysed(screen)).digit)
        np.testing.assert_array_equal(example.kernels, expected.kernels)
        assert "map k2" in ui.screen_text(app)


@pytest.mark.parametrize("first", ["draw", "explorer"])  # as `convnet-tui --image` opens it; from an explorer app
async def test_an_image_opens_the_draw_screen_on_its_own_stages(first: str, tmp_path: Path, ui: type[UI]) -> None:
    from PIL import Image

    from tui_convnet.data.mnist import bundled_digit
    from tui_convnet.images import load_digit

    digit, _ = bundled_digit(0)  # a 7, saved black on white and three times as big
    Image.fromarray(255 - digit).resize((84, 84)).save(tmp_path / "seven.png")
    app = create_app(screen=first)
    app.draw_image = (load_digit(tmp_path / "seven.png"), str(tmp_path / "seven.png"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrawScreen)
        assert prediction(screen).startswith("The network says 7")
        assert "numpy engine · image" in ui.screen_text(app) and screen.source == str(tmp_path / "seven.png")
        await pilot.press("v")
        assert "84×84; grey levels" in ui.screen_text(app)  # the image's own first stage, shown at 28 px
        await pilot.press("v")
        assert "light, so inverted" in str(screen.query_one("#draw-stage-note").render())
        # drawing on it: from then on the canvas is the drawing
        canvas = screen.query_one("#draw-canvas", DrawingCanvas)
        await pilot.press("c")
        await pilot.pause()
        assert screen.image is None and canvas.pixels.max() == 0 and "Draw a digit" in prediction(screen)


async def test_a_model_trained_in_the_session_replaces_the_bundled_one(ui: type[UI]) -> None:
    """A fixed-weights model (spec and numpy weights, no TensorFlow) arrives as a ModelReady: the screen
    says which model it shows and predicts with it."""
    from tui_convnet.core import forward
    from tui_convnet.ui.common.messages import ModelReady
    from tui_convnet.ui.common.session_model import session_model

    model = fixed_numpy_model()
    app = create_app(screen="draw")
    async with app.run_test(size=SIZE) as pilot:
        screen = await draw_a_seven(pilot)
        bundled = probabilities(analysed(screen))
        app.post_message(ModelReady(session_model(model, "run 3, cancelled at epoch 1, batch 12"), None))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        line = str(screen.query_one("#draw-model").render())
        assert "model of run 3, cancelled at epoch 1, batch 12, trained in this session" in line
        assert "bundled" not in line
        assert screen.model is not None and screen.model.spec == model.spec
        expected = forward(model.spec, model.weights, preprocessed(analysed(screen)).model_input)
        np.testing.assert_allclose(probabilities(analysed(screen)), expected, atol=1e-6)
        assert not np.allclose(probabilities(analysed(screen)), bundled)
        await pilot.press("e", "d")  # the screen keeps it when the student comes back
        assert "run 3" in str(screen.query_one("#draw-model").render())


async def test_every_layer_of_maps_has_a_colour_legend(ui: type[UI]) -> None:
    app = create_app(screen="draw")
    async with app.run_test(size=SIZE) as pilot:
        screen = await draw_a_seven(pilot)
        await pilot.pause()
        title = screen._views[0][0]
        top = float(analysed(screen).outputs[0].max())
        assert str(title.render()).startswith("conv2d (Conv2D 32 3×3, relu) → 26×26×32  colours: 0.00 ████████")
        assert str(title.render()).endswith(f"{top:.2f}")


async def test_the_verdict_fits_its_line_at_80_columns_and_is_written_out_at_130(ui: type[UI]) -> None:
    """At 80x24 "Draw a digit on the canvas" was cut to "Draw a digit on the" (and the verdict with it)."""
    app = create_app(screen="draw")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await draw_a_seven(pilot)
        line = screen.query_one("#draw-prediction")
        assert (
            ui.widget_text(line).strip() == f"It says 7 ({numbers.percent(float(probabilities(analysed(screen))[7]))})"
        )
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        await pilot.pause()
        assert ui.widget_text(line).strip().startswith("The network says 7 (")
        await pilot.press("c")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert ui.widget_text(line).strip() == "Draw a digit"


#: A single diagonal stroke: the bundled model's top class is 8 at 48.9 %, a guess.
DIAGONAL = [(6, 6), (22, 22)]


async def test_an_answer_under_half_is_called_unsure_with_its_probability(ui: type[UI]) -> None:
    app = create_app(screen="draw")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_draw(pilot)
        screen.query_one("#draw-canvas", DrawingCanvas).set_pixels(drawing.polyline(DIAGONAL))
        await pilot.pause()
        p = probabilities(analysed(screen))
        top = int(np.argmax(p))
        assert p[top] < 0.5
        line = screen.query_one("#draw-prediction")
        assert ui.widget_text(line).strip() == f"Unsure: {top} ({numbers.percent(float(p[top]))})"
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        await pilot.pause()
        assert ui.widget_text(line).strip() == f"Unsure: {top} ({numbers.percent(float(p[top]))}), under 50 %"
