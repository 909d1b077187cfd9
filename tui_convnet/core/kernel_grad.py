"""The kernel gradient of one convolution, weight by weight: each ``dL/dW`` written out term by term.

The stepped view of :func:`~.backward.conv2d_backward`'s kernel gradient, for the gradient lesson.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validate import check_showable, fail, numeric_array
from .backward import _check_grad_shape, _offset_slices, conv2d_backward
from .conv import conv_geometry
from .conv_sizes import Padding

# --------------------------------------------------------------------------- the kernel gradient, step by step


@dataclass(frozen=True)
class KernelGradStep:
    """One weight's gradient ``dL/dW[row, col, channel, kernel]``, written out term by term.

    The weight met one input cell per output cell: ``window`` holds those
    cells (rows ``rows``, columns ``cols`` of the *padded* input, shape
    ``(H', W')``), ``grad`` the kernel's output gradient ``dL/do`` (same
    shape), ``products`` their element-wise product and ``total`` its sum.
    """

    index: int
    kernel: int
    channel: int
    row: int
    col: int
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    window: np.ndarray
    grad: np.ndarray
    products: np.ndarray
    total: float


class KernelGradTrace:
    """The kernel gradient of one convolution laid out for stepping: random access to every weight.

    ``x`` is one input volume ``(H, W, C_in)``, ``kernels`` the bank
    ``(kh, kw, C_in, C_out)`` and ``grad_out`` = dL/d(output) ``(H', W', C_out)``
    (the gradient before the activation).  Steps go kernel by kernel, within
    a kernel channel by channel, within a channel row-major over the kernel:
    step ``i`` is kernel ``i // (C_in·kh·kw)``.  The gradient of a
    convolution is itself a convolution: the output gradient slides over the
    padded input with the forward dilation as its stride and the forward
    stride as its dilation.
    """

    def __init__(
        self,
        x: Any,
        kernels: Any,
        grad_out: Any,
        *,
        stride: Any = 1,
        padding: Padding = "valid",
        dilation: Any = 1,
    ) -> None:
        x = numeric_array(x, "x", ndims=(3,))
        k = numeric_array(kernels, "kernels", ndims=(4,))
        grad = numeric_array(grad_out, "grad_out", ndims=(3,))
        check_showable(x.shape, "x", n_kernels=k.shape[3])
        self.geometry = g = conv_geometry(x.shape, k.shape, stride=stride, padding=padding, dilation=dilation)
        _check_grad_shape(grad, g.out_shape, "convolution")
        self.x, self.kernels, self.grad_out = x, k, grad
        self.grad_x, self.grad_kernels, self.grad_bias = conv2d_backward(
            x, k, grad, stride=stride, padding=padding, dilation=dilation
        )
        self.padded = np.pad(x, ((g.pad_top, g.pad_bottom), (g.pad_left, g.pad_right), (0, 0)))

    @property
    def num_steps(self) -> int:
        kh, kw, cin, cout = self.geometry.kernel_shape
        return kh * kw * cin * cout

    def __len__(self) -> int:
        return self.num_steps

    def position(self, index: int) -> tuple[int, int, int, int]:
        """``(kernel, channel, row, col)`` of the weight step ``index`` differentiates."""
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < self.num_steps:
            raise IndexError(f"step {index} is out of range 0..{self.num_steps - 1}")
        kh, kw, cin, _ = self.geometry.kernel_shape
        kernel, rest = divmod(int(index), cin * kh * kw)
        channel, cell = divmod(rest, kh * kw)
        return (kernel, channel, *divmod(cell, kw))

    def index_of(self, kernel: int, channel: int, row: int, col: int) -> int:
        """The step that computes ``dL/dW[row, col, channel, kernel]``."""
        kh, kw, cin, cout = self.geometry.kernel_shape
        for name, value, size in (
            ("kernel", kernel, cout),
            ("channel", channel, cin),
            ("row", row, kh),
            ("col", col, kw),
        ):
            if not 0 <= value < size:
                raise fail(f"`{name}` must be in 0..{size - 1}", **{name: value})
        return ((kernel * cin + channel) * kh + row) * kw + col

    def step(self, index: int) -> KernelGradStep:
        kernel, channel, row, col = self.position(index)
        rows, cols = _offset_slices(self.geometry, row, col)
        window = self.padded[rows, cols, channel]
        grad = self.grad_out[:, :, kernel]
        hp, wp, _ = self.geometry.padded_shape
        return KernelGradStep(
            index=index,
            kernel=kernel,
            channel=channel,
            row=row,
            col=col,
            rows=tuple(range(hp))[rows],
            cols=tuple(range(wp))[cols],
            window=window,
            grad=grad,
            products=window * grad,
            total=self.grad_kernels[row, col, channel, kernel].item(),
        )

    def __iter__(self) -> Iterator[KernelGradStep]:
        return (self.step(i) for i in range(self.num_steps))


def kernel_grad_steps(x: Any, kernels: Any, grad_out: Any, **kwargs: Any) -> Iterator[KernelGradStep]:
    """Every step of :class:`KernelGradTrace`, validated on the call (not half-way through)."""
    return iter(KernelGradTrace(x, kernels, grad_out, **kwargs))
