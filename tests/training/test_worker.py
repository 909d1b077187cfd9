"""The TensorFlow worker process: its protocol, its lifecycle and its one-line failures.

The tests that need TensorFlow share one worker (the session's ``tf_worker`` fixture); the others run a
worker whose TensorFlow is hidden (it starts in a fraction of a second) or none at all.
"""

from __future__ import annotations

import errno
import io
import os
import re
import signal
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from tui_convnet.core import forward_pass, mnist_convnet
from tui_convnet.data.mnist import load_mnist, to_model_inputs
from tui_convnet.training.events import BatchEnd, EpochBegin, TrainBegin, TrainConfig, TrainEnd, TrainEvent
from tui_convnet.training.protocol import TENSORFLOW_MISSING, Envelope, Save, read_frame, write_frame
from tui_convnet.training.worker import device_line, one_line, save_failure
from tui_convnet.training.worker_client import WorkerClient, WorkerError

#: A worker whose Python cannot import TensorFlow (as when the [train] extra is not installed).
NO_TENSORFLOW = [
    sys.executable,
    "-c",
    "import sys; sys.modules['tensorflow'] = None; sys.modules['keras'] = None\n"
    "from tui_convnet.training.worker import main; main()",
]


def children() -> list[int]:
    """This test process's living child processes (Linux /proc), whichever thread started them."""
    me, found = os.getpid(), []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me and fields[0] != "Z":
            found.append(int(entry))
    return found


def test_frames_round_trip_and_a_closed_pipe_is_eof() -> None:
    stream = io.BytesIO()
    envelope = Envelope(7, Save(None, "m.keras"))  # type: ignore[arg-type]
    write_frame(stream, envelope)
    write_frame(stream, [np.arange(3)])
    stream.seek(0)
    first = read_frame(stream)
    assert isinstance(first, Envelope) and first.number == 7
    assert isinstance(first.request, Save) and first.request.path == "m.keras"
    arrays = read_frame(stream)
    assert isinstance(arrays, list) and arrays[0].tolist() == [0, 1, 2]
    with pytest.raises(EOFError):
        read_frame(stream)


def test_without_tensorflow_every_request_fails_with_one_line() -> None:
    client = WorkerClient(NO_TENSORFLOW)
    try:
        with pytest.raises(WorkerError) as excinfo:
            client.wait_ready(timeout=60)
        assert str(excinfo.value) == TENSORFLOW_MISSING
        assert client.unavailable == TENSORFLOW_MISSING
        data = load_mnist("sample").limited(64, 10)
        with pytest.raises(WorkerError, match=r"^TensorFlow is not installed: pip install 'convnet-tui\[train\]'$"):
            client.train(mnist_convnet(), TrainConfig(epochs=1), data, lambda event: None)
    finally:
        client.close()
    assert client.pid is None


def test_a_dead_worker_fails_its_requests_in_one_line_and_the_next_request_starts_another() -> None:
    client = WorkerClient(NO_TENSORFLOW)
    try:
        client.warm_up()
        first = client.pid
        assert first in children()
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while client.started and time.monotonic() < deadline:
            time.sleep(0.01)
        with pytest.raises(WorkerError, match="TensorFlow is not installed"):
            client.wait_ready(timeout=60)  # a new worker answers
        assert client.pid not in (None, first)
    finally:
        client.close()
    assert client.pid is None
    with pytest.raises(WorkerError, match="shut down"):
        client.warm_up()


def test_closing_leaves_no_child_process() -> None:
    before = set(children())
    clients = [WorkerClient(NO_TENSORFLOW) for _ in range(2)]
    for client in clients:
        client.warm_up()
    assert len(set(children()) - before) == 2
    for client in clients:
        client.close()
    assert set(children()) - before == set()


def test_save_failures_name_the_file_in_plain_words_never_the_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "m.keras"
    read_only = OSError(errno.EROFS, "Read-only file system", str(tmp_path / ".m.keras.jc1nziyg.tmp.keras"))
    text = save_failure(read_only, str(target))
    assert text == f"{target}: read-only file system (in the folder {tmp_path})."
    assert ".tmp" not in text and "Errno" not in text
    foreign = RuntimeError(f"Unable to synchronously create file (name = '{tmp_path}/.m.keras.x1y2.tmp.keras')")
    text = save_failure(foreign, str(target))
    assert ".tmp" not in text and text.startswith(f"{target}: RuntimeError: Unable to synchronously create file")
    assert one_line(ValueError("first line\nsecond")) == "first line"


@pytest.mark.keras
@pytest.mark.training
def test_a_run_in_the_worker_streams_events_checks_saves_and_loads(tf_worker: WorkerClient, tmp_path: Path) -> None:
    data = load_mnist("sample").limited(256, 200)
    ready = tf_worker.wait_ready()
    assert ready.seconds > 0
    # what the training screen shows: the GPU's name when the [gpu] extra finds one, else the CPU's threads
    assert ready.device.startswith("GPU: ") or re.fullmatch(r"CPU, [1-9]\d* threads?", ready.device), ready.device
    events: list[TrainEvent] = []
    done = tf_worker.train(mnist_convnet(), TrainConfig(epochs=1, batch_size=64, seed=0), data, events.append)
    assert done.reason == "completed" and done.evaluation is not None and done.evaluation.samples == 200
    assert isinstance(events[0], TrainBegin) and isinstance(events[1], EpochBegin)
    assert sum(isinstance(e, BatchEnd) for e in events) == 4 and isinstance(events[-1], TrainEnd)
    # The weights that came back run in the numpy core as they ran in Keras.
    digit = data.x_test[0]
    ours = forward_pass(done.model.spec, list(done.model.weights))(to_model_inputs(digit[None])[0], intermediates=True)
    theirs = tf_worker.keras_layers(done.model, digit)
    assert len(theirs) == len(ours)
    assert max(float(np.max(np.abs(a - b))) for a, b in zip(ours, theirs, strict=True)) < 1e-4
    saved = tf_worker.save(done.model, str(tmp_path / "m.keras"))
    loaded = tf_worker.load(saved, data.x_test, data.y_test)
    assert loaded.evaluation is not None and done.evaluation is not None
    assert loaded.evaluation.accuracy == pytest.approx(done.evaluation.accuracy)
    assert all(np.array_equal(a, b) for a, b in zip(loaded.model.weights, done.model.weights, strict=True))
    with pytest.raises(WorkerError, match=r"^No such model file: "):
        tf_worker.load(str(tmp_path / "missing.keras"))


@pytest.mark.keras
@pytest.mark.training
def test_cancel_stops_at_the_next_batch_and_hands_back_that_batch(tf_worker: WorkerClient) -> None:
    data = load_mnist("sample").limited(640, 50)
    batches: list[BatchEnd] = []

    def on_event(event: TrainEvent) -> None:
        if isinstance(event, BatchEnd):
            batches.append(event)
            if len(batches) == 2:
                tf_worker.cancel()

    done = tf_worker.train(mnist_convnet(), TrainConfig(epochs=3, batch_size=32), data, on_event)
    assert done.reason == "cancelled" and done.evaluation is None
    last = batches[-1]
    assert done.stopped_at == (last.epoch, last.batch) and last.batch < last.steps
    assert f"epoch {last.epoch}, batch {last.batch}" in done.message


#: A worker that ignores its end: no reply, stdin closing, SIGTERM (a worker stuck in TensorFlow's import).
STUBBORN = [
    sys.executable,
    "-c",
    "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); sys.stdout.close(); time.sleep(60)",
]


def test_closing_a_stuck_worker_is_prompt_and_leaves_no_child_process() -> None:
    before = set(children())
    client = WorkerClient(STUBBORN)
    client.warm_up()
    assert len(set(children()) - before) == 1
    start = time.monotonic()
    client.close()
    assert time.monotonic() - start < 1.5  # was 3 s: the grace, then SIGTERM's, then SIGKILL
    assert set(children()) - before == set()


def test_an_idle_worker_ends_after_the_idle_time_and_the_next_request_starts_another() -> None:
    before = set(children())
    client = WorkerClient(NO_TENSORFLOW, idle_seconds=0.3)
    try:
        with pytest.raises(WorkerError, match="TensorFlow is not installed"):
            client.wait_ready(timeout=60)  # its answer came: nothing is asked of it from now on
        first = client.pid
        assert first is not None
        deadline = time.monotonic() + 10
        while client.idle_ends == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.idle_ends == 1 and client.pid is None and set(children()) - before == set()
        with pytest.raises(WorkerError, match="TensorFlow is not installed"):
            client.wait_ready(timeout=60)  # asked again: a new worker
        assert client.pid not in (None, first)
    finally:
        client.close()
    assert set(children()) - before == set()


def test_the_idle_time_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from tui_convnet.training.worker_client import ENV_IDLE, IDLE_SECONDS, idle_from_environment

    monkeypatch.setenv(ENV_IDLE, "30")
    assert idle_from_environment() == 30.0 and WorkerClient(NO_TENSORFLOW).idle_seconds == 30.0
    for unusable in ("", "soon", "-1", "nan", "inf"):
        monkeypatch.setenv(ENV_IDLE, unusable)
        assert idle_from_environment() == IDLE_SECONDS
    monkeypatch.setenv(ENV_IDLE, "0")  # never
    assert idle_from_environment() == 0.0


def fake_tensorflow(gpus: list[Any], details: dict[str, str] | None, intra_op_threads: int) -> Any:
    """The few calls ``device_line`` makes, answered as TensorFlow would on a machine with these devices."""

    def get_device_details(gpu: Any) -> dict[str, str]:
        if details is None:
            raise RuntimeError("no details for this device")
        return details

    return SimpleNamespace(
        config=SimpleNamespace(
            list_physical_devices=lambda kind: gpus if kind == "GPU" else [],
            experimental=SimpleNamespace(get_device_details=get_device_details),
            threading=SimpleNamespace(get_intra_op_parallelism_threads=lambda: intra_op_threads),
        )
    )


def test_the_device_line_names_the_gpu_or_the_cpu_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    gpu = SimpleNamespace(name="/physical_device:GPU:0")
    a100 = fake_tensorflow([gpu], {"device_name": "NVIDIA A100-SXM4-40GB"}, 0)
    assert device_line(a100) == "GPU: NVIDIA A100-SXM4-40GB"
    two = fake_tensorflow([gpu, SimpleNamespace(name="/physical_device:GPU:1")], {"device_name": "NVIDIA T4"}, 0)
    assert device_line(two) == "GPU: NVIDIA T4, NVIDIA T4"
    assert device_line(fake_tensorflow([gpu], None, 0)) == "GPU: /physical_device:GPU:0"  # no details: its name
    assert device_line(fake_tensorflow([], None, 4)) == "CPU, 4 threads"
    assert device_line(fake_tensorflow([], None, 1)) == "CPU, 1 thread"
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert device_line(fake_tensorflow([], None, 0)) == "CPU, 2 threads"  # TensorFlow's default: one per core
