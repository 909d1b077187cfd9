"""The inspect, draw and lessons screens made by a key: a light first frame, then their panes one per frame.

As the training screen's (tests/ui/test_staged_build.py): the frame the key shows says which panes are
still being built, keys pressed meanwhile are answered, and the finished screen is the one a whole build
gives. Also what made the inspect screen's keys slow while its model arrived: the model taking the
keys from a field being typed in, and a worker described by the repr of its arrays.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

import pytest
from textual.pilot import Pilot

from tests.ui.test_staged_build import record_stage_frames
from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.mode_screen import ModeScreen
from tui_convnet.ui.draw.canvas import DrawingCanvas
from tui_convnet.ui.draw.screen import DrawScreen
from tui_convnet.ui.inspect.screen import InspectScreen
from tui_convnet.ui.lessons.blocks import BlocksView
from tui_convnet.ui.lessons.screen import LessonsScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI
    from tui_convnet.data.mnist import MnistData
    from tui_convnet.ui.common.staged import Stage

SIZE = (130, 42)


@pytest.fixture(scope="module")
def sample() -> MnistData:
    from tui_convnet.data.mnist import load_mnist

    return load_mnist("sample").limited(None, 100)


@pytest.fixture
def small_test_set(monkeypatch: pytest.MonkeyPatch, sample: MnistData) -> None:
    """The inspect screen's own data loading (for the bundled model) gives 100 official test digits."""
    import tui_convnet.data.mnist

    monkeypatch.setattr(tui_convnet.data.mnist, "load_mnist", lambda *args, **kwargs: sample)


async def wait_until(pilot: Pilot[int], done: object, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"{what} did not happen in time"
        await pilot.pause(0.02)
    await pilot.pause()


#: key → (its screen, the mode's name on the command line, what its first frame shows and the finished one not).
SCREENS: dict[str, tuple[type[ModeScreen], str, str]] = {
    "i": (InspectScreen, "inspect", "Reading the model…"),
    "d": (DrawScreen, "draw", "Building the layers…"),
    "L": (LessonsScreen, "lessons", ""),
}


async def settled(pilot: Pilot[int]) -> None:
    """Wait until the screen is built, its model shown and its workers done."""
    screen = pilot.app.screen
    assert isinstance(screen, ModeScreen)
    await wait_until(
        pilot, lambda: screen.settled and getattr(screen, "inspector", True) is not None, "building the screen"
    )
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


@pytest.mark.parametrize("key", list(SCREENS))
async def test_the_first_frame_is_light_and_the_built_screen_is_the_whole_one(
    key: str, monkeypatch: pytest.MonkeyPatch, ui: type[UI], small_test_set: None
) -> None:
    cls, mode, building = SCREENS[key]
    stages = cls.build_stages
    seen = record_stage_frames(
        monkeypatch, cls, lambda screen: (ui.screen_text(screen.app), len(screen.query(BlocksView)))
    )
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        screen = app.screen
        assert isinstance(screen, cls) and screen.staged
        await settled(pilot)
        staged_text = ui.screen_text(app)
        assert len(seen) == len(stages(screen)) >= 2  # one frame before each stage
    first, views = seen[0]
    assert building in first  # (the lessons: their first picture and words, as when built)
    if cls is LessonsScreen:
        assert views == 1  # the first lesson's picture only; the five others follow, one per frame
    if cls is InspectScreen:
        assert not screen.query(".building") and "Layer" not in first
    assert not screen.query(".building") and (not building or building not in staged_text)

    whole = create_app(screen=mode)  # the app's first screen: built whole before its first frame
    async with whole.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(whole.screen, cls) and not whole.screen.staged
        await settled(pilot)
        assert ui.screen_text(whole) == staged_text


async def test_a_stroke_drawn_while_the_draw_screen_builds_is_analysed_once_it_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn: list[bool] = []  # whether the screen was built when the stroke came
    stages = DrawScreen.build_stages

    def drawing_between(self: DrawScreen) -> list[Stage]:
        async def stroke() -> None:
            canvas = self.query_one(DrawingCanvas)
            pixels = canvas.pixels.copy()
            pixels[6:22, 12:15] = 255  # a 1, drawn before the layers are built
            canvas.set_pixels(pixels)
            drawn.append(self.built)

        built = stages(self)
        return [built[0], stroke, *built[1:]]

    monkeypatch.setattr(DrawScreen, "build_stages", drawing_between)
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        screen = app.screen
        assert isinstance(screen, DrawScreen)
        await settled(pilot)
        assert drawn == [False]
        assert screen.analysis is not None and screen.analysis.preprocessed is not None  # the 1 went through


async def test_keys_pressed_while_the_lessons_build_are_answered(ui: type[UI]) -> None:
    """e leaves at once; back again, the build goes on; n (next lesson) waits for the pictures."""
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("L")
        lessons = app.screen
        assert isinstance(lessons, LessonsScreen)
        await pilot.press("e")
        assert app.current_mode == "explorer"
        await pilot.press("L")
        assert app.screen is lessons
        await settled(pilot)
        assert len(lessons.query(BlocksView)) == 6
        await pilot.press("n")
        assert isinstance(lessons, LessonsScreen)  # (for mypy: `is` took the type of app.screen)
        assert lessons.position.lesson == "sparse" and "Lesson 1" in ui.screen_text(app)


async def test_the_model_arriving_leaves_the_path_being_typed_focused(
    monkeypatch: pytest.MonkeyPatch, small_test_set: None
) -> None:
    """o, then typing a path while the bundled model is read: the model's arrival kept taking the keys away."""
    import tui_convnet.ui.inspect.workers as workers

    release = threading.Event()
    real = workers.prepare_bundled

    def held(post: workers.Post, generation: int) -> None:
        release.wait(30)
        real(post, generation)

    monkeypatch.setattr(workers, "prepare_bundled", held)
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "o", "m", "y")
        screen = app.screen
        assert isinstance(screen, InspectScreen) and screen.inspector is None
        release.set()
        await wait_until(pilot, lambda: screen.inspector is not None and screen.sections, "reading the model")
        assert getattr(app.focused, "id", None) == "inspect-path"
        await pilot.press(".")
        assert screen.query_one("#inspect-path").value == "my."  # type: ignore[attr-defined]


async def test_the_grad_cam_worker_is_named_in_words_not_by_its_arrays(
    monkeypatch: pytest.MonkeyPatch, small_test_set: None
) -> None:
    """Textual describes a worker by the repr of its arguments unless told: for Grad-CAM, the model's weights
    (0.1-0.4 s of a key's time whenever a digit was shown)."""
    from tui_convnet.ui.common.gradcam import GradCamView

    described: list[str] = []
    run_worker = GradCamView.run_worker

    def spy(self: GradCamView, *args: Any, **kwargs: Any) -> Any:
        described.append(kwargs.get("description", ""))
        return run_worker(self, *args, **kwargs)

    monkeypatch.setattr(GradCamView, "run_worker", spy)
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        screen = app.screen
        assert isinstance(screen, InspectScreen)
        await wait_until(pilot, lambda: screen.inspector is not None and screen.sections, "reading the model")
        await pilot.press("right")
        assert len(described) >= 2 and all(0 < len(text) < 40 for text in described)


async def test_keys_pressed_while_a_model_arrives_wait_for_it(
    monkeypatch: pytest.MonkeyPatch, small_test_set: None
) -> None:
    """Between the arrival's steps (layers mounted, no digit shown yet) the keys that need the model do nothing:
    no half-shown model is stepped through, nothing crashes, and the model then shows its first digit."""
    from tui_convnet.ui.inspect.arrival import ModelOnScreen

    answered: list[object] = []
    show_kernels_of = ModelOnScreen._show_kernels_of

    def with_keys(self: InspectScreen, at: int) -> None:
        if at == 0:
            answered.append(self.inspector)
            self.action_digit(1)  # → · f · l · ] · n
            self.action_field()
            self.action_next_layer(1)
            self.action_select_map(1)
            self.action_next_misclassified()
        show_kernels_of(self, at)

    monkeypatch.setattr(ModelOnScreen, "_show_kernels_of", with_keys)
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        screen = app.screen
        assert isinstance(screen, InspectScreen)
        await settled(pilot)
        assert answered == [None]  # the model was not yet "on screen"
        assert screen.inspector is not None and screen.index == 0 and screen.field is None
        assert screen.selected_map == 0 and screen.outputs
