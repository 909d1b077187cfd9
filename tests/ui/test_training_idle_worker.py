"""The training screen after the TensorFlow worker ended for being idle: Start waits for a new one, and says so."""

from __future__ import annotations

import sys
from typing import Any

from tests.ui.screens import current
from tui_convnet.data.mnist import load_mnist
from tui_convnet.training.worker_client import WorkerClient, set_shared_client
from tui_convnet.ui.app import create_app
from tui_convnet.ui.training.progress import TrainingProgress
from tui_convnet.ui.training.screen import TrainingScreen

#: A worker without TensorFlow: it starts in a fraction of a second and is never ready.
NO_TENSORFLOW = [
    sys.executable,
    "-c",
    "import sys; sys.modules['tensorflow'] = None; sys.modules['keras'] = None\n"
    "from tui_convnet.training.worker import main; main()",
]


async def test_start_after_the_idle_worker_ended_says_it_waits_for_tensorflow() -> None:
    client = WorkerClient(NO_TENSORFLOW)
    kept = set_shared_client(client)
    try:
        app = create_app(screen="train")
        async with app.run_test(size=(130, 42)) as pilot:
            screen = current(app, TrainingScreen)
            screen.data = load_mnist("sample")
            screen.tf_ready = True  # TensorFlow was ready once on this screen, and its worker ended since
            assert client.ready is None
            started: list[tuple[Any, ...]] = []
            screen._train = lambda *args: started.append(args)  # type: ignore[method-assign]  # the run itself is not what is tested
            await pilot.press("s")
            await pilot.pause()
            assert started and screen.phase == "training"
            status = screen.query_one("#progress", TrainingProgress).state.status
            assert status.startswith("Starting when TensorFlow is ready, about "), status
    finally:
        set_shared_client(kept)
        client.close()
