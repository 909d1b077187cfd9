"""Grad-CAM and the filter visualisation in numpy: what they return and what they refuse."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from tui_convnet.core import (
    ModelSpec,
    ascent_start,
    conv_layers,
    filter_visualisation,
    grad_cam,
    grad_cam_details,
    last_conv_layer,
    mnist_convnet,
    seeded_weights,
)


@pytest.fixture(scope="module")
def model() -> tuple[ModelSpec, list[np.ndarray]]:
    spec = mnist_convnet()
    return spec, seeded_weights(spec, seed=1)


def test_grad_cam_is_relu_of_the_alpha_weighted_sum_of_the_activations(
    model: tuple[ModelSpec, list[np.ndarray]], rng: np.random.Generator
) -> None:
    spec, weights = model
    x = rng.uniform(0, 1, (28, 28, 1))
    details = grad_cam_details(spec, weights, x, layer="conv2d_2", class_index=4)
    assert details.layer == "conv2d_2" and details.heatmap.shape == (3, 3)
    assert details.activations.shape == (3, 3, 64) and details.alphas.shape == (64,)
    np.testing.assert_allclose(details.heatmap, np.maximum(np.tensordot(details.activations, details.alphas, 1), 0))
    assert (details.heatmap >= 0).all()
    np.testing.assert_array_equal(grad_cam(spec, weights, x, layer=4, class_index=4), details.heatmap)
    assert details.upsampled((28, 28)).shape == (28, 28)
    assert details.upsampled((6, 6))[::2, ::2].tolist() == details.heatmap.tolist()


def test_grad_cam_of_the_scores_is_a_finite_difference(
    model: tuple[ModelSpec, list[np.ndarray]], rng: np.random.Generator
) -> None:
    """alpha_k is the mean gradient of the score: nudge one channel of the layer everywhere and the score
    moves by h·w·alpha_k·eps (checked through the rest of the network run from that layer)."""
    from tui_convnet.core import ModelSpec, forward

    spec, weights = model
    x = rng.uniform(0, 1, (28, 28, 1))
    details = grad_cam_details(spec, weights, x, layer=2, class_index=7)
    rest = ModelSpec(details.activations.shape, spec.layers[3:-1])
    last_kernel, last_bias = weights[-2], weights[-1]

    def score(a: np.ndarray) -> float:
        return float((forward(rest, weights[4:-2], a) @ last_kernel + last_bias)[7])

    eps = 1e-4
    k = int(np.argmax(np.abs(details.alphas)))
    bumped = details.activations.astype(np.float64).copy()
    bumped[:, :, k] += eps
    h, w, _ = details.activations.shape
    assert abs((score(bumped) - score(details.activations)) / eps - h * w * details.alphas[k]) < 1e-2
    assert abs(score(details.activations) - details.score) < 1e-4


def test_the_default_layers(model: tuple[ModelSpec, list[np.ndarray]]) -> None:
    spec, _ = model
    assert last_conv_layer(spec) == "conv2d_2"
    assert conv_layers(spec) == ["conv2d", "conv2d_1", "conv2d_2"]


def test_gradient_ascent_is_seeded_and_climbs(model: tuple[ModelSpec, list[np.ndarray]]) -> None:
    spec, weights = model
    first = filter_visualisation(spec, weights, layer="conv2d_1", filter_index=5, steps=5, seed=2)
    again = filter_visualisation(spec, weights, layer="conv2d_1", filter_index=5, steps=5, seed=2)
    np.testing.assert_array_equal(first.image, again.image)
    np.testing.assert_array_equal(first.start, ascent_start((28, 28, 1), 2))
    assert len(first.losses) == 6 and first.losses[-1] > first.losses[0]
    shown = first.display()
    assert shown.min() >= 0 and shown.max() <= 1 and shown.shape == (28, 28, 1)
    # each step moves the image by exactly the learning rate (a unit gradient)
    one = filter_visualisation(spec, weights, layer=0, filter_index=3, steps=1, seed=2, learning_rate=0.5)
    assert np.isclose(np.linalg.norm(one.image - one.start), 0.5)


def test_a_filter_that_never_fires_stays_where_it_started(model: tuple[ModelSpec, list[np.ndarray]]) -> None:
    spec, weights = model
    dead = [np.asarray(w).copy() for w in weights]
    dead[1][0] = -100.0  # conv2d's filter 0: a bias no input in [0, 1] can overcome
    result = filter_visualisation(spec, dead, layer=0, filter_index=0, steps=3)
    assert not result.fires
    np.testing.assert_array_equal(result.image, result.start)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s, w: grad_cam(s, w, np.zeros((28, 28, 1)), layer="flatten", class_index=0), "no spatial output"),
        (lambda s, w: grad_cam(s, w, np.zeros((28, 28, 1)), layer="nope", class_index=0), "Unknown layer"),
        (lambda s, w: grad_cam(s, w, np.zeros((28, 28, 1)), layer=0, class_index=10), "0..9"),
        (lambda s, w: grad_cam(s, w, np.zeros((14, 14, 1)), layer=0, class_index=1), "input must have shape"),
        (lambda s, w: grad_cam(s, w[:-1], np.zeros((28, 28, 1)), layer=0, class_index=1), "weight arrays"),
        (lambda s, w: filter_visualisation(s, w, layer=0, filter_index=32), "0..31"),
        (lambda s, w: filter_visualisation(s, w, layer=0, filter_index=0, steps=-1), "`steps`"),
        (lambda s, w: filter_visualisation(s, w, layer=0, filter_index=0, learning_rate=0), "`learning_rate`"),
        (lambda s, w: filter_visualisation(s, w, layer=0, filter_index=0, start=np.zeros((3, 3, 1))), "`start`"),
    ],
)
def test_bad_arguments_are_refused_with_a_keras_style_message(
    model: tuple[ModelSpec, list[np.ndarray]], call: Callable[[ModelSpec, list[np.ndarray]], object], message: str
) -> None:
    spec, weights = model
    with pytest.raises(ValueError, match="Received") as info:
        call(spec, weights)
    assert message in str(info.value)


def test_a_layers_filters_in_one_batch_are_each_filters_own_ascent(model: tuple[ModelSpec, list[np.ndarray]]) -> None:
    from tui_convnet.core import filter_visualisations

    spec, weights = model
    together = filter_visualisations(spec, weights, layer="conv2d_1", filters=[1, 5, 6], steps=3, seed=2)
    for result in together:
        alone = filter_visualisation(spec, weights, layer="conv2d_1", filter_index=result.filter_index, steps=3, seed=2)
        np.testing.assert_allclose(result.image, alone.image, rtol=1e-12, atol=1e-12)
        assert result.losses == pytest.approx(alone.losses, rel=1e-12)
    assert len(filter_visualisations(spec, weights, layer=0, steps=0)) == 32
