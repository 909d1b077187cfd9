"""The core refuses garbage and oversize work with its own ValueError, before allocating.

Each test names the input that used to end in numpy's MemoryError, a
ZeroDivisionError/TypeError/IndexError/AttributeError from numpy
internals, or a silently wrong result.
"""

from __future__ import annotations

import re
import tracemalloc
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from tui_convnet.core import (
    MAX_SHOW_SIDE,
    Conv2DSpec,
    DenseSpec,
    DropoutSpec,
    ModelSpec,
    Pool2DSpec,
    conv2d,
    conv_trace,
    forward,
    layer_from_dict,
    mnist_convnet,
    pool2d,
    pool_trace,
    relu,
    same_padding,
    sigmoid,
    softmax,
    spec_from_dict,
)
from tui_convnet.core._validate import MAX_VALUES

X = np.ones((5, 5, 3))
K = np.ones((3, 3, 3, 2))
LIMIT = f"more than the limit of {MAX_VALUES:,}"


def _refused_fast(fn: Callable[..., object], *args: Any, match: str, **kwargs: Any) -> None:
    """``fn`` raises the core's ValueError having allocated at most 64 MiB (numpy reports to tracemalloc)."""
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=match):
            fn(*args, **kwargs)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20, f"refused only after allocating {peak:,} bytes"


# --------------------------------------------------------------------------- oversize work


def test_conv2d_with_a_huge_padding_is_refused_before_allocating() -> None:
    # was numpy's MemoryError "Unable to allocate 87.3 TiB"
    _refused_fast(conv2d, X, K, padding=10**6, match=re.escape("The padded input would hold"))
    _refused_fast(conv2d, X, K, padding=10**6, match=re.escape(LIMIT) + ".*Received: x.shape=.*padding=1000000")


def test_conv2d_refuses_windows_that_would_not_fit() -> None:
    # a small input, but an im2col matrix of 5·5·(2000·2000·3) values
    x = np.ones((2000, 2000, 3), dtype=np.float32)
    k = np.ones((2000, 2000, 3, 1), dtype=np.float32)
    _refused_fast(conv2d, x, k, padding="same", match=re.escape("The convolution's windows (im2col)"))


def test_conv2d_refuses_a_batch_whose_output_would_not_fit() -> None:
    x = np.ones((1, 8, 8, 1), dtype=np.float32)
    k = np.ones((1, 1, 1, 3_000_000), dtype=np.float32)
    _refused_fast(conv2d, x, k, match=re.escape("The output would hold"))


def test_conv_trace_checks_the_padded_input() -> None:
    # the input is small, but padded it is far bigger than a terminal can show
    with pytest.raises(ValueError, match=re.escape("`x` once padded is too large to show step by step")):
        conv_trace(X, K, padding=MAX_SHOW_SIDE)
    _refused_fast(conv_trace, X, K, padding=10**6, match="once padded is too large")
    conv_trace(X, K, padding=(MAX_SHOW_SIDE - 5) // 2)  # at the limit it still works


def test_pool2d_same_with_a_huge_window_is_refused_before_allocating() -> None:
    _refused_fast(pool2d, X, 10**5, padding="same", match=re.escape(LIMIT))
    _refused_fast(pool_trace, X, 10**5, padding="same", match="once padded is too large")


# --------------------------------------------------------------------------- garbage in


# The arguments of wrong types are deliberate (`# type: ignore[arg-type]`): what the core says about them is tested.
@pytest.mark.parametrize(
    "call,message",
    [
        (lambda: same_padding(5, 3, 0), "`strides` must be an integer >= 1. Received: strides=0"),
        (lambda: same_padding(5, 0), "`kernel_size` must be an integer >= 1. Received: kernel_size=0"),
        (lambda: same_padding(5.5, 3), "`input_size` must be an integer >= 1. Received: input_size=5.5"),  # type: ignore[arg-type]
        (lambda: conv_trace(X, K).step(1.5), "A step index must be an integer. Received: index=1.5"),  # type: ignore[arg-type]
        (lambda: conv_trace(X, K).step("2"), "A step index must be an integer. Received: index='2'"),  # type: ignore[arg-type]
        (lambda: conv_trace(X, K).step(10**9), "out of range 0..17. Received: index=1000000000"),
        (lambda: conv_trace(X, K).index_of(5, 0, 0), "`channel` must be an integer in 0..1. Received: channel=5"),
        (lambda: pool_trace(X).step(None), "A step index must be an integer. Received: index=None"),  # type: ignore[arg-type]
        (lambda: pool_trace(X, mode="min"), "Unknown pooling mode. Expected one of 'max', 'avg'. Received: mode='min'"),
        (lambda: spec_from_dict(None), "A model must be a table with `input_shape` and `layers`. Received: model=None"),  # type: ignore[arg-type]
        (lambda: spec_from_dict({"input_shape": "abc", "layers": [{}]}), "`input_shape` must be [height, width"),
        (lambda: layer_from_dict(None), "A layer must be a table with a `type`"),  # type: ignore[arg-type]
        (lambda: softmax(np.array([])), "softmax needs at least one value along an axis. Received: x.shape=(0,)"),
        (lambda: softmax(3.0), "softmax needs at least one value along an axis. Received: x.shape=()"),
        (lambda: softmax([1.0, 2.0], axis=3), "`axis` must be an integer in -1..0. Received: axis=3"),
        (lambda: relu("abc"), "An activation needs numbers (an array or a list of numbers). Received: x='abc'"),
        (lambda: sigmoid([[1, 2], [3]]), "An activation needs numbers"),
        (lambda: DenseSpec(-5), "`units` must be a positive integer. Received: units=-5"),
        (lambda: DenseSpec(2.5), "`units` must be a positive integer. Received: units=2.5"),  # type: ignore[arg-type]
        (lambda: Pool2DSpec("x"), "Unknown pooling mode. Expected one of 'max', 'avg'. Received: mode='x'"),
        (lambda: Pool2DSpec("max", 0), "`pool_size` must be >= 1. Received: pool_size=0"),  # type: ignore[arg-type]
        (lambda: Pool2DSpec("max", padding="full"), "A MaxPooling2D layer's `padding` must be 'valid' or 'same'"),
        (lambda: DropoutSpec(5), "The dropout `rate` must be in [0, 1). Received: rate=5"),
        (lambda: DropoutSpec("0.5"), "The dropout `rate` must be in [0, 1). Received: rate='0.5'"),  # type: ignore[arg-type]
        (lambda: Conv2DSpec(8, activation="gelu"), "Unknown activation. Expected one of 'none'"),
        (lambda: Conv2DSpec(0), "`filters` must be a positive integer. Received: filters=0"),
        (lambda: Conv2DSpec(8, padding=3), "A Conv2D layer's `padding` must be 'valid' or 'same'. Received: padding=3"),  # type: ignore[arg-type]
        (lambda: ModelSpec((28, 28), ()), "`input_shape` must be [height, width, channels]"),  # type: ignore[arg-type]
        (lambda: ModelSpec((28, 28, 1), ("Dense",)), "A layer must be a Conv2DSpec"),  # type: ignore[arg-type]
        (lambda: mnist_convnet().with_dropout("x"), "The dropout rate must be between 0 and 1 (exclusive)"),  # type: ignore[arg-type]
        (lambda: forward(mnist_convnet(), None, np.zeros((28, 28, 1))), "`weights` must be a list of arrays"),  # type: ignore[arg-type]
    ],
)
def test_garbage_gets_the_cores_own_value_error(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_an_out_of_range_step_is_also_an_index_error() -> None:
    with pytest.raises(IndexError, match=r"step 18 is out of range 0\.\.17"):
        conv_trace(X, K).step(18)


def test_specs_are_normalised_as_keras_normalises_its_arguments() -> None:
    # Keras' forms of the arguments (an int for a pair, a NumPy integer): not the fields' types, on purpose
    assert Conv2DSpec(8, 3, 2, "SAME", activation="none") == Conv2DSpec(8, (3, 3), (2, 2), "same", (1, 1), "linear")  # type: ignore[arg-type]
    assert Pool2DSpec("avg", 3).strides == (3, 3)  # type: ignore[arg-type]
    assert DenseSpec(np.int64(4)).units == 4 and type(DenseSpec(np.int64(4)).units) is int  # type: ignore[arg-type]


def test_sigmoid_and_softmax_accept_plain_lists_like_the_other_activations() -> None:
    np.testing.assert_allclose(sigmoid([0.0, 0.0]), [0.5, 0.5])
    np.testing.assert_allclose(softmax([0.0, 0.0]), [0.5, 0.5])
    np.testing.assert_allclose(relu([-1, 2]), [0, 2])


# --------------------------------------------------------------------------- strides with dilation

STRIDED_DILATED = "`strides > 1` not supported in conjunction with `dilation_rate > 1`"


@pytest.mark.parametrize(
    "make",
    [
        lambda: Conv2DSpec(8, strides=2, dilation_rate=2),  # type: ignore[arg-type]
        lambda: Conv2DSpec(8, strides=(1, 2), dilation_rate=(2, 1)),
        lambda: layer_from_dict({"type": "Conv2D", "filters": 8, "strides": 2, "dilation_rate": 2}),
        lambda: spec_from_dict(
            {"input_shape": [9, 9, 1], "layers": [{"type": "Conv2D", "filters": 2, "strides": 2, "dilation_rate": 2}]}
        ),
    ],
)
def test_the_model_spec_refuses_strides_with_dilation_as_keras_does(make: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match=re.escape(STRIDED_DILATED + ". Received: strides=")):
        make()


def test_the_numpy_engine_still_computes_strides_with_dilation() -> None:
    # the arithmetic is well defined; only Keras layers refuse it (the explorer says so on screen)
    assert conv2d(np.ones((9, 9, 1)), np.ones((3, 3, 1, 1)), stride=2, dilation=2).shape == (3, 3, 1)


@pytest.mark.keras
def test_keras_refuses_the_same_combination(keras: ModuleType) -> None:
    with pytest.raises(ValueError, match=re.escape(STRIDED_DILATED)):
        keras.layers.Conv2D(8, 3, strides=2, dilation_rate=2)
