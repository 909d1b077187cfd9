"""The bundled model's augmented training digits: what each copy is, that it is seeded, that bad input is named."""

from __future__ import annotations

import numpy as np
import pytest

from tui_convnet.core import forward
from tui_convnet.data.mnist import load_sample, targets
from tui_convnet.images import ImageError, centre_of_mass, preprocess
from tui_convnet.model.bundled import load_bundled_model
from tui_convnet.training.augment import (
    Augmentation,
    augmented,
    bilinear,
    doodle,
    finish,
    non_digits,
    photographed,
    picture,
    varied,
    warp,
)


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    data = load_sample()
    return data.x_train[:6], data.y_train[:6]


def test_bilinear_sampling_reads_pixels_and_their_midpoints_and_zero_outside() -> None:
    image = np.array([[0.0, 1.0], [1.0, 1.0]], dtype=np.float32)
    got = bilinear(image, np.array([0.0, 0.0, 0.5, -3.0]), np.array([1.0, 0.5, 0.5, 0.0]))
    np.testing.assert_allclose(got, [1.0, 0.5, 0.75, 0.0], atol=1e-5)


def test_a_warp_without_turn_shear_or_zoom_is_the_digit_itself(digits: tuple[np.ndarray, np.ndarray]) -> None:
    digit = digits[0][0].astype(np.float32) / 255
    still = Augmentation(max_turn=0.0, max_shear=0.0, scale=(1.0, 1.0))

    rng = np.random.default_rng(0)
    out = warp(digit, 28, rng, still)
    # Only the aspect (at most 10 % either way) changes the digit: its ink stays where it was.
    assert abs(out.sum() - digit.sum()) < 0.15 * digit.sum()
    assert np.abs(np.subtract(centre_of_mass(out), centre_of_mass(digit))).max() < 0.5
    doubled = warp(digit, 56, np.random.default_rng(0), still)
    assert doubled.shape == (56, 56)
    assert abs(doubled.sum() / 4 - out.sum()) < 0.05 * out.sum()


def test_copies_look_like_the_preprocessing_output(digits: tuple[np.ndarray, np.ndarray]) -> None:
    for i, digit in enumerate(digits[0]):
        for make in (varied, photographed):
            out = make(digit, np.random.default_rng([0, i]))
            assert out.shape == (28, 28) and out.dtype == np.float32
            assert out.min() >= 0 and 0.9 <= out.max() <= 1.0  # the ink stretched to 1, then resampled
            rows, cols = np.nonzero(out > 0.1)
            assert max(rows.max() - rows.min(), cols.max() - cols.min()) + 1 <= 22  # the 20-pixel box, as MNIST
            row, col = centre_of_mass(out)
            assert abs(row - 14) <= 1.5 and abs(col - 14) <= 1.5
        assert not np.array_equal(varied(digit, np.random.default_rng(1)), finish(digit.astype(np.float32) / 255))


def test_a_picture_is_a_photo_the_preprocessing_finds_the_digit_in(digits: tuple[np.ndarray, np.ndarray]) -> None:
    found = 0
    for i, digit in enumerate(digits[0]):
        page = picture(digit, np.random.default_rng([0, i]))
        assert page.ndim == 2 and page.shape[0] >= 30 and page.min() >= 0 and page.max() <= 1
        # Paper: most of the page is near one level (the digit's ink is the rest).
        assert (np.abs(page - np.median(page)) < 0.2).mean() > 0.6
        try:
            preprocess(page)
            found += 1
        except ImageError:
            pass
    assert found >= 5


def test_the_set_is_the_digits_then_their_copies_the_same_every_time(digits: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = digits
    aug = Augmentation(varied=1, photographed=1, seed=3)
    ax, ay = augmented(x, y, aug)
    assert ax.shape == (18, 28, 28) and ax.dtype == np.uint8
    np.testing.assert_array_equal(ax[:6], x)
    np.testing.assert_array_equal(ay, np.concatenate([y, y, y]))
    np.testing.assert_array_equal(augmented(x, y, aug)[0], ax)
    # Copy k of digit i has its own generator: the first digits' copies do not depend on the others.
    np.testing.assert_array_equal(augmented(x[:3], y[:3], aug)[0][3:6], ax[6:9])
    assert not np.array_equal(augmented(x, y, Augmentation(varied=1, photographed=1, seed=4))[0][6:], ax[6:])


def test_the_bundled_model_reads_the_copies(digits: tuple[np.ndarray, np.ndarray]) -> None:
    """The copies are still the digits they were made from: the bundled model (trained on such copies) reads them."""
    model = load_bundled_model()
    x, y = augmented(*digits, Augmentation(varied=1, photographed=1, seed=11))
    predicted = np.argmax(forward(model.spec, model.weights, x[6:, ..., None] / np.float32(255)), axis=1)
    assert (predicted == y[6:]).mean() >= 0.9


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        (np.zeros((2, 28, 28), np.float32), [0, 1], "must be uint8 of shape"),
        (np.zeros((2, 14, 14), np.uint8), [0, 1], "Received: x=(2, 14, 14)"),
        (np.zeros((2, 28, 28), np.uint8), [0], "one label per digit. Received: x=2, y=1"),
    ],
)
def test_bad_digits_are_named(x: np.ndarray, y: list[int], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        augmented(x, np.asarray(y), Augmentation())


def test_a_digit_of_the_wrong_shape_is_named() -> None:
    with pytest.raises(ValueError, match=r"28x28 array. Received: shape=\(3, 3\)"):
        varied(np.zeros((3, 3), np.uint8), np.random.default_rng(0))


def test_training_targets_are_one_hot_or_the_given_probabilities() -> None:
    np.testing.assert_array_equal(targets(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])
    flat = np.full((2, 10), 0.1)
    np.testing.assert_array_equal(targets(flat), flat.astype(np.float32))
    with pytest.raises(ValueError, match=r"rows of 10 probabilities summing to 1. Received: shape=\(2, 10\)"):
        targets(np.full((2, 10), 0.2))
    with pytest.raises(ValueError, match=r"Received: shape=\(2, 3\)"):
        targets(np.full((2, 3), 1 / 3))


def test_drawings_without_a_digit_reach_the_network_as_the_preprocessing_delivers_them() -> None:
    drawn = non_digits(4, seed=5)
    assert drawn.shape == (4, 28, 28) and drawn.dtype == np.uint8
    assert all(d.max() >= 230 for d in drawn)  # the ink stretched to 1, as the preprocessing does
    np.testing.assert_array_equal(non_digits(4, seed=5), drawn)
    for kind_seed in range(8):
        ink = doodle(np.random.default_rng(kind_seed), 60)
        assert ink.shape == (60, 60) and 0 < ink.max() <= 1


def test_the_bundled_model_is_unsure_of_drawings_without_a_digit() -> None:
    """Trained on drawings without a digit with every class alike, the model gives new ones (other seeds)
    low probabilities: under 50 % for most."""
    model = load_bundled_model()
    drawn = non_digits(20, seed=99) / np.float32(255)
    top = forward(model.spec, model.weights, drawn[..., None]).max(axis=1)
    assert (top < 0.5).sum() >= 16, top  # the model before them: 5 of these 20 (the new one 18)
