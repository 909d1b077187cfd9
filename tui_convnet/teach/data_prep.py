"""The slides' data preparation, step by step, on a real digit: what each line does to the arrays.

The slides' three steps (after ``mnist.load_data()``)::

    train_images = train_images.reshape((60000, 28, 28, 1))
    train_images = train_images.astype('float32') / 255
    train_labels = to_categorical(train_labels)

:func:`data_preparation` runs them with numpy on the loaded training set (full MNIST or the bundled
sample) and describes each: the line, the array's shape, dtype and value range before and after, and
what happened to one digit and its label (a pixel's value, the one-hot vector). :func:`batches` gives
the shapes ``model.fit`` takes the set in. Plain data: the data-preparation entry shows it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..core.arrays import Array


def to_categorical(labels: Array) -> Array:
    """Keras 3's ``to_categorical`` on numpy labels: ``max + 1`` classes, float64 (Keras 2's was float32)."""
    values = np.asarray(labels, dtype=np.int64)
    out = np.zeros((len(values), int(values.max()) + 1))
    out[np.arange(len(values)), values] = 1
    return out


@dataclass(frozen=True)
class ArrayInfo:
    """An array's shape, dtype and value range, as a student would print them."""

    shape: tuple[int, ...]
    dtype: str
    low: float
    high: float

    @classmethod
    def of(cls, array: Array) -> ArrayInfo:
        return cls(tuple(int(d) for d in array.shape), str(array.dtype), float(array.min()), float(array.max()))

    @property
    def text(self) -> str:
        shape = (
            "("
            + ", ".join(f"{d:,}" if d >= 10000 else str(d) for d in self.shape)
            + ("," if len(self.shape) == 1 else "")
            + ")"
        )
        kind = "int" if self.dtype.startswith(("uint", "int")) else "float"
        low, high = (f"{int(v)}" if kind == "int" else f"{v:.1f}" for v in (self.low, self.high))
        return f"shape {shape}, {self.dtype}, values {low}–{high}"


@dataclass(frozen=True)
class PrepStep:
    code: str  # the slide's line
    array: str  # which array it changes
    before: ArrayInfo
    after: ArrayInfo
    digit: str  # what happened to the chosen digit or its label
    why: str  # one sentence


@dataclass(frozen=True)
class Batches:
    count: int
    size: int
    last: int  # the last batch's size (the remainder)
    images: tuple[int, ...]
    labels: tuple[int, ...]

    @property
    def text(self) -> str:
        last = f"; the last holds {self.last}" if self.last != self.size else ""
        return (
            f"model.fit(…, batch_size={self.size}) takes {self.count:,} batches a epoch: images "
            f"{self.images}, labels {self.labels}{last}"
        ).replace("a epoch", "an epoch")


def _pixel(image: Array) -> tuple[int, int]:
    """The brightest pixel of a digit (the first, row by row): the one followed through the steps."""
    r, c = np.unravel_index(int(np.argmax(image)), image.shape[:2])
    return int(r), int(c)


def data_preparation(x_train: Array, y_train: Array, index: int = 0) -> tuple[PrepStep, ...]:
    """The slides' three steps on the set ``(x_train, y_train)``, following digit ``index``."""
    if x_train.ndim != 3 or x_train.dtype != np.uint8 or len(x_train) != len(y_train):
        raise ValueError(f"Expected MNIST's uint8 images (N, 28, 28) and N labels. Received: shape={x_train.shape}")
    if not 0 <= index < len(x_train):
        raise ValueError(f"`index` must be in 0..{len(x_train) - 1}. Received: index={index}")
    n = len(x_train)
    h, w = x_train.shape[1:]
    reshaped = x_train.reshape((n, h, w, 1))  # a view: no copy
    before = ArrayInfo.of(x_train)
    # The whole set in float32 would take 4 bytes a pixel (188 MB for full MNIST): its range is computed from
    # the uint8 range instead, exactly (dividing by 255 in float32 keeps the order of the values).
    low, high = (float(np.float32(v) / np.float32(255)) for v in (before.low, before.high))
    scaled_info = ArrayInfo((n, h, w, 1), "float32", low, high)
    labels = to_categorical(y_train)
    r, c = _pixel(x_train[index])
    raw = int(x_train[index, r, c])
    scaled_pixel = float(np.float32(raw) / np.float32(255))
    label = int(y_train[index])
    vector = ", ".join(str(int(v)) for v in labels[index])
    return (
        PrepStep(
            f"train_images = train_images.reshape(({n}, {h}, {w}, 1))",
            "train_images",
            before,
            ArrayInfo.of(reshaped),
            f"digit {index}: ({h}, {w}) → ({h}, {w}, 1); pixel [{r},{c}] is still {raw}",
            "Conv2D wants a channel axis: one channel, grey (a colour image would have 3).",
        ),
        PrepStep(
            "train_images = train_images.astype('float32') / 255",
            "train_images",
            ArrayInfo.of(reshaped),
            scaled_info,
            f"pixel [{r},{c}]: {raw} → {raw} / 255 = {scaled_pixel:.4f}",
            "Whole numbers 0–255 become fractions 0–1: small inputs keep the first updates of the weights small.",
        ),
        PrepStep(
            "train_labels = to_categorical(train_labels)",
            "train_labels",
            ArrayInfo.of(y_train),
            ArrayInfo.of(labels),
            f"label {label} → [{vector}]",
            "Each label becomes ten numbers, a 1 at the digit's place: what the softmax's ten outputs are compared "
            "with. (Keras 3 makes them float64; the slide's Keras 2 made float32; fit uses float32 either way.)",
        ),
    )


@dataclass(frozen=True)
class PixelRow:
    """A few pixels of one digit's row, around its brightest pixel: as loaded (uint8) and as scaled (float32)."""

    row: int
    first: int  # the first column shown
    raw: tuple[int, ...]
    scaled: tuple[float, ...]

    @property
    def columns(self) -> str:
        return f"row {self.row}, columns {self.first}–{self.first + len(self.raw) - 1}"


def pixel_row(image: Array, width: int = 5) -> PixelRow:
    """``width`` pixels of ``image`` (uint8, (28, 28)) centred on its brightest pixel, before and after ``/ 255``."""
    if image.ndim != 2 or image.dtype != np.uint8:
        raise ValueError(f"Expected one uint8 digit (28, 28). Received: shape={image.shape}, dtype={image.dtype}")
    r, c = _pixel(image)
    width = max(1, min(width, image.shape[1]))
    first = min(max(c - width // 2, 0), image.shape[1] - width)
    raw = image[r, first : first + width]
    scaled = raw.astype("float32") / 255
    return PixelRow(r, first, tuple(int(v) for v in raw), tuple(float(v) for v in scaled))


def batches(n: int, batch_size: int = 64, image_shape: tuple[int, ...] = (28, 28, 1), classes: int = 10) -> Batches:
    """How ``model.fit`` cuts ``n`` prepared digits into batches of ``batch_size``."""
    if n < 1 or batch_size < 1:
        raise ValueError(
            f"Need at least one digit and a batch size of at least 1. Received: n={n}, batch_size={batch_size}"
        )
    count = math.ceil(n / batch_size)
    size = min(batch_size, n)
    last = n - (count - 1) * batch_size
    return Batches(count, size, last, (size, *image_shape), (size, classes))
