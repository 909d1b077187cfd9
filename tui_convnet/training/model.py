"""The real Keras model, built from the core's :class:`~tui_convnet.core.ModelSpec`.

Import this module only where Keras is needed: it imports TensorFlow (quietly,
through :mod:`tui_convnet.training.tf_env`).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

from ..core import (
    Conv2DSpec,
    DenseSpec,
    DropoutSpec,
    FlattenSpec,
    ModelSpec,
    Pool2DSpec,
    infer_shapes,
    layer_from_dict,
)
from ..util.fileio import ArchiveError, PathError, atomic_write, check_keras_archive, os_reason, user_path
from .events import DEFAULT_LEARNING_RATES, OPTIMIZERS
from .tf_env import import_keras

keras: Any = import_keras()
#: Keras ships no type information: a model is typed as Any.
KerasModel = Any


class ModelFileError(ValueError):
    """A model file could not be read or is not a model this app understands."""


def build_model(spec: ModelSpec, *, seed: int | None = 0) -> KerasModel:
    """A ``keras.Sequential`` with exactly the spec's layers.

    Layers are named as the spec's summary names them (``conv2d``, ``conv2d_1`` …),
    so a second model built in the same session keeps the same names.
    """
    if seed is not None:
        keras.utils.set_random_seed(seed)
    layers: list[Any] = [keras.Input(shape=tuple(spec.input_shape))]
    for info in infer_shapes(spec):
        layer, name = info.spec, info.name
        if isinstance(layer, Conv2DSpec):
            layers.append(
                keras.layers.Conv2D(
                    layer.filters,
                    layer.kernel_size,
                    strides=layer.strides,
                    padding=layer.padding,
                    dilation_rate=layer.dilation_rate,
                    activation=layer.activation,
                    name=name,
                )
            )
        elif isinstance(layer, Pool2DSpec):
            cls = keras.layers.MaxPooling2D if layer.mode == "max" else keras.layers.AveragePooling2D
            layers.append(cls(layer.pool_size, strides=layer.strides, padding=layer.padding, name=name))
        elif isinstance(layer, FlattenSpec):
            layers.append(keras.layers.Flatten(name=name))
        elif isinstance(layer, DenseSpec):
            layers.append(keras.layers.Dense(layer.units, activation=layer.activation, name=name))
        elif isinstance(layer, DropoutSpec):
            layers.append(keras.layers.Dropout(layer.rate, seed=seed, name=name))
    return keras.Sequential(layers, name=spec.name)


def compile_model(model: KerasModel, optimizer: str = "rmsprop", learning_rate: float | None = None) -> KerasModel:
    """Compile as the lecture does: categorical cross-entropy, accuracy."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(
            f"Unknown optimizer. Expected one of {', '.join(OPTIMIZERS)}. Received: optimizer={optimizer!r}"
        )
    lr = DEFAULT_LEARNING_RATES[optimizer] if learning_rate is None else float(learning_rate)
    opt = {"rmsprop": keras.optimizers.RMSprop, "adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD}[optimizer]
    model.compile(optimizer=opt(learning_rate=lr), loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def spec_from_model(model: KerasModel) -> ModelSpec:
    """Read a :class:`ModelSpec` back from a Keras model (refusing layers the app cannot show)."""
    names = {"Conv2D", "MaxPooling2D", "AveragePooling2D", "Flatten", "Dense", "Dropout"}
    layers = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind not in names:
            raise ModelFileError(
                f"This model has a {kind} layer; convnet-tui understands only "
                f"{', '.join(sorted(names))}. Received: layer={layer.name!r}"
            )
        cfg = layer.get_config()
        if kind == "Conv2D":
            if (
                cfg.get("data_format", "channels_last") != "channels_last"
                or cfg.get("groups", 1) != 1
                or not cfg.get("use_bias", True)
            ):
                raise ModelFileError(f"Layer {layer.name} must be a channels_last Conv2D with a bias and groups=1.")
            d = {k: cfg[k] for k in ("filters", "kernel_size", "strides", "padding", "dilation_rate", "activation")}
        elif kind in ("MaxPooling2D", "AveragePooling2D"):
            d = {k: cfg[k] for k in ("pool_size", "strides", "padding")}
        elif kind == "Dense":
            if not cfg.get("use_bias", True):
                raise ModelFileError(f"Layer {layer.name} must be a Dense layer with a bias.")
            d = {k: cfg[k] for k in ("units", "activation")}
        elif kind == "Dropout":
            d = {"rate": cfg["rate"]}
        else:
            d = {}
        for key in ("kernel_size", "strides", "dilation_rate", "pool_size"):
            if isinstance(d.get(key), list):
                d[key] = tuple(d[key])
        try:
            layers.append(layer_from_dict({"type": kind, **d}))
        except ValueError as exc:
            raise ModelFileError(f"Layer {layer.name}: {exc}") from None
    shape = tuple(model.input_shape[1:])
    if len(shape) != 3 or None in shape:
        raise ModelFileError(f"The model's input must be (H, W, C). Received: input_shape={model.input_shape}")
    spec = ModelSpec(shape, tuple(layers), model.name)
    try:  # one verdict for predict, inspect and Load: a Dense on a 3-D input is refused here, naming the layer
        infer_shapes(spec)
    except ValueError as exc:
        raise ModelFileError(str(exc)) from None
    return spec


def save_model_atomic(model: KerasModel, path: str | os.PathLike[str], class_names: tuple[str, ...] = ()) -> Path:
    """Save to ``path`` (``.keras``) via a temporary file in the same folder and a rename; ``class_names``
    (another image set's) are saved in the archive with it.

    A crash or a full disk never leaves a half-written model where a good one was.
    """
    path = _model_path(path)
    if path.suffix != ".keras":
        raise ModelFileError(f"A model file must end in .keras. Received: path={str(path)!r}")
    if not path.parent.is_dir():
        raise ModelFileError(f"The folder does not exist: {path.parent}")

    # Keeps the mode of the model it replaces; the temporary file is removed on failure, Ctrl-C and SIGTERM.
    def write(tmp: Path) -> None:
        model.save(tmp)
        if class_names:
            from ..data.image_sets import write_model_classes

            write_model_classes(tmp, class_names)

    return atomic_write(path, write, suffix=".keras")


def _model_path(path: str | os.PathLike[str]) -> Path:
    try:
        return user_path(path, "model path")
    except PathError as exc:
        raise ModelFileError(str(exc)) from None


def load_model_safe(path: str | os.PathLike[str]) -> KerasModel:
    """Load a ``.keras`` file in Keras' safe mode, with a clear error for anything wrong."""
    path = _model_path(path)
    try:
        if not path.is_file():
            raise ModelFileError(f"No such model file: {path}")
        with open(path, "rb"):  # an unreadable file says so (is_zipfile would call it "not a zip archive")
            pass
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot read it ({os_reason(exc)}).") from None
    if path.suffix != ".keras":
        raise ModelFileError(f"A model file must end in .keras. Received: path={str(path)!r}")
    if not zipfile.is_zipfile(path):
        raise ModelFileError(f"{path}: not a .keras model (a .keras file is a zip archive; this one is not).")
    try:
        check_keras_archive(path)  # a zip bomb is refused before Keras decompresses it
    except ArchiveError as exc:
        raise ModelFileError(str(exc)) from None
    try:
        model = keras.models.load_model(path, safe_mode=True, compile=False)
    except Exception as exc:  # Keras raises many types for damaged or foreign files
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelFileError(f"{path}: not a model convnet-tui can load ({reason[:200]}).") from None
    spec_from_model(model)  # refuse foreign architectures now, with a clear message
    return model
