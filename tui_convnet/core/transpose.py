"""The transposed convolution: Keras ``Conv2DTranspose`` semantics in plain numpy, and its two step views.

Layouts follow Keras ``channels_last``: the input is ``(H, W, C_in)`` (or a
batch ``(N, H, W, C_in)``), the kernels ``(kh, kw, C_out, C_in)`` (Keras'
``Conv2DTranspose`` layout: the output channels come first), the bias
``(C_out,)``.  The output size along an axis is Keras' ``n·s + max(k − s, 0)``
for 'valid' and ``n·s`` for 'same'.

Two ways to see the same numbers (conv_arithmetic's pictures):

- *scatter* (:class:`ScatterTrace`): every input cell stamps the kernel,
  scaled by its value, onto the output, ``stride`` cells further than the
  previous one; where stamps overlap they add up;
- *gather* (:class:`TransposeTrace`): the input's cells are spread out by the
  stride (``s − 1`` zeros inserted between them), padded by ``k − 1 − p``, and
  an ordinary stride-1 convolution with the kernel turned by 180° slides over
  it: each output cell is one window's dot product.

Both equal the gradient of the matching ``Conv2D`` (kernel ``(kh, kw, C_out, C_in)``
read as ``Conv2D``'s ``(kh, kw, C_in', C_out')``) with respect to its input:
``tests/core/test_transpose.py`` checks it against ``core.backward``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._steps import SteppedTrace
from ._validate import check_showable, check_values, fail, numeric_array, pair, shape_arg
from .arrays import Array
from .conv import ConvStep, ConvTrace, _bias_array, same_padding
from .conv_sizes import conv_param_formula

# --------------------------------------------------------------------------- sizes


def _padding_name(padding: Any) -> str:
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise fail(
            "Invalid value for argument `padding` of a transposed convolution. Expected one of 'valid', 'same'",
            padding=padding,
        )
    return padding.lower()


def conv_transpose_output_size(n: int, k: int, stride: int = 1, padding: str = "valid") -> int:
    """Output length along one axis, as Keras computes it: ``n·s + max(k − s, 0)`` ('valid') or ``n·s`` ('same')."""
    for name, value in (("input size", n), ("kernel_size", k), ("strides", stride)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise fail(f"`{name}` must be an integer >= 1", **{name.replace(" ", "_"): value})
    if _padding_name(padding) == "same":
        return int(n * stride)
    return int(n * stride + max(k - stride, 0))


def conv_transpose_output_formula(n: int, k: int, stride: int = 1, padding: str = "valid") -> str:
    """The output-size arithmetic written out, e.g. ``(4 − 1)·2 + 3 = 9`` or ``4·2 = 8``."""
    out = conv_transpose_output_size(n, k, stride, padding)
    if _padding_name(padding) == "same":
        return f"{n}·{stride} = {out}"
    if k >= stride:
        return f"({n} − 1)·{stride} + {k} = {out}"
    return f"{n}·{stride} = {out}"  # kernel shorter than the stride: each input cell owns `stride` cells


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class TransposeGeometry:
    """A transposed convolution's shapes, resolved and validated once.

    ``crop_*`` is the 'same' padding of the matching convolution: the stamps
    are laid on a grid ``full_shape`` and that many rows/columns are cut off
    each side to give the output.
    """

    in_shape: tuple[int, int, int]  # (H, W, C_in)
    kernel_shape: tuple[int, int, int, int]  # (kh, kw, C_out, C_in)
    stride: tuple[int, int]
    padding: str
    crop_top: int
    crop_bottom: int
    crop_left: int
    crop_right: int
    out_shape: tuple[int, int, int]  # (H_out, W_out, C_out)

    @property
    def full_shape(self) -> tuple[int, int, int]:
        """The grid the stamps land on, before cropping."""
        oh, ow, c = self.out_shape
        return (oh + self.crop_top + self.crop_bottom, ow + self.crop_left + self.crop_right, c)

    @property
    def stretched_shape(self) -> tuple[int, int]:
        """The input once ``s − 1`` zeros are inserted between its cells: ``(n − 1)·s + 1`` per axis."""
        h, w, _ = self.in_shape
        return ((h - 1) * self.stride[0] + 1, (w - 1) * self.stride[1] + 1)

    @property
    def gather_padding(self) -> tuple[int, int, int, int]:
        """Zeros around the stretched input for the gather view: ``(top, bottom, left, right)``.

        ``k − 1 − crop`` before; after, what the output size needs (``k − 1``,
        more when the kernel is shorter than the stride).
        """
        kh, kw = self.kernel_shape[:2]
        oh, ow, _ = self.out_shape
        sh, sw = self.stretched_shape
        top, left = kh - 1 - self.crop_top, kw - 1 - self.crop_left
        return top, oh + kh - 1 - top - sh, left, ow + kw - 1 - left - sw

    @property
    def gathered_shape(self) -> tuple[int, int, int]:
        """The stretched, padded input the gather view slides over."""
        top, bottom, left, right = self.gather_padding
        sh, sw = self.stretched_shape
        return (sh + top + bottom, sw + left + right, self.in_shape[2])

    def output_formulas(self) -> tuple[str, str]:
        """``(rows, cols)`` output-size formulas."""
        h, w, _ = self.in_shape
        kh, kw = self.kernel_shape[:2]
        return (
            conv_transpose_output_formula(h, kh, self.stride[0], self.padding),
            conv_transpose_output_formula(w, kw, self.stride[1], self.padding),
        )

    @property
    def param_count(self) -> int:
        kh, kw, cout, cin = self.kernel_shape
        return cout * kh * kw * cin + cout

    @property
    def param_formula(self) -> str:
        kh, kw, cout, cin = self.kernel_shape  # Keras' Conv2DTranspose layout: (kh, kw, C_out, C_in)
        return conv_param_formula(kh, kw, cin, cout)


def transpose_geometry(
    in_shape: tuple[int, ...], kernel_shape: tuple[int, ...], *, stride: Any = 1, padding: str = "valid"
) -> TransposeGeometry:
    """Validate a transposed convolution's shapes and settings."""
    sh, sw = pair(stride, "strides", minimum=1)
    pad = _padding_name(padding)
    in_shape = shape_arg(in_shape, "x.shape", ndims=(3, 4), minimum=1)
    if len(tuple(kernel_shape)) != 4:
        raise fail("`kernels` must be a 4-D array (kh, kw, C_out, C_in)", **{"kernels.shape": tuple(kernel_shape)})
    kernel_shape = shape_arg(kernel_shape, "kernels.shape", ndims=(4,), minimum=1)
    h, w, c = in_shape[-3:]
    kh, kw, cout, kc = kernel_shape
    if kc != c:
        raise fail(
            "The kernels' last axis must match the input's channels: a Conv2DTranspose kernel is "
            f"(kh, kw, C_out, C_in) (input has {c} channels, kernels have {kc})",
            **{"x.shape": tuple(in_shape), "kernels.shape": tuple(kernel_shape)},
        )
    oh = conv_transpose_output_size(h, kh, sh, pad)
    ow = conv_transpose_output_size(w, kw, sw, pad)
    # The matching convolution maps (oh, ow) back to (h, w): its 'same' padding is what is cropped.
    top, bottom = same_padding(oh, kh, sh) if pad == "same" else (0, 0)
    left, right = same_padding(ow, kw, sw) if pad == "same" else (0, 0)
    return TransposeGeometry((h, w, c), (kh, kw, cout, kc), (sh, sw), pad, top, bottom, left, right, (oh, ow, cout))


def _check_work(g: TransposeGeometry, batch: int, **received: Any) -> None:
    h, w, _ = g.in_shape
    kh, kw, cout, _ = g.kernel_shape
    fh, fw, _ = g.full_shape
    shown = {"x.shape": (batch, *g.in_shape) if batch > 1 else g.in_shape, **received}
    check_values(batch * h * w * kh * kw * cout, "The transposed convolution's stamps", **shown)
    check_values(batch * fh * fw * cout, "The output", **shown)


# --------------------------------------------------------------------------- conv2d_transpose


def conv2d_transpose(x: Any, kernels: Any, bias: Any = None, *, stride: Any = 1, padding: str = "valid") -> Array:
    """2-D transposed convolution with Keras ``Conv2DTranspose`` semantics (``channels_last``).

    ``x`` is ``(H, W, C_in)`` or a batch ``(N, H, W, C_in)``; ``kernels`` is
    ``(kh, kw, C_out, C_in)``; ``bias`` is ``(C_out,)``.  Returns
    ``(H_out, W_out, C_out)`` (or the batch).  Computed as the scatter: one
    matrix product gives every input cell's stamp, then ``kh·kw`` strided adds
    lay them on the output grid, which is cropped by the 'same' padding.
    """
    x = numeric_array(x, "x", ndims=(3, 4))
    k = numeric_array(kernels, "kernels", ndims=(4,))
    g = transpose_geometry(x.shape, k.shape, stride=stride, padding=padding)
    b = _bias_array(bias, g.kernel_shape[2])
    batched = x.ndim == 4
    _check_work(g, x.shape[0] if batched else 1, padding=padding, strides=stride)
    out = transpose_batch(x if batched else x[None], g, k, b)
    return out if batched else out[0]


def transpose_batch(xb: Array, g: TransposeGeometry, kernels: Array, bias: Array | None) -> Array:
    """The arithmetic of :func:`conv2d_transpose` on a checked batch ``(N, H, W, C_in)``."""
    dtype = np.result_type(xb.dtype, kernels.dtype, np.float32)
    n, h, w, cin = xb.shape
    kh, kw, cout, _ = g.kernel_shape
    (sh, sw), (fh, fw, _) = g.stride, g.full_shape
    # stamps[n, r, c, i, j, o] = Σ_ci x[n, r, c, ci] · K[i, j, o, ci]
    stamps = xb.reshape(-1, cin).astype(dtype, copy=False) @ kernels.reshape(-1, cin).T.astype(dtype, copy=False)
    stamps = stamps.reshape(n, h, w, kh, kw, cout)
    full = np.zeros((n, fh, fw, cout), dtype=dtype)
    for i in range(kh):
        for j in range(kw):
            full[:, i : i + sh * (h - 1) + 1 : sh, j : j + sw * (w - 1) + 1 : sw, :] += stamps[:, :, :, i, j, :]
    oh, ow, _ = g.out_shape
    out = full[:, g.crop_top : g.crop_top + oh, g.crop_left : g.crop_left + ow, :]
    if bias is not None:
        out = out + bias.astype(dtype, copy=False)
    return np.ascontiguousarray(out)


# --------------------------------------------------------------------------- the gather view


class TransposeTrace(SteppedTrace[TransposeGeometry]):
    """The gather view, laid out for stepping as :class:`~.conv.ConvTrace` (kernel by kernel, row-major).

    ``gathered`` is the input stretched by the stride and padded (``(Hg, Wg, C_in)``);
    :meth:`cell` says what each of its cells is; each step is the
    :class:`~.conv.ConvStep` of a stride-1 'valid' convolution over it with
    :attr:`flipped` (the kernel turned by 180°, its channel axes swapped).
    """

    def __init__(self, x: Any, kernels: Any, bias: Any = None, *, stride: Any = 1, padding: str = "valid") -> None:
        x = numeric_array(x, "x", ndims=(3,))
        k = numeric_array(kernels, "kernels", ndims=(4,))
        self.geometry = g = transpose_geometry(x.shape, k.shape, stride=stride, padding=padding)
        check_showable(x.shape, "x", n_kernels=g.kernel_shape[2])
        check_showable(g.gathered_shape, "x", padded=True, strides=g.stride, padding=g.padding)
        b = _bias_array(bias, g.kernel_shape[2])
        self.x, self.kernels = x, k
        self.bias = np.zeros(g.kernel_shape[2], dtype=k.dtype) if b is None else b
        self.output = conv2d_transpose(x, k, self.bias, stride=stride, padding=padding)
        top, _, left, _ = g.gather_padding
        self.gathered = np.zeros(g.gathered_shape, dtype=x.dtype)
        self.gathered[top :: g.stride[0], left :: g.stride[1]][: x.shape[0], : x.shape[1]] = x
        #: ``(kh, kw, C_in, C_out)``: the kernel turned by 180°, as a ``Conv2D`` kernel.
        self.flipped = np.ascontiguousarray(k[::-1, ::-1].transpose(0, 1, 3, 2))
        self._conv = ConvTrace(self.gathered, self.flipped, self.bias)

    def cell(self, row: int, col: int) -> tuple[str, tuple[int, int] | None]:
        """What cell ``(row, col)`` of :attr:`gathered` is: ``("input", (r, c))`` for input cell ``(r, c)``,
        ``("inserted", None)`` for a zero the stride put between input cells, ``("padding", None)``."""
        g = self.geometry
        top, _, left, _ = g.gather_padding
        (sh, sw), (h, w, _) = g.stride, g.in_shape
        r, c = row - top, col - left
        if not (0 <= r <= (h - 1) * sh and 0 <= c <= (w - 1) * sw):
            return "padding", None
        if r % sh or c % sw:
            return "inserted", None
        return "input", (r // sh, c // sw)

    def step(self, index: int) -> ConvStep:
        return self._conv.step(index)


# --------------------------------------------------------------------------- the scatter view


@dataclass(frozen=True)
class ScatterStep:
    """Input cell ``(in_row, in_col)`` stamping the kernel, scaled by its values, onto the output.

    ``rows``/``cols`` are the stamp's rows and columns on the output (they may
    fall outside it, where 'same' crops: those parts are cut off);
    ``stamp[i, j, o] = Σ_c values[c] · kernels[i, j, o, c]``; ``partial`` is the
    output once this stamp and every earlier one are laid (bias not yet added).
    """

    index: int
    in_row: int
    in_col: int
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    values: Array  # (C_in,)
    stamp: Array  # (kh, kw, C_out)
    partial: Array  # (H_out, W_out, C_out)


class ScatterTrace:
    """The scatter view: one step per input cell, row-major; the last step's ``partial`` plus the bias is the output."""

    def __init__(self, x: Any, kernels: Any, bias: Any = None, *, stride: Any = 1, padding: str = "valid") -> None:
        x = numeric_array(x, "x", ndims=(3,))
        k = numeric_array(kernels, "kernels", ndims=(4,))
        self.geometry = g = transpose_geometry(x.shape, k.shape, stride=stride, padding=padding)
        check_showable(g.full_shape, "output", padded=True, strides=g.stride, padding=g.padding)
        b = _bias_array(bias, g.kernel_shape[2])
        self.x, self.kernels = x, k
        self.bias = np.zeros(g.kernel_shape[2], dtype=k.dtype) if b is None else b
        self.output = conv2d_transpose(x, k, self.bias, stride=stride, padding=padding)
        dtype = np.result_type(x.dtype, k.dtype, np.float32)
        h, w, cin = g.in_shape
        self._stamps = (x.reshape(-1, cin).astype(dtype) @ k.reshape(-1, cin).T.astype(dtype)).reshape(
            h * w, *g.kernel_shape[:3]
        )

    @property
    def num_steps(self) -> int:
        return self.geometry.in_shape[0] * self.geometry.in_shape[1]

    def __len__(self) -> int:
        return self.num_steps

    def step(self, index: int) -> ScatterStep:
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < self.num_steps:
            raise fail(f"A step index must be an integer in 0..{self.num_steps - 1}", index=index)
        g = self.geometry
        kh, kw, cout, _ = g.kernel_shape
        r, c = divmod(int(index), g.in_shape[1])
        fh, fw, _ = g.full_shape
        full = np.zeros((fh, fw, cout), dtype=self._stamps.dtype)
        for done in range(int(index) + 1):
            dr, dc = divmod(done, g.in_shape[1])
            top, left = dr * g.stride[0], dc * g.stride[1]
            full[top : top + kh, left : left + kw] += self._stamps[done]
        oh, ow, _ = g.out_shape
        partial = full[g.crop_top : g.crop_top + oh, g.crop_left : g.crop_left + ow]
        top, left = r * g.stride[0] - g.crop_top, c * g.stride[1] - g.crop_left
        return ScatterStep(
            index=int(index),
            in_row=r,
            in_col=c,
            rows=tuple(range(top, top + kh)),
            cols=tuple(range(left, left + kw)),
            values=self.x[r, c].copy(),
            stamp=self._stamps[index],
            partial=partial.copy(),
        )

    def __iter__(self) -> Iterator[ScatterStep]:
        return (self.step(i) for i in range(self.num_steps))


def conv_transpose_trace(x: Any, kernels: Any, bias: Any = None, **kwargs: Any) -> TransposeTrace:
    """Build a :class:`TransposeTrace` (same arguments as :func:`conv2d_transpose`)."""
    return TransposeTrace(x, kernels, bias, **kwargs)


def conv_transpose_scatter(x: Any, kernels: Any, bias: Any = None, **kwargs: Any) -> ScatterTrace:
    """Build a :class:`ScatterTrace` (same arguments as :func:`conv2d_transpose`)."""
    return ScatterTrace(x, kernels, bias, **kwargs)


__all__ = [
    "ScatterStep",
    "ScatterTrace",
    "TransposeGeometry",
    "TransposeTrace",
    "conv2d_transpose",
    "conv_transpose_output_formula",
    "conv_transpose_output_size",
    "conv_transpose_scatter",
    "conv_transpose_trace",
    "transpose_geometry",
]
