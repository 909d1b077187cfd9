"""The bundled model stays every screen's model until the student chooses another, and nothing the student
made is lost without a question: "use this model" (u), the command back to the bundled model, q with an
unsaved model, the inspect screen while it reads a model, and training fields that refuse what is not a number.

None of these needs TensorFlow: the models are the lecture's ConvNet with fixed numpy weights.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from textual.widgets import Button, Input

from tests.inspect.fixed_model import fixed_numpy_model
from tests.ui.screens import current
from tui_convnet.data.mnist import load_mnist
from tui_convnet.model.model import Trained
from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.messages import ModelReady
from tui_convnet.ui.common.session_model import session_model
from tui_convnet.ui.inspect.screen import InspectScreen
from tui_convnet.ui.training.progress import TrainingProgress
from tui_convnet.ui.training.screen import TrainingScreen, parse_settings

if TYPE_CHECKING:
    from tui_convnet.data.mnist import MnistData
    from tui_convnet.training.protocol import ModelRef

SIZE = (130, 42)


@pytest.fixture(scope="module")
def sample() -> MnistData:
    return load_mnist("sample").limited(None, 100)


def offer(screen: TrainingScreen, model: ModelRef, data: MnistData, label: str) -> None:
    """What a finished run leaves: its model shown in Results and offered (without its evaluation's arrays)."""
    screen.model, screen.model_source, screen._unsaved = model, label, True
    screen._offer = (model, data, label)
    screen._show_use(True)


async def test_u_gives_a_finished_run_to_every_screen_and_the_command_takes_it_back(sample: MnistData) -> None:
    model = fixed_numpy_model()
    app = create_app(screen="train")
    async with app.run_test(size=SIZE) as pilot:
        screen = current(app, TrainingScreen)
        offer(screen, model, sample, "run 1")
        assert app.trained is None
        await pilot.press("u")
        await pilot.pause()
        given = app.trained.model if app.trained is not None else None
        assert given is not None and given.weights == model.weights and given.spec is model.spec
        assert given.label == "model of run 1, trained in this session" and given.provenance == Trained("run 1")
        assert screen.query_one("#use", Button).disabled
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        commands["Use the bundled model"].callback()
        await pilot.pause()
        assert app.trained is None
        assert "Use the bundled model" not in {c.title for c in app.get_system_commands(app.screen)}


async def test_the_inspect_screen_goes_back_to_the_bundled_model(
    sample: MnistData, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui_convnet.data.mnist

    monkeypatch.setattr(tui_convnet.data.mnist, "load_mnist", lambda *args, **kwargs: sample)
    app = create_app(screen="inspect")
    async with app.run_test(size=SIZE) as pilot:
        screen = current(app, InspectScreen)
        app.post_message(ModelReady(session_model(fixed_numpy_model(), "run 1"), sample))
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        assert "model of run 1" in str(screen.query_one("#inspect-source").render())
        app.use_bundled_model()
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        assert "bundled model" in str(screen.query_one("#inspect-source").render())


async def test_q_asks_before_an_unsaved_model_is_lost(sample: MnistData) -> None:
    app = create_app(screen="train")
    async with app.run_test(size=SIZE) as pilot:
        screen = current(app, TrainingScreen)
        offer(screen, fixed_numpy_model(), sample, "run 1")
        await pilot.press("q")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmQuit"
        assert "The model of run 1 is not saved" in str(app.screen.query_one("#confirm-text").render())
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and app.is_running
        for key in ("ctrl+q", "q"):  # Ctrl+Q, and q on another screen, ask too
            await pilot.press("L", key)
            await pilot.pause()
            assert type(app.screen).__name__ == "ConfirmQuit", key
            await pilot.press("n")
            await pilot.pause()
            assert app.is_running and app.current_mode == "lessons"
        await pilot.press("t")
        await pilot.pause()
        from tui_convnet.ui.training.messages import FileDone

        screen.post_message(FileDone("Saved to m.keras", ok=True, saved=True))
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running  # saved: nothing to lose, no question


async def test_inspect_says_it_is_reading_never_that_there_is_no_model() -> None:
    from tui_convnet.ui.inspect.messages import Failed
    from tui_convnet.ui.inspect.screen import NO_MODEL, READING

    app = create_app(screen="inspect")
    async with app.run_test(size=SIZE) as pilot:
        screen = current(app, InspectScreen)
        assert str(screen.query_one("#inspect-empty").render()) == READING
        screen.post_message(Failed("No bundled model: gone"))
        await pilot.pause()
        if screen.inspector is None:  # the bundled model may have been read meanwhile
            assert "No model to show" in str(screen.query_one("#inspect-empty").render())
        assert NO_MODEL.startswith("[b]No model to show")


@pytest.mark.parametrize(
    ("field", "typed"),
    [("epochs", "1.5"), ("epochs", "1e16"), ("batch-size", "1e-320"), ("seed", "0x10"), ("epochs", "1_0")],
)
def test_number_fields_refuse_what_is_not_a_number(field: str, typed: str) -> None:
    values = {"epochs": "5", "batch-size": "64", "seed": "0", field: typed}
    settings, errors = parse_settings(values, "rmsprop", False)
    assert settings is None and typed[:40] in errors[field] and "whole number" in errors[field]


def test_number_fields_take_what_people_type() -> None:
    settings, errors = parse_settings(
        {"epochs": "5", "batch-size": "1,024", "seed": "0", "learning-rate": "1e-3", "validation-split": ".1"},
        "adam",
        False,
    )
    assert errors == {} and settings is not None
    assert (settings.config.batch_size, settings.config.learning_rate, settings.config.validation_split) == (
        1024,
        0.001,
        0.1,
    )
    _, errors = parse_settings({"epochs": "5", "batch-size": "64", "seed": "0", "learning-rate": "nan"}, "adam", False)
    assert "learning_rate" in errors["learning-rate"]


async def test_a_typed_field_keeps_what_was_typed() -> None:
    app = create_app(screen="train")
    async with app.run_test(size=SIZE) as pilot:
        screen = current(app, TrainingScreen)
        field = screen.query_one("#epochs", Input)
        field.focus()
        field.value = ""
        await pilot.press("1", ".", "5")
        assert field.value == "1.5" and field.has_class("-invalid")


async def test_a_served_run_waits_in_line_for_a_slot_and_can_leave_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_convnet.training.slots import ENV_FOLDER, ENV_LIMIT, Slots

    monkeypatch.setenv(ENV_FOLDER, str(tmp_path))
    monkeypatch.setenv(ENV_LIMIT, "1")
    taken = Slots(tmp_path, 1).acquire(lambda place: None, lambda: False)  # another tab trains
    assert taken is not None
    app = create_app(screen="train")
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = current(app, TrainingScreen)
            while screen.data is None:
                await pilot.pause(0.05)
            await pilot.press("s")
            progress = screen.query_one("#progress", TrainingProgress)
            for _ in range(200):
                if "training slot" in progress.state.status:
                    break
                await pilot.pause(0.05)
            assert progress.state.status.startswith(
                "Waiting for a training slot: 1st in line (this server trains 1 model at a time)."
            )
            await pilot.press("c")
            for _ in range(200):
                if screen.phase == "ready":
                    break
                await pilot.pause(0.05)
            assert screen.phase == "ready" and progress.state.status.startswith("Cancelled while waiting in line")
            assert not list(tmp_path.glob("queue-*"))
    finally:
        taken.release()
