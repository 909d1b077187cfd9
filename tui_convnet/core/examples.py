"""The lecture's worked examples, loaded from readable TOML files.

Each file in ``assets/examples/`` describes one example.  ``kind`` is
``conv`` (an input volume and a kernel bank, optionally followed by
pooling), ``pool`` (pooling alone) or ``model`` (a layer stack for the
summary).  See ``assets/examples/README.md`` for every field.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ._validate import check_showable
from .activations import activation_name
from .conv import conv_geometry
from .model import ModelSpec, layer_from_dict, spec_from_dict
from .pooling import POOL_MODES, pool_geometry

EXAMPLE_KINDS = ("conv", "pool", "model")


class ExampleError(ValueError):
    """An example file is wrong; the message names the file and the field."""


@dataclass(frozen=True)
class PoolSettings:
    mode: str = "max"
    size: tuple[int, int] = (2, 2)
    stride: tuple[int, int] | None = None
    padding: str = "valid"


@dataclass(frozen=True)
class Example:
    """One built-in example, validated and ready to compute."""

    key: str  # file stem, e.g. "01_cs231n"
    title: str
    kind: str
    description: str = ""
    notes: tuple[str, ...] = ()
    source: str = ""
    x: np.ndarray | None = None  # (H, W, C_in)
    channel_names: tuple[str, ...] = ()
    input_symbols: tuple[tuple[str, ...], ...] | None = None  # (H, W) letters for one channel
    kernels: np.ndarray | None = None  # (kh, kw, C_in, C_out)
    bias: np.ndarray | None = None  # (C_out,)
    kernel_names: tuple[str, ...] = ()
    kernel_symbols: tuple[tuple[str, ...], ...] | None = None
    stride: tuple[int, int] = (1, 1)
    padding: Any = "valid"
    dilation: tuple[int, int] = (1, 1)
    activation: str = "linear"
    pool: PoolSettings | None = None
    model: ModelSpec | None = None
    expected: Mapping[str, np.ndarray] = field(default_factory=dict)
    path: Path | None = None

    @property
    def symbolic(self) -> bool:
        return self.input_symbols is not None and self.kernel_symbols is not None


def _err(path: Path, fld: str, message: str) -> ExampleError:
    return ExampleError(f"{path.name}: field `{fld}`: {message}")


def _grid_stack(path: Path, fld: str, value: Any, depth: int) -> np.ndarray:
    """A list of 2-D numeric grids → array (len, H, W); refuses ragged/text grids."""
    if not isinstance(value, list) or not value:
        raise _err(path, fld, f"must be a non-empty list of {'grids' if depth == 3 else 'rows'}.")
    try:
        arr = np.array(value)
    except ValueError:
        raise _err(path, fld, "is ragged: every row must have the same length.") from None
    if arr.dtype == object or arr.ndim != depth:
        raise _err(path, fld, "is ragged: every row must have the same length.")
    if arr.dtype.kind not in "iuf" or _has_bool(value):  # numpy would take true/false as 1/0
        raise _err(
            path,
            fld,
            f"must contain only numbers. Received: dtype={'bool' if arr.dtype.kind in 'iub' else arr.dtype}",
        )
    return arr


def _has_bool(value: Any) -> bool:
    if isinstance(value, list):
        return any(_has_bool(v) for v in value)
    return isinstance(value, bool)


def _symbols(path: Path, fld: str, value: Any, shape: tuple[int, int]) -> tuple[tuple[str, ...], ...]:
    if (
        not isinstance(value, list)
        or len(value) != shape[0]
        or any(not isinstance(r, list) or len(r) != shape[1] or not all(isinstance(s, str) for s in r) for r in value)
    ):
        raise _err(path, fld, f"must be a {shape[0]}x{shape[1]} grid of strings matching the numbers.")
    return tuple(tuple(r) for r in value)


def _call(path: Path, fld: str, fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        raise _err(path, fld, str(exc)) from None


def _table(path: Path, fld: str, value: Any) -> dict:
    if not isinstance(value, dict):
        raise _err(path, fld, f"must be a table. Received: {fld.rsplit('.', 1)[-1]}={value!r}")
    return value


def _padding(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _load_input(path: Path, table: Any) -> tuple[np.ndarray, tuple[str, ...], Any]:
    table = _table(path, "input", table)
    if "mnist" in table:
        from ..data import DataError, bundled_digit  # numpy-only loader

        spec = table["mnist"]
        index = spec.get("index", 0) if isinstance(spec, dict) else None
        if not isinstance(index, int) or isinstance(index, bool):
            raise _err(path, "input.mnist", "must be a table like { split = 'test', index = 0 }.")
        try:
            digit, _label = bundled_digit(index, spec.get("split", "test"))
        except DataError as exc:
            raise _err(path, "input.mnist", str(exc)) from None
        scale = spec.get("scale", 255)
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not scale > 0:
            raise _err(path, "input.mnist.scale", f"must be a positive number. Received: scale={scale!r}")
        x = (digit.astype(np.float64) / scale)[:, :, None]
        names = ("digit",)
    else:
        grids = _grid_stack(path, "input.channels", table.get("channels"), 3)
        x = np.transpose(grids, (1, 2, 0))
        names = table.get("names", [f"ch{i}" for i in range(x.shape[2])])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise _err(path, "input.names", f"must be a list of channel names (text). Received: names={names!r}")
        if len(names) != x.shape[2]:
            raise _err(
                path,
                "input.names",
                f"must name each of the {x.shape[2]} channels. Received: {len(names)} names",
            )
        names = tuple(names)
    symbols = None
    if "symbols" in table:
        symbols = _symbols(path, "input.symbols", table["symbols"], x.shape[:2])
    _call(path, "input", check_showable, x.shape, "input")
    return x, names, symbols


def load_example(path: str | Path) -> Example:
    """Load and validate one example file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ExampleError(f"{path.name}: cannot read it ({exc.strerror or exc}).") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ExampleError(f"{path.name}: not valid TOML ({exc}).") from None
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise _err(path, "title", "is required and must be text.")
    kind = data.get("kind")
    if kind not in EXAMPLE_KINDS:
        raise _err(path, "kind", f"must be one of {', '.join(EXAMPLE_KINDS)}. Received: kind={kind!r}")
    notes = data.get("notes", [])
    if isinstance(notes, str):
        notes = [notes]
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise _err(path, "notes", f"must be text or a list of texts. Received: notes={notes!r}")
    common = dict(
        key=path.stem,
        title=title.strip(),
        kind=kind,
        path=path,
        description=str(data.get("description", "")).strip(),
        notes=tuple(str(n).strip() for n in notes),
        source=str(data.get("source", "")).strip(),
    )
    if kind == "model":
        return Example(**common, model=_load_model(path, data.get("model")))

    x, names, in_symbols = _load_input(path, data.get("input"))
    pool = _load_pool(path, data["pool"]) if "pool" in data else None
    expected_table = _table(path, "expected", data.get("expected", {}))
    expected = {k: _grid_stack(path, f"expected.{k}", v, 3) for k, v in expected_table.items()}
    if kind == "pool":
        if pool is None:
            raise _err(path, "pool", "is required for a pooling example.")
        g = _call(path, "pool", pool_geometry, x.shape, pool.size, pool.stride, pool.padding)
        _check_expected(path, expected, g.out_shape)
        return Example(**common, x=x, channel_names=names, input_symbols=in_symbols, pool=pool, expected=expected)

    conv = _table(path, "conv", data.get("conv", {}))
    kernels_table = data.get("kernels")
    if not isinstance(kernels_table, list) or not kernels_table:
        raise _err(path, "kernels", "must list at least one [[kernels]] table.")
    banks, biases, knames, k_symbols = [], [], [], None
    for i, kt in enumerate(kernels_table):
        kt = _table(path, f"kernels[{i}]", kt)
        grids = _grid_stack(path, f"kernels[{i}].channels", kt.get("channels"), 3)
        if grids.shape[0] != x.shape[2]:
            raise _err(
                path,
                f"kernels[{i}].channels",
                f"needs one grid per input channel ({x.shape[2]}). Received: {grids.shape[0]} grids",
            )
        banks.append(np.transpose(grids, (1, 2, 0)))
        bias = kt.get("bias", 0)
        if isinstance(bias, bool) or not isinstance(bias, (int, float)):
            raise _err(path, f"kernels[{i}].bias", f"must be a number. Received: bias={bias!r}")
        biases.append(bias)
        knames.append(str(kt.get("name", f"W{i}")))
        if "symbols" in kt:
            k_symbols = _symbols(path, f"kernels[{i}].symbols", kt["symbols"], banks[-1].shape[:2])
    if len({b.shape for b in banks}) != 1:
        raise _err(
            path,
            "kernels",
            "all kernels must have the same shape. Received: shapes=" + ", ".join(str(b.shape) for b in banks),
        )
    kernels = np.stack(banks, axis=-1)
    # Each setting on its own first (so the message names it), then together.
    unit = ((4096, 4096, 1), (1, 1, 1, 1))
    stride = _call(path, "conv.stride", lambda v: conv_geometry(*unit, stride=v).stride, conv.get("stride", 1))
    dilation = _call(
        path, "conv.dilation", lambda v: conv_geometry(*unit, dilation=v).dilation, conv.get("dilation", 1)
    )
    padding = _padding(conv.get("padding", "valid"))
    _call(path, "conv.padding", lambda v: conv_geometry(*unit, padding=v), padding)
    activation = _call(path, "conv.activation", activation_name, conv.get("activation", "linear"))
    g = _call(path, "conv", conv_geometry, x.shape, kernels.shape, stride=stride, padding=padding, dilation=dilation)
    _call(path, "kernels", check_showable, x.shape, "input", n_kernels=kernels.shape[3])
    if pool is not None:
        g = _call(path, "pool", pool_geometry, g.out_shape, pool.size, pool.stride, pool.padding)
    _check_expected(path, expected, g.out_shape)
    return Example(
        **common,
        x=x,
        channel_names=names,
        input_symbols=in_symbols,
        kernels=kernels,
        bias=np.asarray(biases),
        kernel_names=tuple(knames),
        kernel_symbols=k_symbols,
        stride=stride,
        padding=padding,
        dilation=dilation,
        activation=activation,
        pool=pool,
        expected=expected,
    )


def _load_pool(path: Path, table: Any) -> PoolSettings:
    p = _table(path, "pool", table)
    mode = p.get("mode", "max")
    if mode not in POOL_MODES:
        raise _err(path, "pool.mode", f"must be 'max' or 'avg'. Received: mode={mode!r}")
    big = (4096, 4096, 1)
    size = _call(path, "pool.size", lambda v: pool_geometry(big, v).size, p.get("size", 2))
    stride = p.get("stride")
    if stride is not None:
        stride = _call(path, "pool.stride", lambda v: pool_geometry(big, 1, v).stride, stride)
    padding = _call(path, "pool.padding", lambda v: pool_geometry(big, 1, None, v).padding, p.get("padding", "valid"))
    return PoolSettings(mode, size, stride, padding)


def _load_model(path: Path, table: Any) -> ModelSpec:
    table = _table(path, "model", table)
    layers = table.get("layers")
    if isinstance(layers, list):
        for i, layer in enumerate(layers):
            _call(path, f"model.layers[{i}]", layer_from_dict, layer)
    return _call(path, "model", spec_from_dict, table)


def _check_expected(path: Path, expected: Mapping[str, np.ndarray], out_shape: tuple[int, int, int]) -> None:
    """Each ``expected`` volume is one grid per output channel, of the output's size."""
    want = (out_shape[2], out_shape[0], out_shape[1])
    for key, grids in expected.items():
        if grids.shape != want:
            raise _err(
                path,
                f"expected.{key}",
                f"must be {want[0]} grid(s) of {want[1]}x{want[2]}, the output's shape. "
                f"Received: {grids.shape[0]} grid(s) of {grids.shape[1]}x{grids.shape[2]}",
            )


def load_examples(folder: str | Path | None = None) -> list[Example]:
    """Every example in ``folder`` (default: the bundled ones), ordered by file name."""
    if folder is None:
        from ..paths import examples_dir

        folder = examples_dir()
    files = sorted(Path(folder).glob("*.toml"))
    if not files:
        raise ExampleError(f"No example files (*.toml) in {folder}.")
    return [load_example(f) for f in files]
