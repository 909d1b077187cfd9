"""Max and average pooling with Keras ``MaxPooling2D``/``AveragePooling2D`` semantics."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ._steps import SteppedTrace
from ._validate import check_showable, check_values, fail, numeric_array, pair, shape_arg
from .arrays import Array
from .conv import same_padding

POOL_MODES = ("max", "avg")


@dataclass(frozen=True)
class PoolGeometry:
    in_shape: tuple[int, int, int]
    size: tuple[int, int]
    stride: tuple[int, int]
    padding: str
    pad_top: int
    pad_bottom: int
    pad_left: int
    pad_right: int
    out_shape: tuple[int, int, int]

    def window_rows(self, out_row: int) -> tuple[int, ...]:
        """Rows of the *padded* input covered by output row ``out_row``."""
        start = out_row * self.stride[0]
        return tuple(range(start, start + self.size[0]))

    def window_cols(self, out_col: int) -> tuple[int, ...]:
        start = out_col * self.stride[1]
        return tuple(range(start, start + self.size[1]))

    def output_formulas(self) -> tuple[str, str]:
        h, w, _ = self.in_shape
        out = []
        for n, k, s, o in (
            (h, self.size[0], self.stride[0], self.out_shape[0]),
            (w, self.size[1], self.stride[1], self.out_shape[1]),
        ):
            if self.padding == "same":
                out.append(f"⌈{n} / {s}⌉ = {o}")
            elif (n - k) % s:
                out.append(f"⌊({n} − {k}) / {s}⌋ + 1 = {o}")
            else:
                out.append(f"({n} − {k}) / {s} + 1 = {o}")
        return out[0], out[1]


def _check_mode(mode: Any) -> None:
    if not isinstance(mode, str) or mode not in POOL_MODES:
        raise fail("Unknown pooling mode. Expected one of 'max', 'avg'", mode=mode)


def pool_geometry(in_shape: tuple[int, ...], size: Any = 2, stride: Any = None, padding: str = "valid") -> PoolGeometry:
    ph, pw = pair(size, "pool_size", minimum=1)
    sh, sw = pair(stride if stride is not None else (ph, pw), "strides", minimum=1)
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise fail(
            "Invalid value for argument `padding` of a pooling layer. Expected one of 'valid', 'same'",
            padding=padding,
        )
    padding = padding.lower()
    in_shape = shape_arg(in_shape, "x.shape", ndims=(3, 4), minimum=1)
    h, w, c = in_shape[-3:]
    if padding == "same":
        top, bottom = same_padding(h, ph, sh)
        left, right = same_padding(w, pw, sw)
        oh, ow = -(-h // sh), -(-w // sw)
    else:
        top = bottom = left = right = 0
        if ph > h or pw > w:
            raise fail(
                f"The pooling window ({ph}x{pw}) is larger than the input ({h}x{w})",
                pool_size=(ph, pw),
                **{"x.shape": tuple(in_shape)},
            )
        oh, ow = (h - ph) // sh + 1, (w - pw) // sw + 1
    return PoolGeometry((h, w, c), (ph, pw), (sh, sw), padding, top, bottom, left, right, (oh, ow, c))


def check_pool_work(g: PoolGeometry, batch: int, mode: str) -> None:
    """Refuse pooling whose padded input or window copies would exceed :data:`MAX_VALUES` (before allocating)."""
    h, w, c = g.in_shape
    oh, ow, _ = g.out_shape
    shown = {"x.shape": (batch, h, w, c) if batch > 1 else g.in_shape, "pool_size": g.size, "padding": g.padding}
    padded = batch * (h + g.pad_top + g.pad_bottom) * (w + g.pad_left + g.pad_right) * c
    check_values(padded, "The padded input", **shown)
    if mode == "avg" or g.padding == "same":  # the reductions over windows may copy them
        check_values(batch * oh * ow * g.size[0] * g.size[1] * c, "The pooling windows", **shown)


def _windows(x: np.ndarray, g: PoolGeometry) -> np.ndarray:
    """``(N, H', W', ph, pw, C)`` windows of a batch, NaN where padding."""
    if g.padding == "same" and (g.pad_top or g.pad_bottom or g.pad_left or g.pad_right):
        x = np.pad(
            x.astype(np.result_type(x.dtype, np.float32), copy=False),
            ((0, 0), (g.pad_top, g.pad_bottom), (g.pad_left, g.pad_right), (0, 0)),
            constant_values=np.nan,
        )
    s0, s1, s2, s3 = x.strides
    oh, ow, c = g.out_shape
    return as_strided(
        x,
        shape=(x.shape[0], oh, ow, g.size[0], g.size[1], c),
        strides=(s0, s1 * g.stride[0], s2 * g.stride[1], s1, s2, s3),
        writeable=False,
    )


def _max_over_offsets(x: np.ndarray, g: PoolGeometry) -> np.ndarray:
    """Max pooling of an unpadded batch as a running maximum over the ``ph·pw`` window offsets.

    Same values as ``_windows(x, g).max(axis=(3, 4))`` (a maximum is exact),
    but each step is one strided slice, which is several times faster than
    reducing over the small window axes.
    """
    (ph, pw), (sh, sw) = g.size, g.stride
    oh, ow, _ = g.out_shape
    offsets = [
        x[:, i : i + sh * (oh - 1) + 1 : sh, j : j + sw * (ow - 1) + 1 : sw, :] for i in range(ph) for j in range(pw)
    ]
    if len(offsets) == 1:
        return offsets[0].copy()
    # the first two offsets make the array the others are folded into
    out: Array = np.maximum(offsets[0], offsets[1])
    for offset in offsets[2:]:
        np.maximum(out, offset, out=out)
    return out


def pool2d(x: Any, size: Any = 2, stride: Any = None, mode: str = "max", padding: str = "valid") -> np.ndarray:
    """Pool ``(H, W, C)`` (or ``(N, H, W, C)``) over ``size`` windows every ``stride`` cells.

    ``stride`` defaults to ``size`` as in Keras.  With ``padding='same'`` the
    padded cells never win a max and are not counted in an average, exactly
    as TensorFlow's pooling ops behave.
    """
    _check_mode(mode)
    x = numeric_array(x, "x", ndims=(3, 4))
    g = pool_geometry(x.shape, size, stride, padding)
    check_pool_work(g, x.shape[0] if x.ndim == 4 else 1, mode)
    batched = x.ndim == 4
    out = pool_batch(x if batched else x[None], g, mode)
    return out if batched else out[0]


def pool_batch(xb: np.ndarray, g: PoolGeometry, mode: str) -> np.ndarray:
    """The arithmetic of :func:`pool2d` on a batch ``(N, H, W, C)`` that has been checked.

    Nothing is validated here: the caller has checked ``xb`` (numbers, finite,
    the geometry's input shape), ``mode`` and the work (:func:`check_pool_work`).
    """
    if mode == "max" and g.padding != "same":
        return _max_over_offsets(xb, g)
    win = _windows(xb, g)
    has_pad = np.issubdtype(win.dtype, np.floating) and g.padding == "same"
    if mode == "max":
        out: Array = np.nanmax(win, axis=(3, 4)) if has_pad else win.max(axis=(3, 4))
    else:
        dtype = np.result_type(xb.dtype, np.float32)
        out = np.nanmean(win, axis=(3, 4), dtype=dtype) if has_pad else win.mean(axis=(3, 4), dtype=dtype)
    return out


@dataclass(frozen=True)
class PoolStep:
    index: int
    channel: int
    out_row: int
    out_col: int
    rows: tuple[int, ...]  # rows of the padded input
    cols: tuple[int, ...]
    window: np.ndarray  # (ph, pw), NaN where the window is over padding
    mode: str
    value: float
    argmax: tuple[int, int] | None  # (row, col) in the padded input of the winning cell (max mode)


class PoolTrace(SteppedTrace[PoolGeometry]):
    """Pooling laid out for stepping (channel by channel, row-major)."""

    def __init__(self, x: Any, size: Any = 2, stride: Any = None, mode: str = "max", padding: str = "valid") -> None:
        _check_mode(mode)
        x = numeric_array(x, "x", ndims=(3,))
        check_showable(x.shape, "x")
        g = pool_geometry(x.shape, size, stride, padding)
        check_showable(
            (x.shape[0] + g.pad_top + g.pad_bottom, x.shape[1] + g.pad_left + g.pad_right, x.shape[2]),
            "x",
            padded=True,
            pool_size=g.size,
        )
        self.output = pool2d(x, size, stride, mode, padding)
        self.mode = mode
        self.geometry = g
        self.x = x
        self.padded = np.pad(
            x.astype(np.result_type(x.dtype, np.float32)),
            ((g.pad_top, g.pad_bottom), (g.pad_left, g.pad_right), (0, 0)),
            constant_values=np.nan,
        )

    def step(self, index: int) -> PoolStep:
        channel, row, col = self.position(index)
        g = self.geometry
        rows, cols = g.window_rows(row), g.window_cols(col)
        window = self.padded[np.ix_(rows, cols, [channel])][:, :, 0]
        argmax = None
        if self.mode == "max":
            i, j = np.unravel_index(np.nanargmax(window), window.shape)
            argmax = (rows[i], cols[j])
        return PoolStep(
            index,
            channel,
            row,
            col,
            rows,
            cols,
            window,
            self.mode,
            self.output[row, col, channel].item(),
            argmax,
        )


def pool_trace(x: Any, size: Any = 2, stride: Any = None, mode: str = "max", padding: str = "valid") -> PoolTrace:
    return PoolTrace(x, size, stride, mode, padding)


def pool_steps(
    x: Any, size: Any = 2, stride: Any = None, mode: str = "max", padding: str = "valid"
) -> Iterator[PoolStep]:
    return iter(PoolTrace(x, size, stride, mode, padding))
