"""The interface's side of the TensorFlow worker: start it when first needed, ask it, end it.

:class:`WorkerClient` starts ``python -m tui_convnet.training.worker`` the first time something needs
TensorFlow (:meth:`~WorkerClient.warm_up` starts it early, in the background), sends it the requests
of :mod:`.protocol` and hands back the replies. Its methods block the calling thread until the answer
is in: call them from a thread worker, never from the interface's event loop. A training run's events
reach ``on_event`` (in the client's reader thread) as they happen. Every failure is a
:class:`WorkerError` whose message is one line; if the worker process dies, the requests waiting on it
fail with a line saying so, and the next request starts a new one.

:func:`shared_client` is the process's one client (the app's screens share it); :func:`close_shared`
ends its worker (the app calls it as it exits; ``atexit`` too). When the interface process dies
without a word, the worker sees its stdin close and ends by itself.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core import ModelSpec
from ..data.mnist import MnistData
from .evaluate import Evaluation
from .events import TrainConfig, TrainEvent
from .protocol import (
    Cancel,
    Envelope,
    Evaluate,
    Event,
    Failure,
    KerasLayers,
    Load,
    Loaded,
    ModelRef,
    Ready,
    Reply,
    Request,
    Save,
    Shutdown,
    Train,
    TrainDone,
    WarmUp,
)
from .worker_channels import Channel, ProcessChannel, ThreadChannel

#: What the first start-up is expected to take before one has been measured (TensorFlow's import on two
#: busy cores: 5-10 s). Shown as "about N s" while a run waits for it.
EXPECTED_STARTUP = 8.0
#: Seconds the worker gets to end by itself before it is terminated (SIGTERM: a save under way is finished),
#: and again before it is killed: quitting the app waits for it at most twice this.
SHUTDOWN_GRACE = 0.5
#: Seconds without a request after which the worker ends (its memory, TensorFlow's included, is freed; the next
#: request starts another). ``CONVNET_TUI_WORKER_IDLE`` changes it (seconds; 0: never).
IDLE_SECONDS = 600.0
ENV_IDLE = "CONVNET_TUI_WORKER_IDLE"


#: As the command: serve in a thread of this process (tests only: it imports TensorFlow here).
IN_PROCESS = "in-process"


class WorkerError(Exception):
    """A request the TensorFlow worker could not do; the message is one line for people."""


@dataclass
class _Pending:
    done: threading.Event = field(default_factory=threading.Event)
    value: Any = None
    error: str | None = None
    on_event: Callable[[TrainEvent], None] | None = None


def worker_command() -> list[str]:
    """The worker's command line: this Python, the worker module."""
    return [sys.executable, "-m", "tui_convnet.training.worker"]


class WorkerClient:
    """One TensorFlow worker process, started lazily, restarted after a crash, ended by :meth:`close`.

    ``command`` replaces the worker's command line (tests hide TensorFlow from it this way);
    ``[IN_PROCESS]`` serves the requests in a thread of this process instead (tests that script Keras).
    """

    def __init__(self, command: Sequence[str] | None = None, *, idle_seconds: float | None = None) -> None:
        self._command = list(command) if command is not None else worker_command()
        #: Seconds without a request after which the worker ends (0: never); it starts again when asked.
        self.idle_seconds = idle_seconds if idle_seconds is not None else idle_from_environment()
        self._idle_timer: threading.Timer | None = None
        #: Workers this client ended because they were idle.
        self.idle_ends = 0
        self._lock = threading.Lock()  # the channel, the pending table, writes to the pipe
        self._channel: Channel | None = None
        self._pending: dict[int, _Pending] = {}
        self._numbers = itertools.count(1)
        self._warm_up: _Pending | None = None
        self._started_at = 0.0
        self._closed = False
        self.ready: Ready | None = None
        #: Why TensorFlow cannot be used (one line), once the worker has said so.
        self.unavailable: str | None = None
        #: Seconds the last start-up took (None until one has been measured).
        self.startup_seconds: float | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def pid(self) -> int | None:
        """The worker's process id while it runs."""
        channel = self._channel
        return channel.pid if channel is not None and channel.alive else None

    @property
    def started(self) -> bool:
        channel = self._channel
        return channel is not None and channel.alive

    def warm_up(self) -> None:
        """Start the worker and its TensorFlow import now, without waiting (the training screen calls this as
        it opens)."""
        with self._lock:
            self._ensure_started()

    def wait_ready(self, timeout: float | None = None) -> Ready:
        """Block until TensorFlow is imported in the worker (starting it if needed): its :class:`Ready`."""
        with self._lock:
            self._ensure_started()
            pending = self._warm_up
        assert pending is not None
        ready: Ready = self._wait(pending, timeout)
        return ready

    def seconds_left(self) -> float:
        """About how long until the worker is ready (0 when it is): the measured start-up, else the expected one."""
        if self.ready is not None:
            return 0.0
        expected = self.startup_seconds or EXPECTED_STARTUP
        elapsed = time.monotonic() - self._started_at if self._started_at else 0.0
        return max(1.0, expected - elapsed)

    def _ensure_started(self) -> None:
        """Start the worker if none runs (the caller holds the lock)."""
        if self._closed:
            raise WorkerError("The TensorFlow worker was shut down.")
        if self._channel is not None and self._channel.alive:
            return
        self.ready = None
        self._started_at = time.monotonic()
        if self._command == [IN_PROCESS]:
            channel: Channel = ThreadChannel()
        else:
            try:
                channel = ProcessChannel(self._command)
            except OSError as exc:
                raise WorkerError(f"The TensorFlow worker could not start: {exc}") from None
        self._channel = channel
        threading.Thread(target=self._read, args=(channel,), name="tf-worker-replies", daemon=True).start()
        self._warm_up = self._submit_locked(WarmUp(), None)

    def close(self, timeout: float = SHUTDOWN_GRACE) -> None:
        """End the worker: ask, then close its input, then terminate, then kill; never leaves it running.
        Idempotent; no request can start another worker afterwards."""
        with self._lock:
            self._closed = True
            self._stop_idle_timer()
            channel = self._channel
            if channel is None:
                return
            with contextlib.suppress(OSError, ValueError):
                channel.send(Envelope(next(self._numbers), Shutdown()))
        channel.end(timeout)

    # ------------------------------------------------------------------ the idle timeout

    def _stop_idle_timer(self) -> None:
        """(The caller holds the lock.)"""
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None

    def _start_idle_timer(self) -> None:
        """Nothing is asked of the worker now: end it after :attr:`idle_seconds` unless asked again (lock held)."""
        self._stop_idle_timer()
        if self.idle_seconds > 0 and not self._closed and self._channel is not None:
            timer = threading.Timer(self.idle_seconds, self._end_if_idle, args=(self._channel,))
            timer.daemon = True
            timer.name = "tf-worker-idle"
            self._idle_timer = timer
            timer.start()

    def _end_if_idle(self, channel: Channel) -> None:
        with self._lock:
            if self._closed or self._channel is not channel or self._pending:
                return  # closed, replaced, or asked again meanwhile
            self._channel, self.ready, self._idle_timer = None, None, None
            self.idle_ends += 1
            with contextlib.suppress(OSError, ValueError):
                channel.send(Envelope(next(self._numbers), Shutdown()))
        channel.end(SHUTDOWN_GRACE)

    # ------------------------------------------------------------------ requests

    def _submit_locked(self, request: Request, on_event: Callable[[TrainEvent], None] | None) -> _Pending:
        self._stop_idle_timer()
        number = next(self._numbers)
        pending = _Pending(on_event=on_event)
        self._pending[number] = pending
        try:
            assert self._channel is not None
            self._channel.send(Envelope(number, request))
        except (OSError, ValueError):
            self._pending.pop(number, None)
            raise WorkerError(self._died_message()) from None
        return pending

    def request(
        self, request: Request, on_event: Callable[[TrainEvent], None] | None = None, timeout: float | None = None
    ) -> Any:
        """Send ``request`` (starting the worker if needed) and wait for its answer; :class:`WorkerError` if it
        fails."""
        with self._lock:
            self._ensure_started()
            pending = self._submit_locked(request, on_event)
        return self._wait(pending, timeout)

    def _wait(self, pending: _Pending, timeout: float | None) -> Any:
        if not pending.done.wait(timeout):
            raise WorkerError(f"The TensorFlow worker did not answer within {timeout:g} s.")
        if pending.error is not None:
            raise WorkerError(pending.error)
        return pending.value

    def train(
        self, spec: ModelSpec, config: TrainConfig, data: MnistData, on_event: Callable[[TrainEvent], None]
    ) -> TrainDone:
        """Train in the worker; events reach ``on_event`` as they happen. :meth:`cancel` stops it."""
        done: TrainDone = self.request(Train(spec, config, data), on_event)
        return done

    def cancel(self) -> None:
        """Stop the running training at the end of its current batch (nothing happens when none runs)."""
        with self._lock:
            if self._channel is None or not self._channel.alive:
                return
            with contextlib.suppress(OSError, ValueError):
                self._channel.send(Envelope(next(self._numbers), Cancel()))

    def evaluate(self, model: ModelRef, x_test: np.ndarray, y_test: np.ndarray) -> Evaluation:
        """The test-set evaluation of ``model``, computed by Keras."""
        evaluation: Evaluation = self.request(Evaluate(model, x_test, y_test))
        return evaluation

    def keras_layers(self, model: ModelRef, digit: np.ndarray) -> list[np.ndarray]:
        """Every layer's output for one uint8 digit, computed by Keras."""
        layers: list[np.ndarray] = self.request(KerasLayers(model, np.asarray(digit)))
        return layers

    def save(self, model: ModelRef, path: str) -> str:
        """Save ``model`` to ``path`` (``.keras``, atomically): the path written."""
        saved: str = self.request(Save(model, path))
        return saved

    def load(self, path: str, x_test: np.ndarray | None = None, y_test: np.ndarray | None = None) -> Loaded:
        """Read a ``.keras`` file (safe mode) and evaluate it on the digits given."""
        loaded: Loaded = self.request(Load(path, x_test, y_test))
        return loaded

    # ------------------------------------------------------------------ replies (reader thread)

    def _read(self, channel: Channel) -> None:
        while True:
            try:
                response = channel.recv()
            except (EOFError, OSError, ValueError):
                break
            except Exception:  # a frame that does not unpickle: the pipe is out of step, the worker unusable
                channel.end(0.0)
                break
            self._deliver(response)
        code = channel.wait()
        with self._lock:
            if self._channel is channel:
                orphans, self._pending = self._pending, {}
            else:
                orphans = {}
        message = self._died_message(code, channel.last_words())
        for pending in orphans.values():
            pending.error = message
            pending.done.set()

    def _deliver(self, response: object) -> None:
        if isinstance(response, Event):
            pending = self._pending.get(response.number)
            if pending is not None and pending.on_event is not None:
                with contextlib.suppress(Exception):  # a receiver's error must not stop the replies
                    pending.on_event(response.event)
            return
        if not isinstance(response, (Reply, Failure)):
            return
        with self._lock:
            pending = self._pending.pop(response.number, None)
            if not self._pending:
                self._start_idle_timer()
        if pending is None:
            return
        if isinstance(response, Failure):
            pending.error = response.message
            if pending is self._warm_up:
                self.unavailable = response.message
        else:
            pending.value = response.value
            if isinstance(response.value, Ready):
                self.ready = response.value
                self.unavailable = None
                self.startup_seconds = time.monotonic() - self._started_at
        pending.done.set()

    def _died_message(self, code: int | None = None, last_words: str = "") -> str:
        if self._closed:
            return "The TensorFlow worker was shut down."
        why = f": {last_words[:200]}" if last_words else ""
        how = f" (exit code {code})" if code is not None else ""
        return f"The TensorFlow worker stopped unexpectedly{how}{why}. The next request starts a new one."


def idle_from_environment() -> float:
    """The idle timeout: ``CONVNET_TUI_WORKER_IDLE`` seconds if set to a number >= 0, else :data:`IDLE_SECONDS`."""
    text = os.environ.get(ENV_IDLE, "").strip()
    try:
        value = float(text)
    except ValueError:
        return IDLE_SECONDS
    return value if math.isfinite(value) and value >= 0 else IDLE_SECONDS


_shared: list[WorkerClient] = []
_shared_lock = threading.Lock()


def shared_client() -> WorkerClient:
    """This process's worker client (made the first time it is asked for; its worker starts when first needed)."""
    with _shared_lock:
        if not _shared:
            _shared.append(WorkerClient())
        return _shared[0]


def set_shared_client(client: WorkerClient | None) -> WorkerClient | None:
    """Make ``client`` the process's shared client (None: the next :func:`shared_client` makes one); returns the
    one it replaces, which is not closed (tests share one worker between apps this way)."""
    with _shared_lock:
        old = _shared[0] if _shared else None
        _shared.clear()
        if client is not None:
            _shared.append(client)
        return old


def close_shared() -> None:
    """End this process's worker, if one was started (the app exits; atexit)."""
    with _shared_lock:
        clients = list(_shared)
        _shared.clear()
    for client in clients:
        client.close()


atexit.register(close_shared)

__all__ = [
    "ENV_IDLE",
    "EXPECTED_STARTUP",
    "IDLE_SECONDS",
    "IN_PROCESS",
    "WorkerClient",
    "WorkerError",
    "close_shared",
    "idle_from_environment",
    "set_shared_client",
    "shared_client",
    "worker_command",
]
