"""MNIST for training and for the examples.

One loader, :func:`load_mnist`, tries in this order and always says which
source it used:

1. an explicit path — a Keras ``mnist.npz`` or a folder with the four
   original IDX files (gzipped or not);
2. Keras: the ``mnist.npz`` already in the Keras cache (read directly, no
   TensorFlow import), else ``keras.datasets.mnist.load_data()`` (download);
3. the sample bundled in ``assets/mnist/`` (5,000 training digits and the
   complete official 10,000-digit test set).

Only the Keras download imports Keras, and only when it is needed.
"""

from __future__ import annotations

import gzip
import os
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .paths import bundled_mnist_path

DATASET_CHOICES = ("auto", "sample", "keras")
_KEYS = ("x_train", "y_train", "x_test", "y_test")
_IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


class DataError(ValueError):
    """The data could not be loaded; the message says why and where."""


@dataclass(frozen=True)
class MnistData:
    x_train: np.ndarray  # (N, 28, 28) uint8
    y_train: np.ndarray  # (N,) uint8 labels 0-9
    x_test: np.ndarray
    y_test: np.ndarray
    source: str  # "path" | "keras" | "sample"
    location: str  # the file or folder it came from
    full: bool  # True when the training set is the complete 60,000 digits

    @property
    def description(self) -> str:
        kind = {
            "sample": "bundled MNIST sample",
            "keras": "full MNIST (Keras)" if self.full else "MNIST (Keras)",
            "path": "MNIST from a file",
        }[self.source]
        return f"{kind}: {len(self.x_train):,} training / {len(self.x_test):,} test digits ({self.location})"

    def limited(self, train: int | None = None, test: int | None = None) -> MnistData:
        """The first ``train`` training digits and ``test`` test digits."""
        return replace(
            self,
            x_train=self.x_train[:train],
            y_train=self.y_train[:train],
            x_test=self.x_test[:test],
            y_test=self.y_test[:test],
        )


def _check(arrays: dict[str, np.ndarray], where: str) -> dict[str, np.ndarray]:
    for name in ("x_train", "x_test"):
        x = arrays[name]
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise DataError(f"{where}: `{name}` must have shape (N, 28, 28). Received: {name}.shape={x.shape}")
        if x.dtype.kind not in "uif":
            raise DataError(f"{where}: `{name}` must be numeric. Received: {name}.dtype={x.dtype}")
        if x.dtype != np.uint8 and x.size and (x.min() < 0 or x.max() > 255 or not np.array_equal(x, np.round(x))):
            raise DataError(
                f"{where}: `{name}` must hold whole pixel values 0-255, as MNIST does (not scaled to [0, 1]). "
                f"Received: {name}.dtype={x.dtype}, min={x.min()}, max={x.max()}"
            )
    for name, xname in (("y_train", "x_train"), ("y_test", "x_test")):
        y = arrays[name]
        if y.ndim != 1 or len(y) != len(arrays[xname]):
            raise DataError(
                f"{where}: `{name}` must hold one label per image ({len(arrays[xname])}). "
                f"Received: {name}.shape={y.shape}"
            )
        if y.dtype.kind not in "ui" or (len(y) and (y.min() < 0 or y.max() > 9)):
            raise DataError(f"{where}: `{name}` must hold integer labels 0-9. Received: {name}.dtype={y.dtype}")
    if len(arrays["x_train"]) == 0 or len(arrays["x_test"]) == 0:
        raise DataError(f"{where}: the training and test sets must not be empty.")
    return {k: (v if v.dtype == np.uint8 else v.astype(np.uint8)) for k, v in arrays.items()}


def read_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read a Keras-layout ``mnist.npz`` (``x_train``, ``y_train``, ``x_test``, ``y_test``)."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as f:
            missing = [k for k in _KEYS if k not in f.files]
            if missing:
                raise DataError(
                    f"{path}: not a Keras mnist.npz, it has no `{missing[0]}` array. Received: arrays={sorted(f.files)}"
                )
            arrays = {k: f[k] for k in _KEYS}
    except DataError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise DataError(f"{path}: cannot read it as a .npz file ({exc}).") from None
    return _check(arrays, str(path))


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one IDX file (``.gz`` or not): magic 2051 for images, 2049 for labels."""
    path = Path(path)
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError, zlib.error) as exc:  # gzip: BadGzipFile is an OSError; bad data is zlib.error
        raise DataError(f"{path}: cannot read it ({exc}).") from None
    if len(raw) < 8:
        raise DataError(f"{path}: too short to be an IDX file. Received: size={len(raw)} bytes")
    magic = int.from_bytes(raw[:4], "big")
    if magic not in (2049, 2051):
        raise DataError(f"{path}: not an MNIST IDX file (magic must be 2049 or 2051). Received: magic={magic}")
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{path}: the IDX header is cut short ({len(raw)} of {header} bytes).")
    dims = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = int(np.prod(dims)) if dims else 0
    if len(raw) - header != expected:
        raise DataError(
            f"{path}: the header promises {expected} values but the file holds {len(raw) - header}. "
            f"Received: shape={dims}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def read_idx_folder(folder: str | os.PathLike) -> dict[str, np.ndarray]:
    folder = Path(folder)
    arrays = {}
    for key, stem in _IDX_FILES.items():
        found = [folder / n for n in (stem, stem + ".gz") if (folder / n).is_file()]
        if not found:
            raise DataError(f"{folder}: the MNIST IDX file {stem}[.gz] is missing.")
        arrays[key] = read_idx(found[0])
    return _check(arrays, str(folder))


def keras_cache_path() -> Path:
    """Where ``keras.datasets.mnist.load_data()`` keeps ``mnist.npz``.

    The same rules as Keras (``keras.src.backend.config`` and
    ``keras.src.utils.file_utils.get_file``): ``$KERAS_HOME`` if set, else
    ``~/.keras`` (``/tmp/.keras`` when the home folder is not writable); and
    if that folder exists but is not writable, ``/tmp/.keras``.
    """
    if "KERAS_HOME" in os.environ:
        home = os.environ["KERAS_HOME"]
    else:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    home = os.path.expanduser(home)
    if os.path.exists(home) and not os.access(home, os.W_OK):
        home = os.path.join("/tmp", ".keras")
    return Path(home) / "datasets" / "mnist.npz"


def _from_keras(download: bool) -> MnistData:
    cached = keras_cache_path()
    if cached.is_file():
        a = read_npz(cached)
        return MnistData(**a, source="keras", location=str(cached), full=len(a["x_train"]) == 60000)
    if not download:
        raise DataError(f"MNIST is not in the Keras cache ({cached}).")
    from .training.tf_env import import_keras  # lazy: only here do we need Keras

    keras = import_keras()
    try:
        (xt, yt), (xs, ys) = keras.datasets.mnist.load_data()
    except Exception as exc:  # network errors come in many types
        raise DataError(f"Keras could not download MNIST ({type(exc).__name__}: {exc}).") from None
    a = _check({"x_train": xt, "y_train": yt, "x_test": xs, "y_test": ys}, "keras.datasets.mnist")
    return MnistData(**a, source="keras", location=str(keras_cache_path()), full=len(xt) == 60000)


def load_sample() -> MnistData:
    path = bundled_mnist_path()
    return MnistData(**read_npz(path), source="sample", location=str(path), full=False)


def load_mnist(dataset: str | os.PathLike = "auto", *, download: bool = True) -> MnistData:
    """Load MNIST from ``dataset``: 'auto', 'sample', 'keras' or a path.

    'auto' uses the Keras cache (or a Keras download when ``download``) and
    falls back to the bundled sample.  Raises :class:`DataError` with a
    clear message when the requested source cannot be read.
    """
    if isinstance(dataset, str) and dataset in DATASET_CHOICES:
        if dataset == "sample":
            return load_sample()
        if dataset == "keras":
            return _from_keras(download=True)
        try:
            return _from_keras(download=download)
        except DataError:
            return load_sample()
    path = Path(dataset).expanduser()
    if path.is_dir():
        a = read_idx_folder(path)
    elif path.is_file():
        a = read_npz(path)
    else:
        raise DataError(
            f"No such file or folder: {path}. Use 'auto', 'sample', 'keras', a mnist.npz file "
            "or a folder with the four MNIST IDX files."
        )
    return MnistData(**a, source="path", location=str(path), full=len(a["x_train"]) == 60000)


def to_model_inputs(x: np.ndarray) -> np.ndarray:
    """uint8 ``(N, 28, 28)`` → float32 ``(N, 28, 28, 1)`` scaled to [0, 1], as in the lecture."""
    return (x.astype("float32") / 255.0)[..., None]


def one_hot(y: np.ndarray, classes: int = 10) -> np.ndarray:
    """Labels → one-hot rows (``keras.utils.to_categorical``)."""
    out = np.zeros((len(y), classes), dtype="float32")
    out[np.arange(len(y)), y.astype(int)] = 1.0
    return out


def bundled_digit(index: int = 0, split: str = "test") -> tuple[np.ndarray, int]:
    """One digit of the bundled sample as ``(image uint8 28x28, label)`` (numpy only).

    Reads only the two arrays of ``split`` (the explorer's edge example needs
    one digit at start-up; the whole sample would cost three times as long).
    """
    if split not in ("train", "test"):
        raise DataError(f"`split` must be 'train' or 'test'. Received: split={split!r}")
    path = bundled_mnist_path()
    try:
        with np.load(path, allow_pickle=False) as f:
            xs, ys = f[f"x_{split}"], f[f"y_{split}"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise DataError(f"{path}: cannot read the bundled MNIST sample ({exc}).") from None
    if not 0 <= index < len(xs):
        raise DataError(f"Digit index out of range 0..{len(xs) - 1}. Received: index={index}")
    return xs[index], int(ys[index])
