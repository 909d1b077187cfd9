"""The inspect screen's thread workers: read a model, predict the test set, ask Keras to check, open a file.

Each function runs in a Textual thread worker and reaches the screen only through ``post`` (its
``post_message``); TensorFlow work runs in the worker process (:mod:`tui_convnet.training.worker_client`).
Anything unexpected becomes a :class:`~.messages.Failed` line on screen, never a dead app.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from textual.message import Message
from textual.worker import get_current_worker

from ..common.messages import ModelReady
from .messages import Failed, LayerCheck, PredictionsDone, Prepared

if TYPE_CHECKING:
    from ...data.image_sets import ImageSet
    from ...data.mnist import MnistData
    from ...model.model import Model
    from ...training.inspector import ModelInspector

#: Posts a message (a screen's or the app's ``post_message``; safe from any thread).
Post = Callable[[Message], object]

#: Test digits per chunk of the test-set predictions (the worker stops between chunks when cancelled).
PREDICT_CHUNK = 256

#: The test-set predictions made in this process, by :func:`_fingerprint` (a model's answers on the same
#: digits never change): a model shown again (the bundled one after the session's, or in another app of the
#: same process, as the test suite starts hundreds) reads them instead of predicting every digit again
#: (the bundled model's 10,000 test digits: about 2 s of a core). A few models' worth (80 kB each).
_PREDICTED: dict[bytes, np.ndarray] = {}
_PREDICTIONS_KEPT = 4
_PREDICTED_LOCK = threading.Lock()


def _fingerprint(inspector: ModelInspector, x: np.ndarray) -> bytes:
    """A digest of everything the numpy predictions depend on: the spec, every weight and the digits."""
    import hashlib  # (loads OpenSSL: not on the key that opens the screen)

    digest = hashlib.blake2b(repr(inspector.spec).encode(), digest_size=20)
    for array in (*inspector.weights, x):
        digest.update(f"{array.dtype}{array.shape}".encode())
        digest.update(np.ascontiguousarray(array).data)
    return digest.digest()


def prepare_bundled(post: Post, generation: int) -> None:
    """The bundled model, read with numpy only (no TensorFlow), checked by Keras only on request."""
    try:
        from ...model.bundled import ModelAssetError, load_bundled_model

        try:
            bundled = load_bundled_model()
        except ModelAssetError as exc:
            post(Failed(f"No bundled model: {exc}"))
            return
        _prepare(post, bundled, None, bundled.accuracies, False, generation)
    except Exception as exc:  # anything unexpected: a message on screen, never a dead app
        post(Failed(f"Cannot inspect the bundled model: {type(exc).__name__}: {exc}"))


def prepare(post: Post, ready: ModelReady, generation: int) -> None:
    """A model of the session (trained, or read by the TensorFlow worker): Keras checks every digit."""
    try:
        in_worker = bool(ready.model.key)  # the worker holds its Keras model: Keras checks it at once
        _prepare(post, ready.model, ready.data, ready.model.label, in_worker, generation)
    except Exception as exc:  # anything unexpected: a message on screen, never a dead app
        post(Failed(f"Cannot inspect this model: {type(exc).__name__}: {exc}"))


def _prepare(post: Post, model: Model, data: MnistData | None, source: str, keras_check: bool, generation: int) -> None:
    from ...training.inspector import ModelInspector

    try:
        inspector = ModelInspector(model)
    except ValueError as exc:
        post(Failed(f"Cannot inspect this model: {exc}"))
        return
    if data is None:
        from ...data.mnist import DataError, load_mnist

        try:
            data = load_mnist("auto", download=False)
        except DataError as exc:
            post(Failed(str(exc)))
            return
    worker = get_current_worker()
    if worker.is_cancelled:  # a newer model arrived meanwhile
        return
    post(Prepared(inspector, data, source, keras_check, generation))
    start = time.perf_counter()
    fingerprint = _fingerprint(inspector, data.x_test)
    if (known := _PREDICTED.get(fingerprint)) is not None:
        post(PredictionsDone(inspector, known, time.perf_counter() - start))
        return
    chunks = []
    for first in range(0, len(data.x_test), PREDICT_CHUNK):  # a newer model or closing the app stops it
        if worker.is_cancelled:
            return
        chunks.append(inspector.predict(data.x_test[first : first + PREDICT_CHUNK], "numpy"))
    predicted = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
    predicted.flags.writeable = False  # shared by every screen that shows this model on these digits
    with _PREDICTED_LOCK:  # two thread workers (a model replaced while predicting) may finish together
        while len(_PREDICTED) >= _PREDICTIONS_KEPT:
            del _PREDICTED[next(iter(_PREDICTED))]  # the oldest
        _PREDICTED[fingerprint] = predicted
    if not worker.is_cancelled:
        post(PredictionsDone(inspector, predicted, time.perf_counter() - start))


def check(post: Post, inspector: ModelInspector, index: int, digit: np.ndarray, outputs: list[np.ndarray]) -> None:
    """Keras computes the same layers in the TensorFlow worker process; the screen gets the differences."""
    from ...training.protocol import ModelRef
    from ...training.worker_client import WorkerError, shared_client

    model: Model = inspector.model
    ref = ModelRef(inspector.spec, tuple(inspector.weights), inspector.spec.name, model.key)
    try:
        comparisons = inspector.compare(digit, outputs, keras_outputs=shared_client().keras_layers(ref, digit))
    except WorkerError as exc:  # one line already ("TensorFlow is not installed: …")
        post(LayerCheck(inspector, index, None, str(exc)))
        return
    except Exception as exc:  # the worker's one line (or a shape that differs): the screen says so, not crash
        post(LayerCheck(inspector, index, None, f"{type(exc).__name__}: {exc}"))
        return
    post(LayerCheck(inspector, index, [c.max_abs_diff for c in comparisons]))


def load(post: Post, post_app: Post, path: str, images: ImageSet | None = None) -> None:
    """A ``.keras`` file, read by the TensorFlow worker; the app gets it as the session's model, with the test
    digits (or the test images of ``images``, the app's other image set, when the model reads those)."""
    from ...util.fileio import PathError, user_path

    try:  # a path that names no file is refused before the TensorFlow worker is asked to read it
        if not user_path(path, "model path").is_file():
            post(Failed(f"No such model file: {path}"))
            return
    except (PathError, OSError) as exc:
        post(Failed(str(exc)))
        return
    from ...data.image_sets import test_set_for
    from ...data.mnist import DataError, load_mnist
    from ...training.worker_client import WorkerError, shared_client

    try:
        loaded = shared_client().load(path)  # read, and refused if this screen cannot show it, by the worker
        data = test_set_for(loaded.model.spec, images) or load_mnist("auto", download=False)
    except (WorkerError, DataError) as exc:
        post(Failed(str(exc)))
        return
    from ..common.session_model import session_model

    post_app(ModelReady(session_model(loaded.model, path), data))
