"""The lecture's worked examples, loaded from readable TOML files.

Each file in ``assets/examples/`` describes one example of one kind, and each
kind has its own type:

- :class:`ConvExample` (``kind = "conv"``): an input volume and a kernel bank,
  optionally followed by pooling;
- :class:`PoolExample` (``kind = "pool"``): pooling alone;
- :class:`ModelExample` (``kind = "model"``): a layer stack for the summary.

:data:`Example` is their union.  See ``assets/examples/README.md`` for every
field.  Everything is validated here, before anything is computed: numbers are
finite and of a sane size, and every setting is small enough to show step by
step, so an example that loads can always be stepped through.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

import numpy as np

from ._validate import MAX_SHOW_SIDE, check_showable
from .activations import activation_name
from .conv import conv_geometry
from .conv_sizes import Padding
from .model import ModelSpec, layer_from_dict, spec_from_dict
from .pooling import POOL_MODES, pool_geometry

EXAMPLE_KINDS = ("conv", "pool", "model")
#: The largest magnitude of a value in an example (inputs, weights, biases).
MAX_VALUE = 1e6
#: The largest stride, dilation, padding and pool size an example may ask for (the size of a showable grid).
MAX_SETTING = MAX_SHOW_SIDE
#: The cs231n example's target output (3x3 per kernel) in the kernel-gradient lesson (``core.lessons``): a
#: diagonal of ones, so that ``dL/do = o − t`` stays in whole numbers and so does every weight's gradient.
#: Kept here so that listing the lesson among the examples does not import backpropagation.
CS231N_TARGET = np.stack([np.eye(3), np.eye(3)], axis=-1)

PoolMode = Literal["max", "avg"]
Symbols = tuple[tuple[str, ...], ...]
T = TypeVar("T")


class ExampleError(ValueError):
    """An example file is wrong; the message names the file and the field."""


@dataclass(frozen=True)
class PoolSettings:
    """A pooling stage: ``stride`` None means the window size (Keras' default)."""

    mode: PoolMode = "max"
    size: tuple[int, int] = (2, 2)
    stride: tuple[int, int] | None = None
    padding: str = "valid"


@dataclass(frozen=True, kw_only=True)
class _About:
    """What every example has: its name, its explanation and where it comes from."""

    key: str  # file stem, e.g. "01_cs231n"
    title: str
    description: str = ""
    notes: tuple[str, ...] = ()
    source: str = ""
    path: Path | None = None
    #: Listed in the contents after the lessons (what goes beyond the lecture), not with the lecture's examples.
    after_lessons: ClassVar[bool] = False


def _float_array(value: Any, name: str, ndim: int) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim != ndim:
        raise ValueError(f"`{name}` must have {ndim} dimensions. Received: {name}.shape={arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` must contain only finite numbers (no NaN or infinity). Received: {name}={arr!r}")
    return arr


@dataclass(frozen=True, kw_only=True, eq=False)
class ConvExample(_About):
    """A convolution to step through: input ``x`` (H, W, C), ``kernels`` (kh, kw, C, K), ``bias`` (K,).

    Examples made in code (the inspect screen's learned kernels, a lesson) are
    built with this constructor too; arrays are converted to float64 and must
    be finite.
    """

    kind: ClassVar[str] = "conv"  # the TOML file's `kind` (never branched on: use isinstance)

    x: np.ndarray
    kernels: np.ndarray
    bias: np.ndarray
    channel_names: tuple[str, ...] = ()
    input_symbols: Symbols | None = None  # (H, W) letters for the first channel
    kernel_names: tuple[str, ...] = ()
    kernel_symbols: Symbols | None = None  # (kh, kw) letters for every kernel
    stride: tuple[int, int] = (1, 1)
    padding: Padding = "valid"  # "valid" | "same" | int | (rows, cols)
    dilation: tuple[int, int] = (1, 1)
    activation: str = "linear"
    pool: PoolSettings | None = None
    expected: Mapping[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", _float_array(self.x, "x", 3))
        object.__setattr__(self, "kernels", _float_array(self.kernels, "kernels", 4))
        object.__setattr__(self, "bias", _float_array(self.bias, "bias", 1))

    @property
    def symbolic(self) -> bool:
        """Letters for the input and the kernel: each step is also written as a formula (``aw + bx``)."""
        return self.input_symbols is not None and self.kernel_symbols is not None


@dataclass(frozen=True, kw_only=True, eq=False)
class PoolExample(_About):
    """Pooling alone, over the input ``x`` (H, W, C)."""

    kind: ClassVar[str] = "pool"

    x: np.ndarray
    pool: PoolSettings
    channel_names: tuple[str, ...] = ()
    expected: Mapping[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", _float_array(self.x, "x", 3))


@dataclass(frozen=True, kw_only=True, eq=False)
class ModelExample(_About):
    """A layer stack: the explorer steps through its ``model.summary()`` one layer at a time."""

    kind: ClassVar[str] = "model"

    model: ModelSpec


Example = ConvExample | PoolExample | ModelExample


# --------------------------------------------------------------------------- reading the fields


def _err(path: Path, fld: str, message: str) -> ExampleError:
    return ExampleError(f"{path.name}: field `{fld}`: {message}")


def _has_bool(value: Any) -> bool:
    if isinstance(value, list):
        return any(_has_bool(v) for v in value)
    return isinstance(value, bool)


def _grid_stack(path: Path, fld: str, value: Any, depth: int) -> np.ndarray:
    """A list of 2-D numeric grids → float array (len, H, W); refuses ragged, text, NaN and huge grids."""
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
    arr = arr.astype(np.float64)
    _check_values(path, fld, arr)
    return arr


def _check_values(path: Path, fld: str, arr: np.ndarray) -> None:
    bad = ~np.isfinite(arr)
    if bad.any():
        value = arr[bad].flat[0]
        raise _err(path, fld, f"must contain only finite numbers (no nan or inf). Received: value={value}")
    if arr.size and float(np.max(np.abs(arr))) > MAX_VALUE:
        raise _err(
            path,
            fld,
            f"values must lie between -{MAX_VALUE:g} and {MAX_VALUE:g}. Received: value={float(np.max(np.abs(arr))):g}",
        )


def _number(path: Path, fld: str, value: Any) -> float:
    name = fld.rsplit(".", 1)[-1]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _err(path, fld, f"must be a number. Received: {name}={value!r}")
    if not math.isfinite(value) or abs(value) > MAX_VALUE:
        raise _err(
            path, fld, f"must be a finite number between -{MAX_VALUE:g} and {MAX_VALUE:g}. Received: {name}={value!r}"
        )
    return float(value)


def _symbols(path: Path, fld: str, value: Any, shape: tuple[int, ...]) -> Symbols:
    if (
        not isinstance(value, list)
        or len(value) != shape[0]
        or any(not isinstance(r, list) or len(r) != shape[1] or not all(isinstance(s, str) for s in r) for r in value)
    ):
        raise _err(path, fld, f"must be a {shape[0]}x{shape[1]} grid of strings matching the numbers.")
    return tuple(tuple(r) for r in value)


def _call(path: Path, fld: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        raise _err(path, fld, str(exc)) from None


def _table(path: Path, fld: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _err(path, fld, f"must be a table. Received: {fld.rsplit('.', 1)[-1]}={value!r}")
    return value


def _at_most(path: Path, fld: str, value: Any, name: str) -> None:
    """Integers (or pairs) beyond :data:`MAX_SETTING` are refused before anything is allocated."""
    values = value if isinstance(value, (list, tuple)) else [value]
    for v in values:
        if isinstance(v, int) and not isinstance(v, bool) and v > MAX_SETTING:
            raise _err(path, fld, f"`{name}` must be at most {MAX_SETTING}. Received: {name}={value!r}")


def _padding(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _load_input(path: Path, table: Any) -> tuple[np.ndarray, tuple[str, ...], Symbols | None]:
    table = _table(path, "input", table)
    if "mnist" in table:
        raise _err(
            path,
            "input.mnist",
            "is no longer read: write the digit's pixels into `channels` (see 03_edge_detection.toml) "
            "and divide them with `scale`.",
        )
    grids = _grid_stack(path, "input.channels", table.get("channels"), 3)
    x = np.transpose(grids, (1, 2, 0))
    if "scale" in table:
        scale = table["scale"]
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale <= MAX_VALUE:
            raise _err(path, "input.scale", f"must be a positive number. Received: scale={scale!r}")
        x = x / float(scale)
    raw_names = table.get("names", [f"ch{i}" for i in range(x.shape[2])])
    if not isinstance(raw_names, list) or not all(isinstance(n, str) for n in raw_names):
        raise _err(path, "input.names", f"must be a list of channel names (text). Received: names={raw_names!r}")
    if len(raw_names) != x.shape[2]:
        raise _err(
            path,
            "input.names",
            f"must name each of the {x.shape[2]} channels. Received: {len(raw_names)} names",
        )
    symbols = None
    if "symbols" in table:
        symbols = _symbols(path, "input.symbols", table["symbols"], x.shape[:2])
    _call(path, "input", check_showable, x.shape, "input")
    return x, tuple(raw_names), symbols


def _check_padded(path: Path, fld: str, padded: tuple[int, int, int]) -> None:
    """The padded input must be showable too (a padding of 100,000 is refused here, not by a MemoryError later)."""
    limit = 2 * MAX_SHOW_SIDE
    if max(padded[:2]) > limit:
        raise _err(
            path,
            fld,
            f"the padded input is too large to show step by step: the limit is {limit}x{limit} cells. "
            f"Received: padded_shape={padded}",
        )


# --------------------------------------------------------------------------- loading


def load_example(path: str | Path) -> Example:
    """Load and validate one example file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ExampleError(f"{path.name}: cannot read it ({exc.strerror or exc}).") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ExampleError(f"{path.name}: not valid TOML ({exc}).") from None
    except RecursionError:  # thousands of nested brackets
        raise ExampleError(f"{path.name}: not valid TOML (arrays nested too deeply).") from None
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
    about: dict[str, Any] = dict(
        key=path.stem,
        title=title.strip(),
        path=path,
        description=str(data.get("description", "")).strip(),
        notes=tuple(str(n).strip() for n in notes),
        source=str(data.get("source", "")).strip(),
    )
    if kind == "model":
        return ModelExample(**about, model=_load_model(path, data.get("model")))

    x, names, in_symbols = _load_input(path, data.get("input"))
    pool = _load_pool(path, data["pool"]) if "pool" in data else None
    expected_table = _table(path, "expected", data.get("expected", {}))
    expected = {k: _grid_stack(path, f"expected.{k}", v, 3) for k, v in expected_table.items()}
    if kind == "pool":
        if pool is None:
            raise _err(path, "pool", "is required for a pooling example.")
        if in_symbols is not None:
            raise _err(path, "input.symbols", "letters are only written out for a convolution (kind = 'conv').")
        pg = _call(path, "pool", pool_geometry, x.shape, pool.size, pool.stride, pool.padding)
        _check_expected(path, expected, pg.out_shape)
        return PoolExample(**about, x=x, channel_names=names, pool=pool, expected=expected)
    return _load_conv(path, data, about, x, names, in_symbols, pool, expected)


def _load_conv(
    path: Path,
    data: dict[str, Any],
    about: dict[str, Any],
    x: np.ndarray,
    names: tuple[str, ...],
    in_symbols: Symbols | None,
    pool: PoolSettings | None,
    expected: dict[str, np.ndarray],
) -> ConvExample:
    conv = _table(path, "conv", data.get("conv", {}))
    kernels_table = data.get("kernels")
    if not isinstance(kernels_table, list) or not kernels_table:
        raise _err(path, "kernels", "must list at least one [[kernels]] table.")
    banks: list[np.ndarray] = []
    biases: list[float] = []
    knames: list[str] = []
    k_symbols: Symbols | None = None
    for i, entry in enumerate(kernels_table):
        kt = _table(path, f"kernels[{i}]", entry)
        grids = _grid_stack(path, f"kernels[{i}].channels", kt.get("channels"), 3)
        if grids.shape[0] != x.shape[2]:
            raise _err(
                path,
                f"kernels[{i}].channels",
                f"needs one grid per input channel ({x.shape[2]}). Received: {grids.shape[0]} grids",
            )
        banks.append(np.transpose(grids, (1, 2, 0)))
        biases.append(_number(path, f"kernels[{i}].bias", kt.get("bias", 0)))
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
    raw_stride, raw_dilation = conv.get("stride", 1), conv.get("dilation", 1)
    _at_most(path, "conv.stride", raw_stride, "strides")
    stride = _call(path, "conv.stride", lambda v: conv_geometry(*unit, stride=v).stride, raw_stride)
    _at_most(path, "conv.dilation", raw_dilation, "dilation_rate")
    dilation = _call(path, "conv.dilation", lambda v: conv_geometry(*unit, dilation=v).dilation, raw_dilation)
    padding = _padding(conv.get("padding", "valid"))
    _at_most(path, "conv.padding", padding, "padding")
    _call(path, "conv.padding", lambda v: conv_geometry(*unit, padding=v), padding)
    activation = _call(path, "conv.activation", activation_name, conv.get("activation", "linear"))
    g = _call(path, "conv", conv_geometry, x.shape, kernels.shape, stride=stride, padding=padding, dilation=dilation)
    _check_padded(path, "conv.padding", g.padded_shape)
    _call(path, "kernels", check_showable, x.shape, "input", n_kernels=kernels.shape[3])
    out_shape = g.out_shape
    if pool is not None:
        pg = _call(path, "pool", pool_geometry, g.out_shape, pool.size, pool.stride, pool.padding)
        out_shape = pg.out_shape
    _check_expected(path, expected, out_shape)
    return ConvExample(
        **about,
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
    raw_size = p.get("size", 2)
    _at_most(path, "pool.size", raw_size, "pool_size")
    size = _call(path, "pool.size", lambda v: pool_geometry(big, v).size, raw_size)
    raw_stride = p.get("stride")
    stride = None
    if raw_stride is not None:
        _at_most(path, "pool.stride", raw_stride, "strides")
        stride = _call(path, "pool.stride", lambda v: pool_geometry(big, 1, v).stride, raw_stride)
    padding = _call(path, "pool.padding", lambda v: pool_geometry(big, 1, None, v).padding, p.get("padding", "valid"))
    return PoolSettings("max" if mode == "max" else "avg", size, stride, padding)


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


def bundled_examples_dir() -> Path:
    """The bundled ``assets/examples`` folder: inside the installed wheel, or beside the source tree.

    Found from this file's place, so that the core imports nothing else of the package.
    """
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "assets" / "examples", package.parent / "assets" / "examples"):
        if candidate.is_dir():
            return candidate
    raise ExampleError(
        f"The bundled examples are missing. Looked in: {package / 'assets'}, {package.parent / 'assets'}"
    )


def load_examples(folder: str | Path | None = None) -> list[Example]:
    """Every example in ``folder`` (default: the bundled ones), ordered by file name."""
    if folder is None:
        folder = bundled_examples_dir()
    files = sorted(Path(folder).glob("*.toml"))
    if not files:
        raise ExampleError(f"No example files (*.toml) in {folder}.")
    return [load_example(f) for f in files]
