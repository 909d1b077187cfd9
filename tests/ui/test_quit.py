"""The app's quit path: q and ctrl+q on any screen, and SIGINT, ask first while a model trains; an interrupted
app never exits 0."""

from __future__ import annotations

import signal
from typing import Any

from textual.app import App

from tui_convnet.ui.app import create_app
from tui_convnet.ui.training.screen import TrainingScreen

SIZE = (120, 40)


def _asking(app: App[Any]) -> bool:
    return type(app.screen).__name__ == "ConfirmQuit" and app.is_running


async def test_ctrl_q_and_sigint_while_training_ask_like_q() -> None:
    app = create_app(screen="train")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, TrainingScreen)
        screen.phase = "training"  # as while a run goes (the question does not depend on TensorFlow)
        await pilot.press("ctrl+q")  # was: quit at once, rc 0, the run lost
        await pilot.pause()
        assert _asking(app)
        await pilot.press("ctrl+q")  # asked once, not twice
        await pilot.pause()
        assert len(app.screen_stack) == 2
        await pilot.press("n")
        await pilot.pause()
        assert not screen._cancel.is_set()
        assert app.screen is screen and app.is_running
        await pilot.press("L", "q")  # q on another screen while the model trains
        await pilot.pause()
        assert _asking(app)
        await pilot.press("n", "t")
        await pilot.pause()
        app.interrupt(signal.SIGINT)  # SIGINT: asks as q does
        await pilot.pause()
        assert _asking(app)
        app.interrupt(signal.SIGINT)  # insisted: the run is given up
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 130


async def test_sigint_when_no_run_would_be_lost_ends_with_130_at_once() -> None:
    app = create_app(screen="lessons")
    async with app.run_test(size=SIZE) as pilot:
        app.interrupt(signal.SIGINT)
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 130  # was 0


async def test_quitting_ends_the_worker_process_at_once_even_a_stuck_one() -> None:
    import os
    import sys
    import time

    from tui_convnet.training.worker_client import WorkerClient, set_shared_client

    # A worker that answers nothing and ignores SIGTERM (as one stuck in TensorFlow's import).
    stuck = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
    client = WorkerClient([sys.executable, "-c", stuck])
    kept = set_shared_client(client)
    closing: list[float] = []  # how long the app's quit waited for the worker
    close = client.close

    def timed_close(*args: Any, **kwargs: Any) -> None:
        start = time.monotonic()
        close(*args, **kwargs)
        closing.append(time.monotonic() - start)

    client.close = timed_close  # type: ignore[method-assign]  # timed, otherwise the same
    try:
        app = create_app(screen="lessons")
        async with app.run_test(size=SIZE) as pilot:
            client.warm_up()
            pid = client.pid
            assert pid is not None and os.path.exists(f"/proc/{pid}")
            await pilot.press("q")
            await pilot.pause()
        assert not app.is_running and len(closing) == 1 and closing[0] < 1.5  # was 3 s of a frozen screen
        assert not os.path.exists(f"/proc/{pid}")  # ended and reaped: nothing left running
    finally:
        set_shared_client(kept)
