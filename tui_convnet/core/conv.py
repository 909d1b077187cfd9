"""The convolution engine: Keras ``Conv2D`` semantics in plain numpy.

Layouts follow Keras ``channels_last``: an input volume is ``(H, W, C_in)``
(or a batch ``(N, H, W, C_in)``), a kernel bank ``(kh, kw, C_in, C_out)``, a
bias ``(C_out,)`` and the output ``(H', W', C_out)``.  Like Keras (and
cs231n) the "convolution" is a cross-correlation: the kernel is not flipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ._steps import SteppedTrace
from ._validate import check_showable, check_values, fail, numeric_array, padding_arg, pair, shape_arg
from .activations import activate_owned, activation_name, apply_activation
from .conv_sizes import (
    Padding,
    axis_padding,
    conv_output_formula,
    conv_output_size,
    conv_param_formula,
    effective_kernel,
    same_padding,
)

# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class ConvGeometry:
    """Everything about a convolution's shape, resolved and validated once."""

    in_shape: tuple[int, int, int]  # (H, W, C_in)
    kernel_shape: tuple[int, int, int, int]  # (kh, kw, C_in, C_out)
    stride: tuple[int, int]
    dilation: tuple[int, int]
    padding: str | tuple[int, int]  # as given, normalised
    pad_top: int
    pad_bottom: int
    pad_left: int
    pad_right: int
    out_shape: tuple[int, int, int]  # (H', W', C_out)

    @property
    def padded_shape(self) -> tuple[int, int, int]:
        h, w, c = self.in_shape
        return (h + self.pad_top + self.pad_bottom, w + self.pad_left + self.pad_right, c)

    def window_rows(self, out_row: int) -> tuple[int, ...]:
        """Rows of the *padded* input read by output row ``out_row``."""
        start = out_row * self.stride[0]
        return tuple(start + i * self.dilation[0] for i in range(self.kernel_shape[0]))

    def window_cols(self, out_col: int) -> tuple[int, ...]:
        start = out_col * self.stride[1]
        return tuple(start + j * self.dilation[1] for j in range(self.kernel_shape[1]))

    def is_padding(self, row: int, col: int) -> bool:
        """Whether padded-input cell ``(row, col)`` is a padding cell."""
        h, w, _ = self.in_shape
        return not (self.pad_top <= row < self.pad_top + h and self.pad_left <= col < self.pad_left + w)

    def output_formulas(self) -> tuple[str, str]:
        """``(rows, cols)`` output-size formulas."""
        h, w, _ = self.in_shape
        kh, kw = self.kernel_shape[:2]
        pads = [self.padding] * 2 if isinstance(self.padding, str) else [(self.padding[0],) * 2, (self.padding[1],) * 2]
        return (
            conv_output_formula(h, kh, self.stride[0], pads[0], self.dilation[0]),
            conv_output_formula(w, kw, self.stride[1], pads[1], self.dilation[1]),
        )

    @property
    def param_count(self) -> int:
        kh, kw, cin, cout = self.kernel_shape
        return cout * kh * kw * cin + cout

    @property
    def param_formula(self) -> str:
        kh, kw, cin, cout = self.kernel_shape
        return conv_param_formula(kh, kw, cin, cout)


def conv_geometry(
    in_shape: tuple[int, ...],
    kernel_shape: tuple[int, ...],
    *,
    stride: Any = 1,
    padding: Padding = "valid",
    dilation: Any = 1,
) -> ConvGeometry:
    """Validate a convolution's shapes and settings and resolve its padding."""
    sh, sw = pair(stride, "strides", minimum=1)
    dh, dw = pair(dilation, "dilation_rate", minimum=1)
    pad = padding_arg(padding)
    in_shape = shape_arg(in_shape, "x.shape", ndims=(3, 4), minimum=0)
    if len(tuple(kernel_shape)) != 4:
        raise fail("`kernels` must be a 4-D array (kh, kw, C_in, C_out)", **{"kernels.shape": tuple(kernel_shape)})
    kernel_shape = shape_arg(kernel_shape, "kernels.shape", ndims=(4,), minimum=0)
    h, w, c = in_shape[-3:]
    kh, kw, kc, kout = kernel_shape
    if min(h, w, c) < 1 or min(kh, kw, kout) < 1:
        raise fail(
            "Input and kernels must not be empty",
            **{"x.shape": tuple(in_shape), "kernels.shape": tuple(kernel_shape)},
        )
    if kc != c:
        raise fail(
            f"The kernels' input channels must match the input's channels (input has {c}, kernels have {kc})",
            **{"x.shape": tuple(in_shape), "kernels.shape": tuple(kernel_shape)},
        )
    top, bottom = axis_padding(pad, 0, h, kh, sh, dh)
    left, right = axis_padding(pad, 1, w, kw, sw, dw)
    kh_eff, kw_eff = effective_kernel(kh, dh), effective_kernel(kw, dw)
    if kh_eff > h + top + bottom or kw_eff > w + left + right:
        raise fail(
            f"The kernel ({kh_eff}x{kw_eff} after dilation) is larger than the padded input "
            f"({h + top + bottom}x{w + left + right})",
            kernel_size=(kh, kw),
            dilation_rate=(dh, dw),
            padding=padding,
            **{"x.shape": tuple(in_shape)},
        )
    out_h = (h + top + bottom - kh_eff) // sh + 1
    out_w = (w + left + right - kw_eff) // sw + 1
    return ConvGeometry(
        in_shape=(h, w, c),
        kernel_shape=(kh, kw, kc, kout),
        stride=(sh, sw),
        dilation=(dh, dw),
        padding=pad,
        pad_top=top,
        pad_bottom=bottom,
        pad_left=left,
        pad_right=right,
        out_shape=(out_h, out_w, kout),
    )


def _bias_array(bias: Any, c_out: int) -> np.ndarray | None:
    if bias is None:
        return None
    b = numeric_array(bias, "bias", ndims=(0, 1))
    b = np.broadcast_to(b, (c_out,)) if b.ndim == 0 else b
    if b.shape != (c_out,):
        raise fail(f"`bias` must have one value per kernel ({c_out})", **{"bias.shape": b.shape})
    return b


# --------------------------------------------------------------------------- conv2d


def check_conv_work(g: ConvGeometry, batch: int, **received: Any) -> None:
    """Refuse a convolution whose padded input, windows or output would exceed :data:`MAX_VALUES`.

    Checked from the geometry alone, before anything is allocated.
    """
    hp, wp, c = g.padded_shape
    kh, kw, _, c_out = g.kernel_shape
    oh, ow, _ = g.out_shape
    shown = {"x.shape": (batch, *g.in_shape) if batch > 1 else g.in_shape, **received}
    check_values(batch * hp * wp * c, "The padded input", **shown)
    check_values(batch * oh * ow * kh * kw * c, "The convolution's windows (im2col)", **shown)
    check_values(batch * oh * ow * c_out, "The output", **shown)


#: Below this many input channels the windows are gathered channel-first
#: (whole output rows per copy); from it on, channels-last (a contiguous
#: run of ``C`` values per window cell) is the faster copy.
_CHANNEL_FIRST_BELOW = 4


def _padded(xb: np.ndarray, g: ConvGeometry, *, channel_first: bool) -> np.ndarray:
    """The batch with its zero padding: ``(N, Hp, Wp, C)``, or ``(C, N, Hp, Wp)``.

    Without padding no copy is made (except the channel-first transpose of
    a multi-channel batch, which the gather needs contiguous).
    """
    t, b, left, r = g.pad_top, g.pad_bottom, g.pad_left, g.pad_right
    src = xb.transpose(3, 0, 1, 2) if channel_first else xb
    if not (t or b or left or r):
        return np.ascontiguousarray(src) if channel_first and src.shape[0] > 1 else src
    if channel_first:
        c, n, h, w = src.shape
        xp = np.zeros((c, n, h + t + b, w + left + r), dtype=src.dtype)
        xp[:, :, t : t + h, left : left + w] = src
    else:
        n, h, w, c = src.shape
        xp = np.zeros((n, h + t + b, w + left + r, c), dtype=src.dtype)
        xp[:, t : t + h, left : left + w, :] = src
    return xp


def _strided_view(base: np.ndarray, shape: tuple[int, ...], strides: tuple[int, ...]) -> np.ndarray:
    """A read-only view of ``base`` with ``shape`` and ``strides`` (``as_strided``'s view).

    For a contiguous ``base`` it is made by the ``ndarray`` constructor, which
    also checks that the view stays inside the buffer, and costs a tenth of
    ``as_strided``'s Python (0.08 ms of a key press after a sleep).
    """
    if base.flags.c_contiguous:
        view = np.ndarray(shape, base.dtype, buffer=base, strides=strides)
        view.flags.writeable = False
        return view
    return as_strided(base, shape=shape, strides=strides, writeable=False)


def _im2col(xp: np.ndarray, g: ConvGeometry) -> np.ndarray:
    """Windows of a padded batch ``(N, Hp, Wp, C)`` as ``(N·H'·W', kh·kw·C)``."""
    n = xp.shape[0]
    kh, kw, c, _ = g.kernel_shape
    oh, ow, _ = g.out_shape
    s0, s1, s2, s3 = xp.strides
    view = _strided_view(
        xp,
        (n, oh, ow, kh, kw, c),
        (s0, s1 * g.stride[0], s2 * g.stride[1], s1 * g.dilation[0], s2 * g.dilation[1], s3),
    )
    return view.reshape(n * oh * ow, kh * kw * c)


def _im2col_channel_first(xt: np.ndarray, g: ConvGeometry) -> np.ndarray:
    """Windows of a padded channel-first batch ``(C, N, Hp, Wp)`` as ``(N·H'·W', kh·kw·C)``.

    Built as its transpose ``(kh·kw·C, N·H'·W')`` (one copy of a strided view
    whose innermost axis runs along whole output rows); the matrix product
    reads the transpose without copying it again.
    """
    kh, kw, c, _ = g.kernel_shape
    oh, ow, _ = g.out_shape
    (sh, sw), (dh, dw) = g.stride, g.dilation
    sc, sn, sy, sx = xt.strides
    view = _strided_view(xt, (kh, kw, c, xt.shape[1], oh, ow), (sy * dh, sx * dw, sc, sn, sy * sh, sx * sw))
    return view.reshape(kh * kw * c, -1).T


def conv2d(
    x: Any,
    kernels: Any,
    bias: Any = None,
    *,
    stride: Any = 1,
    padding: Padding = "valid",
    dilation: Any = 1,
    activation: str | None = None,
) -> np.ndarray:
    """2-D convolution with Keras ``Conv2D`` semantics (``channels_last``).

    ``x`` is ``(H, W, C_in)`` or a batch ``(N, H, W, C_in)``; ``kernels`` is
    ``(kh, kw, C_in, C_out)``; ``bias`` is ``(C_out,)``.  Returns
    ``(H', W', C_out)`` (or ``(N, H', W', C_out)``).  Vectorised as im2col
    plus one matrix product: there is no Python loop over output cells (the
    windows are one copy of a strided view of the padded input).
    """
    x = numeric_array(x, "x", ndims=(3, 4))
    k = numeric_array(kernels, "kernels", ndims=(4,))
    g = conv_geometry(x.shape, k.shape, stride=stride, padding=padding, dilation=dilation)
    b = _bias_array(bias, g.kernel_shape[3])
    check_conv_work(g, x.shape[0] if x.ndim == 4 else 1, padding=padding)
    batched = x.ndim == 4
    out = conv_batch(x if batched else x[None], g, k.reshape(-1, g.kernel_shape[3]), b, activation)
    return out if batched else out[0]


def conv_batch(
    xb: np.ndarray, g: ConvGeometry, kernel_matrix: np.ndarray, bias: np.ndarray | None, activation: str | None
) -> np.ndarray:
    """The arithmetic of :func:`conv2d` on a batch ``(N, H, W, C_in)`` that has been checked.

    Nothing is validated here: the caller has checked ``xb`` (numbers, finite,
    the geometry's input shape), ``kernel_matrix`` (the kernels reshaped to
    ``(kh·kw·C_in, C_out)``), ``bias`` (``(C_out,)`` or None) and the work
    (:func:`check_conv_work`).  :func:`conv2d` checks its arguments on every
    call; a model checked once when it is loaded (``core.network``) calls this.
    """
    dtype = np.result_type(xb.dtype, kernel_matrix.dtype, np.float32)  # float32 stays float32
    xb = xb.astype(dtype, copy=False)
    channel_first = g.in_shape[2] < _CHANNEL_FIRST_BELOW
    xp = _padded(xb, g, channel_first=channel_first)
    cols = _im2col_channel_first(xp, g) if channel_first else _im2col(xp, g)
    out = cols @ kernel_matrix.astype(dtype, copy=False)
    if bias is not None:
        out += bias.astype(dtype, copy=False)
    return activate_owned(out.reshape(xb.shape[0], *g.out_shape), activation)


# --------------------------------------------------------------------------- steps


@dataclass(frozen=True)
class ConvStep:
    """One output cell of a convolution, with all of its arithmetic.

    ``rows``/``cols`` index the *padded* input (see ``ConvTrace.padded``).
    Per-channel arrays have shape ``(C_in, kh, kw)``.
    """

    index: int  # position in the animation, 0-based
    kernel: int  # output channel (which kernel)
    out_row: int
    out_col: int
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    window: np.ndarray  # input values under the kernel, (C_in, kh, kw)
    weights: np.ndarray  # the kernel's weights, (C_in, kh, kw)
    products: np.ndarray  # window · weights, element by element
    channel_sums: np.ndarray  # (C_in,) partial sum per channel
    bias: float
    total: float  # sum of channel sums + bias, as conv2d computes it
    activation: str
    activated: float

    @property
    def top_left(self) -> tuple[int, int]:
        return self.rows[0], self.cols[0]


class ConvTrace(SteppedTrace[ConvGeometry]):
    """A convolution laid out for stepping: random access to every step.

    Steps play kernel by kernel, and within a kernel in row-major order over
    the output: step ``i`` is kernel ``i // (H'·W')``, cell ``divmod(i % (H'·W'), W')``.
    """

    def __init__(
        self,
        x: Any,
        kernels: Any,
        bias: Any = None,
        *,
        stride: Any = 1,
        padding: Padding = "valid",
        dilation: Any = 1,
        activation: str | None = None,
    ) -> None:
        x = numeric_array(x, "x", ndims=(3,))
        k = numeric_array(kernels, "kernels", ndims=(4,))
        check_showable(x.shape, "x", n_kernels=k.shape[3])
        self.activation = activation_name(activation)
        self.geometry = g = conv_geometry(x.shape, k.shape, stride=stride, padding=padding, dilation=dilation)
        check_showable(g.padded_shape, "x", padded=True, padding=padding)
        b = _bias_array(bias, g.kernel_shape[3])
        self.x = x
        self.kernels = k
        self.bias = np.zeros(g.kernel_shape[3], dtype=k.dtype) if b is None else b
        self.pre_activation = conv2d(x, k, self.bias, stride=stride, padding=padding, dilation=dilation)
        self.output = apply_activation(self.pre_activation, self.activation)
        self.padded = np.pad(x, ((g.pad_top, g.pad_bottom), (g.pad_left, g.pad_right), (0, 0)))

    @cached_property
    def _weights_by_kernel(self) -> np.ndarray:
        # (C_out, C_in, kh, kw): each kernel's channel slices, ready to show.
        return np.ascontiguousarray(np.transpose(self.kernels, (3, 2, 0, 1)))

    def step(self, index: int) -> ConvStep:
        kernel, row, col = self.position(index)
        g = self.geometry
        rows, cols = g.window_rows(row), g.window_cols(col)
        window = np.transpose(self.padded[np.ix_(rows, cols)], (2, 0, 1))
        weights = self._weights_by_kernel[kernel]
        products = window * weights
        total = self.pre_activation[row, col, kernel]
        return ConvStep(
            index=index,
            kernel=kernel,
            out_row=row,
            out_col=col,
            rows=rows,
            cols=cols,
            window=window,
            weights=weights,
            products=products,
            channel_sums=products.sum(axis=(1, 2)),
            bias=self.bias[kernel].item(),
            total=total.item(),
            activation=self.activation,
            activated=self.output[row, col, kernel].item(),
        )


def conv_trace(x: Any, kernels: Any, bias: Any = None, **kwargs: Any) -> ConvTrace:
    """Build a :class:`ConvTrace` (same arguments as :func:`conv2d`)."""
    return ConvTrace(x, kernels, bias, **kwargs)


def conv_steps(x: Any, kernels: Any, bias: Any = None, **kwargs: Any) -> Iterator[ConvStep]:
    """Yield every step of the convolution in animation order.

    Validation happens before the first step is yielded (on the call), so a
    bad argument raises here, not half-way through an animation.
    """
    return iter(ConvTrace(x, kernels, bias, **kwargs))


__all__ = [
    "ConvGeometry",
    "ConvStep",
    "ConvTrace",
    "conv2d",
    "conv_geometry",
    "conv_output_formula",
    "conv_output_size",
    "conv_steps",
    "conv_trace",
    "effective_kernel",
    "same_padding",
]
