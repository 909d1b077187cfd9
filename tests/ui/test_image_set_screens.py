"""Another image set on the screens (``convnet-tui --data``): a generated 32x32 RGB set and a 28x28 grey set with
a classes file, on the training, inspect and draw screens. Nothing trains and TensorFlow never loads: a run's end
is the trainer's message with fixed numpy weights, evaluated by the numpy engine."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from textual.app import App
from textual.pilot import Pilot

from tests._npz import savez
from tests.ui.screens import current
from tui_convnet.core import seeded_weights
from tui_convnet.data.image_sets import ImageSet, load_image_set, spec_for_images
from tui_convnet.training.inspector import ModelInspector
from tui_convnet.training.protocol import ModelRef, TrainDone
from tui_convnet.training.worker_client import WorkerError, set_shared_client
from tui_convnet.ui._textual_internals import notifications
from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.bars import ProbabilityBars
from tui_convnet.ui.common.gradcam import GradCamView
from tui_convnet.ui.draw.screen import DrawScreen
from tui_convnet.ui.inspect.screen import InspectScreen
from tui_convnet.ui.training.messages import TrainingFinished
from tui_convnet.ui.training.screen import TrainingScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI

SIZE = (130, 42)


class NoTensorFlow:
    """The worker client of a machine without TensorFlow: the screens say so in a line and keep going."""

    ready = None

    def warm_up(self) -> None:
        pass

    def wait_ready(self, timeout: float | None = None) -> None:
        raise WorkerError("TensorFlow is not installed (this test)")

    def seconds_left(self) -> float:
        return 0.0

    def cancel(self) -> None:
        pass

    def close(self, timeout: float = 0.5) -> None:
        pass


@pytest.fixture
def no_tensorflow(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    set_shared_client(NoTensorFlow())  # type: ignore[arg-type]
    yield
    set_shared_client(None)


def image_set(tmp_path: Path, shape: tuple[int, ...], names: Sequence[str], n: int = 40, m: int = 24) -> ImageSet:
    rng = np.random.default_rng(3)
    classes = len(names)
    arrays: dict[str, np.ndarray] = {
        "x_train": rng.integers(0, 256, size=(n, *shape), dtype=np.uint8),
        "y_train": np.arange(n) % classes,
        "x_test": rng.integers(0, 256, size=(m, *shape), dtype=np.uint8),
        "y_test": np.arange(m) % classes,
    }
    savez(tmp_path / "set.npz", arrays)
    (tmp_path / "names.txt").write_text("".join(f"{name}\n" for name in names))
    return load_image_set(tmp_path / "set.npz", tmp_path / "names.txt")


async def wait_for(pilot: Pilot[int], condition: Callable[[], object], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.05)


async def trained(pilot: Pilot[int], images: ImageSet) -> TrainingScreen:
    """The training screen once its data are in, after a run's end (fixed weights, numpy evaluation)."""
    screen = current(pilot.app, TrainingScreen)
    await wait_for(pilot, lambda: screen.data is not None, "the image set")
    spec = spec_for_images(images.data)
    model = ModelRef(spec, tuple(seeded_weights(spec, 1)), spec.name, 0, images.class_names)
    evaluation = ModelInspector(model).evaluate(images.data.x_test, images.data.y_test)
    screen.runs.run = 1
    screen.phase = "training"
    done = TrainDone(model=model, reason="completed", evaluation=evaluation, message="Training completed.")
    screen.post_message(TrainingFinished(done, images.data))
    await wait_for(pilot, lambda: screen.evaluation is not None, "the results")
    await wait_for(pilot, lambda: "Test images  1–" in ui_text(pilot.app), "the gallery")
    return screen


def ui_text(app: App[Any]) -> str:
    from tui_convnet.ui._textual_internals import compositor

    return "\n".join(strip.text for strip in compositor(app.screen).render_strips())


async def test_a_32x32_rgb_set_is_trained_shown_and_inspected_by_its_class_names(
    tmp_path: Path, no_tensorflow: None, ui: type[UI]
) -> None:
    names = ("airplane", "automobile", "bird", "cat")
    images = image_set(tmp_path, (32, 32, 3), names)
    app = create_app(screen="train")
    app.image_set = images
    async with app.run_test(size=SIZE) as pilot:
        screen = current(pilot.app, TrainingScreen)
        await wait_for(pilot, lambda: screen.data is not None, "the image set")
        await pilot.pause()
        text = ui.screen_text(app)
        assert "32x32 RGB images, 4 classes" in text and "Classes: airplane, automobile, bird" in text
        assert "Training images" in text and "Test images" in text  # the form's fields
        assert "(None, 30, 30, 32)" in text and "(None, 4)" in text  # the lecture's ConvNet sized for the set
        assert screen.HELP is not None and "images" in screen.HELP and "digit" not in screen.HELP
        assert "Images" in await ui.footer_line(pilot)  # n/p Images

        screen = await trained(pilot, images)
        text = ui.screen_text(app)
        assert "on 24 test images" in text and "Enter on a cell: its images" in text
        assert "0 airplane" in text and "1 automobile" in text and "airp…" in text  # the confusion matrix
        assert "Test images  1–12 of 24" in text and any(f"true {name}" in text for name in names)  # by name
        assert "digit" not in text.lower()

        await pilot.press("u", "i")
        inspect = current(pilot.app, InspectScreen)
        await wait_for(pilot, lambda: getattr(inspect, "inspector", None) is not None, "the inspect screen")
        await wait_for(pilot, lambda: inspect.query_one("#inspect-gradcam", GradCamView).shown is not None, "Grad-CAM")
        await pilot.pause()
        text = ui.screen_text(app)
        assert "Test image #0 of 24" in text and "24 test images" in text
        assert "label airplane, predicted " in text
        bars = inspect.query_one("#inspect-probs", ProbabilityBars).render().plain
        assert [line.split()[0] for line in bars.splitlines()] == list(names)  # every class's bar is named
        assert any(f"predicted {name}:" in text for name in names)  # Grad-CAM's classes, by name
        assert "digit" not in ui.widget_text(inspect.query_one("#inspect-side")).lower()
        await pilot.press("s", "h")  # they read one-channel digits: one line each, the screen stays
        await pilot.pause()
        said = notifications(app)
        assert "Stepping through reads one-channel images like MNIST's; these have three (RGB)." in said
        assert "The hierarchy lesson reads one-channel images like MNIST's; these have three (RGB)." in said
        assert pilot.app.screen is inspect

        await pilot.press("d")
        await wait_for(pilot, lambda: "32x32 colour" in ui.screen_text(app), "the draw screen's line")
        assert "--image FILE" in ui.screen_text(app)


async def test_a_28x28_grey_set_with_a_classes_file_names_its_classes_when_drawn(
    tmp_path: Path, no_tensorflow: None, ui: type[UI]
) -> None:
    images = image_set(tmp_path, (28, 28), ("sandal", "sneaker", "ankle boot"))
    app = create_app(screen="train")
    app.image_set = images
    async with app.run_test(size=SIZE) as pilot:
        await trained(pilot, images)
        text = ui.screen_text(app)
        assert "28x28 grey images, 3 classes" in text and "Classes: sandal, sneaker, ankle boot" in text
        assert "2 ankle boot" in text and "digit" not in text.lower()
        await pilot.press("u", "d")
        draw = current(pilot.app, DrawScreen)
        await wait_for(pilot, lambda: draw.labels.names[0] == "sandal", "the model on the draw screen")
        await pilot.pause()
        bars = ui.widget_text(draw.query_one("#draw-probs"))
        assert "sandal" in bars and "ankle boot" in bars


def test_the_app_refuses_a_bad_set_in_one_line_before_it_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui_convnet.cli import main

    for argv, message in (
        (["--classes", str(tmp_path / "c.txt")], "--classes names the classes of --data: give --data PATH too."),
        (["--data", str(tmp_path / "none.npz")], "No such file or folder"),
    ):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("convnet-tui: ") and message in err and err.count("\n") == 1


def test_the_lessons_keep_the_bundled_model_when_the_session_model_reads_other_images(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from tui_convnet.ui.common.messages import ModelReady
    from tui_convnet.ui.common.session_model import session_model
    from tui_convnet.ui.lessons.screen import choose_model

    images = image_set(tmp_path, (32, 32, 3), ("airplane", "automobile", "bird", "cat"))
    spec = spec_for_images(images.data)
    model = ModelRef(spec, tuple(seeded_weights(spec, 1)), spec.name, 0, images.class_names)
    ready = ModelReady(session_model(model, "run 1"), images.data)
    chosen = choose_model(SimpleNamespace(trained=ready))
    assert tuple(chosen.spec.input_shape) == (28, 28, 1) and not chosen.class_names
    assert chosen.label.endswith("(the model of run 1, trained in this session reads other images than digits)")


def test_a_runs_progress_says_images_for_another_set_and_digits_for_mnist() -> None:
    from tui_convnet.data.labels import image_labels
    from tui_convnet.training.events import EvaluationBegin, TrainBegin
    from tui_convnet.ui.training.progress import ProgressState
    from tui_convnet.ui.training.run_state import RunTracker

    for labels, noun in ((None, "digits"), (image_labels(("cat", "dog")), "images")):
        runs = RunTracker()
        if labels is not None:
            runs.labels = labels
        begin = runs.apply([TrainBegin(400, 0, 100, 5, 64, 7, "set")], ProgressState()).changes["status"]
        assert begin.startswith(f"Training on 400 {noun}; 7 batches of 64 per epoch.")
        end = runs.apply([EvaluationBegin(100)], ProgressState()).changes["status"]
        assert end == f"Evaluating on 100 test {noun}…"
