"""Activation functions with Keras' names and Keras' numerics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._validate import fail, is_int
from .arrays import Array


def _numbers(x: Any) -> Array:
    """``x`` as a numeric array (lists welcome); text, ragged lists and objects are refused."""
    try:
        arr = x if isinstance(x, np.ndarray) else np.asarray(x)
    except (ValueError, TypeError):
        arr = None
    if arr is None or arr.dtype.kind not in "biuf":
        raise fail("An activation needs numbers (an array or a list of numbers)", x=x if len(repr(x)) <= 60 else "...")
    return arr


def _floats(x: Any) -> Array:
    arr = _numbers(x)
    return arr.astype(np.result_type(arr.dtype, np.float32), copy=False)


def linear(x: Any) -> Array:
    return _numbers(x)


def relu(x: Any) -> Array:
    return np.maximum(_numbers(x), 0)


def tanh(x: Any) -> Array:
    return np.tanh(_numbers(x))


def sigmoid(x: Any) -> Array:
    x = _floats(x)
    # Split by sign so that neither branch overflows in exp().
    out: Array = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


def softmax(x: Any, axis: int = -1) -> Array:
    x = _floats(x)
    if x.ndim == 0 or x.size == 0:
        raise fail("softmax needs at least one value along an axis", **{"x.shape": x.shape})
    if not is_int(axis) or not -x.ndim <= axis < x.ndim:
        raise fail(f"`axis` must be an integer in {-x.ndim}..{x.ndim - 1}", axis=axis)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    ex = np.exp(shifted)
    result: Array = ex / np.sum(ex, axis=axis, keepdims=True)
    return result


ACTIVATIONS: dict[str, Callable[[Any], Array]] = {
    "linear": linear,
    "relu": relu,
    "tanh": tanh,
    "sigmoid": sigmoid,
    "softmax": softmax,
}

#: How each activation is written in the step arithmetic.
ACTIVATION_FORMULAS = {
    "linear": "{x}",
    "relu": "max(0, {x})",
    "tanh": "tanh({x})",
    "sigmoid": "1 / (1 + e^-({x}))",
    "softmax": "softmax({x})",
}


def activation_name(name: str | None) -> str:
    """Normalise an activation name; ``None`` and ``'none'`` mean linear."""
    if name is None:
        return "linear"
    if not isinstance(name, str) or name.lower() not in (*ACTIVATIONS, "none"):
        raise fail(
            "Unknown activation. Expected one of 'none', " + ", ".join(repr(a) for a in ACTIVATIONS),
            activation=name,
        )
    low = name.lower()
    return "linear" if low == "none" else low


def get_activation(name: str | None) -> Callable[[Any], Array]:
    """Return the activation function called ``name`` (see :data:`ACTIVATIONS`)."""
    return ACTIVATIONS[activation_name(name)]


def apply_activation(x: Any, name: str | None) -> Array:
    return get_activation(name)(x)


def activate_owned(x: Array, name: str | None) -> Array:
    """:func:`apply_activation` of a float array the caller has just computed and owns: ReLU and
    softmax are done in place (the same operations, so the same values, without new arrays); every
    other activation as :func:`apply_activation`."""
    if name == "relu":
        result: Array = np.maximum(x, 0, out=x)
        return result
    if name == "softmax" and x.dtype.kind == "f" and x.ndim and x.size:
        np.subtract(x, np.max(x, axis=-1, keepdims=True), out=x)  # as softmax(): shifted, exp, / sum
        np.exp(x, out=x)
        x /= np.sum(x, axis=-1, keepdims=True)
        return x
    return apply_activation(x, name)
