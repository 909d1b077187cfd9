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

from tui_convnet.ui.app import create_app
from tui_convnet.ui.inspect.screen import InspectScreen

if TYPE_CHECKING:
    from tui_convnet.data.mnist import MnistData

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
