"""The TensorFlow worker: the one process of the app that imports TensorFlow, run as
``python -m tui_convnet.training.worker`` by :class:`~tui_convnet.training.worker_client.WorkerClient`.

It reads :mod:`~tui_convnet.training.protocol` requests on stdin and writes replies on stdout (its own
stdout goes to stderr, so that nothing TensorFlow prints can break a frame). A training run has a
thread of its own and streams its events as they happen; the other requests (warm-up, evaluations,
Keras' layers, saves, loads) are served one at a time by a second thread, so the inspect screen's Keras
check answers while a model trains. A cancel stops the run at the end of its current batch. The whole
process runs at a lower CPU priority than the interface, and ends as soon as its stdin closes (the
interface quit, or was killed): nothing is left running.

Every failure is one line (:class:`~tui_convnet.training.protocol.Failure`), never a traceback; when
TensorFlow is not installed that line is :data:`~tui_convnet.training.protocol.TENSORFLOW_MISSING`.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import queue
import re
import signal
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from ..util.fileio import finish_writes
from . import protocol as wire
from .protocol import (
    TENSORFLOW_MISSING,
    Envelope,
    Event,
    Failure,
    Loaded,
    ModelRef,
    Ready,
    Reply,
    Response,
    TrainDone,
)

#: The worker's nice value: when the interface and a training run both want a core, the interface wins.
NICENESS = 10
#: Keras models the worker keeps for saving and checking (the newest runs and files).
KEPT_MODELS = 4


class Unavailable(Exception):
    """TensorFlow cannot be used in this worker; the message is one line."""


def one_line(exc: BaseException) -> str:
    """An exception as one line for people: our own ``ValueError`` messages as they are, others with their type."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else ""
    if isinstance(exc, (Unavailable, ValueError)) and first:
        return first[:500]
    return f"{type(exc).__name__}: {first[:400]}" if first else type(exc).__name__


def save_failure(exc: BaseException, path: str) -> str:
    """Why a save failed, in plain words, naming the file asked for (never the hidden temporary file)."""
    from ..util.fileio import os_reason

    target = Path(path).expanduser()
    if isinstance(exc, OSError):
        return f"{target}: {os_reason(exc)} (in the folder {target.parent})."
    text = one_line(exc)
    # Keras and h5py quote the temporary file they were writing: name the file the user asked for instead.
    text = re.sub(r"[^\s'\"]*\." + re.escape(target.name) + r"\.[^\s'\"/]*\.tmp\.keras", str(target), text)
    return text if isinstance(exc, ValueError) else f"{target}: {text}"


def device_line(tf: Any) -> str:
    """What training runs on: ``GPU: NVIDIA …`` when TensorFlow sees one, else ``CPU, 2 threads``."""
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        names = []
        for gpu in gpus:
            try:
                names.append(str(tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name)))
            except Exception:  # details are optional: the device's own name will do
                names.append(str(gpu.name))
        return "GPU: " + ", ".join(names)
    threads = tf.config.threading.get_intra_op_parallelism_threads() or _cores()
    return f"CPU, {threads} thread{'s' if threads != 1 else ''}"


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _fingerprint(weights: tuple[np.ndarray, ...]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for w in weights:
        a = np.ascontiguousarray(w)
        digest.update(str((a.shape, a.dtype.str)).encode())
        digest.update(a.tobytes())
    return digest.hexdigest()


class Service:
    """Serves requests; ``send`` delivers a reply (it is called from the service's threads, one at a time)."""

    def __init__(self, send: Callable[[Response], None]) -> None:
        self._send_lock = threading.Lock()
        self._send_raw = send
        self.cancel = threading.Event()
        self._jobs: queue.Queue[Envelope | None] = queue.Queue()
        self._training: threading.Thread | None = None
        self._import_lock = threading.Lock()
        self._ready: Ready | None = None
        self._unavailable: str | None = None
        self._models: OrderedDict[int, Any] = OrderedDict()
        self._extractors: OrderedDict[object, Any] = OrderedDict()
        self._keys = itertools.count(1)

    def send(self, response: Response) -> None:
        with self._send_lock:
            self._send_raw(response)

    # ------------------------------------------------------------------ the loop

    def serve(self, read: Callable[[], object]) -> None:
        """Read requests until the pipe closes or a ``Shutdown``; a training run is cancelled at the end."""
        jobs = threading.Thread(target=self._work, name="worker-jobs", daemon=True)
        jobs.start()
        try:
            while True:
                try:
                    envelope = read()
                except EOFError:
                    return
                assert isinstance(envelope, Envelope)
                request = envelope.request
                if isinstance(request, wire.Cancel):
                    self.cancel.set()
                elif isinstance(request, wire.Shutdown):
                    return
                elif isinstance(request, wire.Train):
                    self._start_training(envelope.number, request)
                else:
                    self._jobs.put(envelope)
        finally:
            self.cancel.set()
            self._jobs.put(None)

    def _work(self) -> None:
        while (envelope := self._jobs.get()) is not None:
            self._answer(envelope.number, partial(self._handle, envelope.request))

    def _answer(self, number: int, compute: Callable[[], object]) -> None:
        try:
            value = compute()
        except Exception as exc:  # every failure is one line for the interface; the worker keeps serving
            self.send(Failure(number, one_line(exc), type(exc).__name__))
            return
        self.send(Reply(number, value))

    def _handle(self, request: object) -> object:
        if isinstance(request, wire.WarmUp):
            return self.warm_up()
        if isinstance(request, wire.Evaluate):
            from .evaluate import evaluate_model

            return evaluate_model(self._keras_model(request.model), request.x_test, request.y_test)
        if isinstance(request, wire.KerasLayers):
            return self._keras_layers(request.model, request.digit)
        if isinstance(request, wire.Save):
            return self._save(request)
        if isinstance(request, wire.Load):
            return self._load(request)
        raise ValueError(f"Unknown request. Received: request={type(request).__name__}")

    # ------------------------------------------------------------------ TensorFlow

    def warm_up(self) -> Ready:
        """Import TensorFlow (once); :class:`Unavailable` with one line when it cannot be."""
        with self._import_lock:
            if self._unavailable is not None:
                raise Unavailable(self._unavailable)
            if self._ready is None:
                started = time.perf_counter()
                try:
                    tf = self._import_tensorflow()
                except ImportError as exc:
                    name = getattr(exc, "name", "") or ""
                    from .tf_env import TensorFlowMissing

                    missing = isinstance(exc, TensorFlowMissing) or (
                        isinstance(exc, ModuleNotFoundError) and name.split(".")[0] in ("tensorflow", "keras")
                    )
                    self._unavailable = TENSORFLOW_MISSING if missing else f"TensorFlow could not be imported: {exc}"
                    raise Unavailable(self._unavailable) from None
                except Exception as exc:  # a broken install: one line, not a traceback
                    self._unavailable = f"TensorFlow could not be imported: {one_line(exc)}"
                    raise Unavailable(self._unavailable) from None
                self._ready = Ready(time.perf_counter() - started, device_line(tf))
            return self._ready

    @staticmethod
    def _import_tensorflow() -> ModuleType:
        from . import trainer  # noqa: F401  (TensorFlow and Keras, quietly: tf_env)

        tf: ModuleType = sys.modules["tensorflow"]
        return tf

    def _keep(self, model: Any, class_names: tuple[str, ...] = ()) -> ModelRef:
        from .model import spec_from_model

        key = next(self._keys)
        self._models[key] = model
        while len(self._models) > KEPT_MODELS:
            self._models.popitem(last=False)
        spec = spec_from_model(model)
        weights = tuple(np.asarray(w) for w in model.get_weights())
        return ModelRef(spec, weights, spec.name, key, class_names)

    def _keras_model(self, ref: ModelRef) -> Any:
        self.warm_up()
        model = self._models.get(ref.key) if ref.key else None
        if model is None:
            from .model import build_model

            model = build_model(ref.spec, seed=None)
            model.set_weights(list(ref.weights))
        return model

    def _keras_layers(self, ref: ModelRef, digit: np.ndarray) -> list[np.ndarray]:
        from .inspector import ModelInspector

        key: object = ref.key or _fingerprint(ref.weights)
        extractor = self._extractors.get(key)
        if extractor is None:
            from .tf_env import import_keras

            keras = import_keras()
            model = self._keras_model(ref)
            extractor = keras.Model(model.inputs[0], [layer.output for layer in model.layers], name="layer_outputs")
            self._extractors[key] = extractor
            while len(self._extractors) > KEPT_MODELS:
                self._extractors.popitem(last=False)
        x = ModelInspector.model_input(digit)[None]
        outs = extractor(x, training=False)
        if not isinstance(outs, (list, tuple)):
            outs = [outs]
        return [np.asarray(o)[0] for o in outs]

    def _save(self, request: wire.Save) -> str:
        model = self._keras_model(request.model)
        from .model import save_model_atomic

        try:
            return str(save_model_atomic(model, request.path, request.model.class_names))
        except Exception as exc:  # the reason in plain words, with the file asked for
            raise ValueError(save_failure(exc, request.path)) from None

    def _load(self, request: wire.Load) -> Loaded:
        self.warm_up()
        from ..data.image_sets import read_model_classes
        from .evaluate import evaluate_model
        from .inspector import ModelInspector, check_images
        from .model import load_model_safe

        model = load_model_safe(request.path)
        ref = self._keep(model, read_model_classes(request.path, int(model.output_shape[-1])))
        ModelInspector(ref)  # refuse what the screens cannot run
        evaluation = None
        if request.x_test is not None and request.y_test is not None:
            check_images(ref.spec, request.x_test)  # an RGB model and the screen's digits: one line, not Keras'
            try:
                evaluation = evaluate_model(model, request.x_test, request.y_test)
            except Exception as exc:  # Keras raises many types
                raise ValueError(f"Loaded, but the evaluation failed: {one_line(exc)}") from None
        return Loaded(ref, evaluation, str(Path(request.path).expanduser()))

    # ------------------------------------------------------------------ training

    def _start_training(self, number: int, request: wire.Train) -> None:
        if self._training is not None and self._training.is_alive():
            self.send(Failure(number, "A model is training already: cancel it first.", "Busy"))
            return
        self.cancel.clear()
        self._training = threading.Thread(
            target=self._answer, args=(number, lambda: self._train(number, request)), name="worker-train", daemon=True
        )
        self._training.start()

    def _train(self, number: int, request: wire.Train) -> TrainDone:
        self.warm_up()
        from . import trainer

        def on_event(event: Any) -> None:
            self.send(Event(number, event))

        result = trainer.train(request.spec, request.data, request.config, on_event, self.cancel)
        return TrainDone(
            model=self._keep(result.model, request.data.class_names),
            reason=result.reason,
            message=result.message,
            history=tuple(result.history),
            evaluation=result.evaluation,
            train_samples=result.train_samples,
            val_samples=result.val_samples,
            seconds=result.seconds,
            samples_per_second=result.samples_per_second,
            stopped_at=result.stopped_at,
            fit_seconds=result.fit_seconds,
        )


def main() -> None:
    """Serve requests on stdin/stdout until stdin closes; then end at once (TensorFlow's threads included)."""
    from .protocol import read_frame, write_frame

    replies = os.fdopen(os.dup(1), "wb")  # the protocol's own descriptor …
    os.dup2(2, 1)  # … and whatever TensorFlow or Keras print goes to stderr instead
    sys.stdout = sys.stderr
    with contextlib.suppress(OSError, AttributeError):
        os.nice(NICENESS)
    requests = sys.stdin.buffer
    service = Service(lambda response: write_frame(replies, response))
    # os._exit skips atexit: a save under way is finished here, or its temporary file would be left behind
    # (the app quitting, or a SIGTERM, while a model is saved).
    signal.signal(signal.SIGTERM, _end_on_sigterm)
    try:
        service.serve(lambda: read_frame(requests))
    finally:
        finish_writes()
        with contextlib.suppress(OSError, ValueError):
            replies.flush()
        os._exit(0)


def _end_on_sigterm(signum: int, frame: object) -> None:
    finish_writes()
    os._exit(128 + signum)


if __name__ == "__main__":
    main()
