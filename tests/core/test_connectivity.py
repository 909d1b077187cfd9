"""Sparse connectivity and parameter sharing: the counts of Goodfellow's figure and of the lecture model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tui_convnet.core import Conv2DSpec, ModelSpec, connectivity_1d, conv2d, layer_connections, mnist_convnet


def test_goodfellow_figure_width_3_over_five_inputs() -> None:
    c = connectivity_1d()
    assert c.n_outputs == 5
    # s1 sees x1, x2 (the window hangs over the padding); s3 sees x2, x3, x4.
    assert [c.conv_inputs_of(o) for o in range(5)] == [(0, 1), (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4)]
    assert c.conv_outputs_of(2) == (1, 2, 3)
    assert c.conv_outputs_of(0) == (0, 1)
    assert c.dense_inputs_of(2) == c.dense_outputs_of(4) == (0, 1, 2, 3, 4)
    assert (c.conv_connections, c.dense_connections) == (13, 25)
    assert (c.conv_weights, c.unshared_weights, c.dense_weights) == (3, 13, 25)


def test_connections_agree_with_the_convolution_itself() -> None:
    # An output depends on an input exactly when a unit impulse there reaches it.
    for n, k, padding in [(5, 3, "same"), (7, 2, "same"), (6, 4, "valid"), (5, 5, "same")]:
        c = connectivity_1d(n, k, padding)
        kernel = np.ones((1, k, 1, 1))
        for i in range(n):
            x = np.zeros((1, n, 1))
            x[0, i, 0] = 1
            reached = np.flatnonzero(conv2d(x, kernel, padding=padding)[0, :, 0])
            assert tuple(reached) == c.conv_outputs_of(i), (n, k, padding, i)
        assert c.conv_connections == sum(len(c.conv_outputs_of(i)) for i in range(n))


def test_the_lecture_models_first_layer() -> None:
    layer = layer_connections(mnist_convnet())
    assert (layer.inputs, layer.outputs, layer.positions, layer.window) == (784, 21_632, 676, 9)
    assert layer.dense_weights == 784 * 21_632 == 16_959_488
    assert layer.dense_formula == "784·21,632 + 21,632 = 16,981,120"
    assert layer.conv_params == 320 and layer.conv_formula == "32·(3·3·1) + 32 = 320"
    assert layer.unshared_weights == 676 * 288 and layer.unshared_formula == "676·32·(3·3·1) = 194,688"
    assert layer.conv_connections == 21_632 * 9


def test_another_conv_layer_and_refusals() -> None:
    second = layer_connections(mnist_convnet(), 2)
    assert second.conv_formula == "64·(3·3·32) + 64 = 18,496"
    with pytest.raises(
        ValueError, match=r"Layer max_pooling2d is a MaxPooling2D, not a Conv2D layer. Received: layer=1"
    ):
        layer_connections(mnist_convnet(), 1)
    with pytest.raises(ValueError, match=r"`layer` must be an integer between 0 and 7. Received: layer=8"):
        layer_connections(mnist_convnet(), 8)
    strided = ModelSpec((8, 8, 2), (Conv2DSpec(3, (3, 3), strides=(2, 2)),))
    assert layer_connections(strided).out_shape == (3, 3, 3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_inputs": 0}, "`n_inputs` must be a positive integer. Received: n_inputs=0"),
        ({"width": 2.0}, "`width` must be a positive integer. Received: width=2.0"),
        ({"padding": "full"}, "`padding` must be 'same' or 'valid'. Received: padding='full'"),
        ({"n_inputs": 2, "width": 3, "padding": "valid"}, "larger than the padded input"),
    ],
)
def test_bad_1d_arguments(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        connectivity_1d(**kwargs)


def test_bad_index() -> None:
    with pytest.raises(ValueError, match=r"`output` must be an integer between 0 and 4. Received: output=5"):
        connectivity_1d().conv_inputs_of(5)
    with pytest.raises(ValueError, match=r"`input` must be an integer between 0 and 4. Received: input=-1"):
        connectivity_1d().dense_outputs_of(-1)
