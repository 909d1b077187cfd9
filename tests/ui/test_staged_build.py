"""A screen made by a key shows a light first frame, then builds its heavy panes one per frame (ui/common/staged.py).

The training screen's first frame after ``t`` is its panel's frame and first lines and one line where the tabs
will be; then come the tabs, with one line per pane still building ("Building the settings…"); the panes follow
one after each refresh, keys pressed meanwhile are answered between two of them, and a half-built pane never
looks finished.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import pytest
from textual.pilot import Pilot
from textual.widgets import Button

from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.mode_screen import ModeScreen
from tui_convnet.ui.training.screen import TrainingScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI
    from tui_convnet.ui.common.staged import Stage

SIZE = (130, 42)
Seen = TypeVar("Seen")


@pytest.fixture(autouse=True)
def no_data_no_tensorflow(monkeypatch: pytest.MonkeyPatch) -> None:
    """The screen's data and TensorFlow are not what these tests are about: its preparing worker does nothing."""

    def prepare(post: object, images: object = None) -> None:
        return None

    monkeypatch.setattr("tui_convnet.ui.training.workers.prepare", prepare)


async def wait_built(pilot: Pilot[int], screen: ModeScreen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not screen.built:
        assert time.monotonic() < deadline, f"{type(screen).__name__} was not built in time"
        await pilot.pause(0.02)


def record_stage_frames(
    monkeypatch: pytest.MonkeyPatch, cls: type[ModeScreen], look: Callable[[ModeScreen], Seen]
) -> list[Seen]:
    """``look(screen)`` as each of ``cls``'s build stages starts (the frame before it), in order."""
    seen: list[Seen] = []
    stages = cls.build_stages

    def recording(self: ModeScreen) -> list[Stage]:
        def record(stage: Stage) -> Stage:
            async def run() -> None:
                seen.append(look(self))
                await stage()

            return run

        return [record(stage) for stage in stages(self)]

    monkeypatch.setattr(cls, "build_stages", recording)
    return seen


async def test_the_first_frame_after_t_says_which_panes_are_still_building(
    monkeypatch: pytest.MonkeyPatch, ui: type[UI]
) -> None:
    stages = TrainingScreen.build_stages
    seen = record_stage_frames(monkeypatch, TrainingScreen, lambda screen: ui.screen_text(screen.app))
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        screen = app.screen
        assert isinstance(screen, TrainingScreen) and screen.staged
        await wait_built(pilot, screen)
        first = seen[0]
        assert "Building the settings…" in first
        assert "Building the tabs: the model, the training and the results…" in first  # no tabs yet: they come next
        assert "Building the model's summary and its Keras code…" in seen[1]
        assert "Epochs" not in first and "Start" not in first  # no field, no button drawn before it exists
        assert len(seen) == len(stages(screen))  # one frame before every stage
        await pilot.pause()
        text = ui.screen_text(app)
        assert "Building" not in text and not screen.query(".building")
        assert "Epochs" in text and "Start" in text and "Param #" in text  # the form and the summary


async def test_a_key_pressed_while_the_screen_builds_is_answered_and_the_build_resumes_on_return() -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        training = app.screen
        assert isinstance(training, TrainingScreen)
        await pilot.press("e")  # at once, before the panes are all built
        assert app.current_mode == "explorer"
        built_when_left = training.built
        await pilot.pause(0.3)
        assert training.built == built_when_left  # nothing is built behind the explorer
        await pilot.press("t")
        assert app.screen is training
        assert isinstance(training, TrainingScreen)  # (for mypy: `is` took the type of app.screen)
        await wait_built(pilot, training)
        assert training.query_one("#epochs") and training.query_one("#results-pane")
        assert not training.query(".building")


async def test_keys_that_need_the_panes_do_nothing_until_they_are_built() -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t", "s", "w", "n")  # Start, Save, next digits: before the form exists
        screen = app.screen
        assert isinstance(screen, TrainingScreen)
        await wait_built(pilot, screen)
        assert screen.phase == "loading" and screen.runs.run == 0  # nothing started, nothing crashed
        assert screen.query_one("#save", Button).disabled


async def test_the_first_screen_is_built_whole_before_its_first_frame() -> None:
    app = create_app(screen="train")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TrainingScreen)
        assert not screen.staged and screen.built
        assert not screen.query(".building")


async def test_the_long_lived_objects_are_frozen_once_the_first_frame_is_drawn() -> None:
    """A full garbage collection walked every widget and style of the app (100-400 ms here) while a key waited."""
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert gc.get_freeze_count() > 10_000
