"""Grad-CAM and the filter visualisation's gradient ascent against ``tf.GradientTape`` on the Keras model.

Grad-CAM: the bundled (trained) model on sample digits, every Conv2D and
pooling layer, the predicted class and the runner-up; and a model with
strides, 'same' padding, average pooling, tanh and a Dropout on random
weights.  The tape differentiates the class score before the softmax (the
last Dense layer's kernel and bias applied by hand) with respect to the
layer's output.  Every map agrees to 1e-5 of its largest value.

The gradient ascent: the first steps from the same seeded start, on both
models, agree to 1e-5.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from tui_convnet.core import (
    Conv2DSpec,
    DenseSpec,
    DropoutSpec,
    FlattenSpec,
    ModelSpec,
    Pool2DSpec,
    ascent_start,
    filter_visualisation,
    grad_cam,
    grad_cam_details,
    infer_shapes,
)
from tui_convnet.data.mnist import load_mnist, to_model_inputs
from tui_convnet.model.bundled import load_bundled_model

pytestmark = pytest.mark.keras

#: The sweep's worst relative difference must stay under this.
TOL = 1e-5

OTHER = ModelSpec(
    (12, 12, 2),
    (
        Conv2DSpec(4, (3, 3), strides=(2, 1), padding="same", activation="relu"),
        Pool2DSpec("avg", (2, 2), padding="same"),
        Conv2DSpec(5, (2, 2), activation="tanh"),
        Pool2DSpec("max", (2, 2), strides=(1, 1)),
        FlattenSpec(),
        DropoutSpec(0.3),
        DenseSpec(6, activation="softmax"),
    ),
)


@pytest.fixture(scope="module")
def tf(keras: ModuleType) -> ModuleType:
    return importlib.import_module("tensorflow")


@pytest.fixture(scope="module")
def bundled(keras: ModuleType) -> tuple[ModelSpec, list[np.ndarray], Any, np.ndarray]:
    from tui_convnet.training.model import build_model

    bundle = load_bundled_model()
    model = build_model(bundle.spec)
    model.set_weights(list(bundle.weights))
    digits = to_model_inputs(load_mnist("sample").x_test[:3])
    return bundle.spec, list(bundle.weights), model, digits


@pytest.fixture(scope="module")
def other(keras: ModuleType) -> tuple[ModelSpec, list[np.ndarray], Any, np.ndarray]:
    from tui_convnet.training.model import build_model

    model = build_model(OTHER, seed=3)
    rng = np.random.default_rng(3)
    weights = [w + rng.normal(0, 0.1, w.shape).astype(w.dtype) for w in model.get_weights()]
    model.set_weights(weights)
    return OTHER, weights, model, rng.uniform(0, 1, (2, 12, 12, 2)).astype("float32")


def _tape_grad_cam(
    tf: ModuleType, keras: ModuleType, model: Any, x: np.ndarray, layer_index: int, class_index: int
) -> np.ndarray:
    with tf.GradientTape() as tape:
        h = tf.constant(x[None])
        activations = None
        for index, layer in enumerate(model.layers[:-1]):
            h = layer(h)
            if index == layer_index:
                activations = h
        last = model.layers[-1]
        score = (tf.matmul(h, last.kernel.value) + last.bias.value)[0, class_index]
    grads = tape.gradient(score, activations)
    alphas = tf.reduce_mean(grads, axis=(1, 2))
    heatmap = tf.nn.relu(tf.reduce_sum(activations * alphas[:, None, None, :], axis=-1))
    return np.asarray(keras.ops.convert_to_numpy(heatmap[0]))


def _relative(got: np.ndarray, expected: np.ndarray) -> float:
    return float(np.max(np.abs(got - expected)) / max(float(np.max(np.abs(expected))), 1e-30))


@pytest.mark.parametrize("which", ["bundled", "other"])
def test_grad_cam_matches_gradient_tape(
    tf: ModuleType, keras: ModuleType, request: pytest.FixtureRequest, which: str
) -> None:
    spec, weights, model, inputs = request.getfixturevalue(which)
    layers = [info.index for info in infer_shapes(spec) if len(info.output_shape) == 3]
    worst = 0.0
    for x in inputs:
        probs = keras.ops.convert_to_numpy(model(x[None]))[0]
        for class_index in np.argsort(probs)[::-1][:2]:  # the predicted class and the runner-up
            for index in layers:
                expected = _tape_grad_cam(tf, keras, model, x, index, int(class_index))
                got = grad_cam(spec, weights, x, layer=index, class_index=int(class_index))
                assert got.shape == expected.shape
                worst = max(worst, _relative(got, expected))
        details = grad_cam_details(spec, weights, x, layer=0, class_index=0)
        np.testing.assert_allclose(details.probabilities, probs, atol=1e-5)
    assert worst < TOL, worst


def _tape_ascent(
    tf: ModuleType, model: Any, layer_index: int, filter_index: int, start: np.ndarray, steps: int, learning_rate: float
) -> np.ndarray:
    image = tf.Variable(start[None])
    for _ in range(steps):
        with tf.GradientTape() as tape:
            h = image
            for layer in model.layers[: layer_index + 1]:
                h = layer(h)
            loss = tf.reduce_mean(h[:, :, :, filter_index])
        grads = tf.math.l2_normalize(tape.gradient(loss, image))
        image.assign_add(learning_rate * grads)
    return np.asarray(image.numpy()[0])


@pytest.mark.parametrize(
    ("which", "layer", "filters"), [("bundled", 0, (3, 12)), ("bundled", 2, (5,)), ("other", 2, (1,))]
)
def test_gradient_ascent_matches_tensorflow_on_the_first_steps(
    tf: ModuleType, request: pytest.FixtureRequest, which: str, layer: int, filters: tuple[int, ...]
) -> None:
    spec, weights, model, _ = request.getfixturevalue(which)
    start = ascent_start(spec.input_shape, seed=7).astype("float32")
    for filter_index in filters:
        ours = filter_visualisation(spec, weights, layer=layer, filter_index=filter_index, steps=3, start=start)
        assert ours.fires
        expected = _tape_ascent(tf, model, layer, filter_index, start, 3, 1.0)
        assert _relative(ours.image, expected) < TOL
        assert ours.losses[-1] > ours.losses[0]  # the ascent climbs
