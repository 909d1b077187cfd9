"""The whole spec's numpy forward pass, ``dense`` and the activations against Keras.

Tolerance: 1e-5 absolute plus 1e-5 relative (``core_testing.assert_close``).
The relative part is headroom for values above 1: float32 keeps about 7
significant digits, so a sum of ~35 (the conv sweep's random inputs reach
that) may differ in its 6th decimal place from summation order alone.
Measured differences are far smaller (below 4e-7 on the MNIST ConvNet).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import pytest

from tests.core.core_testing import assert_close
from tui_convnet.core import ModelSpec, apply_activation, dense, forward, infer_shapes, mnist_convnet
from tui_convnet.data.mnist import load_mnist, to_model_inputs

pytestmark = pytest.mark.keras


@pytest.fixture(scope="module")
def digits() -> np.ndarray:
    data = load_mnist("sample")
    return to_model_inputs(data.x_test[:16])


def _model_with_random_biases(keras: ModuleType, spec: ModelSpec, seed: int = 0) -> Any:  # a Keras model
    from tui_convnet.training.model import build_model

    keras.backend.clear_session()  # fresh default layer names: conv2d, conv2d_1, ...
    model = build_model(spec, seed=seed)
    rng = np.random.default_rng(seed)
    # Keras starts biases at zero; random ones make the bias path count.
    model.set_weights([w if w.ndim > 1 else rng.normal(0, 0.1, w.shape).astype(w.dtype) for w in model.get_weights()])
    return model


@pytest.mark.parametrize("dropout", [None, 0.5])
def test_forward_matches_keras_layer_by_layer(keras: ModuleType, digits: np.ndarray, dropout: float | None) -> None:
    spec = mnist_convnet(dropout)
    model = _model_with_random_biases(keras, spec)
    probe = keras.Model(model.inputs[0], [layer.output for layer in model.layers])
    expected = [keras.ops.convert_to_numpy(t) for t in probe(digits, training=False)]

    got = forward(spec, model.get_weights(), digits, intermediates=True)
    infos = infer_shapes(spec)
    assert len(got) == len(expected) == len(infos) == len(model.layers)
    for info, layer, ours, theirs in zip(infos, model.layers, got, expected, strict=False):
        assert info.name == layer.name
        assert ours.shape == theirs.shape == (len(digits), *info.output_shape)
        assert_close(ours, theirs, err_msg=info.name)

    final = forward(spec, model.get_weights(), digits)
    assert_close(final, keras.ops.convert_to_numpy(model(digits, training=False)))
    np.testing.assert_allclose(final.sum(axis=1), 1.0, atol=1e-5)  # softmax rows
    # One image at a time gives the same as the batch.
    assert_close(forward(spec, model.get_weights(), digits[3]), final[3])


def test_forward_matches_keras_on_a_different_stack(keras: ModuleType, rng: np.random.Generator) -> None:
    """Strides, 'same' padding, dilation, average pooling and tanh/sigmoid layers."""
    from tui_convnet.core import spec_from_dict

    spec = spec_from_dict(
        {
            "input_shape": [12, 10, 3],
            "layers": [
                {
                    "type": "Conv2D",
                    "filters": 4,
                    "kernel_size": [3, 2],
                    "strides": 2,
                    "padding": "same",
                    "activation": "tanh",
                },
                {"type": "AveragePooling2D", "pool_size": 2, "strides": 1, "padding": "same"},
                {
                    "type": "Conv2D",
                    "filters": 3,
                    "kernel_size": 2,
                    "dilation_rate": 2,
                    "activation": "sigmoid",
                },
                {"type": "MaxPooling2D", "pool_size": [1, 2]},
                {"type": "Flatten"},
                {"type": "Dense", "units": 5, "activation": "relu"},
                {"type": "Dense", "units": 3, "activation": "linear"},
            ],
        }
    )
    model = _model_with_random_biases(keras, spec, seed=3)
    x = rng.standard_normal((4, 12, 10, 3)).astype("float32")
    probe = keras.Model(model.inputs[0], [layer.output for layer in model.layers])
    expected = [keras.ops.convert_to_numpy(t) for t in probe(x)]
    for info, ours, theirs in zip(
        infer_shapes(spec), forward(spec, model.get_weights(), x, intermediates=True), expected, strict=False
    ):
        assert_close(ours, theirs, err_msg=info.name)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "softmax", "linear"])
def test_dense_matches_keras_dense(keras: ModuleType, rng: np.random.Generator, activation: str) -> None:
    x = rng.standard_normal((5, 7)).astype("float32")
    kernel = rng.standard_normal((7, 4)).astype("float32")
    bias = rng.standard_normal(4).astype("float32")
    layer = keras.layers.Dense(4, activation=activation)
    layer.build((None, 7))
    layer.set_weights([kernel, bias])
    expected = keras.ops.convert_to_numpy(layer(x))
    assert_close(dense(x, kernel, bias, activation), expected)
    assert_close(dense(x[2], kernel, bias, activation), expected[2])


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "softmax", "linear"])
def test_activations_match_keras(keras: ModuleType, rng: np.random.Generator, name: str) -> None:
    x = np.concatenate(
        [
            rng.standard_normal((3, 6)).astype("float32") * 4,
            np.array([[-100.0, -20.0, -1e-3, 0.0, 20.0, 100.0]], dtype="float32"),  # no overflow, no NaN
        ]
    )
    expected = keras.ops.convert_to_numpy(keras.activations.get(name)(x))
    got = apply_activation(x, name)
    assert np.all(np.isfinite(got))
    assert_close(got, expected, err_msg=name)


def test_none_means_linear() -> None:
    x = np.array([-2.0, 0.5])
    np.testing.assert_array_equal(apply_activation(x, None), x)
    np.testing.assert_array_equal(apply_activation(x, "none"), x)
