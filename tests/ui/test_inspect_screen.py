"""The inspect screen on the lecture's model with fixed weights: picking digits, numpy = Keras, stepping a kernel."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import numpy as np
import pytest

from tui_convnet.ui.app import create_app
from tui_convnet.ui.messages import ModelReady

pytestmark = [pytest.mark.keras]

SIZE = (130, 45)
_spec = importlib.util.spec_from_file_location(
    "inspect_fixed_model", Path(__file__).parents[1] / "inspect" / "fixed_model.py"
)
fixed_model = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixed_model)


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    return fixed_model.save_fixed_model(tmp_path_factory.mktemp("inspect-ui"))


@pytest.fixture(scope="module")
def ready():
    from tui_convnet.data import load_mnist

    # 1,000 test digits: the screen predicts them all in a worker, and the tests wait for it.
    return ModelReady(fixed_model.fixed_keras_model(), load_mnist("sample").limited(None, 1000), "trained")


@pytest.fixture(scope="module")
def numpy_predictions(ready):
    from tui_convnet.training.inspector import ModelInspector

    inspector = ModelInspector(ready.model)
    return inspector, inspector.predict(ready.data.x_test)


async def settle(pilot, rounds: int = 3) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_with_model(pilot, ready) -> object:
    await pilot.press("i")
    await pilot.pause()
    pilot.app.post_message(ready)
    await settle(pilot)
    return pilot.app.screen


def shown(screen) -> tuple[int, int, np.ndarray]:
    from tui_convnet.ui.widgets.inspect_bars import ProbabilityBars

    bars = screen.query_one("#inspect-probs", ProbabilityBars)
    return screen.index, bars.label, bars.probabilities


async def test_without_a_model_the_screen_says_how_to_get_one():
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "InspectScreen"
        empty = screen.query_one("#inspect-empty")
        assert empty.display and "No trained model yet" in str(empty.render())
        assert not screen.query_one("#inspect-body").display
        await pilot.press("right", "n", "s")
        await pilot.pause()
        assert screen.index == 0 and app.screen is screen


async def test_a_model_trained_before_the_screen_opens_is_shown(ready):
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        app.post_message(ready)
        await pilot.pause()
        assert app.trained is ready
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert screen.inspector is not None and screen.inspector.model is ready.model
        assert not screen.query_one("#inspect-empty").display
        assert shown(screen)[:2] == (0, int(ready.data.y_test[0]))


async def test_arrow_keys_change_the_digit_and_the_bars(ready):
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_model(pilot, ready)
        x, y = ready.data.x_test, ready.data.y_test
        from tui_convnet.core import forward

        index, label, probs = shown(screen)
        assert (index, label) == (0, int(y[0]))
        expected = forward(screen.inspector.spec, ready.model.get_weights(), x[0][..., None] / 255.0)
        np.testing.assert_allclose(probs, expected, atol=1e-6)
        await pilot.press("right")
        await pilot.pause()
        index, label, probs1 = shown(screen)
        assert (index, label) == (1, int(y[1])) and not np.allclose(probs, probs1)
        assert f"label {int(y[1])}" in str(screen.query_one("#inspect-prediction").render())
        await pilot.press("left", "left")
        await pilot.pause()
        assert shown(screen)[:2] == (len(y) - 1, int(y[-1]))  # wraps around


async def test_kernel_channel_and_layer_keys(ready):
    from tui_convnet.ui.widgets.inspect_kernels import KernelGrid

    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_model(pilot, ready)
        grids = list(screen.query(KernelGrid))
        assert [g.count for g in grids] == [32, 64, 64]
        deeper = screen._kernel_views[1][1]
        assert "input channel 0 of 32" in str(deeper.render())
        await pilot.press("c", "c")
        await pilot.pause()
        assert screen.kernel_channel == 2
        assert "input channel 2 of 32" in str(deeper.render())
        k = ready.model.layers[2].get_weights()[0]
        assert grids[1]._tiles[5][0][1].text.strip() == f"{k[0, 1, 2, 5]:+.2f}"  # row 0, column 1 of kernel k5
        first = screen.query_one("HeatmapGrid.first-conv")
        await pilot.click(first, offset=(first._tile_w + first.gap + 1, 2))
        await pilot.pause()
        assert screen.selected_map == 1 and first.selected == 1 and grids[0].selected == 1
        layers = screen.query_one("#inspect-layers")
        assert layers.scroll_y == 0
        await pilot.press("l")
        await pilot.pause()
        assert layers.scroll_y > 0
        kernels_title = screen._kernel_views[0][1]
        assert kernels_title.region.y == layers.region.y  # the first layer's kernels come next
        await pilot.press("l")
        await pilot.pause()
        second = screen._titles[1][0]
        assert second.region.y == layers.region.y  # then the next layer's title is at the top
        await pilot.press("L", "L")
        await pilot.pause()
        assert screen._titles[0][0].region.y == layers.region.y  # back to the first layer


async def test_go_to_a_digit_by_number(ready):
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_model(pilot, ready)
        await pilot.press("g", *"123", "enter")
        await pilot.pause()
        assert shown(screen)[:2] == (123, int(ready.data.y_test[123]))
        assert screen.focused is None  # back to the digit keys
        await pilot.press("right")
        await pilot.pause()
        assert screen.index == 124
        await pilot.press("g", *"99999", "enter")
        await pilot.pause()
        assert screen.index == 124
        status = str(screen.query_one("#inspect-status").render())
        assert "out of range 0..999" in status and "Received: index=99999" in status


async def test_next_misclassified(ready, numpy_predictions):
    _, predicted = numpy_predictions
    y = ready.data.y_test
    wrong = np.flatnonzero(predicted != y)
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
        assert "✗ wrong" in str(screen.query_one("#inspect-prediction").render())


async def test_every_layer_says_numpy_equals_keras(ready):
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_model(pilot, ready)
        titles = [str(title.render()) for title, _ in screen._titles]
        assert len(titles) == len(ready.model.layers) == 8
        for title in titles:
            assert "numpy = Keras ✓ max |Δ| " in title
            diff = float(title.rsplit("|Δ| ", 1)[1].split()[0])
            assert diff < 1e-4
        assert "numpy = Keras ✓ (8 layers)" in str(screen.query_one("#inspect-check").render())


async def test_step_through_a_learned_kernel_opens_the_explorer(ready):
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_model(pilot, ready)
        await pilot.press("right", "right", "right_square_bracket", "right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert screen.selected_map == 3
        await pilot.press("s")
        await settle(pilot)
        explorer = app.screen
        assert type(explorer).__name__ == "ExplorerScreen"
        label = int(ready.data.y_test[2])
        assert explorer.example.title == f"Learned conv2d kernels on test digit #2 (a {label})"
        trace = explorer.comp.conv
        assert trace.x.shape == (28, 28, 1) and trace.kernels.shape == (3, 3, 1, 32)
        np.testing.assert_allclose(trace.x[..., 0], ready.data.x_test[2] / 255.0)
        np.testing.assert_allclose(trace.kernels, ready.model.layers[0].get_weights()[0], atol=1e-7)
        # issue 10, bug 7: the map's largest activation, and Home/End stay within the chosen map
        start = 3 * 26 * 26
        kernel, row, col = trace.position(explorer.step)
        assert kernel == 3 and trace.output[row, col, 3] == trace.output[:, :, 3].max()
        await pilot.press("end")
        assert explorer.step == start + 26 * 26 - 1
        await pilot.press("home")
        assert explorer.step == start


async def test_load_a_model_file_and_a_bad_one(model_path, tmp_path):
    bad = tmp_path / "bad.keras"
    bad.write_bytes(b"\x00not a zip" * 100)
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        screen = app.screen
        await pilot.press("o")
        await pilot.pause()
        screen.query_one("#inspect-path").value = str(bad)
        await pilot.press("enter")
        await settle(pilot)
        status = str(screen.query_one("#inspect-status").render())
        assert "not a .keras model" in status and app.trained is None
        assert screen.query_one("#inspect-empty").display
        screen.query_one("#inspect-path").value = str(model_path)
        await pilot.press("enter")
        # Not waiting for the 10,000 test-set predictions: the worker stops between chunks when the app closes.
        deadline = time.monotonic() + 300
        while screen.inspector is None or app.trained is None:
            assert time.monotonic() < deadline, "the model did not load"
            await pilot.pause(0.05)
        await pilot.pause()
        assert app.trained is not None and app.trained.source == str(model_path)
        assert screen.inspector is not None and not screen.query_one("#inspect-empty").display
        assert shown(screen)[0] == 0 and str(model_path) in str(screen.query_one("#inspect-source").render())


@pytest.fixture
def frozen_keras_check(monkeypatch):
    """Keras' real layer outputs, checked against numpy here, with |Δ| shown as a fixed 1.0e-07: the
    true value depends on the CPU's float rounding and must not change the snapshot."""
    from tui_convnet.training.inspector import TOLERANCE, LayerComparison, ModelInspector

    real = ModelInspector.compare

    def compare(self, digit, numpy_outputs=None):
        comparisons = real(self, digit, numpy_outputs)
        assert all(c.max_abs_diff < TOLERANCE for c in comparisons)
        return [LayerComparison(c.info, c.numpy, c.keras, 1.0e-07) for c in comparisons]

    monkeypatch.setattr(ModelInspector, "compare", compare)


@pytest.mark.parametrize("size", [(80, 24), (130, 42)])
@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_snapshot_of_the_inspect_screen(snap_compare, ready, frozen_keras_check, size, theme):
    # 200 test digits: the accuracy line counts them, and fewer digits leave less room for a
    # prediction that a last-bit difference between CPUs could flip.
    small = ModelReady(ready.model, ready.data.limited(None, 200), "fixed weights (seed 0)")

    async def run_before(pilot):
        pilot.app.theme = theme
        await open_with_model(pilot, small)
        await pilot.press("right", "right_square_bracket")
        await settle(pilot)

    assert snap_compare(create_app(), terminal_size=size, run_before=run_before)


async def test_user_text_is_shown_literally_and_bad_paths_keep_the_app_alive(ready, tmp_path):
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_model(pilot, ready)
        field = screen.query_one("#inspect-index")
        for typed in ("[/]", "[b]x", "1e16", "abc", "-1", ""):
            await pilot.press("escape", "g")
            field.value = ""
            await pilot.press(*typed, "enter")
            await pilot.pause()
            status = str(screen.query_one("#inspect-status").render())
            if typed == "-1":
                assert "out of range 0..999. Received: index=-1" in status
            elif typed:
                assert f"must be a whole number. Received: index={typed!r}" in status
            else:
                assert "Type the number of a test digit (0..999)" in status
            assert screen.index == 0
        await pilot.press("escape")
        for path in ("[/]", "x[/b].keras", "~nouser/x.keras", str(tmp_path / "[best].keras")):
            await pilot.press("o")
            screen.query_one("#inspect-path").value = path
            await pilot.press("enter")
            await settle(pilot)
            status = str(screen.query_one("#inspect-status").render())
            assert path.replace("~nouser/", "") in status or "nouser" in status, status
            assert app.screen is screen and app.trained is ready
            await pilot.press("escape")
        await pilot.press("right")
        await pilot.pause()
        assert screen.index == 1  # still usable
