"""The trained model that ships with the package, read with numpy only.

``assets/model/`` holds the lecture's ConvNet trained on the bundled MNIST
sample (``make bundled-model`` reproduces it):

- ``mnist_convnet.keras``: the Keras model, for Keras;
- ``mnist_convnet.weights.npz``: the same weights as plain arrays, one per
  kernel and bias, named ``<layer>.kernel`` / ``<layer>.bias`` (read with
  ``allow_pickle=False``), so the numpy engine runs it without TensorFlow;
- ``mnist_convnet.json``: the model spec, how it was trained, its
  accuracy on the official 10,000 test digits and on the photo test set
  (``benchmarks/bench_photos.py --record`` measures and writes it).

Data layer: numpy and the core only; never imports training or ui.
"""

from __future__ import annotations

import io
import json
import os
import tokenize
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core import ModelSpec, infer_shapes, spec_from_dict
from ..core.weights import weight_shapes
from ..util.fileio import ArchiveError, atomic_write_bytes, check_zip_members
from ..util.paths import assets_dir
from .model import BUNDLED_KERAS_NAME, Bundled, Model, bundled_label

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

MODEL_STEM = "mnist_convnet"
KERAS_NAME = BUNDLED_KERAS_NAME  # f"{MODEL_STEM}.keras"
WEIGHTS_NAME = f"{MODEL_STEM}.weights.npz"
INFO_NAME = f"{MODEL_STEM}.json"
#: The largest weights file member read (the bundled weights are a few hundred kB).
MAX_WEIGHTS_BYTES = 64 * 2**20


class ModelAssetError(ValueError):
    """The bundled model's files are missing or damaged; the message names the file."""


def model_dir() -> Path:
    return assets_dir() / "model"


def weight_names(spec: ModelSpec) -> list[str]:
    """The array names in the ``.npz``, in ``get_weights()`` order: ``conv2d.kernel``, ``conv2d.bias`` …"""
    return [f"{info.name}.{part}" for info in infer_shapes(spec) if info.params for part in ("kernel", "bias")]


#: The shape of every weight array of a spec, in ``get_weights()`` order (the core computes it).
expected_shapes = weight_shapes


def write_weights(path: str | os.PathLike[str], spec: ModelSpec, weights: Sequence[ArrayLike]) -> Path:
    """Save ``weights`` (Keras' ``get_weights()`` list) as float32 arrays in an ``.npz``, atomically."""
    path = Path(path)
    names, shapes = weight_names(spec), expected_shapes(spec)
    if len(weights) != len(names):
        raise ModelAssetError(f"{path}: the model has {len(names)} weight arrays. Received: weights={len(weights)}")
    arrays = {}
    for name, shape, w in zip(names, shapes, weights, strict=True):
        a = np.asarray(w, dtype=np.float32)
        if a.shape != shape:
            raise ModelAssetError(f"{path}: `{name}` must have shape {shape}. Received: {name}.shape={a.shape}")
        arrays[name] = a
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    atomic_write_bytes(path, buffer.getvalue())
    return path


def write_info(path: str | os.PathLike[str], info: dict[str, Any]) -> Path:
    path = Path(path)
    atomic_write_bytes(path, (json.dumps(info, indent=2) + "\n").encode())
    return path


def read_weights(path: str | os.PathLike[str], spec: ModelSpec) -> tuple[np.ndarray, ...]:
    """The weights of ``spec`` from an ``.npz`` (``allow_pickle=False``), every shape checked."""
    path = Path(path)
    names, shapes = weight_names(spec), expected_shapes(spec)
    try:
        # a 2 GiB member in a small file is refused before numpy decompresses it
        check_zip_members(path, max_member_bytes=MAX_WEIGHTS_BYTES, max_total_bytes=MAX_WEIGHTS_BYTES, max_members=64)
        with np.load(path, allow_pickle=False) as f:
            missing = [n for n in names if n not in f.files]
            if missing:
                raise ModelAssetError(
                    f"{path}: the weights file has no `{missing[0]}` array. Received: arrays={sorted(f.files)}"
                )
            arrays = [f[n] for n in names]
    except ModelAssetError:
        raise
    except ArchiveError as exc:
        raise ModelAssetError(str(exc)) from None
    except (
        OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error, SyntaxError, tokenize.TokenError,
        NotImplementedError, RuntimeError,  # zipfile: an unknown compression, an encrypted member
    ) as exc:  # fmt: skip
        raise ModelAssetError(f"{path}: cannot read it as a .npz weights file ({exc}).") from None
    out = []
    for name, shape, a in zip(names, shapes, arrays, strict=True):
        if a.shape != shape:
            raise ModelAssetError(f"{path}: `{name}` must have shape {shape}. Received: {name}.shape={a.shape}")
        if a.dtype.kind != "f" or not np.all(np.isfinite(a)):
            raise ModelAssetError(f"{path}: `{name}` must hold finite floats. Received: {name}.dtype={a.dtype}")
        out.append(a.astype(np.float32, copy=False))
    return tuple(out)


def read_info(path: str | os.PathLike[str]) -> dict[str, Any]:
    path = Path(path)
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ModelAssetError(f"{path}: cannot read the model record ({exc or type(exc).__name__}).") from None
    if not isinstance(info, dict) or not isinstance(info.get("spec"), dict):
        raise ModelAssetError(f"{path}: the model record must be a JSON object with a `spec`.")
    accuracy = info.get("test_accuracy")
    if isinstance(accuracy, bool) or not isinstance(accuracy, (int, float)) or not 0 <= accuracy <= 1:
        raise ModelAssetError(
            f"{path}: `test_accuracy` must be a number in [0, 1]. Received: test_accuracy={accuracy!r}"
        )
    photos = info.get("photo_accuracy")
    number = isinstance(photos, (int, float)) and not isinstance(photos, bool)
    if photos is not None and not (number and 0 <= photos <= 1):
        raise ModelAssetError(
            f"{path}: `photo_accuracy` must be a number in [0, 1]. Received: photo_accuracy={photos!r}"
        )
    return info


def load_bundled_model(folder: str | os.PathLike[str] | None = None) -> Model:
    """Read the bundled model (or the one in ``folder``) with numpy only; its provenance is its record."""
    folder = Path(folder) if folder is not None else model_dir()
    info_path = folder / INFO_NAME
    info = read_info(info_path)
    try:
        spec = spec_from_dict(info["spec"])
    except ValueError as exc:
        raise ModelAssetError(f"{info_path}: the model spec is not valid ({exc}).") from None
    weights = read_weights(folder / WEIGHTS_NAME, spec)
    samples = info.get("test_samples", 0)
    record = Bundled(
        test_accuracy=float(info["test_accuracy"]),
        test_samples=int(samples) if isinstance(samples, int) else 0,
        trained_on=str(info.get("trained_on", "")),
        folder=folder,
        photo_accuracy=None if info.get("photo_accuracy") is None else float(info["photo_accuracy"]),
        photo_pictures=int(pictures) if isinstance(pictures := info.get("photo_pictures", 0), int) else 0,
    )
    return Model(spec, weights, bundled_label(record.test_accuracy), record)
