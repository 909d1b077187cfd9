"""The model spec: plain data in and out, shape inference beyond the lecture model."""

from __future__ import annotations

import numpy as np

from tui_convnet.core import (
    Conv2DSpec,
    DenseSpec,
    DropoutSpec,
    FlattenSpec,
    Pool2DSpec,
    flatten,
    infer_shapes,
    mnist_convnet,
    spec_from_dict,
)


def test_to_dict_round_trip() -> None:
    for spec in (mnist_convnet(), mnist_convnet(0.3)):
        data = spec.to_dict()
        assert data["layers"][0] == {
            "type": "Conv2D",
            "filters": 32,
            "kernel_size": (3, 3),
            "strides": (1, 1),
            "padding": "valid",
            "dilation_rate": (1, 1),
            "activation": "relu",
        }
        assert data["layers"][1] == {
            "type": "MaxPooling2D",
            "pool_size": (2, 2),
            "strides": (2, 2),
            "padding": "valid",
        }
        assert spec_from_dict(data) == spec


def test_with_dropout_puts_it_before_the_last_dense() -> None:
    spec = mnist_convnet().with_dropout(0.25)
    kinds = [type(layer) for layer in spec.layers]
    assert kinds == [
        Conv2DSpec,
        Pool2DSpec,
        Conv2DSpec,
        Pool2DSpec,
        Conv2DSpec,
        FlattenSpec,
        DenseSpec,
        DropoutSpec,
        DenseSpec,
    ]
    assert spec.with_dropout(0.5).layers[7] == DropoutSpec(0.5)  # replaced, not added twice
    assert spec.with_dropout(0) == mnist_convnet()


def test_shapes_with_same_padding_dilation_and_average_pooling() -> None:
    spec = spec_from_dict(
        {
            "input_shape": [7, 5, 2],
            "name": "other",
            "layers": [
                {"type": "MaxPooling2D", "pool_size": 2, "padding": "same"},
                {
                    "type": "Conv2D",
                    "filters": 3,
                    "kernel_size": [3, 2],
                    "dilation_rate": 2,
                    "padding": "same",
                },
                {"type": "AveragePooling2D", "pool_size": [2, 1], "strides": [1, 1]},
            ],
        }
    )
    assert spec.name == "other"
    rows = [(i.name, i.output_shape, i.shape_formula, i.params, i.param_formula) for i in infer_shapes(spec)]
    assert rows == [
        ("max_pooling2d", (4, 3, 2), "⌈7 / 2⌉ = 4 and ⌈5 / 2⌉ = 3", 0, ""),
        (
            "conv2d",
            (4, 3, 3),
            "(4 − (2·(3 − 1) + 1) + 2·2) / 1 + 1 = 4 and (3 − (2·(2 − 1) + 1) + 2·1) / 1 + 1 = 3",
            39,
            "3·(3·2·2) + 3 = 39",
        ),
        ("average_pooling2d", (3, 3, 3), "(4 − 2) / 1 + 1 = 3 and (3 − 1) / 1 + 1 = 3", 0, ""),
    ]
    assert infer_shapes(spec)[1].shape_text == "(None, 4, 3, 3)"


def test_flatten_is_row_major_like_keras() -> None:
    x = np.arange(2 * 3 * 4).reshape(2, 3, 4)
    np.testing.assert_array_equal(flatten(x), np.arange(24))
    batch = np.stack([x, x + 100])
    assert flatten(batch).shape == (2, 24)
    np.testing.assert_array_equal(flatten(batch)[1], np.arange(24) + 100)
