"""Every validation error of the core, matched by its message.

Messages follow Keras: what is wrong, then ``Received: name=value``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from tui_convnet.core import (
    MAX_SHOW_CHANNELS,
    MAX_SHOW_KERNELS,
    MAX_SHOW_SIDE,
    apply_activation,
    conv2d,
    conv_output_size,
    conv_steps,
    conv_trace,
    dense,
    forward,
    layer_from_dict,
    mnist_convnet,
    pool2d,
    pool_trace,
    spec_from_dict,
)

X = np.ones((5, 5, 3))
K = np.ones((3, 3, 3, 2))
ALL_CONV = [conv2d, conv_trace, conv_steps]  # conv_steps fails on the call, not on iteration


def esc(text: str) -> str:
    return re.escape(text)


@pytest.mark.parametrize("fn", ALL_CONV)
@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"stride": 0}, "`strides` must be >= 1. Received: strides=0"),
        ({"stride": (1, 0)}, "`strides` must be >= 1. Received: strides=(1, 0)"),
        ({"stride": -2}, "`strides` must be >= 1. Received: strides=-2"),
        ({"stride": 1.5}, "`strides` must be an integer or a tuple of 2 integers. Received: strides=1.5"),
        (
            {"stride": (1, 2, 3)},
            "`strides` must be an integer or a tuple of 2 integers. Received: strides=(1, 2, 3)",
        ),
        ({"dilation": 0}, "`dilation_rate` must be >= 1. Received: dilation_rate=0"),
        ({"dilation": (0, 1)}, "`dilation_rate` must be >= 1. Received: dilation_rate=(0, 1)"),
        ({"padding": -1}, "integer >= 0 or a tuple (ph, pw) of integers >= 0. Received: padding=-1"),
        ({"padding": (1, -1)}, "integers >= 0. Received: padding=(1, -1)"),
        ({"padding": "full"}, "Invalid value for argument `padding`. Expected one of 'valid', 'same'"),
        ({"padding": "full"}, "Received: padding='full'"),
        (
            {"activation": "gelu"},
            "Unknown activation. Expected one of 'none', 'linear', 'relu', 'tanh', "
            "'sigmoid', 'softmax'. Received: activation='gelu'",
        ),
    ],
)
def test_bad_settings(fn: Callable[..., object], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=esc(message)):
        fn(X, K, **kwargs)


@pytest.mark.parametrize("fn", ALL_CONV)
def test_channel_mismatch(fn: Callable[..., object]) -> None:
    with pytest.raises(
        ValueError,
        match=esc(
            "The kernels' input channels must match the input's channels (input has 3, kernels have 2). "
            "Received: x.shape=(5, 5, 3), kernels.shape=(3, 3, 2, 2)"
        ),
    ):
        fn(X, np.ones((3, 3, 2, 2)))


@pytest.mark.parametrize("fn", ALL_CONV)
@pytest.mark.parametrize(
    "kernel_shape,kwargs,message",
    [
        ((7, 3, 3, 1), {}, "The kernel (7x3 after dilation) is larger than the padded input (5x5)"),
        (
            (3, 3, 3, 1),
            {"dilation": 3},
            "The kernel (7x7 after dilation) is larger than the padded input (5x5). "
            "Received: kernel_size=(3, 3), dilation_rate=(3, 3)",
        ),
        (
            (8, 2, 3, 1),
            {"padding": 1},
            "The kernel (8x2 after dilation) is larger than the padded input (7x7)",
        ),
    ],
)
def test_kernel_larger_than_padded_input(
    fn: Callable[..., object], kernel_shape: tuple[int, ...], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=esc(message)):
        fn(X, np.ones(kernel_shape), **kwargs)


def test_padding_can_make_a_big_kernel_fit() -> None:
    assert conv2d(X, np.ones((7, 7, 3, 1)), padding=1).shape == (1, 1, 1)


@pytest.mark.parametrize(
    "grid,message",
    [
        ([[[1], [2]], [[3]]], "`x` is ragged: every row must have the same length. Received: x="),
        ([[[1, 2], [3]], [[4, 5], [6, 7]]], "`x` is ragged"),
        ([[["a"], ["b"]], [["c"], ["d"]]], "`x` must contain only numbers. Received: x="),
        ([[[None]]], "`x` is ragged"),  # None makes an object array: refused like a ragged grid
        (
            np.array([[[np.nan]]]),
            "`x` must contain only finite numbers (no NaN or inf). Received: x.shape=(1, 1, 1)",
        ),
        (np.array([[[1.0, np.inf]]]), "finite numbers"),
        (np.ones((3, 3)), "`x` must be a 3 or 4-D array. Received: x.shape=(3, 3)"),
    ],
)
def test_bad_grids(grid: Any, message: str) -> None:  # bad on purpose
    with pytest.raises(ValueError, match=esc(message)):
        conv2d(grid, np.ones((1, 1, 1, 1)))


def test_bad_kernels_and_bias() -> None:
    with pytest.raises(ValueError, match=esc("`kernels` must be a 4-D array. Received: kernels.shape=(3, 3, 3)")):
        conv2d(X, np.ones((3, 3, 3)))
    with pytest.raises(ValueError, match=esc("`kernels` must contain only numbers")):
        conv2d(X, [[[["w"]]]])
    with pytest.raises(ValueError, match=esc("`bias` must have one value per kernel (2). Received: bias.shape=(3,)")):
        conv2d(X, K, [1, 2, 3])


def test_too_large_to_show_states_the_limit() -> None:
    assert (MAX_SHOW_SIDE, MAX_SHOW_CHANNELS, MAX_SHOW_KERNELS) == (64, 16, 64)
    limit = "the limit is 64x64 cells and 16 channels"
    with pytest.raises(
        ValueError, match=esc(f"`x` is too large to show step by step: {limit}. Received: x.shape=(65, 5, 1)")
    ):
        conv_trace(np.ones((65, 5, 1)), np.ones((3, 3, 1, 1)))
    with pytest.raises(ValueError, match=esc(f"{limit}. Received: x.shape=(5, 5, 17)")):
        conv_trace(np.ones((5, 5, 17)), np.ones((3, 3, 17, 1)))
    with pytest.raises(
        ValueError, match=esc("Too many kernels to show step by step: the limit is 64. Received: filters=65")
    ):
        conv_steps(np.ones((5, 5, 1)), np.ones((3, 3, 1, 65)))
    with pytest.raises(ValueError, match=esc(f"{limit}. Received: x.shape=(5, 70, 1)")):
        pool_trace(np.ones((5, 70, 1)))
    # The limit is for showing, not computing: conv2d and pool2d take any size.
    assert conv2d(np.ones((65, 5, 17)), np.ones((3, 3, 17, 65))).shape == (63, 3, 65)
    # At the limit exactly, it shows.
    assert len(conv_trace(np.ones((64, 64, 16)), np.ones((64, 64, 16, 64)))) == 64


@pytest.mark.parametrize(
    "args,message",
    [
        (
            (2, 3),
            "The kernel (size 3 after dilation) is larger than the padded input (size 2), so the output would "
            "be empty. Received: input_size=2, kernel_size=3, padding='valid', dilation_rate=1",
        ),
        (
            (5, 3, 1, "valid", 3),
            "The kernel (size 7 after dilation) is larger than the padded input (size 5)",
        ),
        ((5, 3, 0), "`strides` must be an integer >= 1. Received: strides=0"),
        ((0, 3), "`input size` must be an integer >= 1. Received: input_size=0"),
        ((5, 0), "`kernel_size` must be an integer >= 1. Received: kernel_size=0"),
        ((5, 3, 1, "valid", 0), "`dilation_rate` must be an integer >= 1. Received: dilation_rate=0"),
        ((5, 3, 1, -1), "`padding` must be >= 0. Received: padding=-1"),
        ((5, 3, 1, "full"), "Received: padding='full'"),
    ],
)
def test_output_size_not_positive_or_bad_arguments(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValueError, match=esc(message)):
        conv_output_size(*args)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"mode": "min"}, "Unknown pooling mode. Expected one of 'max', 'avg'. Received: mode='min'"),
        ({"size": 0}, "`pool_size` must be >= 1. Received: pool_size=0"),
        (
            {"size": 6},
            "The pooling window (6x6) is larger than the input (5x5). Received: pool_size=(6, 6), x.shape=(5, 5, 3)",
        ),
        ({"stride": 0}, "`strides` must be >= 1. Received: strides=0"),
        (
            {"padding": "full"},
            "Invalid value for argument `padding` of a pooling layer. Expected one of "
            "'valid', 'same'. Received: padding='full'",
        ),
        ({"padding": 1}, "Received: padding=1"),
    ],
)
def test_bad_pooling(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=esc(message)):
        pool2d(X, **kwargs)
    with pytest.raises(ValueError, match=esc(message)):
        pool_trace(X, **kwargs)


def test_bad_dense_and_activation() -> None:
    with pytest.raises(
        ValueError,
        match=esc("The input size must match the kernel's first axis (4). Received: x.shape=(5,), kernel.shape=(4, 3)"),
    ):
        dense(np.ones(5), np.ones((4, 3)))
    with pytest.raises(ValueError, match=esc("`bias` must have one value per unit (3). Received: bias.shape=(2,)")):
        dense(np.ones(4), np.ones((4, 3)), np.ones(2))
    with pytest.raises(ValueError, match=esc("Unknown activation. Expected one of 'none', 'linear'")):
        apply_activation(np.ones(3), "swish")
    with pytest.raises(ValueError, match=esc("Received: activation=3")):
        apply_activation(np.ones(3), 3)  # type: ignore[arg-type]  # not a name, on purpose


@pytest.mark.parametrize(
    "layer,message",
    [
        (
            {"type": "Conv3D"},
            "Unknown layer type. Expected one of Conv2D, MaxPooling2D, AveragePooling2D, Flatten, "
            "Dense, Dropout. Received: type='Conv3D'",
        ),
        ({"filters": 3}, "A layer must be a table with a `type`"),
        ({"type": "Conv2D", "filters": 0}, "`filters` must be a positive integer. Received: filters=0"),
        (
            {"type": "Conv2D", "filters": 2, "padding": "full"},
            "A Conv2D layer's `padding` must be 'valid' or 'same'. Received: padding='full'",
        ),
        ({"type": "Conv2D", "filters": 2, "activation": "gelu"}, "Unknown activation"),
        (
            {"type": "Conv2D", "filters": 2, "kernel": 3},
            "Unknown option for a Conv2D layer. Received: option='kernel'",
        ),
        ({"type": "Dense"}, "`units` must be a positive integer. Received: units=None"),
        ({"type": "Dropout", "rate": 1.0}, "The dropout `rate` must be in [0, 1). Received: rate=1.0"),
        ({"type": "MaxPooling2D", "pool_size": 0}, "`pool_size` must be >= 1. Received: pool_size=0"),
    ],
)
def test_bad_layer_specs(layer: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=esc(message)):
        layer_from_dict(layer)


def test_bad_model_specs() -> None:
    with pytest.raises(
        ValueError,
        match=esc("`input_shape` must be [height, width, channels]. Received: input_shape=[28, 28]"),
    ):
        spec_from_dict({"input_shape": [28, 28], "layers": [{"type": "Flatten"}]})
    with pytest.raises(ValueError, match=esc("`layers` must be a non-empty list of layer tables. Received: layers=[]")):
        spec_from_dict({"input_shape": [28, 28, 1], "layers": []})
    with pytest.raises(
        ValueError,
        match=esc(
            "Layer dense (Dense) needs a flat input: add a Flatten layer first. Received: input_shape=(28, 28, 1)"
        ),
    ):
        spec_from_dict({"input_shape": [28, 28, 1], "layers": [{"type": "Dense", "units": 3}]})
    with pytest.raises(
        ValueError,
        match=esc("Layer conv2d (Conv2D): The kernel (5x5 after dilation) is larger than the padded input (3x3)"),
    ):
        spec_from_dict({"input_shape": [3, 3, 1], "layers": [{"type": "Conv2D", "filters": 1, "kernel_size": 5}]})
    with pytest.raises(
        ValueError, match=esc("The dropout rate must be between 0 and 1 (exclusive). Received: rate=1.5")
    ):
        mnist_convnet(1.5)
    with pytest.raises(
        ValueError,
        match=esc("Layer max_pooling2d (MaxPooling2D): The pooling window (2x2) is larger than the input (1x1)"),
    ):
        spec_from_dict(
            {"input_shape": [3, 3, 1], "layers": [{"type": "Conv2D", "filters": 1}, {"type": "MaxPooling2D"}]}
        )


def test_bad_forward_inputs() -> None:
    spec = mnist_convnet()
    weights = [
        np.zeros(s)
        for s in [
            (3, 3, 1, 32),
            (32,),
            (3, 3, 32, 64),
            (64,),
            (3, 3, 64, 64),
            (64,),
            (576, 64),
            (64,),
            (64, 10),
            (10,),
        ]
    ]
    assert forward(spec, weights, np.zeros((28, 28, 1))).shape == (10,)
    with pytest.raises(ValueError, match=esc("The input must have shape (28, 28, 1). Received: x.shape=(28, 28, 3)")):
        forward(spec, weights, np.zeros((28, 28, 3)))
    with pytest.raises(ValueError, match=esc("Not enough weight arrays for the model's layers. Received: weights=9")):
        forward(spec, weights[:-1], np.zeros((28, 28, 1)))
    with pytest.raises(
        ValueError,
        match=esc("More weight arrays than the model has layers with weights. Received: weights=11"),
    ):
        forward(spec, [*weights, np.zeros(1)], np.zeros((28, 28, 1)))
    bad = list(weights)
    bad[2] = np.zeros((3, 3, 32, 63))
    with pytest.raises(
        ValueError,
        match=esc(
            "Weights of layer conv2d_1 have the wrong shape (expected kernel (3, 3, 32, 64)). "
            "Received: kernel.shape=(3, 3, 32, 63)"
        ),
    ):
        forward(spec, bad, np.zeros((28, 28, 1)))
