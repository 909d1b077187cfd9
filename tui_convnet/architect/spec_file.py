"""A model spec as a TOML file: written by the architecture editor, read by ``summary --spec`` and ``train --spec``.

The file is the spec's plain data (:meth:`~tui_convnet.core.ModelSpec.to_dict`)::

    name = "my_convnet"
    input_shape = [28, 28, 1]

    [[layers]]
    type = "Conv2D"
    filters = 32
    kernel_size = [3, 3]
    ...

An example file of ``kind = "model"`` (its layers under ``[model]``) is read too.
Every problem is one :class:`SpecFileError` line naming the file.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core import ModelSpec, spec_from_dict
from ..util.fileio import PathError, atomic_write_bytes, os_reason, user_path

#: Larger files are refused before they are read: a model spec is a few hundred bytes.
MAX_SPEC_BYTES = 1_000_000


class SpecFileError(ValueError):
    """A model file that cannot be read or written; the message names the file and says why."""


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(value)
    return str(int(value))


def spec_to_toml(spec: ModelSpec) -> str:
    """The TOML text of ``spec`` (read back by :func:`spec_from_toml` to an equal spec)."""
    data = spec.to_dict()
    lines = [f"name = {_value(data['name'])}", f"input_shape = {_value(data['input_shape'])}"]
    for layer in data["layers"]:
        lines += ["", "[[layers]]"]
        lines += [f"{key} = {_value(value)}" for key, value in layer.items() if value is not None]
    return "\n".join(lines) + "\n"


def spec_from_toml(text: str, source: str = "model file") -> ModelSpec:
    """Parse and check a model's TOML text; :class:`SpecFileError` names ``source`` and the problem."""
    try:
        data: Mapping[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecFileError(f"{source}: not valid TOML ({exc}).") from None
    if "layers" not in data and isinstance(data.get("model"), Mapping):
        data = data["model"]  # an example file of kind "model"
    try:
        return spec_from_dict(data)
    except ValueError as exc:
        raise SpecFileError(f"{source}: {exc}") from None


def read_spec_file(path: str | os.PathLike[str]) -> ModelSpec:
    """Read a model spec from a TOML file (see the module's docstring)."""
    try:
        file = user_path(path, "model file", "--spec")
    except PathError as exc:
        raise SpecFileError(str(exc)) from None
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_SPEC_BYTES + 1)
    except IsADirectoryError:
        raise SpecFileError(f"{file}: is a folder, not a model file.") from None
    except OSError as exc:
        raise SpecFileError(f"{file}: {os_reason(exc)}.") from None
    if len(raw) > MAX_SPEC_BYTES:
        raise SpecFileError(f"{file}: larger than {MAX_SPEC_BYTES:,} bytes; a model file is a few hundred.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SpecFileError(f"{file}: not a text file (UTF-8 TOML expected).") from None
    return spec_from_toml(text, str(file))


def write_spec_file(path: str | os.PathLike[str], spec: ModelSpec) -> Path:
    """Write ``spec`` as TOML, atomically (a crash leaves the old file or the new one, never half of it)."""
    try:
        file = user_path(path, "model file")
        return atomic_write_bytes(file, spec_to_toml(spec).encode("utf-8"))
    except PathError as exc:
        raise SpecFileError(str(exc)) from None
    except OSError as exc:
        raise SpecFileError(f"{path}: {os_reason(exc)}.") from None


def read_trainable_spec(
    path: str | os.PathLike[str], *, classes: int = 10, image_shape: tuple[int, ...] = (28, 28, 1)
) -> ModelSpec:
    """:func:`read_spec_file`, also refusing a model that cannot be trained on ``classes`` classes of
    ``image_shape`` images (its input shape, its last layer)."""
    from .editor import training_note

    spec = read_spec_file(path)
    if tuple(spec.input_shape) != tuple(image_shape):
        shown = "x".join(str(d) for d in image_shape)
        raise SpecFileError(
            f"{path}: the model's input_shape {list(spec.input_shape)} does not match the data's images ({shown})."
        )
    note = training_note(spec, classes)
    if note:
        raise SpecFileError(f"{path}: {note}")
    return spec
