"""The inspect screen: it opens on the bundled model (numpy, no TensorFlow); a model trained or loaded in
the session replaces it; picking digits, stepping a kernel, numpy = Keras for a Keras model.

Most tests use the lecture's model with fixed numpy weights (``tests/inspect/fixed_model.py``) given as a
spec and weights, so they need no TensorFlow; the tests that do carry the ``keras`` marker.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from tests.inspect.fixed_model import fixed_keras_model, fixed_numpy_model, save_fixed_model
from tui_convnet.core.arrays import Array
from tui_convnet.model.model import Loaded
from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.messages import ModelReady
from tui_convnet.ui.common.session_model import session_model
from tui_convnet.ui.explorer.screen import ExplorerScreen
from tui_convnet.ui.inspect.screen import InspectScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI, SnapLooks
    from tui_convnet.data.mnist import MnistData
    from tui_convnet.model.model import Model

SIZE = (130, 45)
#: Test digits the screen predicts in its worker (the bundled model's own 10,000 take seconds).
TEST_DIGITS = 200


@pytest.fixture(scope="module")
def sample() -> MnistData:
    from tui_convnet.data.mnist import load_mnist

    return load_mnist("sample").limited(None, TEST_DIGITS)


@pytest.fixture
def small_test_set(monkeypatch: pytest.MonkeyPatch, sample: MnistData) -> None:
    """The screen's own data loading (for the bundled model) gives the first 200 official test digits."""
    import tui_convnet.data.mnist

    monkeypatch.setattr(tui_convnet.data.mnist, "load_mnist", lambda *args, **kwargs: sample)


@pytest.fixture(scope="module")
def ready(sample: MnistData) -> ModelReady:
    """A session model with fixed weights, given as a spec and numpy weights (no TensorFlow)."""
    return ModelReady(session_model(fixed_numpy_model(), "run 1"), sample)


def data_of(ready: ModelReady) -> MnistData:
    """The test digits a session model came with (every ``ready`` here has them)."""
    assert ready.data is not None
    return ready.data


@pytest.fixture(scope="module")
def bundled() -> Model:
    from tui_convnet.model.bundled import load_bundled_model

    return load_bundled_model()


async def settle(pilot: Pilot[int], rounds: int = 3) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until_read(pilot: Pilot[int], seconds: float = 60.0) -> InspectScreen:
    """Wait until the inspect screen holds its model (read in a thread, whose worker may start only after
    the screen's first refresh: on a busy machine, after a fixed number of pauses)."""
    import time

    deadline = time.monotonic() + seconds
    while getattr(pilot.app.screen, "inspector", None) is None:
        assert time.monotonic() < deadline, "the inspect screen did not read its model in time"
        await settle(pilot, rounds=1)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, InspectScreen)
    return screen


async def open_inspect(pilot: Pilot[int]) -> InspectScreen:
    """Press i (unless the app opened on the inspect screen) and wait for the bundled model (and its
    test-set predictions)."""
    if not isinstance(pilot.app.screen, InspectScreen):
        await pilot.press("i")
    return await until_read(pilot)


async def open_with_model(pilot: Pilot[int], ready: ModelReady) -> InspectScreen:
    """A session model first, then i: the screen shows it (and never reads the bundled one)."""
    pilot.app.post_message(ready)
    await pilot.pause()
    await pilot.press("i")
    return await until_read(pilot)


def shown(screen: InspectScreen) -> tuple[int, int | None, Array]:
    from tui_convnet.ui.common.bars import ProbabilityBars

    bars = screen.query_one("#inspect-probs", ProbabilityBars)
    assert bars.probabilities is not None
    return screen.index, bars.label, bars.probabilities


def text_of(screen: Screen[Any], selector: str) -> str:
    return str(screen.query_one(selector).render())


async def test_it_opens_on_the_bundled_model_at_once(small_test_set: None, sample: MnistData, bundled: Model) -> None:
    from tui_convnet.core import forward

    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspect(pilot)
        assert app.trained is None  # nothing trained or loaded: the bundled model
        header = text_of(screen, "#inspect-source")
        assert "mnist_convnet: bundled model, 97.9 % on the official test set, 96.6 % on 470 photos of digits" in header
        assert f"{TEST_DIGITS} test digits" in header
        assert not screen.query_one("#inspect-empty").display
        index, label, probs = shown(screen)
        assert (index, label) == (0, int(sample.y_test[0]))
        x0 = sample.x_test[0][..., None] / 255.0
        np.testing.assert_allclose(probs, forward(bundled.spec, bundled.weights, x0), atol=1e-6)
        check = text_of(screen, "#inspect-check")
        assert "numpy engine, no TensorFlow" in check and "k: check every layer against Keras" in check
        assert all("checking" not in str(title.render()) for title in screen.query(".layer-title"))  # no Keras asked
        predicted = screen.predicted  # the test set was predicted in a worker
        assert predicted is not None
        expected = np.argmax(forward(bundled.spec, bundled.weights, sample.x_test[..., None] / 255.0), axis=1)
        np.testing.assert_array_equal(predicted, expected)
        wrong = int(np.count_nonzero(expected != sample.y_test))
        assert f"{wrong}/{TEST_DIGITS} wrong" in text_of(screen, "#inspect-accuracy")


def test_opening_on_the_bundled_model_does_not_import_tensorflow() -> None:
    script = textwrap.dedent(
        """
        import asyncio, sys
        from tui_convnet.ui.app import create_app

        async def main():
            app = create_app()
            async with app.run_test(size=(130, 42)) as pilot:
                await pilot.press("i")
                while app.screen.inspector is None:
                    await pilot.pause(0.02)
                await pilot.pause()
                print(app.screen.query_one("#inspect-source").render())
                print("tensorflow imported:", "tensorflow" in sys.modules, "keras imported:", "keras" in sys.modules)

        asyncio.run(main())
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "bundled model, 97.9 % on the official test set" in done.stdout
    assert "tensorflow imported: False keras imported: False" in done.stdout


async def test_a_session_model_replaces_the_bundled_one(
    small_test_set: None, ready: ModelReady, bundled: Model
) -> None:
    from tui_convnet.core import forward

    app = create_app(screen="inspect")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspect(pilot)
        before = shown(screen)[2]
        app.post_message(ready)
        await settle(pilot)
        assert screen.inspector is not None and screen.inspector.model is ready.model
        header = text_of(screen, "#inspect-source")
        assert "model of run 1, trained in this session" in header and "bundled model" not in header
        x = data_of(ready).x_test[0][..., None] / 255.0
        probs = shown(screen)[2]
        np.testing.assert_allclose(probs, forward(ready.model.spec, ready.model.weights, x), atol=1e-6)
        assert not np.allclose(probs, before)
        assert not np.allclose(probs, forward(bundled.spec, bundled.weights, x))


async def test_a_model_trained_before_the_screen_opens_is_shown_and_never_the_bundled_one(ready: ModelReady) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        app.post_message(ready)
        await pilot.pause()
        assert app.trained is ready
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InspectScreen)
        assert screen.inspector is not None and screen.inspector.model is ready.model
        assert "bundled model" not in text_of(screen, "#inspect-source")
        assert shown(screen)[:2] == (0, int(data_of(ready).y_test[0]))


async def test_arrow_keys_change_the_digit_and_the_bars(ready: ModelReady) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_model(pilot, ready)
        x, y = data_of(ready).x_test, data_of(ready).y_test
        from tui_convnet.core import forward

        index, label, probs = shown(screen)
        assert (index, label) == (0, int(y[0]))
        assert screen.inspector is not None
        expected = forward(screen.inspector.spec, list(ready.model.weights), x[0][..., None] / 255.0)
        np.testing.assert_allclose(probs, expected, atol=1e-6)
        await pilot.press("right")
        await pilot.pause()
        index, label, probs1 = shown(screen)
        assert (index, label) == (1, int(y[1])) and not np.allclose(probs, probs1)
        assert f"label {int(y[1])}" in text_of(screen, "#inspect-prediction")
        await pilot.press("left", "left")
        await pilot.pause()
        assert shown(screen)[:2] == (len(y) - 1, int(y[-1]))  # wraps around


async def test_kernel_channel_and_layer_keys(ready: ModelReady) -> None:
    from tui_convnet.ui.common.heatmap import HeatmapGrid
    from tui_convnet.ui.inspect.kernels import KernelGrid

    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_model(pilot, ready)
        grids = list(screen.query(KernelGrid))
        assert [g.count for g in grids] == [32, 64, 64]
        deeper = list(screen.query(".kernel-title"))[1]
        assert "input channel 0 of 32" in str(deeper.render())
        await pilot.press("c", "c")
        await pilot.pause()
        assert screen.kernel_channel == 2
        assert "input channel 2 of 32" in str(deeper.render())
        k = ready.model.weights[2]
        assert grids[1]._tiles[5][0][1].text.strip() == f"{k[0, 1, 2, 5]:+.2f}"  # row 0, column 1 of kernel k5
        first = screen.query_one("HeatmapGrid.first-conv", HeatmapGrid)
        await pilot.click(first, offset=(first._tile_w + first.gap + 1, 0))  # the label of map #1
        await pilot.pause()
        assert screen.selected_map == 1 and first.selected == 1 and grids[0].selected == 1
        layers = screen.query_one("#inspect-layers")
        assert layers.scroll_y == 0
        await pilot.press("l")
        await pilot.pause()
        assert layers.scroll_y > 0
        kernels_title = screen.query(".kernel-title").first()
        assert kernels_title.region.y == layers.region.y  # the first layer's kernels come next
        await pilot.press("l")
        await pilot.pause()
        second = screen.sections[1].heading
        assert second.region.y == layers.region.y  # then the next layer's title is at the top
        await pilot.press("p", "p")
        await pilot.pause()
        assert screen.sections[0].heading.region.y == layers.region.y  # back to the first layer


async def test_go_to_a_digit_by_number(ready: ModelReady) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_model(pilot, ready)
        await pilot.press("g", *"123", "enter")
        await pilot.pause()
        assert shown(screen)[:2] == (123, int(data_of(ready).y_test[123]))
        assert screen.focused is None  # back to the digit keys
        await pilot.press("right")
        await pilot.pause()
        assert screen.index == 124
        await pilot.press("g", *"99999", "enter")
        await pilot.pause()
        assert screen.index == 124
        status = text_of(screen, "#inspect-status")
        assert f"out of range 0..{TEST_DIGITS - 1}" in status and "Received: index=99999" in status


async def test_next_misclassified(ready: ModelReady) -> None:
    from tui_convnet.training.inspector import ModelInspector

    predicted = ModelInspector(ready.model).predict(data_of(ready).x_test)
    y = data_of(ready).y_test
    wrong = np.flatnonzero(predicted != y)
    assert len(wrong) >= 2  # untrained weights: plenty of mistakes
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_model(pilot, ready)
        assert screen.predicted is not None  # the whole test set was predicted in a worker
        await pilot.press("n")
        await pilot.pause()
        first = int(wrong[wrong > 0][0])
        assert screen.index == first
        await pilot.press("n")
        await pilot.pause()
        assert screen.index == int(wrong[wrong > first][0])
        _, label, probs = shown(screen)
        assert int(np.argmax(probs)) != label
        assert "✗ wrong" in text_of(screen, "#inspect-prediction")


async def test_step_through_a_learned_kernel_opens_the_explorer(ready: ModelReady) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_model(pilot, ready)
        await pilot.press("right", "right", "right_square_bracket", "right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert screen.selected_map == 3
        await pilot.press("s")
        await settle(pilot)
        explorer = app.screen
        assert isinstance(explorer, ExplorerScreen)
        assert explorer.example is not None and explorer.comp is not None and explorer.comp.conv is not None
        label = int(data_of(ready).y_test[2])
        assert explorer.example.title == f"Learned conv2d kernels on test digit #2 (a {label})"
        assert explorer.example.source == "the weights of the model of run 1, trained in this session"
        trace = explorer.comp.conv
        assert trace.x.shape == (28, 28, 1) and trace.kernels.shape == (3, 3, 1, 32)
        np.testing.assert_allclose(trace.x[..., 0], data_of(ready).x_test[2] / 255.0)
        np.testing.assert_allclose(trace.kernels, ready.model.weights[0], atol=1e-7)
        # the map's largest activation, and Home/End stay within the chosen map
        start = 3 * 26 * 26
        kernel, row, col = trace.position(explorer.step)
        assert kernel == 3 and trace.output[row, col, 3] == trace.output[:, :, 3].max()
        await pilot.press("end")
        assert explorer.step == start + 26 * 26 - 1
        await pilot.press("home")
        assert explorer.step == start


@pytest.mark.keras
async def test_a_keras_model_is_checked_layer_by_layer(sample: MnistData, tmp_path: Path) -> None:
    """A model the TensorFlow worker holds (as after a run, or a file read with o) is checked by Keras at once."""
    from tui_convnet.training.worker_client import shared_client

    model = fixed_keras_model()
    model.save(tmp_path / "fixed.keras")
    held = session_model(
        shared_client().load(str(tmp_path / "fixed.keras")).model, "run 2, cancelled at epoch 2, batch 107"
    )
    assert held.key != 0
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_model(pilot, ModelReady(held, sample))
        assert "model of run 2, cancelled at epoch 2, batch 107, trained in this session" in text_of(
            screen, "#inspect-source"
        )
        titles = [str(title.render()) for title in screen.query(".layer-title")]
        assert len(titles) == len(model.layers) == 8
        for title in titles:
            assert "numpy = Keras ✓ max |Δ| " in title
            diff = float(title.rsplit("|Δ| ", 1)[1].split()[0])
            assert diff < 1e-4
        assert "numpy = Keras ✓ (8 layers)" in text_of(screen, "#inspect-check")


@pytest.mark.keras
async def test_k_checks_the_bundled_model_against_keras(small_test_set: None) -> None:
    app = create_app(screen="inspect")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspect(pilot)
        assert not screen.keras_check
        await pilot.press("k")
        await settle(pilot)
        assert screen.keras_check
        assert "numpy = Keras ✓ (8 layers)" in text_of(screen, "#inspect-check")
        await pilot.press("right")
        await settle(pilot)
        assert all("numpy = Keras ✓ max |Δ| " in str(title.render()) for title in screen.query(".layer-title"))


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_fixed_model(tmp_path_factory.mktemp("inspect-ui"))


@pytest.mark.keras
async def test_load_a_model_file_and_a_bad_one(small_test_set: None, model_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.keras"
    bad.write_bytes(b"\x00not a zip" * 100)
    app = create_app(screen="inspect")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspect(pilot)
        await pilot.press("o")
        await pilot.pause()
        screen.query_one("#inspect-path", Input).value = str(bad)
        await pilot.press("enter")
        await settle(pilot)
        status = text_of(screen, "#inspect-status")
        assert "not a .keras model" in status and app.trained is None
        assert "bundled model" in text_of(screen, "#inspect-source")  # still showing it
        screen.query_one("#inspect-path", Input).value = str(model_path)
        await pilot.press("enter")
        deadline = time.monotonic() + 300
        while app.trained is None or screen.inspector is None or screen.inspector.model is not app.trained.model:
            assert time.monotonic() < deadline, "the model did not load"
            await pilot.pause(0.05)
        await pilot.pause()
        assert app.trained is not None and app.trained.model.provenance == Loaded(str(model_path))
        assert shown(screen)[0] == 0
        assert f"model loaded from {model_path}" in text_of(screen, "#inspect-source")


async def test_a_damaged_bundled_model_says_so_and_the_screen_stays_usable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ready: ModelReady
) -> None:
    import tui_convnet.model.bundled

    monkeypatch.setattr(tui_convnet.model.bundled, "model_dir", lambda: tmp_path / "[missing]")
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InspectScreen)
        assert screen.inspector is None and screen.query_one("#inspect-empty").display
        status = text_of(screen, "#inspect-status")
        assert "No bundled model:" in status and "[missing]" in status
        await pilot.press("right", "n", "s")
        await pilot.pause()
        assert screen.index == 0
        assert app.screen is screen
        assert isinstance(screen, InspectScreen)  # (for mypy: `is` took the type of app.screen)
        app.post_message(ready)  # a session model still comes in
        await settle(pilot)
        assert (
            screen.inspector is not None
            and screen.inspector.model is ready.model
            and not screen.query_one("#inspect-empty").display
        )


async def test_snapshot_of_the_inspect_screen(snap_looks: SnapLooks, ui: type[UI], small_test_set: None) -> None:
    """The bundled model (committed weights, numpy engine) on the first 200 official test digits."""

    async def run_before(pilot: Pilot[int]) -> None:
        await open_inspect(pilot)
        await pilot.press("right", "right_square_bracket")
        await settle(pilot)

    await snap_looks(lambda: create_app(screen="inspect"), ui.EVERY_LOOK, run_before=run_before)


async def test_user_text_is_shown_literally_and_bad_paths_keep_the_app_alive(ready: ModelReady, tmp_path: Path) -> None:
    tf_before = "tensorflow" in sys.modules  # an earlier test in this process may have imported it
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_model(pilot, ready)
        field = screen.query_one("#inspect-index", Input)
        for typed in ("[/]", "[b]x", "1e16", "abc", "-1", ""):
            await pilot.press("escape", "g")
            field.value = ""
            await pilot.press(*typed, "enter")
            await pilot.pause()
            status = text_of(screen, "#inspect-status")
            if typed == "-1":
                assert f"out of range 0..{TEST_DIGITS - 1}. Received: index=-1" in status
            elif typed:
                assert f"must be a whole number. Received: index={typed!r}" in status
            else:
                assert f"Type the number of a test digit (0..{TEST_DIGITS - 1})" in status
            assert screen.index == 0
        await pilot.press("escape")
        for path in ("[/]", "x[/b].keras", "~nouser/x.keras", str(tmp_path / "[best].keras")):
            await pilot.press("o")
            screen.query_one("#inspect-path", Input).value = path
            await pilot.press("enter")
            await settle(pilot)
            status = text_of(screen, "#inspect-status")
            assert path.replace("~nouser/", "") in status or "nouser" in status, status
            assert app.screen is screen and app.trained is ready
            await pilot.press("escape")
        assert "tensorflow" not in sys.modules or tf_before  # no file, no TensorFlow import to read it
        await pilot.press("right")
        await pilot.pause()
        assert screen.index == 1  # still usable


async def test_the_receptive_field_of_a_cell_with_keys_and_the_mouse(ui: type[UI], small_test_set: None) -> None:
    """Choose a feature-map cell (f, arrows, l, [ ]; or a click) and see the input region
    it depends on drawn on the digit, with its size."""
    from tui_convnet.core import receptive_field
    from tui_convnet.ui.common.digits import DigitView
    from tui_convnet.ui.common.heatmap import HeatmapGrid

    app = create_app(screen="inspect")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspect(pilot)
        assert screen.inspector is not None
        spec = screen.inspector.spec
        digit = screen.query_one("#inspect-digit", DigitView)
        assert screen.field is None and digit.field is None and not screen.query_one("#inspect-field").display

        def drawn() -> tuple[int, int, int, int]:
            field = screen.field
            assert field is not None
            f = receptive_field(spec, field.layer, field.row, field.col)
            assert digit.field == (f.first_row, f.last_row, f.first_col, f.last_col)
            assert f"Receptive field {f.size_text}" in text_of(screen, "#inspect-field")
            view = screen.sections[field.layer].view
            assert isinstance(view, HeatmapGrid)
            assert view.cell == (field.map, field.row, field.col)  # the cell is marked
            return f.first_row, f.last_row, f.first_col, f.last_col

        assert "←/→ Digit" in await ui.footer_line(pilot)
        await pilot.press("right_square_bracket", "f")  # map #1 of the first convolution, its strongest cell
        await pilot.pause()
        first = screen.field
        assert first is not None
        footer = await ui.footer_line(pilot)  # → moves the cell now, and the footer says so
        assert "←/→ Cell" in footer and "Digit" not in footer, footer
        maps = screen.outputs[0][:, :, 1]
        assert (first.layer, first.map) == (0, 1) and maps[first.row, first.col] == maps.max()
        top, bottom, left, right = drawn()
        assert (bottom - top, right - left) == (2, 2)  # 3×3 pixels
        await pilot.press("right", "down")  # the arrows move the cell, not the digit
        await pilot.pause()
        assert screen.index == 0 and (screen.field.row, screen.field.col) == (first.row + 1, first.col + 1)
        assert drawn() == (top + 1, bottom + 1, left + 1, right + 1)
        await pilot.press("l", "l", "l", "l")  # pool, conv, pool, the third convolution
        await pilot.pause()
        assert screen.field.layer == 4
        drawn()
        # the mouse: cell (2, 2) of map #1 of the third convolution, i.e. the lecture's 18×18 field
        view = screen.sections[4].view
        assert isinstance(view, HeatmapGrid) and view.region.height > 0
        await pilot.click(view, offset=(view._tile_w + view.gap + 2, 2))
        await pilot.pause()
        assert (screen.field.layer, screen.field.map, screen.field.row, screen.field.col) == (4, 1, 2, 2)
        assert drawn() == (8, 25, 8, 25)
        assert "18×18" in text_of(screen, "#inspect-field")
        await pilot.press("escape")
        await pilot.pause()
        assert screen.field is None and digit.field is None and view.cell is None
        assert "←/→ Digit" in await ui.footer_line(pilot)
        await pilot.press("right")  # the arrows change digits again
        await pilot.pause()
        assert screen.index == 1


async def test_snapshot_of_a_receptive_field(snap_looks: SnapLooks, ui: type[UI], small_test_set: None) -> None:
    """The bundled model: the third convolution's cell drawn on the digit (blue paper, the rest dimmed)."""

    async def run_before(pilot: Pilot[int]) -> None:
        await open_inspect(pilot)
        await pilot.press("f", "l", "l", "l", "l", "down", "right")
        await settle(pilot)

    await snap_looks(lambda: create_app(screen="inspect"), [ui.LARGE_LIGHT, ui.LARGE_DARK], run_before=run_before)


async def test_colour_legends_and_kernel_colours_follow_the_theme(small_test_set: None) -> None:
    """A legend wherever values are coloured; the kernels' palette is the light one in a light theme."""
    from tui_convnet.ui.common import palette
    from tui_convnet.ui.common.heatmap import LEVELS
    from tui_convnet.ui.inspect.kernels import KernelGrid

    def kernel_colours(grid: KernelGrid) -> set[tuple[int, int, int]]:
        colours: set[tuple[int, int, int]] = set()
        for seg in (seg for tile in grid._tiles for line in tile for seg in line):
            assert seg.style is not None and seg.style.bgcolor is not None
            colours.add(seg.style.bgcolor.get_truecolor())
        return colours

    app = create_app(screen="inspect")
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "textual-dark"
        screen = await open_inspect(pilot)
        top = float(screen.outputs[0].max())
        note = str(screen.sections[0].note.render())
        assert f"one colour scale: 0.00 ████████ {top:.2f}" in note
        grid = screen.query(KernelGrid).first()
        title = str(screen.query(".kernel-title").first().render())
        assert screen.inspector is not None
        bound = float(np.abs(screen.inspector.weights[0]).max())
        assert "negative" in title and "positive" in title and f"(scale ±{bound:.2f})" in title
        dark = {tuple(c) for c in palette.diverging_lut(LEVELS, True)}
        light = {tuple(c) for c in palette.diverging_lut(LEVELS, False)}
        assert {tuple(c) for c in kernel_colours(grid)} <= dark
        app.theme = "textual-light"
        await pilot.pause()
        assert {tuple(c) for c in kernel_colours(grid)} <= light
        assert kernel_colours(grid).isdisjoint({tuple(c) for c in dark - light})
