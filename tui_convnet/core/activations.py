"""Activation functions with Keras' names and Keras' numerics."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._validate import fail


def linear(x: np.ndarray) -> np.ndarray:
    return np.asarray(x)


def relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0)


def tanh(x: np.ndarray) -> np.ndarray:
    return np.tanh(x)


def sigmoid(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.result_type(x, np.float32))
    # Split by sign so that neither branch overflows in exp().
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    x = np.asarray(x, dtype=np.result_type(x, np.float32))
    shifted = x - np.max(x, axis=axis, keepdims=True)
    ex = np.exp(shifted)
    return ex / np.sum(ex, axis=axis, keepdims=True)


ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
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


def get_activation(name: str | None) -> Callable[[np.ndarray], np.ndarray]:
    """Return the activation function called ``name`` (see :data:`ACTIVATIONS`)."""
    return ACTIVATIONS[activation_name(name)]


def apply_activation(x: np.ndarray, name: str | None) -> np.ndarray:
    return get_activation(name)(x)
