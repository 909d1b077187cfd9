"""Parameter sharing: a shifted digit gives shifted feature maps (exactly, away from the borders)."""

from __future__ import annotations

import numpy as np
import pytest

from tui_convnet.core import conv2d, mnist_convnet, seeded_weights, shift_experiment, shift_image, shifted_interior
from tui_convnet.core.model import Conv2DSpec, ModelSpec, Pool2DSpec
from tui_convnet.data.mnist import bundled_digit


def _weights(spec: ModelSpec, seed: int = 0) -> list[np.ndarray]:
    """Seeded weights with non-zero biases (a blank window then differs from the frame's fill)."""
    rng = np.random.default_rng(seed + 100)
    return [w if w.ndim > 1 else rng.normal(0, 0.1, w.shape).astype(np.float32) for w in seeded_weights(spec, seed)]


def test_shift_image_moves_and_fills() -> None:
    x = np.arange(12).reshape(3, 4)
    assert shift_image(x, 1, -1).tolist() == [[0, 0, 0, 0], [1, 2, 3, 0], [5, 6, 7, 0]]
    assert shift_image(x, 0, 0).tolist() == x.tolist()
    assert shift_image(x, -2, 3).tolist() == [[0, 0, 0, 8], [0, 0, 0, 0], [0, 0, 0, 0]]
    with pytest.raises(ValueError, match=r"`dy` must be between -2 and 2. Received: dy=3"):
        shift_image(x, 3, 0)
    with pytest.raises(ValueError, match=r"`dx` must be an integer. Received: dx=1.5"):
        shift_image(x, 0, 1.5)  # type: ignore[arg-type]  # not an integer, on purpose


@pytest.mark.parametrize(("dy", "dx"), [(1, 0), (0, -2), (3, 2), (-4, 5), (0, 0)])
def test_conv_of_a_shifted_input_is_the_shifted_conv_away_from_the_borders(dy: int, dx: int) -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(12, 10, 2))  # non-zero everywhere: the borders really differ
    k = rng.normal(size=(3, 2, 2, 4))
    maps = conv2d(shift_image(x, dy, dx), k, np.ones(4))
    expected = shift_image(conv2d(x, k, np.ones(4)), dy, dx)
    interior = shifted_interior(maps.shape[:2], dy, dx)
    np.testing.assert_array_equal(maps[interior], expected[interior])
    assert interior.sum() == (10 - abs(dy)) * (9 - abs(dx))
    if dy or dx:
        assert not np.allclose(maps[~interior], expected[~interior])


def test_the_lecture_model_on_a_shifted_digit() -> None:
    spec = mnist_convnet()
    weights = _weights(spec)
    digit = bundled_digit(0)[0].astype(np.float32) / 255
    still = shift_experiment(spec, weights, digit, 0, 0)
    assert still.max_delta_interior == still.max_delta_border == 0 and still.map_change == 0
    np.testing.assert_array_equal(still.probabilities, still.probabilities_unshifted)
    for dy, dx in [(1, 0), (0, 1), (-2, 3)]:
        r = shift_experiment(spec, weights, digit, dy, dx)
        assert r.max_delta_interior == 0.0
        assert r.map_change > 0 and r.pooled_change is not None
        if abs(dy) + abs(dx) == 1:  # max pooling absorbs part of a one-pixel shift
            assert r.pooled_change < r.map_change
        assert r.probabilities.shape == (10,) and abs(float(r.probabilities.sum()) - 1) < 1e-5
        np.testing.assert_array_equal(r.digit[:, :, 0], shift_image(digit, dy, dx))
    # On the border the shifted digit's maps hold the bias of a blank window, not a cut-off map.
    assert shift_experiment(spec, weights, digit, 4, -4).max_delta_border > 0


def test_shift_experiment_refusals() -> None:
    weights = _weights(mnist_convnet())
    with pytest.raises(ValueError, match=r"The digit must have shape \(28, 28, 1\). Received: x.shape=\(27, 28, 1\)"):
        shift_experiment(mnist_convnet(), weights, np.zeros((27, 28)), 0, 0)
    strided = ModelSpec((8, 8, 1), (Conv2DSpec(2, (3, 3), strides=(2, 2)), Pool2DSpec()))
    with pytest.raises(ValueError, match="strides 1 and 'valid' padding"):
        shift_experiment(strided, _weights(strided), np.zeros((8, 8)), 1, 0)
