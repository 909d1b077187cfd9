"""MNIST for training and for the examples.

One loader, :func:`load_mnist`, tries in this order and always says which
source it used:

1. an explicit path — a Keras ``mnist.npz`` or a folder with the four
   original IDX files (gzipped or not);
2. Keras: the ``mnist.npz`` already in the Keras cache (read directly, no
   TensorFlow import), else a download, when the caller hands one in
   (``tui_convnet.training.download.download_mnist``: the Keras code lives
   in the training layer, this module never imports it);
3. the sample bundled in ``assets/mnist/`` (5,000 training digits and the
   complete official 10,000-digit test set).

Every file is read header first: sizes are checked before anything is
allocated or decompressed, so a small file that claims (or expands to)
gigabytes is refused at once.
"""

from __future__ import annotations

import gzip
import math
import os
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Literal, Protocol

import numpy as np

from ..core.arrays import Array
from ..util.fileio import PathError, os_reason, user_path
from ..util.npy_header import read_npy_header
from ..util.paths import bundled_mnist_path

#: A download of full MNIST: returns the four arrays (``x_train`` … ``y_test``).
Downloader = Callable[[], Mapping[str, Array]]

#: The largest array a data file may declare: 2**28 bytes (256 MiB; full
#: MNIST's training images are 47 MB).  Larger is refused before reading.
MAX_ARRAY_BYTES = 2**28

DATASET_CHOICES = ("auto", "sample", "keras")
_KEYS = ("x_train", "y_train", "x_test", "y_test")
#: The four IDX files of a set, by array (MNIST's names; Fashion-MNIST's too), each plain or gzipped.
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


class DataError(ValueError):
    """The data could not be loaded; the message says why and where."""


@dataclass(frozen=True)
class MnistData:
    x_train: Array  # (N, 28, 28) uint8
    y_train: Array  # (N,) uint8 labels 0-9
    x_test: Array
    y_test: Array
    source: str  # "path" | "keras" | "sample"
    location: str  # the file or folder it came from
    full: bool  # True when the training set is the complete 60,000 digits
    #: Why a better source was passed over ('' if none was): with 'auto', a
    #: Keras cache that exists but cannot be used is reported here, not hidden.
    skipped: str = ""
    #: Another image set's class names (:func:`tui_convnet.data.image_sets.load_image_set`); empty: MNIST.
    class_names: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        if self.class_names:
            shape = "x".join(map(str, self.x_train.shape[1:3])) + (" RGB" if self.x_train.ndim == 4 else " grey")
            return (
                f"{shape} image set, {len(self.class_names)} classes: {len(self.x_train):,} training / "
                f"{len(self.x_test):,} test images ({self.location})"
            )
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


def _mnist(a: Mapping[str, Array], source: str, location: str) -> MnistData:
    return MnistData(
        a["x_train"], a["y_train"], a["x_test"], a["y_test"], source, location, full=len(a["x_train"]) == 60000
    )


def check_pixels(x: Array, name: str, where: str, as_mnist: str = ", as MNIST does") -> None:
    """Numeric whole pixel values 0-255 (raises :class:`DataError`)."""
    if x.dtype.kind not in "uif":
        raise DataError(f"{where}: `{name}` must be numeric. Received: {name}.dtype={x.dtype}")
    if x.dtype != np.uint8 and x.size and (x.min() < 0 or x.max() > 255 or not np.array_equal(x, np.round(x))):
        raise DataError(
            f"{where}: `{name}` must hold whole pixel values 0-255{as_mnist} (not scaled to [0, 1]). "
            f"Received: {name}.dtype={x.dtype}, min={x.min()}, max={x.max()}"
        )


def check_labels(arrays: Mapping[str, Array], where: str, classes: int) -> None:
    """One integer label ``0 … classes − 1`` per image, and neither set empty (raises :class:`DataError`)."""
    for name, xname in (("y_train", "x_train"), ("y_test", "x_test")):
        y = arrays[name]
        if y.ndim != 1 or len(y) != len(arrays[xname]):
            raise DataError(
                f"{where}: `{name}` must hold one label per image ({len(arrays[xname])}). "
                f"Received: {name}.shape={y.shape}"
            )
        if y.dtype.kind not in "ui" or (len(y) and (y.min() < 0 or y.max() > classes - 1)):
            raise DataError(
                f"{where}: `{name}` must hold integer labels 0-{classes - 1}. Received: {name}.dtype={y.dtype}"
            )
    if len(arrays["x_train"]) == 0 or len(arrays["x_test"]) == 0:
        raise DataError(f"{where}: the training and test sets must not be empty.")


def _check(arrays: dict[str, Array], where: str) -> dict[str, Array]:
    for name in ("x_train", "x_test"):
        x = arrays[name]
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise DataError(f"{where}: `{name}` must have shape (N, 28, 28). Received: {name}.shape={x.shape}")
        check_pixels(x, name, where)
    check_labels(arrays, where, 10)
    return {k: (v if v.dtype == np.uint8 else v.astype(np.uint8)) for k, v in arrays.items()}


def _too_big(shape: tuple[int, ...], itemsize: int) -> bool:
    return math.prod(shape) * itemsize > MAX_ARRAY_BYTES


def _read_npy_member(fp: IO[bytes], name: str, where: str) -> Array:
    """One ``.npy`` member of a ``.npz``, read header first (no pickles, no oversize arrays)."""
    shape, fortran, dtype = read_npy_header(fp)
    if dtype.hasobject:
        raise DataError(f"{where}: `{name}` holds Python objects, which are never loaded (pickles can run code).")
    if _too_big(shape, dtype.itemsize):
        raise DataError(
            f"{where}: `{name}` declares {math.prod(shape):,} values of {dtype.itemsize} byte(s), more than the "
            f"limit of {MAX_ARRAY_BYTES:,} bytes. Received: {name}.shape={shape}"
        )
    nbytes = math.prod(shape) * dtype.itemsize
    raw = fp.read(nbytes)
    if len(raw) != nbytes:
        raise DataError(f"{where}: `{name}` is cut short ({len(raw):,} of {nbytes:,} bytes).")
    arr = np.frombuffer(raw, dtype=dtype)
    return arr.reshape(shape[::-1]).T if fortran else arr.reshape(shape)


def read_npz(path: str | os.PathLike[str]) -> dict[str, Array]:
    """Read a Keras-layout ``mnist.npz`` (``x_train``, ``y_train``, ``x_test``, ``y_test``)."""
    return _check(read_npz_arrays(path), str(Path(path)))


def read_npz_arrays(path: str | os.PathLike[str]) -> dict[str, Array]:
    """The four arrays of a Keras-layout ``.npz``, read header first, their shapes and values not checked."""
    path = Path(path)
    try:
        if not zipfile.is_zipfile(path):
            with open(path, "rb"):  # a missing or unreadable file says so, not "not a zip archive"
                pass
            raise DataError(f"{path}: not a .npz file (a .npz is a zip archive of arrays; this file is not).")
        with zipfile.ZipFile(path) as z:
            members = {n[: -len(".npy")]: n for n in z.namelist() if n.endswith(".npy")}
            missing = [k for k in _KEYS if k not in members]
            if missing:
                raise DataError(
                    f"{path}: not a Keras mnist.npz, it has no `{missing[0]}` array. Received: arrays={sorted(members)}"
                )
            arrays = {}
            for key in _KEYS:
                with z.open(members[key]) as fp:
                    arrays[key] = _read_npy_member(fp, key, str(path))
    except DataError:
        raise
    except OSError as exc:
        raise DataError(f"{path}: cannot read it ({os_reason(exc)}).") from None
    except (ValueError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError) as exc:
        # RuntimeError: zipfile's "File 'y_train.npy' is encrypted, password required for extraction"
        raise DataError(f"{path}: cannot read it as a .npz file ({exc}).") from None
    return arrays


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _read_exactly(f: _Readable, n: int) -> bytes:
    return f.read(n)


def read_idx(path: str | os.PathLike[str]) -> Array:
    """Read one IDX file (``.gz`` or not): magic 2051 for images, 2049 for labels.

    The header is read first; at most the declared number of bytes (plus one,
    to notice extra data) is then read or decompressed, so a small ``.gz``
    that expands to gigabytes costs nothing.
    """
    if not isinstance(path, str | os.PathLike):
        raise DataError(f"An IDX file must be given as a path. Received: path={str(path)[:60]!r}")
    try:
        path = user_path(path, "IDX file")
    except PathError as exc:
        raise DataError(str(exc)) from None
    try:
        with gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb") as f:
            head = _read_exactly(f, 4)
            if len(head) < 4:
                raise DataError(f"{path}: too short to be an IDX file. Received: size={len(head)} bytes")
            magic = int.from_bytes(head, "big")
            if magic not in (2049, 2051):
                raise DataError(f"{path}: not an MNIST IDX file (magic must be 2049 or 2051). Received: magic={magic}")
            ndim = magic & 0xFF
            dims_raw = _read_exactly(f, 4 * ndim)
            if len(dims_raw) < 4 * ndim:
                raise DataError(f"{path}: the IDX header is cut short ({4 + len(dims_raw)} of {4 + 4 * ndim} bytes).")
            dims = tuple(int.from_bytes(dims_raw[4 * i : 4 * i + 4], "big") for i in range(ndim))
            expected = math.prod(dims)
            if expected > MAX_ARRAY_BYTES:
                raise DataError(
                    f"{path}: the header declares {expected:,} values, more than the limit of "
                    f"{MAX_ARRAY_BYTES:,}. Received: shape={dims}"
                )
            body = _read_exactly(f, expected + 1)
    except DataError:
        raise
    except OSError as exc:  # gzip: BadGzipFile is an OSError
        raise DataError(f"{path}: cannot read it ({os_reason(exc)}).") from None
    except (EOFError, zlib.error) as exc:  # bad compressed data
        raise DataError(f"{path}: cannot read it ({exc}).") from None
    if len(body) != expected:
        held = f"{len(body)}" if len(body) <= expected else f"more than {expected}"
        raise DataError(
            f"{path}: the header promises {expected} values but the file holds {held}. Received: shape={dims}"
        )
    return np.frombuffer(body, dtype=np.uint8).reshape(dims)


def read_idx_folder(folder: str | os.PathLike[str]) -> dict[str, Array]:
    return _check(read_idx_arrays(folder), str(Path(folder)))


def read_idx_arrays(folder: str | os.PathLike[str]) -> dict[str, Array]:
    """The four IDX files of a folder (MNIST's names, gzipped or not), their shapes and values not checked."""
    folder = Path(folder)
    arrays = {}
    try:
        names = set(os.listdir(folder))
    except OSError as exc:
        raise DataError(f"{folder}: cannot read the folder ({os_reason(exc)}).") from None
    for key, stem in IDX_FILES.items():
        found = [folder / n for n in (stem, stem + ".gz") if n in names]
        if not found:
            raise DataError(f"{folder}: the MNIST IDX file {stem}[.gz] is missing.")
        arrays[key] = read_idx(found[0])
    return arrays


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


def _from_keras(download: Downloader | None) -> MnistData:
    cached = keras_cache_path()
    if _exists(cached):
        a = read_npz(cached)
        return _mnist(a, "keras", str(cached))
    if download is None:
        raise DataError(
            f"MNIST is not in the Keras cache ({cached}); `convnet-tui train --dataset keras` downloads it."
        )
    a = _check(dict(download()), "keras.datasets.mnist")
    return _mnist(a, "keras", str(keras_cache_path()))


def _exists(path: Path) -> bool:
    """Whether anything is at ``path`` (a file, a folder, a dangling link: all are reported if unusable)."""
    try:
        os.lstat(path)
    except OSError:
        return False
    return True


def load_sample() -> MnistData:
    path = bundled_mnist_path()
    return _mnist(read_npz(path), "sample", str(path))


def load_mnist(
    dataset: str | os.PathLike[str] = "auto", *, download: Downloader | Literal[False] | None = None
) -> MnistData:
    """Load MNIST from ``dataset``: 'auto', 'sample', 'keras' or a path.

    'keras' reads the Keras cache; when it is not there, ``download`` (a
    callable returning the four arrays) is called, and without one a
    :class:`DataError` says how to get it.  'auto' uses the Keras cache and
    falls back to the bundled sample; a cache that exists but cannot be used
    is not hidden: the result's ``skipped`` says why it was passed over.
    ``download=False`` (or None) never downloads.  Raises
    :class:`DataError` with a clear message when the requested source cannot
    be read.
    """
    fetch = download if callable(download) else None  # True cannot download here: the caller hands one in
    if not isinstance(dataset, str | os.PathLike):
        raise DataError(
            f"The dataset must be 'auto', 'sample', 'keras' or a path. Received: dataset={str(dataset)[:60]!r}"
        )
    if isinstance(dataset, str) and dataset in DATASET_CHOICES:
        if dataset == "sample":
            return load_sample()
        if dataset == "keras":
            return _from_keras(fetch)
        cached = keras_cache_path()
        try:
            return _from_keras(fetch)
        except DataError as exc:
            if not _exists(cached):
                return load_sample()
            return replace(load_sample(), skipped=f"Full MNIST was found in the Keras cache but skipped: {exc}")
    try:
        path = user_path(dataset, "dataset")
        if path.is_dir():
            a = read_idx_folder(path)
        elif path.is_file():
            a = read_npz(path)
        else:
            raise DataError(
                f"No such file or folder: {path}. Use 'auto', 'sample', 'keras', a mnist.npz file "
                "or a folder with the four MNIST IDX files."
            )
    except PathError as exc:
        raise DataError(str(exc)) from None
    except OSError as exc:  # is_dir/is_file: a name too long, a folder we may not enter
        raise DataError(f"{os.fspath(dataset)[:200]}: cannot use it ({os_reason(exc)}).") from None
    return _mnist(a, "path", str(path))


def to_model_inputs(x: Array) -> Array:
    """uint8 ``(N, 28, 28)`` → float32 ``(N, 28, 28, 1)`` scaled to [0, 1], as in the lecture; RGB images
    ``(N, H, W, 3)`` keep their channels."""
    rgb = isinstance(x, np.ndarray) and x.ndim == 4 and x.shape[-1] == 3
    if not isinstance(x, np.ndarray) or x.dtype.kind not in "uif" or (x.ndim != 3 and not rgb):
        shown = x.shape if isinstance(x, np.ndarray) else type(x).__name__
        raise ValueError(
            f"The images must be a numeric array, (N, 28, 28) grey or (N, H, W, 3) RGB. Received: x={shown}"
        )
    scaled = x.astype("float32") / 255.0
    return scaled if rgb else scaled[..., None]


def one_hot(y: Any, classes: int = 10) -> Array:
    """Labels → one-hot rows (``keras.utils.to_categorical``); labels must be whole numbers in ``0..classes-1``."""
    if isinstance(classes, bool) or not isinstance(classes, int | np.integer) or classes < 1:
        raise ValueError(f"`classes` must be a positive integer. Received: classes={classes!r}")
    try:
        labels = np.asarray(y)
    except (ValueError, TypeError):
        labels = np.asarray([None], dtype=object)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(f"Labels must be a 1-D list of integers. Received: labels={str(y)[:60]}")
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        bad = labels[(labels < 0) | (labels >= classes)][0]
        raise ValueError(f"Labels must be in 0..{classes - 1}. Received: label={int(bad)}")
    out = np.zeros((len(labels), classes), dtype="float32")
    out[np.arange(len(labels)), labels.astype(np.intp)] = 1.0
    return out


def bundled_digit(index: int = 0, split: str = "test") -> tuple[Array, int]:
    """One digit of the bundled sample as ``(image uint8 28x28, label)`` (numpy only).

    Reads only the two arrays of ``split`` (the explorer's edge example needs
    one digit at start-up; the whole sample would cost three times as long),
    once per process: the lessons and the backprop screens ask for digit after
    digit, and each read decompressed all 10,000 (30 ms). The image is a copy.
    """
    if not isinstance(split, str) or split not in ("train", "test"):
        raise DataError(f"`split` must be 'train' or 'test'. Received: split={split!r}")
    if isinstance(index, bool) or not isinstance(index, int | np.integer):
        raise DataError(f"A digit index must be a whole number. Received: index={index!r}")
    path = bundled_mnist_path()
    try:
        stat = os.stat(path)
        xs, ys = _bundled_split(str(path), stat.st_mtime_ns, stat.st_size, split)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise DataError(f"{path}: cannot read the bundled MNIST sample ({exc}).") from None
    if not 0 <= index < len(xs):
        raise DataError(f"Digit index out of range 0..{len(xs) - 1}. Received: index={index}")
    return xs[index].copy(), int(ys[index])


@lru_cache(maxsize=2)
def _bundled_split(path: str, mtime_ns: int, size: int, split: str) -> tuple[Array, Array]:
    """The images and labels of one split of the bundled sample, read-only (kept while the file is unchanged)."""
    with np.load(path, allow_pickle=False) as f:
        xs, ys = f[f"x_{split}"], f[f"y_{split}"]
    xs.flags.writeable = False
    ys.flags.writeable = False
    return xs, ys


def targets(labels: Array, classes: int = 10) -> Array:
    """One-hot rows for whole-number labels; rows of probabilities (``(N, classes)``, as the bundled model's
    pictures without a digit have: every class alike) taken as they are."""
    y = np.asarray(labels)
    if y.ndim == 2:
        if y.shape[1] != classes or not np.allclose(y.sum(axis=1), 1.0, atol=1e-3):
            raise ValueError(
                f"Soft labels must be rows of {classes} probabilities summing to 1. Received: shape={y.shape}"
            )
        return y.astype("float32")
    return one_hot(y, classes)
