"""The training screen, driven by a Pilot: settings, live progress, cancel, NaN, results, save/load."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rich.console import Console
from rich.text import Text
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Input, Select, Static

from tests.inspect.fixed_model import scripted_training
from tui_convnet.model.model import Loaded, Trained
from tui_convnet.ui.app import create_app
from tui_convnet.ui.training.progress import EpochLog, TrainingProgress
from tui_convnet.ui.training.results import ConfusionTable, DigitGallery
from tui_convnet.ui.training.screen import TrainingScreen, parse_settings

SIZE = (120, 40)


async def wait_for(pilot: Pilot[int], condition: Callable[[], object], timeout: float = 300.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await pilot.pause(0.05)


def text_of(screen: Screen[Any], selector: str) -> str:
    """The plain text a Static shows (markup, Rich Text or any Rich renderable)."""
    content = screen.query_one(selector, Static).content
    if isinstance(content, str):
        return Text.from_markup(content).plain
    if isinstance(content, Text):
        return content.plain
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


async def open_training(pilot: Pilot[int], *, ready: bool = False) -> TrainingScreen:
    """Press t (unless the app opened on the training screen); with ``ready``, also wait until TensorFlow is
    loaded (Start works)."""
    if not isinstance(pilot.app.screen, TrainingScreen):
        await pilot.press("t")
    screen = pilot.app.screen
    assert isinstance(screen, TrainingScreen)
    if ready:
        await wait_for(pilot, lambda: screen.tf_ready, 300, "TensorFlow")
    return screen


@pytest.fixture
def scripted_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs on the training screen with the real trainer, events, messages and cancel, minus Keras' gradient steps
    (see ``scripted_training``): nothing here depends on TensorFlow's arithmetic or the machine's speed.
    What ``fit`` itself does is tested in tests/training/ and, through this screen, by the NaN test."""
    scripted_training(monkeypatch, pace=0.005)


@pytest.fixture
def scripted_fit_until_cancelled(monkeypatch: pytest.MonkeyPatch) -> None:
    """As ``scripted_fit``, but slower (a 1,000-batch run takes 50 s; the test cancels it within seconds) and the
    run's last batch waits for Cancel: on a slow, busy machine the run still cannot end before the test cancels."""
    scripted_training(monkeypatch, pace=0.05, hold=True)


def fill(screen: TrainingScreen, **values: str) -> None:
    for field_id, value in values.items():
        screen.query_one(f"#{field_id.replace('_', '-')}", Input).value = value


@pytest.mark.keras
async def test_a_full_mnist_cache_that_was_skipped_is_named_on_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under `auto`, a damaged cache used to be skipped silently while the screen promised full MNIST."""
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "mnist.npz").write_bytes(b"not a zip file [/] at all")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_training(pilot)
        await wait_for(pilot, lambda: screen.data is not None, 300, "the data")
        shown = text_of(screen, "#data-source")
        assert "the bundled MNIST sample" in shown
        assert "Full MNIST was found in the Keras cache but skipped" in shown and "mnist.npz" in shown


# --------------------------------------------------------------------------- settings (no TensorFlow)


def test_parse_settings_reports_every_bad_field_keras_style() -> None:
    good = {
        "epochs": "5",
        "batch-size": "64",
        "learning-rate": "",
        "validation-split": "0.1",
        "seed": "0",
        "train-limit": "",
        "test-limit": "",
    }
    settings, errors = parse_settings(good, "rmsprop", False, 5000)
    assert (
        errors == {} and settings is not None and settings.config.epochs == 5 and settings.config.learning_rate is None
    )
    assert settings.dropout_rate is None and settings.train_limit is None
    bad = {**good, "epochs": "0", "batch-size": "x", "learning-rate": "-1", "train-limit": "0"}
    settings, errors = parse_settings(bad, "rmsprop", True, 5000)
    assert settings is None
    assert errors["epochs"].endswith("Received: epochs=0")
    assert errors["batch-size"] == "`batch_size` must be a whole number. Received: batch_size='x'"
    assert "Received: learning_rate=-1" in errors["learning-rate"]
    assert "Received: train_limit=0" in errors["train-limit"]
    _, errors = parse_settings({**good, "train-limit": "1", "validation-split": "0.5"}, "sgd", False, 5000)
    assert "No training digits are left" in errors["validation-split"]


async def test_bad_settings_are_shown_and_nothing_starts() -> None:
    app = create_app(screen="train")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_training(pilot)
        fill(screen, epochs="0", seed="abc")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        errors = text_of(screen, "#settings-errors")
        assert "Received: epochs=0" in errors and "Received: seed='abc'" in errors
        assert screen.query_one("#epochs").has_class("-invalid")
        assert screen.phase != "training"
        fill(screen, epochs="3", seed="1")
        await pilot.pause()
        assert text_of(screen, "#settings-errors") == ""
        assert not screen.query_one("#epochs").has_class("-invalid")


@pytest.mark.parametrize("device", ["GPU: NVIDIA A100-SXM4-40GB", "CPU, 2 threads"])
async def test_the_panel_names_the_device_the_worker_reported(device: str, in_process_worker: Any) -> None:
    """The worker reports what it trains on (``device_line``: a GPU's name with the [gpu] extra, else the CPU's
    threads); the panel says it once TensorFlow is ready. The report is faked here: no TensorFlow starts."""
    from tui_convnet.training.protocol import Ready

    in_process_worker.warm_up = lambda: None
    in_process_worker.wait_ready = lambda: Ready(1.5, device)
    app = create_app(screen="train")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_training(pilot)
        await wait_for(pilot, lambda: screen.tf_ready, 60, "the worker's report")
        assert text_of(screen, "#tf-status") == f"TensorFlow: ready in 1.5 s · {device}"


# --------------------------------------------------------------------------- training (TensorFlow)


@pytest.mark.keras
@pytest.mark.integration
async def test_progress_moves_cancel_stops_and_the_app_still_responds(scripted_fit_until_cancelled: None) -> None:
    app = create_app(screen="train")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_training(pilot)
        assert "TensorFlow" in text_of(screen, "#tf-status")
        await wait_for(pilot, lambda: screen.tf_ready, 300, "TensorFlow")
        assert "training" in text_of(screen, "#data-source")
        assert not screen.query_one("#start", Button).disabled
        # Many small batches, so that the run is still going when we cancel.
        fill(screen, epochs="50", batch_size="16", train_limit="320", test_limit="100", validation_split="0")
        await pilot.pause()
        await pilot.press("s")
        assert screen.phase == "training"
        assert screen.query_one("#cancel", Button).disabled is False
        progress = screen.query_one(TrainingProgress)
        await wait_for(pilot, lambda: progress.state.batch >= 2, 300, "the batch bar to move")
        first = (progress.state.epochs_done, progress.state.batch)
        await wait_for(pilot, lambda: (progress.state.epochs_done, progress.state.batch) != first, 300, "more progress")
        assert progress.state.steps == 20 and progress.state.epochs == 50  # 320 digits / 16 per batch
        shown = ["".join(text for text, _ in row) for row in progress.lines(80)]
        assert shown[2].startswith("Epoch ") and "ETA" in shown[2]
        assert shown[3].startswith("Batch ") and "samples/s" in shown[3] and "━" in shown[3]
        assert len(screen.runs.loss_series[0].points) >= 2  # the loss curve grows batch by batch
        await pilot.press("c")
        await wait_for(pilot, lambda: screen.phase == "ready", 300, "the cancel")
        assert "cancelled" in progress.status_text
        assert progress.state.epochs_done < 50 and progress.state.finished == "cancelled"
        assert not screen.query_one("#start", Button).disabled
        # The partly trained model is kept: evaluated, shown, saveable, named; it replaces nothing elsewhere.
        await wait_for(
            pilot,
            lambda: "Model: run 1, cancelled at epoch" in text_of(screen, "#results-headline"),
            300,
            "the cancelled run's evaluation",
        )
        assert "shown here only" in text_of(screen, "#results-headline")
        assert not screen.query_one("#save", Button).disabled and screen.query_one("#use", Button).disabled
        await pilot.press("u")
        assert app.trained is None and "Nothing to use" in text_of(screen, "#file-status")
        assert "Run 1: Training cancelled at epoch" in screen.query_one("#epoch-log", EpochLog).plain
        # The app still responds: the explorer and back.
        await pilot.press("e")
        assert app.current_mode == "explorer"
        await pilot.press("t")
        assert app.screen is screen and app.current_mode == "training"
        # A new run starts blank: no curve, no running numbers of run 1. The new run's worker is held
        # back until that is checked (on a fast machine its first batches arrive before the next line).
        assert progress.state.loss is not None and screen.runs.loss_series[0].points
        held: list[tuple[Any, ...]] = []
        screen._train = lambda *args: held.append(args)  # type: ignore[method-assign]
        await pilot.press("s")
        assert screen.phase == "training" and len(held) == 1
        assert progress.state.loss is None and not screen.runs.loss_series[0].points
        assert not any("This epoch so far" in "".join(t for t, _ in row) for row in progress.lines(80))
        del screen._train
        screen._train(*held[0])
        await pilot.press("c")
        await wait_for(pilot, lambda: screen.phase == "ready", 300, "the second cancel")
        log = screen.query_one("#epoch-log", EpochLog).plain
        assert "Run 1: 50 epochs" in log and "Run 2: 50 epochs" in log  # the log keeps the earlier run


@pytest.mark.keras
@pytest.mark.training
async def test_nan_loss_stops_with_a_message() -> None:
    """The one real Keras run through this screen (it stops at the first batch)."""
    app = create_app(screen="train")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_training(pilot, ready=True)
        screen.query_one("#optimizer", Select).value = "sgd"
        fill(screen, epochs="2", learning_rate="1e6", train_limit="320", test_limit="100")
        await pilot.pause()
        await pilot.press("s")
        await wait_for(pilot, lambda: screen.phase == "ready", 300, "the NaN stop")
        progress = screen.query_one(TrainingProgress)
        assert "NaN" in progress.status_text and "smaller learning rate" in progress.status_text
        assert progress.state.error
        assert "NaN" in screen.query_one("#epoch-log", EpochLog).plain
        assert app.trained is None


@pytest.mark.keras
@pytest.mark.integration
async def test_results_model_ready_save_and_load(tmp_path: Path, scripted_fit: None) -> None:
    app = create_app(screen="train")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_training(pilot, ready=True)
        fill(screen, epochs="1", train_limit="600", test_limit="300", validation_split="0.1")
        await pilot.pause()
        await pilot.press("s")
        await wait_for(pilot, lambda: screen.phase == "ready", 300, "training to finish")
        assert "Training completed" in screen.query_one(TrainingProgress).status_text
        log = screen.query_one("#epoch-log", EpochLog).plain
        assert (
            "Run 1: 1 epoch, batch 64" in log
            and "Run 1 done: test accuracy" in log
            and "Epoch 1/1" in log
            and "val loss" in log
        )
        # Results: headline, confusion matrix with per-class accuracy, gallery misclassified first.
        headline = text_of(screen, "#results-headline")
        assert "Test accuracy" in headline and "on 300 test digits" in headline and "Model: run 1" in headline
        assert "Confusion matrix" in text_of(screen, "#confusion-title")
        table = screen.query_one("#confusion", ConfusionTable)
        assert table.row_count == 10 and len(table.columns) == 12
        gallery = screen.query_one("#gallery", DigitGallery)
        ev_order = gallery.order
        wrong = gallery.predicted[ev_order] != gallery.labels[ev_order]
        assert wrong[: gallery.misclassified].all() and not wrong[gallery.misclassified :].any()
        assert "misclassified shown first" in gallery.caption().plain
        assert screen.focused is None  # keys reach the screen, not a text field
        await pilot.press("n")
        assert gallery.page == 1 and "13–24 of 300" in gallery.caption().plain
        await pilot.press("p", "p")
        assert gallery.page == gallery.pages - 1  # wraps around
        # A confusion-matrix cell filters the gallery to exactly its digits; a shows all again.
        ev = screen.evaluation
        assert ev is not None
        true, predicted = map(int, np.argwhere(ev.confusion - np.diag(np.diag(ev.confusion)) > 0)[0])
        table.focus()
        table.move_cursor(row=true, column=predicted + 1)
        await pilot.press("enter")
        await pilot.pause()
        expected = np.flatnonzero((ev.labels == true) & (ev.predicted == predicted))
        assert sorted(gallery.order.tolist()) == expected.tolist() and len(expected) == ev.confusion[true, predicted]
        assert f"true {true}, predicted {predicted}: {len(expected)} digit" in gallery.caption().plain
        await pilot.press("a")
        assert len(gallery.order) == 300
        screen.set_focus(None)
        # The other screens keep the bundled model until the student chooses this one (u).
        assert app.trained is None and "keep their model until you press u" in text_of(screen, "#results-headline")
        await pilot.press("u")
        assert app.trained is not None and app.trained.model.provenance == Trained("run 1")
        assert len(app.trained.data.x_test) == 300 and screen.query_one("#use", Button).disabled
        trained = app.trained.model
        # Save (atomic, .keras) ...
        path = tmp_path / "m.keras"
        fill(screen, model_path=str(path))
        await pilot.press("w")
        await wait_for(pilot, lambda: "Saved" in text_of(screen, "#file-status"), 300, "the save")
        assert path.is_file() and sorted(p.name for p in tmp_path.iterdir()) == ["m.keras"]
        # ... a bad path is refused with a message ...
        fill(screen, model_path=str(tmp_path / "m.h5"))
        await pilot.press("w")
        await wait_for(pilot, lambda: "Not saved" in text_of(screen, "#file-status"), 300, "the refusal")
        assert ".keras" in text_of(screen, "#file-status") and screen.query_one("#file-status").has_class("-error")
        # ... and loading gives the same model back (the same weights), offered with u.
        fill(screen, model_path=str(path))
        await pilot.press("l")
        await wait_for(pilot, lambda: "Loaded" in text_of(screen, "#file-status"), 300, "the load")
        assert app.trained.model.provenance == Trained("run 1")
        await pilot.press("u")
        assert app.trained.model.provenance == Loaded(str(path)) and app.trained.model is not trained
        for loaded, saved in zip(app.trained.model.weights, trained.weights, strict=True):
            np.testing.assert_array_equal(loaded, saved)
        # A file that is not a model: a clear message, the app keeps going.
        junk = tmp_path / "junk.keras"
        junk.write_text("not a model")
        fill(screen, model_path=str(junk))
        await pilot.press("l")
        await wait_for(pilot, lambda: "Not loaded" in text_of(screen, "#file-status"), 300, "the load error")
        assert app.trained.model.provenance == Loaded(str(path))
        # A model of another set (5 classes) cannot be evaluated on MNIST's ten: refused with the reason.
        from tui_convnet.core import DenseSpec, ModelSpec, mnist_convnet
        from tui_convnet.training.model import build_model, save_model_atomic

        spec = mnist_convnet()
        five = ModelSpec(spec.input_shape, (*spec.layers[:-1], DenseSpec(5, activation="softmax")), "five")
        other = save_model_atomic(build_model(five, seed=0), tmp_path / "five.keras")
        fill(screen, model_path=str(other))
        await pilot.press("l")
        await wait_for(pilot, lambda: "Not loaded" in text_of(screen, "#file-status"), 300, "the refusal")
        assert "tells 5 classes apart, the test labels must be 0 to 4" in text_of(screen, "#file-status")
        assert app.trained.model.provenance == Loaded(str(path))


async def test_narrow_terminal_panel_toggles() -> None:
    app = create_app(screen="train")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_training(pilot)
        await pilot.pause()
        assert screen.has_class("-narrow") and screen.query_one("#training-side").display
        await pilot.press("h")
        assert screen.has_class("-no-side") and not screen.query_one("#training-side").display
        await pilot.press("h")
        assert not screen.has_class("-no-side")


async def test_keys_work_as_the_footer_says_until_a_field_is_chosen() -> None:
    app = create_app(screen="train")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_training(pilot)
        await pilot.pause()
        assert screen.focused is None or isinstance(screen.focused, Button)
        before = {i.id: i.value for i in screen.query(Input)}
        await pilot.press("l", "w", "c", "n")
        assert {i.id: i.value for i in screen.query(Input)} == before  # no key typed into a field
        await pilot.press("tab")
        assert (
            screen.focused is not None and screen.focused.id == "preset"
        )  # the first Tab goes to the first setting, not the model path
        await pilot.press("tab")
        assert screen.focused is not None and screen.focused.id == "epochs"


async def test_presets_fill_the_form() -> None:
    app = create_app(screen="train")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_training(pilot)
        screen.query_one("#preset", Select).value = "quick"
        await pilot.pause()
        assert (
            screen.query_one("#epochs", Input).value == "5" and screen.query_one("#train-limit", Input).value == "5000"
        )
        screen.query_one("#preset", Select).value = "lecture"
        await pilot.pause()
        assert screen.query_one("#train-limit", Input).value == ""


async def test_q_asks_before_quitting_a_running_training() -> None:
    app = create_app(screen="train")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_training(pilot)
        screen.phase = "training"  # as while a run goes (the question does not depend on TensorFlow)
        await pilot.press("q")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmQuit"
        assert "Quit anyway?" in str(app.screen.query_one("#confirm-text").render())
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and app.is_running and not screen._cancel.is_set()
        await pilot.press("q", "y")
        await pilot.pause()
        assert screen._cancel.is_set() and not app.is_running


async def test_typed_values_are_shown_literally_in_every_field() -> None:
    app = create_app(screen="train")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_training(pilot)
        for typed in ("[/]", "[b]x", "-1", "1e16"):
            fill(
                screen,
                epochs=typed,
                batch_size=typed,
                learning_rate=typed,
                validation_split=typed,
                seed=typed,
                train_limit=typed,
                test_limit=typed,
            )
            await pilot.pause()
            errors = text_of(screen, "#settings-errors")
            assert app.is_running and app.screen is screen
            wrong = ["epochs", "batch_size", "validation_split", "seed"]
            wrong += [] if typed == "1e16" else ["learning_rate"]  # 1e16 is a (silly but valid) learning rate
            for name in wrong:
                assert f"Received: {name}=" in errors, (typed, name, errors)
            if typed.startswith("["):
                assert f"Received: validation_split={typed!r}" in errors
        fill(screen, model_path="[/]")
        await pilot.press("w")  # nothing to save yet: said plainly, with the path untouched
        await pilot.pause()
        assert "no model to save yet" in text_of(screen, "#file-status")


async def test_an_unexpected_error_while_preparing_the_data_is_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import tui_convnet.data.mnist as data

    def broken(*args: object, **kwargs: object) -> None:
        raise TypeError("not an npz archive: [/] cache")

    monkeypatch.setattr(data, "load_mnist", broken)
    app = create_app(screen="train")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_training(pilot)
        await wait_for(pilot, lambda: "Cannot train" in text_of(screen, "#tf-status"), 300, "the message")
        assert "TypeError: not an npz archive: [/] cache" in text_of(screen, "#tf-status")
        await pilot.press("e")
        assert app.current_mode == "explorer"  # the app is still usable


@pytest.mark.keras
async def test_bad_model_paths_are_messages(tmp_path: Path) -> None:
    app = create_app(screen="train")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_training(pilot, ready=True)
        for path in ("x[/b].keras", "[/]", "~nouser/x.keras", str(tmp_path / "[best].keras")):
            fill(screen, model_path=path)
            screen.query_one("#file-status", Static).update("")
            await pilot.press("l")
            await wait_for(pilot, lambda: "Not loaded" in text_of(screen, "#file-status"), 300, "the refusal")
            status = text_of(screen, "#file-status")
            assert path.removeprefix("~nouser/") in status or "RuntimeError" in status, status
        assert app.is_running and app.trained is None
