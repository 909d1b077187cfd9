"""Backpropagation in plain numpy: the gradient of every layer of the lecture model.

Each ``*_backward`` function takes the forward pass's inputs and the
gradient of the loss with respect to the layer's output, ``grad_out``
(same shape as the output), and returns the gradients with respect to the
layer's input and weights, in the same layouts as the forward functions
(Keras ``channels_last``; a single volume or a batch).  ``conv2d_backward``
and ``dense_backward`` differentiate the layer *before* its activation;
:func:`activation_backward` chains the activation in front.

The model level (:func:`model_backward`, :func:`sgd_step`) runs a
:class:`~.model.ModelSpec` with Keras' ``model.get_weights()`` list:
softmax with categorical cross-entropy averaged over the batch, as Keras'
``model.fit`` computes it, and the plain SGD update ``w ← w − lr·dL/dw``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ._validate import fail, numeric_array, positive_real
from .activations import activation_name
from .conv import ConvGeometry, _im2col, _padded, conv_geometry
from .conv_sizes import Padding
from .model import Conv2DSpec, DenseSpec, FlattenSpec, LayerSpec, ModelSpec, Pool2DSpec, layers_with_weights
from .network import forward
from .pooling import POOL_MODES, PoolGeometry, pool_geometry

if TYPE_CHECKING:
    from numpy.typing import ArrayLike


#: Keras clips probabilities to ``[ε, 1 − ε]`` before the logarithm of the cross-entropy.
EPSILON = 1e-7


# --------------------------------------------------------------------------- helpers


def _float_dtype(*arrays: np.ndarray) -> np.dtype[Any]:
    return np.result_type(*(a.dtype for a in arrays), np.float32)


def _check_grad_shape(grad: np.ndarray, expected: tuple[int, ...], what: str) -> None:
    if tuple(grad.shape) != tuple(expected):
        raise fail(
            f"`grad_out` must have the shape of the {what}'s output {tuple(expected)}",
            **{"grad_out.shape": tuple(grad.shape)},
        )


def _batch(x: np.ndarray, grad: np.ndarray, out_shape: tuple[int, ...], what: str) -> tuple[np.ndarray, np.ndarray]:
    """Both as batches; ``grad_out`` checked against the output shape of ``x``'s batch."""
    batched = x.ndim == 4
    _check_grad_shape(grad, (x.shape[0], *out_shape) if batched else tuple(out_shape), what)
    return (x, grad) if batched else (x[None], grad[None])


def _offset_slices(g: ConvGeometry | PoolGeometry, i: int, j: int) -> tuple[slice, slice]:
    """Padded-input rows and columns met by kernel (or pooling window) cell ``(i, j)``, one per output cell."""
    oh, ow, _ = g.out_shape
    (sh, sw) = g.stride
    (dh, dw) = g.dilation if isinstance(g, ConvGeometry) else (1, 1)
    return (
        slice(i * dh, i * dh + sh * (oh - 1) + 1, sh),
        slice(j * dw, j * dw + sw * (ow - 1) + 1, sw),
    )


def _crop(gp: np.ndarray, g: ConvGeometry | PoolGeometry) -> np.ndarray:
    h, w, _ = g.in_shape
    return gp[:, g.pad_top : g.pad_top + h, g.pad_left : g.pad_left + w, :]


# --------------------------------------------------------------------------- conv


def conv2d_backward(
    x: Any,
    kernels: Any,
    grad_out: Any,
    *,
    stride: Any = 1,
    padding: Padding = "valid",
    dilation: Any = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a convolution (before its activation): ``(grad_x, grad_kernels, grad_bias)``.

    ``x`` is ``(H, W, C_in)`` or ``(N, H, W, C_in)``, ``kernels``
    ``(kh, kw, C_in, C_out)``, ``grad_out`` = dL/d(output) with the shape
    :func:`~.conv.conv2d` returns.  The results have the shapes of ``x``,
    ``kernels`` and the bias ``(C_out,)``; over a batch the weight gradients
    are summed (the loss of a batch is the sum of its terms).

    ``dL/dW[i, j, c, k] = Σ_{r, s} x_padded[r·sh + i·dh, s·sw + j·dw, c] · grad_out[r, s, k]``:
    one dot product of an input window with the output gradient per weight
    (see :class:`KernelGradTrace`), computed here as one matrix product of
    the im2col windows.  ``dL/dx`` sends every output gradient back through
    the weights to the cells of its window.
    """
    x = numeric_array(x, "x", ndims=(3, 4))
    k = numeric_array(kernels, "kernels", ndims=(4,))
    grad = numeric_array(grad_out, "grad_out", ndims=(3, 4))
    g = conv_geometry(x.shape, k.shape, stride=stride, padding=padding, dilation=dilation)
    xb, gb = _batch(x, grad, g.out_shape, "convolution")
    dtype = _float_dtype(x, k, grad)
    xb, gb, k = xb.astype(dtype, copy=False), gb.astype(dtype, copy=False), k.astype(dtype, copy=False)
    kh, kw, cin, cout = g.kernel_shape
    g2 = gb.reshape(-1, cout)  # (N·H'·W', C_out)
    cols = _im2col(_padded(xb, g, channel_first=False), g)  # (N·H'·W', kh·kw·C_in)
    grad_k = (cols.T @ g2).reshape(kh, kw, cin, cout)
    grad_b = g2.sum(axis=0)
    grad_x = _conv_input_grad(g, k, gb)
    return (grad_x if x.ndim == 4 else grad_x[0]), grad_k, grad_b


def _conv_input_grad(g: ConvGeometry, k: np.ndarray, gb: np.ndarray) -> np.ndarray:
    """dL/dx of a convolution for a batch of output gradients ``gb`` ``(N, H', W', C_out)`` (checked, one dtype)."""
    kh, kw, cin, cout = g.kernel_shape
    n, oh, ow, _ = gb.shape
    grad_cols = (gb.reshape(-1, cout) @ k.reshape(-1, cout).T).reshape(n, oh, ow, kh, kw, cin)
    hp, wp, _ = g.padded_shape
    gp = np.zeros((n, hp, wp, cin), dtype=gb.dtype)
    for i in range(kh):
        for j in range(kw):
            rows, cols = _offset_slices(g, i, j)
            gp[:, rows, cols, :] += grad_cols[:, :, :, i, j, :]
    return _crop(gp, g)


# --------------------------------------------------------------------------- pooling


def _pool_windows(xb: np.ndarray, g: PoolGeometry) -> np.ndarray:
    """``(N, H', W', ph·pw, C)`` window values, ``-inf`` over padding (it never wins a max)."""
    xp = np.pad(
        xb,
        ((0, 0), (g.pad_top, g.pad_bottom), (g.pad_left, g.pad_right), (0, 0)),
        constant_values=-np.inf,
    )
    ph, pw = g.size
    return np.stack(
        [xp[:, rows, cols, :] for i in range(ph) for j in range(pw) for rows, cols in [_offset_slices(g, i, j)]],
        axis=3,
    )


def _pool_counts(g: PoolGeometry) -> np.ndarray:
    """How many real (non-padding) cells each window covers, ``(H', W', 1)``: TensorFlow's average divisor."""
    h, w, _ = g.in_shape
    real = np.zeros((h + g.pad_top + g.pad_bottom, w + g.pad_left + g.pad_right))
    real[g.pad_top : g.pad_top + h, g.pad_left : g.pad_left + w] = 1
    oh, ow, _ = g.out_shape
    counts = np.zeros((oh, ow))
    for i in range(g.size[0]):
        for j in range(g.size[1]):
            counts += real[_offset_slices(g, i, j)]
    return counts[:, :, None]


def pool2d_backward(
    x: Any, grad_out: Any, size: Any = 2, stride: Any = None, mode: str = "max", padding: str = "valid"
) -> np.ndarray:
    """dL/dx of max or average pooling (same arguments as :func:`~.pooling.pool2d`).

    Max pooling routes each output gradient to the winning cell of its
    window (the first maximum in row-major order, as TensorFlow does) and
    gives every other cell 0; average pooling spreads it equally over the
    window's real cells (with 'same' padding, the padding is not counted).
    Where windows overlap the contributions add up.
    """
    if mode not in POOL_MODES:
        raise fail("Unknown pooling mode. Expected one of 'max', 'avg'", mode=mode)
    x = numeric_array(x, "x", ndims=(3, 4))
    grad = numeric_array(grad_out, "grad_out", ndims=(3, 4))
    g = pool_geometry(x.shape, size, stride, padding)
    xb, gb = _batch(x, grad, g.out_shape, "pooling")
    dtype = _float_dtype(x, grad)
    xb, gb = xb.astype(dtype, copy=False), gb.astype(dtype, copy=False)
    ph, pw = g.size
    if mode == "max":
        winner = _pool_windows(xb, g).argmax(axis=3)  # (N, H', W', C)
        shares = [np.where(winner == i * pw + j, gb, 0) for i in range(ph) for j in range(pw)]
    else:
        spread = gb / _pool_counts(g).astype(dtype)
        shares = [spread] * (ph * pw)
    hp, wp = (g.in_shape[0] + g.pad_top + g.pad_bottom, g.in_shape[1] + g.pad_left + g.pad_right)
    gp = np.zeros((xb.shape[0], hp, wp, g.in_shape[2]), dtype=dtype)
    for i in range(ph):
        for j in range(pw):
            rows, cols = _offset_slices(g, i, j)
            gp[:, rows, cols, :] += shares[i * pw + j]
    grad_x = _crop(gp, g)
    return grad_x if x.ndim == 4 else grad_x[0]


def max_pool_winners(x: Any, size: Any = 2, stride: Any = None, padding: str = "valid") -> np.ndarray:
    """Boolean map, shaped like ``x``, of the cells that win at least one max-pooling window.

    These are the only cells a max-pooling layer sends gradient back to.
    """
    x = numeric_array(x, "x", ndims=(3, 4))
    ones = np.ones((*x.shape[:-3], *pool_geometry(x.shape, size, stride, padding).out_shape))
    return pool2d_backward(x, ones, size, stride, "max", padding) > 0


# --------------------------------------------------------------------------- activations, flatten, dense


def activation_backward(activation: str | None, output: Any, grad_out: Any) -> np.ndarray:
    """dL/d(pre-activation) from the activation's ``output`` and dL/d(output).

    Written with the output only (no need to keep the pre-activation):
    ReLU passes the gradient where the output is positive, ``tanh'`` is
    ``1 − y²``, ``sigmoid'`` is ``y·(1 − y)``, softmax (over the last axis)
    is ``y·(g − Σ g·y)``, linear passes it unchanged.
    """
    name = activation_name(activation)
    y = numeric_array(output, "output", ndims=(1, 2, 3, 4))
    grad = numeric_array(grad_out, "grad_out", ndims=(1, 2, 3, 4))
    if y.shape != grad.shape:
        raise fail(
            "`grad_out` must have the shape of the activation's output",
            **{"output.shape": y.shape, "grad_out.shape": grad.shape},
        )
    dtype = _float_dtype(y, grad)
    y, grad = y.astype(dtype, copy=False), grad.astype(dtype, copy=False)
    out: np.ndarray = grad
    if name == "relu":
        out = np.where(y > 0, grad, 0).astype(dtype, copy=False)
    elif name == "tanh":
        out = grad * (1 - y * y)
    elif name == "sigmoid":
        out = grad * y * (1 - y)
    elif name == "softmax":
        out = y * (grad - np.sum(grad * y, axis=-1, keepdims=True))
    return out


def flatten_backward(grad_out: Any, in_shape: Sequence[int]) -> np.ndarray:
    """Flatten has no arithmetic: its gradient is ``grad_out`` reshaped back to ``in_shape``."""
    grad = numeric_array(grad_out, "grad_out", ndims=(1, 2))
    shape = tuple(int(d) for d in in_shape)
    if grad.size != int(np.prod(shape)):
        raise fail(
            f"`grad_out` must have as many values as the input {shape}",
            **{"grad_out.shape": grad.shape},
        )
    return grad.reshape(shape)


def dense_backward(x: Any, kernel: Any, grad_out: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of ``x @ kernel + bias`` (before the activation): ``(grad_x, grad_kernel, grad_bias)``.

    ``dL/dx = grad_out @ kernelᵀ``, ``dL/dkernel = xᵀ @ grad_out`` (an outer
    product for one input), ``dL/dbias = grad_out`` summed over the batch.
    """
    x = numeric_array(x, "x", ndims=(1, 2))
    w = numeric_array(kernel, "kernel", ndims=(2,))
    grad = numeric_array(grad_out, "grad_out", ndims=(1, 2))
    if x.shape[-1] != w.shape[0]:
        raise fail(
            f"The input size must match the kernel's first axis ({w.shape[0]})",
            **{"x.shape": x.shape, "kernel.shape": w.shape},
        )
    _check_grad_shape(grad, (*x.shape[:-1], w.shape[1]), "dense layer")
    dtype = _float_dtype(x, w, grad)
    xb = np.atleast_2d(x).astype(dtype, copy=False)
    gb = np.atleast_2d(grad).astype(dtype, copy=False)
    w = w.astype(dtype, copy=False)
    grad_x = gb @ w.T
    return (grad_x if x.ndim == 2 else grad_x[0]), xb.T @ gb, gb.sum(axis=0)


# --------------------------------------------------------------------------- loss


def _one_hot_targets(probs: np.ndarray, y_true: Any) -> np.ndarray:
    y = numeric_array(y_true, "y_true", ndims=(0, 1, 2))
    if y.dtype.kind in "iu" and y.shape == probs.shape[:-1]:  # class labels
        classes = probs.shape[-1]
        if y.size and (y.min() < 0 or y.max() >= classes):
            raise fail(f"Class labels must be in 0..{classes - 1}", y_true=y.tolist())
        one_hot: np.ndarray = np.eye(classes, dtype=probs.dtype)[y]
        return one_hot
    if y.shape != probs.shape:
        raise fail(
            "`y_true` must be one-hot with the shape of the probabilities, or class labels",
            **{"y_true.shape": y.shape, "probs.shape": probs.shape},
        )
    return y.astype(probs.dtype, copy=False)


def categorical_crossentropy(probs: Any, y_true: Any) -> float:
    """Keras' ``categorical_crossentropy`` averaged over the batch: ``mean(−Σ y·log(clip(p, ε, 1 − ε)))``.

    ``y_true`` is one-hot (the shape of ``probs``) or integer class labels.
    """
    p = numeric_array(probs, "probs", ndims=(1, 2))
    y = _one_hot_targets(p, y_true)
    p = p.astype(_float_dtype(p), copy=False)
    logp = np.log(np.clip(p, EPSILON, 1 - EPSILON))
    return float(np.mean(-np.sum(y * logp, axis=-1)))


def softmax_crossentropy_backward(probs: Any, y_true: Any) -> np.ndarray:
    """dL/d(logits) of softmax followed by the batch-mean cross-entropy: ``(p − y) / N``."""
    p = numeric_array(probs, "probs", ndims=(1, 2))
    y = _one_hot_targets(p, y_true)
    n = p.shape[0] if p.ndim == 2 else 1
    grad: np.ndarray = ((p - y) / n).astype(_float_dtype(p), copy=False)
    return grad


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class ModelGradients:
    """One backward pass of a model on a batch.

    ``outputs[i]`` is layer ``i``'s output and ``grad_outputs[i]`` is
    dL/d(that output), both batched ``(N, …)``; ``grad_input`` is dL/dx;
    ``grads`` lists dL/dw in ``model.get_weights()`` order.
    """

    loss: float
    outputs: tuple[np.ndarray, ...]
    grad_outputs: tuple[np.ndarray, ...]
    grad_input: np.ndarray
    grads: tuple[np.ndarray, ...]

    @property
    def probabilities(self) -> np.ndarray:
        return self.outputs[-1]


def model_backward(spec: ModelSpec, weights: Sequence[ArrayLike], x: Any, y_true: Any) -> ModelGradients:
    """Forward and backward pass of ``spec`` on ``x`` (one input or a batch) with targets ``y_true``.

    The loss is the categorical cross-entropy averaged over the batch (the
    last layer must be a Dense softmax, as in the lecture).  A Dropout layer
    is the identity here, as at inference: the gradient is the one of the
    network without dropout.
    """
    x = numeric_array(x, "x", ndims=(3, 4))
    last = spec.layers[-1] if spec.layers else None
    if not isinstance(last, DenseSpec) or last.activation != "softmax":
        raise fail(
            "The last layer must be a Dense layer with a softmax activation (cross-entropy loss)",
            last_layer=getattr(last, "type", None),
        )
    per_layer = [pair for _, pair in layers_with_weights(spec, weights)]
    xb = x if x.ndim == 4 else x[None]
    xb = xb.astype(_float_dtype(xb), copy=False)
    outputs = forward(spec, weights, xb, intermediates=True)
    probs = outputs[-1]
    y = _one_hot_targets(probs, y_true if x.ndim == 4 else np.asarray(y_true)[None])
    loss = categorical_crossentropy(probs, y)
    grad_outputs: list[np.ndarray] = [np.empty(0)] * len(spec.layers)
    grads: list[np.ndarray] = []
    grad = np.empty(0)
    for index in range(len(spec.layers) - 1, -1, -1):
        layer_in = outputs[index - 1] if index else xb
        is_last = index == len(spec.layers) - 1
        if is_last:
            grad_outputs[index] = _probs_grad(probs, y)  # dL/dp, shown; the step below uses (p − y) / N
            grad = softmax_crossentropy_backward(probs, y)
        else:
            grad_outputs[index] = grad
        grad, layer_grads = layer_backward(
            spec.layers[index], per_layer[index], layer_in, outputs[index], grad, pre_activation=is_last
        )
        grads[:0] = layer_grads
    return ModelGradients(loss, tuple(outputs), tuple(grad_outputs), grad, tuple(grads))


def layer_backward(
    layer: LayerSpec,
    weights: tuple[np.ndarray, np.ndarray] | None,
    layer_in: np.ndarray,
    output: np.ndarray,
    grad: np.ndarray,
    *,
    pre_activation: bool = False,
    need_weights: bool = True,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """One layer of a model, backwards, on a batch: dL/d(its input) and dL/d(its weights) (``[kernel, bias]``,
    or ``[]``) from ``grad`` = dL/d(its ``output``), or dL/d(its pre-activation) with ``pre_activation=True``.

    A Dropout layer is the identity, as at inference.  With ``need_weights=False`` only dL/d(input) is
    computed (the list is empty): half the work of a convolution, for gradients with respect to the input.
    """
    if isinstance(layer, Conv2DSpec) and weights is not None:
        pre = grad if pre_activation else activation_backward(layer.activation, output, grad)
        if not need_weights:
            g = conv_geometry(
                layer_in.shape,
                weights[0].shape,
                stride=layer.strides,
                padding=layer.padding,
                dilation=layer.dilation_rate,
            )
            dtype = _float_dtype(pre, weights[0])
            return _conv_input_grad(g, weights[0].astype(dtype, copy=False), pre.astype(dtype, copy=False)), []
        grad_x, gk, gb = conv2d_backward(
            layer_in, weights[0], pre, stride=layer.strides, padding=layer.padding, dilation=layer.dilation_rate
        )
        return grad_x, [gk, gb]
    if isinstance(layer, DenseSpec) and weights is not None:
        pre = grad if pre_activation else activation_backward(layer.activation, output, grad)
        grad_x, gk, gb = dense_backward(layer_in, weights[0], pre)
        return grad_x, [gk, gb]
    if isinstance(layer, Pool2DSpec):
        return pool2d_backward(layer_in, grad, layer.pool_size, layer.strides, layer.mode, layer.padding), []
    if isinstance(layer, FlattenSpec):
        return grad.reshape(layer_in.shape), []
    return grad, []


def _probs_grad(probs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dL/dp of the batch-mean cross-entropy (with Keras' clipping: 0 where p is clipped)."""
    clipped = (probs < EPSILON) | (probs > 1 - EPSILON)
    return np.where(clipped, 0, -y / np.clip(probs, EPSILON, 1) / probs.shape[0]).astype(probs.dtype)


def sgd_step(
    spec: ModelSpec, weights: Sequence[ArrayLike], x: Any, y_true: Any, *, learning_rate: float = 0.01
) -> tuple[list[np.ndarray], ModelGradients]:
    """One step of plain SGD (Keras' ``SGD``, no momentum) on the batch: ``w ← w − lr·dL/dw``.

    Returns the new weights (``model.get_weights()`` order) and the gradients they came from.
    """
    lr = positive_real(learning_rate, "learning_rate")
    result = model_backward(spec, weights, x, y_true)
    new = [np.asarray(w) - np.asarray(lr, dtype=g.dtype) * g for w, g in zip(weights, result.grads, strict=True)]
    return [w.astype(np.asarray(old).dtype, copy=False) for w, old in zip(new, weights, strict=True)], result


def backward_through(
    spec: ModelSpec,
    per_layer: Sequence[tuple[np.ndarray, np.ndarray] | None],
    outputs: Sequence[np.ndarray],
    xb: np.ndarray,
    grad: np.ndarray,
    *,
    top: int,
    bottom: int = 0,
    pre_activation: bool = False,
) -> np.ndarray:
    """Carry ``grad`` = dL/d(the output of layer ``top``) back through layers ``top`` … ``bottom``:
    dL/d(the input of layer ``bottom``), on a batch.

    ``per_layer`` holds each layer's ``(kernel, bias)`` or None, ``outputs`` each layer's output on
    the batch ``xb``.  With ``pre_activation=True`` ``grad`` is dL/d(layer ``top``'s pre-activation).
    """
    for index in range(top, bottom - 1, -1):
        layer_in = outputs[index - 1] if index else xb
        grad, _ = layer_backward(
            spec.layers[index],
            per_layer[index],
            layer_in,
            outputs[index],
            grad,
            pre_activation=pre_activation and index == top,
            need_weights=False,
        )
    return grad
