"""Other small-image datasets: any labelled set of 28x28 grey or 32x32 RGB images, as a Keras-layout ``.npz``
(``x_train``, ``y_train``, ``x_test``, ``y_test``) or a folder of the four MNIST-named IDX files (grey only),
with optional class names (a text file, one name per line).

:func:`load_image_set` reads one with the same header-first readers as MNIST (:mod:`tui_convnet.data.mnist`) and
checks it: every refusal is a :class:`~tui_convnet.data.mnist.DataError` of one line that names the file and the
reason. The images stay ``uint8`` (grey ``(N, 28, 28)``, RGB ``(N, 32, 32, 3)``), labels ``0 … K − 1``.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..core import DenseSpec, ModelSpec, mnist_convnet
from ..core.arrays import Array
from ..util.fileio import PathError, os_reason, user_path
from .mnist import (
    IDX_FILES,
    DataError,
    MnistData,
    check_labels,
    check_pixels,
    keras_cache_path,
    read_idx_arrays,
    read_npz_arrays,
)

#: The image shapes a set may have (per image), and what the screens call them.
SHAPES: dict[tuple[int, ...], str] = {(28, 28): "28x28 grey", (32, 32, 3): "32x32 RGB"}
#: The most classes a set may have (one output unit each).
MAX_CLASSES = 1000
#: The class-names file looked for beside the data when none is given.
CLASS_FILE = "classes.txt"


@dataclass(frozen=True)
class ImageSet:
    """A labelled image set: the arrays (as :class:`~tui_convnet.data.mnist.MnistData`) and its class names."""

    data: MnistData
    class_names: tuple[str, ...]

    @property
    def input_shape(self) -> tuple[int, int, int]:
        """The model's input: ``(28, 28, 1)`` or ``(32, 32, 3)``."""
        shape = self.data.x_train.shape[1:]
        return (shape[0], shape[1], 1) if len(shape) == 2 else (shape[0], shape[1], shape[2])

    @property
    def classes(self) -> int:
        return len(self.class_names)

    @property
    def description(self) -> str:
        kind = SHAPES[tuple(self.data.x_train.shape[1:])]
        return (
            f"{len(self.data.x_train):,} training / {len(self.data.x_test):,} test images, {kind}, "
            f"{self.classes} classes ({self.data.location})"
        )


def check_images(arrays: dict[str, Array], where: str) -> tuple[dict[str, Array], int]:
    """The arrays as ``uint8`` and the number of classes the labels use (raises :class:`DataError`)."""
    shapes = " or ".join(f"(N, {', '.join(map(str, s))})" for s in SHAPES)
    first = arrays["x_train"].shape[1:]
    for name in ("x_train", "x_test"):
        x = arrays[name]
        if tuple(x.shape[1:]) not in SHAPES:
            raise DataError(f"{where}: `{name}` must have shape {shapes}. Received: {name}.shape={x.shape}")
        if x.shape[1:] != first:
            raise DataError(f"{where}: `x_test` must have the training images' shape {first}. Received: {x.shape[1:]}")
        check_pixels(x, name, where, as_mnist="")
    check_labels(arrays, where, MAX_CLASSES)
    classes = int(max(arrays["y_train"].max(), arrays["y_test"].max())) + 1
    if classes < 2:
        raise DataError(f"{where}: the labels must name at least 2 classes. Received: classes={classes}")
    return {
        k: (v if v.dtype == np.uint8 else v.astype(np.uint8 if k[0] == "x" else np.int64)) for k, v in arrays.items()
    }, classes


def read_class_names(path: Path, classes: int) -> tuple[str, ...]:
    """One name per line (blank lines at the end ignored); as many as the labels use (raises :class:`DataError`)."""
    try:
        with open(path, "rb") as f:
            raw = f.read(64 * 1024 + 1)
    except OSError as exc:
        raise DataError(f"{path}: cannot read the class names ({os_reason(exc)}).") from None
    if len(raw) > 64 * 1024:
        raise DataError(f"{path}: a class-names file holds at most 64 KiB of names. Received: more")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError(f"{path}: the class names must be UTF-8 text, one name per line.") from None
    names = tuple(line.strip() for line in text.rstrip().splitlines())
    if len(names) != classes:
        raise DataError(f"{path}: one class name per label 0-{classes - 1} is needed. Received: {len(names)} names")
    return _check_names(names, str(path))


def _check_names(names: tuple[str, ...], where: str) -> tuple[str, ...]:
    if any(not n or not n.isprintable() for n in names):
        raise DataError(f"{where}: every class name must be printable text on its own line (no empty lines).")
    return names


#: The member of a ``.keras`` archive that holds the class names of a model trained on another image set.
MODEL_CLASSES_MEMBER = "convnet_tui_classes.txt"


def write_model_classes(path: str | os.PathLike[str], names: tuple[str, ...]) -> None:
    """Add the class names to a ``.keras`` archive just written (Keras reads its own members, not this one)."""
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(MODEL_CLASSES_MEMBER, "".join(f"{n}\n" for n in names))


def read_model_classes(path: str | os.PathLike[str], classes: int) -> tuple[str, ...]:
    """The class names saved in a ``.keras`` archive (empty: none, an MNIST model); ``classes`` is the model's
    output count. Names that do not fit it are refused (raises :class:`DataError`)."""
    where = f"{os.fspath(path)}: {MODEL_CLASSES_MEMBER}"
    try:
        with zipfile.ZipFile(path) as z:
            if MODEL_CLASSES_MEMBER not in z.namelist():
                return ()
            with z.open(MODEL_CLASSES_MEMBER) as f:
                raw = f.read(64 * 1024 + 1)
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise DataError(f"{where}: cannot read the class names ({exc}).") from None
    if len(raw) > 64 * 1024:
        raise DataError(f"{where}: a class-names file holds at most 64 KiB of names. Received: more")
    try:
        names = tuple(line.strip() for line in raw.decode("utf-8").rstrip().splitlines())
    except UnicodeDecodeError:
        raise DataError(f"{where}: the class names must be UTF-8 text, one name per line.") from None
    if len(names) != classes:
        raise DataError(f"{where}: one class name per output of the model ({classes}). Received: {len(names)} names")
    return _check_names(names, where)


#: Fashion-MNIST's classes (Zalando's names, as Keras' documentation gives them).
FASHION_MNIST_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
#: The sets named on the command line (``--data fashion_mnist``): what they are called, their folder in the Keras
#: cache (the four IDX files ``keras.datasets.fashion_mnist.load_data()`` downloads there) and their class names.
#: CIFAR-10 is not one: Keras keeps it as Python pickles, which convnet-tui never loads (save its arrays as a .npz).
NAMED_SETS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "fashion_mnist": ("Fashion-MNIST", "fashion-mnist", FASHION_MNIST_NAMES),
}


def named_set_folder(name: str) -> Path:
    """Where Keras keeps the named set's files (beside its ``mnist.npz``)."""
    return keras_cache_path().parent / NAMED_SETS[name][1]


def named_image_set(
    name: str, class_names: str | os.PathLike[str] | None = None, download: Callable[[str], None] | None = None
) -> ImageSet | None:
    """The named set ``name`` (see :data:`NAMED_SETS`) from the Keras cache, or None when ``name`` names no such
    set (or a file or folder of that name is there: the path wins). Not in the cache: ``download(name)`` fetches it
    (the training layer's Keras download, which raises :class:`DataError` in one line when offline); without one,
    a :class:`DataError` says how to get it."""
    if name not in NAMED_SETS or os.path.exists(name):
        return None
    title, _, names = NAMED_SETS[name]
    folder = named_set_folder(name)
    if not all((folder / f"{stem}.gz").is_file() or (folder / stem).is_file() for stem in IDX_FILES.values()):
        if download is None:
            raise DataError(
                f"{title} is not in the Keras cache ({folder}); `convnet-tui train --data {name}` downloads it "
                "(once, online)."
            )
        download(name)
    images = load_image_set(folder, class_names) if class_names is not None else None
    if images is None:
        arrays, classes = check_images(read_idx_arrays(folder), str(folder))
        if classes > len(names):
            raise DataError(f"{folder}: {title} has {len(names)} classes. Received: labels up to {classes - 1}")
        images = _image_set(arrays, folder, names)
    return images


def _image_set(arrays: dict[str, Array], location: Path, names: tuple[str, ...]) -> ImageSet:
    """The checked arrays of a set read from ``location``, with its class names."""
    a = arrays
    data = MnistData(
        a["x_train"], a["y_train"], a["x_test"], a["y_test"], "path", str(location), full=False, class_names=names
    )
    return ImageSet(data, names)


def load_image_set(dataset: str | os.PathLike[str], class_names: str | os.PathLike[str] | None = None) -> ImageSet:
    """Read and check an image set: a ``.npz`` file or a folder of IDX files, and its class names.

    Without ``class_names``, a ``classes.txt`` beside the file (or in the folder) is used if there is one,
    else the classes are called ``0``, ``1``, … Raises :class:`DataError` with one line.
    """
    try:
        path = user_path(dataset, "dataset")
        folder = path.is_dir()
        if not folder and not path.is_file():
            raise DataError(f"No such file or folder: {path}. Give a .npz file or a folder with four IDX files.")
        names_path = user_path(class_names, "class names") if class_names is not None else None
    except PathError as exc:
        raise DataError(str(exc)) from None
    except OSError as exc:
        raise DataError(f"{os.fspath(dataset)[:200]}: cannot use it ({os_reason(exc)}).") from None
    raw = read_idx_arrays(path) if folder else read_npz_arrays(path)
    arrays, classes = check_images(raw, str(path))
    if names_path is None:
        beside = (path if folder else path.parent) / CLASS_FILE
        names_path = beside if beside.is_file() else None
    names = read_class_names(names_path, classes) if names_path is not None else tuple(map(str, range(classes)))
    return _image_set(arrays, path, names)


def model_for(images: ImageSet, dropout: float | None = None, spec: ModelSpec | None = None) -> ModelSpec:
    """The lecture's ConvNet for ``images`` (their input shape, one softmax output per class), or ``spec``
    checked against them (raises ``ValueError`` with one line)."""
    if spec is None:
        lecture = mnist_convnet(dropout)
        last = DenseSpec(images.classes, activation="softmax")
        return replace(lecture, input_shape=images.input_shape, layers=(*lecture.layers[:-1], last), name="convnet")
    if tuple(spec.input_shape) != images.input_shape:
        raise ValueError(
            f"The model's input must fit the images {images.input_shape}. "
            f"Received: input_shape={tuple(spec.input_shape)}"
        )
    last_layer = spec.layers[-1] if spec.layers else None
    if not isinstance(last_layer, DenseSpec) or last_layer.units != images.classes:
        raise ValueError(
            f"The model's last layer must be Dense({images.classes}, softmax): one probability per class. "
            f"Received: {last_layer!r}"
        )
    return spec


def spec_for_images(data: MnistData, dropout: float | None = None, spec: ModelSpec | None = None) -> ModelSpec:
    """:func:`model_for` the image set ``data`` (whose ``class_names`` are set) holds."""
    return model_for(ImageSet(data, data.class_names), dropout, spec)


def training_spec(data: MnistData, dropout: float | None, spec: ModelSpec | None) -> ModelSpec | None:
    """What the training screen trains: ``spec`` (None: the lecture's) for MNIST; for another image set, the
    lecture's ConvNet sized for it, or ``spec`` checked against it (raises ``ValueError`` with one line)."""
    return spec_for_images(data, dropout, spec) if data.class_names else spec


def app_image_set(dataset: str | None, class_names: str | None, *, image: str | None = None) -> ImageSet | None:
    """The image set the app opens with (``convnet-tui --data PATH [--classes FILE]``), or None for MNIST.

    Raises :class:`DataError` with one line (the command line prints it and exits with 2). ``image`` (``--image``)
    is read by the caller: for a set of 32x32 RGB images in colour, kept for a model of them on the draw screen.
    """
    if dataset is None:
        if class_names is not None:
            raise DataError("--classes names the classes of --data: give --data PATH too.")
        return None
    return named_image_set(dataset, class_names) or load_image_set(dataset, class_names)


def test_set_for(spec: ModelSpec, images: ImageSet | None) -> MnistData | None:
    """The data a model of another image set is shown on: ``images``' when the model reads them, None for an MNIST
    model. A model of images the app was not opened with is refused (raises :class:`DataError`: one line)."""
    shape = tuple(spec.input_shape)
    last = spec.layers[-1] if spec.layers else None
    units = last.units if isinstance(last, DenseSpec) else 0
    if images is not None and shape == images.input_shape and units == images.classes:
        return images.data
    if shape == (28, 28, 1) and units == 10:
        return None
    kind = "32x32 colour" if shape == (32, 32, 3) else f"{shape[0]}x{shape[1]} grey"
    raise DataError(
        f"This model reads {kind} images in {units} classes: open the app with their set "
        f"(convnet-tui --data PATH) to look at it. Received: input_shape={shape}"
    )
