"""Output sizes of a convolution along one axis: the dilated kernel, Keras 'same' padding, the lecture's formula.

``(input − kernel + 2·pad) / stride + 1``, computed (:func:`conv_output_size`) and written out
(:func:`conv_output_formula`); :mod:`.conv` resolves a whole convolution's geometry from these.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validate import fail, int_arg, padding_arg, pair

#: A layer's padding as Keras takes it, and more: ``"valid"``, ``"same"``, an int, or ``(rows, cols)``
#: (a list too, as read from an example file). Validated by :func:`._validate.padding_arg`.
Padding = str | int | tuple[int, int] | Sequence[int]


def effective_kernel(k: int, dilation: int = 1) -> int:
    """Size of a kernel once dilated: ``d·(k − 1) + 1``."""
    k = int_arg(k, "kernel_size", minimum=1)
    dilation = int_arg(dilation, "dilation_rate", minimum=1)
    return dilation * (k - 1) + 1


def same_padding(n: int, k: int, stride: int = 1, dilation: int = 1) -> tuple[int, int]:
    """Keras/TensorFlow 'same' padding ``(before, after)`` along one axis.

    The output size is ``ceil(n / stride)``; when the total padding is odd
    the extra row/column goes *after* (bottom/right), exactly as TensorFlow.
    """
    n = int_arg(n, "input_size", minimum=1)
    k = int_arg(k, "kernel_size", minimum=1)
    stride = int_arg(stride, "strides", minimum=1)
    dilation = int_arg(dilation, "dilation_rate", minimum=1)
    out = -(-n // stride)
    total = max((out - 1) * stride + effective_kernel(k, dilation) - n, 0)
    return total // 2, total - total // 2


def axis_padding(padding: str | tuple[int, int], axis: int, n: int, k: int, s: int, d: int) -> tuple[int, int]:
    """The ``(before, after)`` padding along ``axis`` for a normalised ``padding`` ('valid', 'same' or a pair)."""
    if padding == "valid":
        return 0, 0
    if isinstance(padding, str):  # "same"
        return same_padding(n, k, s, d)
    p = padding[axis]
    return p, p


def conv_output_size(n: int, k: int, stride: int = 1, padding: Padding = "valid", dilation: int = 1) -> int:
    """Output length along one axis: ``floor((n − k_eff + 2·pad) / stride) + 1``.

    This is the lecture's ``(input − kernel + 2·pad) / stride + 1``, with the
    kernel dilated to ``k_eff = d·(k − 1) + 1``.  ``padding`` may be
    'valid', 'same', an int, or a ``(before, after)`` pair for this axis.
    Raises ``ValueError`` when the result would not be positive.
    """
    for name, value, low in (
        ("input size", n, 1),
        ("kernel_size", k, 1),
        ("strides", stride, 1),
        ("dilation_rate", dilation, 1),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise fail(f"`{name}` must be an integer >= {low}", **{name.replace(" ", "_"): value})
    if isinstance(padding, str):
        padding = padding_arg(padding)
        before, after = (0, 0) if padding == "valid" else same_padding(n, k, stride, dilation)
    elif isinstance(padding, (int, np.integer)) and not isinstance(padding, bool):
        if padding < 0:
            raise fail("`padding` must be >= 0", padding=padding)
        before = after = int(padding)
    else:
        before, after = pair(padding, "padding", minimum=0)
    k_eff = effective_kernel(k, dilation)
    span = n + before + after - k_eff
    if span < 0:
        raise fail(
            f"The kernel (size {k_eff} after dilation) is larger than the padded input "
            f"(size {n + before + after}), so the output would be empty",
            input_size=n,
            kernel_size=k,
            padding=padding,
            dilation_rate=dilation,
        )
    return span // stride + 1


def conv_output_formula(n: int, k: int, stride: int = 1, padding: Padding = "valid", dilation: int = 1) -> str:
    """The output-size arithmetic written out, e.g. ``(5 − 3 + 2·1) / 2 + 1 = 3``."""
    out = conv_output_size(n, k, stride, padding, dilation)
    kk = f"{effective_kernel(k, dilation)}" if dilation == 1 else f"({dilation}·({k} − 1) + 1)"
    if isinstance(padding, str) and padding.lower() == "same":
        before, after = same_padding(n, k, stride, dilation)
        pad = f"{before} + {after}" if before != after else f"2·{before}"
    elif isinstance(padding, str):
        pad = "2·0"
    elif isinstance(padding, (int, np.integer)):
        pad = f"2·{int(padding)}"
    else:
        before, after = pair(padding, "padding", minimum=0)
        pad = f"{before} + {after}" if before != after else f"2·{before}"
    numerator = f"{n} − {kk} + {pad}"
    exact = (n + _pad_total(n, k, stride, padding, dilation) - effective_kernel(k, dilation)) % stride == 0
    body = f"({numerator}) / {stride} + 1" if exact else f"⌊({numerator}) / {stride}⌋ + 1"
    return f"{body} = {out}"


def conv_param_formula(kh: int, kw: int, cin: int, cout: int) -> str:
    """A convolution's parameters written out, ``32·(3·3·1) + 32 = 320``: each of the ``cout`` kernels has a
    weight per tap and input channel, and a bias (the explorer, the transposed convolution and the
    connectivity lesson all show it this way)."""
    return f"{cout}·({kh}·{kw}·{cin}) + {cout} = {cout * kh * kw * cin + cout:,}"


def _pad_total(n: int, k: int, stride: int, padding: Padding, dilation: int) -> int:
    if isinstance(padding, str):
        return 0 if padding.lower() == "valid" else sum(same_padding(n, k, stride, dilation))
    if isinstance(padding, (int, np.integer)):
        return 2 * int(padding)
    return sum(pair(padding, "padding", minimum=0))
