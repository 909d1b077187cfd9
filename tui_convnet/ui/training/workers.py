"""The training screen's thread workers: they wait for the TensorFlow worker process and post messages.

Each function runs in a Textual thread worker and talks to the screen only through ``post`` (its
``post_message``): load the data while TensorFlow starts, train (waiting in line for a slot when served),
evaluate a cancelled run, save and load ``.keras`` files. TensorFlow itself runs in the worker process
(:mod:`tui_convnet.training.worker_client`); a failure there becomes one message, never a dead app.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.worker import get_current_worker

from ...training.events import BatchEnd, TrainEvent
from ...training.slots import Slots
from .messages import (
    DataLoaded,
    FileDone,
    ModelLoaded,
    NotStarted,
    PrepareFailed,
    RunEvaluated,
    TensorFlowReady,
    TrainingEvents,
    TrainingFailed,
    TrainingFinished,
    TrainingQueued,
)

if TYPE_CHECKING:
    from ...data.image_sets import ImageSet
    from ...data.mnist import MnistData
    from ...training.protocol import ModelRef
    from .form import TrainSettings

#: Posts a message to the screen (its ``post_message``; safe from any thread).
Post = Callable[[Message], object]

#: Seconds between two progress messages from the training thread (the redraw rate).
REDRAW_INTERVAL = 1.0


def prepare(post: Post, images: ImageSet | None = None) -> None:
    """Load the digits (or take ``images``, another image set) here while TensorFlow starts in the worker
    process; say when each is ready."""
    from ...data.mnist import DataError, load_mnist
    from ...training.worker_client import WorkerError, shared_client

    client = shared_client()
    with contextlib.suppress(WorkerError):  # (a worker that cannot start says so below, once)
        client.warm_up()  # TensorFlow starts loading in the worker process while the data loads here
    try:  # full MNIST if cached, else the bundled sample
        data = images.data if images is not None else load_mnist("auto", download=False)
    except DataError as exc:
        post(PrepareFailed(str(exc)))
        return
    except Exception as exc:  # a damaged cache can raise anything: a message, never a dead app
        post(PrepareFailed(f"The MNIST data could not be read: {type(exc).__name__}: {exc}"))
        return
    post(DataLoaded(data))
    try:
        ready = client.wait_ready()
    except WorkerError as exc:  # TensorFlow missing or broken: one line, the rest of the app works
        post(PrepareFailed(str(exc)))
        return
    post(TensorFlowReady(ready.seconds, ready.device))


def train(post: Post, settings: TrainSettings, data: MnistData, cancel: threading.Event) -> None:
    """One run in the worker process; its events are posted in bundles (batches at most every REDRAW_INTERVAL)."""
    from ...training.worker_client import WorkerError, shared_client

    worker = get_current_worker()
    client = shared_client()
    pending: list[TrainEvent] = []
    last_post = 0.0

    def on_event(event: Any) -> None:  # in the client's reader thread, as the worker process sends them
        nonlocal last_post
        if worker.is_cancelled and not cancel.is_set():  # the app is closing
            cancel.set()
            client.cancel()
        pending.append(event)
        now = time.monotonic()
        if not isinstance(event, BatchEnd) or now - last_post >= REDRAW_INTERVAL:
            post(TrainingEvents(tuple(pending)))
            pending.clear()
            last_post = now

    slots = Slots.from_environment()  # served (convnet-tui serve --max-training N): wait in line for a slot
    slot = None
    if slots is not None:

        def queued(place: int) -> None:
            post(TrainingQueued(place, slots.limit))

        slot = slots.acquire(queued, cancel.is_set)
        if slot is None:
            post(NotStarted("Cancelled while waiting in line: nothing was trained."))
            return
    try:  # TensorFlow trains in the worker process: this thread only waits for its answer
        done = client.train(settings.model_spec(), settings.config, data, on_event)
    except WorkerError as exc:  # out of memory, a Keras error, no TensorFlow: one line, the app keeps going
        post(TrainingFailed(str(exc)))
        return
    finally:
        if slot is not None:
            slot.release()
    post(TrainingFinished(done, data))


def evaluate(post: Post, model: ModelRef, data: MnistData, label: str) -> None:
    """A cancelled run's model on the test digits."""
    from ...training.worker_client import WorkerError, shared_client

    try:
        evaluation = shared_client().evaluate(model, data.x_test, data.y_test)
    except WorkerError as exc:  # a message, the app keeps going
        post(FileDone(f"The evaluation of {label} failed: {exc}", ok=False))
        return
    post(RunEvaluated(model, evaluation, data, label))


def save(post: Post, model: ModelRef, path: str) -> None:
    from ...training.worker_client import WorkerError, shared_client

    try:
        saved = shared_client().save(model, path)
    except WorkerError as exc:  # a bad path, a full disk, a Keras error: a message in plain words, never a crash
        post(FileDone(f"Not saved: {exc}", ok=False))
        return
    post(FileDone(f"Saved to {saved}", ok=True, saved=True))


def load(post: Post, path: str, data: MnistData) -> None:
    from ...training.worker_client import WorkerError, shared_client

    try:  # read, checked and evaluated in the worker process
        loaded = shared_client().load(path, data.x_test, data.y_test)
    except WorkerError as exc:
        post(FileDone(f"Not loaded: {exc}", ok=False))
        return
    if loaded.evaluation is None:  # never: the worker evaluates a model it is given test digits for
        post(FileDone(f"Not loaded: {loaded.path} was read but not evaluated.", ok=False))
        return
    post(ModelLoaded(loaded.model, loaded.evaluation, data, loaded.path))
