"""What the interface and the TensorFlow worker process say to each other: typed requests and replies.

The interface never imports TensorFlow: it sends these dataclasses to the worker
(:mod:`tui_convnet.training.worker`) and gets replies back, through
:class:`tui_convnet.training.worker_client.WorkerClient`. Everything here is
plain data (numpy arrays, the core's :class:`~tui_convnet.core.ModelSpec`,
the events of :mod:`.events`), so it pickles, and nothing here imports Keras.

A model crosses as a :class:`ModelRef`: its spec, its weights in
``model.get_weights()`` order, and the worker's key for the Keras model it
still holds (so that saving keeps the optimizer's state). Keras is never
needed to read one: the numpy engine runs it as it is.

Frames on the pipe: an 8-byte big-endian length, then the pickled object.
"""

from __future__ import annotations

import pickle
import struct
from dataclasses import dataclass
from typing import IO, Any

import numpy as np

from ..core import ModelSpec
from ..data.mnist import MnistData
from .evaluate import Evaluation
from .events import EpochEnd, TrainConfig, TrainEvent

#: The one line the worker answers with when TensorFlow is missing (TensorFlow is an optional extra).
TENSORFLOW_MISSING = "TensorFlow is not installed: pip install 'convnet-tui[train]'"

_LENGTH = struct.Struct(">Q")


@dataclass(frozen=True, eq=False)
class ModelRef:
    """A model as the interface holds it: the spec, the weights, and the worker's key for its Keras model.

    ``key`` is 0 for a model the worker never held (the bundled model, a model given as numpy weights):
    the worker builds it from the spec and the weights when Keras needs it. The screens turn it into the one
    model type, :class:`tui_convnet.model.model.Model` (``ui/common/session_model.py``), and run it with the
    numpy engine.
    """

    spec: ModelSpec
    weights: tuple[np.ndarray, ...]
    name: str = ""
    key: int = 0
    #: The class names of a model trained on another image set (saved in its ``.keras`` file); empty: MNIST.
    class_names: tuple[str, ...] = ()


# ---------------------------------------------------------------------- requests (interface → worker)


@dataclass(frozen=True)
class WarmUp:
    """Import TensorFlow now; the reply is :class:`Ready`."""


@dataclass(frozen=True, eq=False)
class Train:
    """Train ``spec`` on ``data`` (an :class:`~tui_convnet.data.mnist.MnistData`, limited as the form says);
    :class:`Event` replies stream, then the reply is a :class:`TrainDone`."""

    spec: ModelSpec
    config: TrainConfig
    data: MnistData


@dataclass(frozen=True)
class Cancel:
    """Stop the running training at the end of its current batch (answered by the run's own end)."""


@dataclass(frozen=True, eq=False)
class Evaluate:
    """The test-set :class:`~tui_convnet.training.evaluate.Evaluation` of ``model``, computed by Keras."""

    model: ModelRef
    x_test: np.ndarray
    y_test: np.ndarray


@dataclass(frozen=True, eq=False)
class KerasLayers:
    """Every layer's output for one uint8 ``(28, 28)`` digit, computed by Keras (inference mode)."""

    model: ModelRef
    digit: np.ndarray


@dataclass(frozen=True, eq=False)
class Save:
    """Save ``model`` to the ``.keras`` file ``path`` (atomically); the reply is the path written."""

    model: ModelRef
    path: str


@dataclass(frozen=True, eq=False)
class Load:
    """Load a ``.keras`` file in safe mode, check it classifies MNIST digits, evaluate it when digits are given."""

    path: str
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None


@dataclass(frozen=True)
class Shutdown:
    """End the worker (a running training is cancelled first)."""


Request = WarmUp | Train | Cancel | Evaluate | KerasLayers | Save | Load | Shutdown


@dataclass(frozen=True)
class Envelope:
    """A request with the number its replies carry."""

    number: int
    request: Request


# ---------------------------------------------------------------------- replies (worker → interface)


@dataclass(frozen=True)
class Ready:
    """TensorFlow is imported: how long it took and what it computes on (``GPU: …`` or ``CPU, 2 threads``)."""

    seconds: float
    device: str


@dataclass(frozen=True, eq=False)
class Event:
    """One training event of the run that request ``number`` started."""

    number: int
    event: TrainEvent


@dataclass(frozen=True, eq=False)
class TrainDone:
    """How a run ended, with its model (trained as far as it got: a cancelled run's weights are those of its
    last completed batch, ``stopped_at``)."""

    model: ModelRef
    reason: str  # "completed" | "cancelled" | "nan"
    message: str
    history: tuple[EpochEnd, ...] = ()
    evaluation: Evaluation | None = None
    train_samples: int = 0
    val_samples: int = 0
    seconds: float = 0.0
    samples_per_second: float = 0.0
    stopped_at: tuple[int, int] | None = None
    fit_seconds: float = 0.0  # wall time of the whole ``model.fit`` call in the worker


@dataclass(frozen=True, eq=False)
class Loaded:
    """A model read from a file, and its evaluation (None when no digits were given)."""

    model: ModelRef
    evaluation: Evaluation | None
    path: str


@dataclass(frozen=True, eq=False)
class Reply:
    """The answer to request ``number``: ``value`` (a :class:`Ready`, :class:`TrainDone`, an Evaluation …)."""

    number: int
    value: Any


@dataclass(frozen=True)
class Failure:
    """Request ``number`` failed; ``message`` is one line for people (no traceback); ``kind`` the error's type."""

    number: int
    message: str
    kind: str = ""


Response = Reply | Event | Failure


def write_frame(stream: IO[bytes], obj: object) -> None:
    """Write one frame (the caller holds the stream's lock)."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)
    stream.flush()


def read_frame(stream: IO[bytes]) -> object:
    """Read one frame; ``EOFError`` when the other side has closed the pipe."""
    head = _read_exactly(stream, _LENGTH.size)
    (length,) = _LENGTH.unpack(head)
    return pickle.loads(_read_exactly(stream, length))


def _read_exactly(stream: IO[bytes], n: int) -> bytes:
    chunks = []
    while n:
        chunk = stream.read(n)
        if not chunk:
            raise EOFError("the pipe was closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)
