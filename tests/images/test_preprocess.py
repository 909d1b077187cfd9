"""The MNIST preprocessing, stage by stage, against cases computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from tui_convnet import images
from tui_convnet.images import (
    ImageError,
    centre_by_mass,
    centre_of_mass,
    crop_to_digit,
    grayscale,
    ink_box,
    mass_offset,
    preprocess,
    scale_to_box,
    scaled_size,
    white_on_black,
)


def test_grayscale_uses_the_601_luma_weights():
    rgb = np.zeros((1, 3, 3), np.float32)
    rgb[0, 0] = (1, 0, 0)
    rgb[0, 1] = (0, 1, 0)
    rgb[0, 2] = (0, 0, 1)
    np.testing.assert_allclose(grayscale(rgb), [[0.299, 0.587, 0.114]], atol=1e-6)


def test_grayscale_puts_transparent_pixels_on_white_paper():
    rgba = np.array([[[0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0.25]]], np.float32)
    np.testing.assert_allclose(grayscale(rgba), [[1.0, 0.0, 0.75]], atol=1e-6)


def test_grayscale_refuses_other_shapes():
    with pytest.raises(ImageError, match=r"Received: shape=\(2, 2, 2\)"):
        grayscale(np.zeros((2, 2, 2)))


def test_white_on_black_leaves_a_white_digit_on_black_alone():
    g = np.zeros((6, 6), np.float32)
    g[2:4, 2:4] = 1.0
    c = white_on_black(g)
    assert not c.inverted and c.background == 0.0 and c.peak == 1.0
    np.testing.assert_array_equal(c.image, g)


def test_an_inverted_image_is_inverted_back():
    g = np.zeros((6, 6), np.float32)
    g[2:4, 1:5] = 1.0
    c = white_on_black(1.0 - g)  # black digit on white paper
    assert c.inverted
    np.testing.assert_array_equal(c.image, g)


def test_white_on_black_stretches_grey_paper_and_grey_ink():
    g = np.full((5, 5), 0.2, np.float32)  # dark grey paper
    g[2, 2] = 0.6  # light grey ink
    g[2, 3] = 0.4  # half way
    c = white_on_black(g)
    expected = np.zeros((5, 5), np.float32)
    expected[2, 2], expected[2, 3] = 1.0, 0.5
    np.testing.assert_allclose(c.image, expected, atol=1e-6)


@pytest.mark.parametrize("level", [0.0, 0.5, 1.0])
def test_a_blank_image_is_refused(level):
    g = np.full((8, 8), level, np.float32)
    g[3, 3] += 0.05 if level < 1 else -0.05  # a speck below the contrast needed
    with pytest.raises(ImageError, match="blank"):
        white_on_black(g)


def test_ink_box_and_crop():
    a = np.zeros((10, 12), np.float32)
    a[3, 4] = 1.0
    a[6, 9] = 0.5
    a[8, 1] = 0.05  # below INK_THRESHOLD of the brightest: not ink
    assert ink_box(a) == (3, 4, 7, 10)
    assert crop_to_digit(a).shape == (4, 6)


@pytest.mark.parametrize(
    ("shape", "expected"), [((10, 5), (20, 10)), ((4, 40), (2, 20)), ((20, 20), (20, 20)), ((1, 100), (1, 20))]
)
def test_the_longer_side_becomes_20(shape, expected):
    assert scaled_size(*shape) == expected
    assert scale_to_box(np.ones(shape, np.float32)).shape == expected


def test_scaling_a_uniform_block_keeps_it_uniform():
    np.testing.assert_allclose(scale_to_box(np.ones((5, 4), np.float32)), np.ones((20, 16)), atol=1e-6)


def test_centre_of_mass_by_hand():
    a = np.zeros((4, 4), np.float32)
    a[0, 0] = 1.0
    a[2, 3] = 3.0
    # rows: (0·1 + 2·3) / 4 = 1.5; columns: (0·1 + 3·3) / 4 = 2.25
    assert centre_of_mass(a) == (1.5, 2.25)


def test_the_centre_of_mass_not_the_box_is_centred():
    # A T: a full top bar (10 pixels in row 0) and a 2-wide stem in rows 1-9 (18 pixels).
    t = np.zeros((10, 10), np.float32)
    t[0, :] = 1.0
    t[1:, 4:6] = 1.0
    # row of the centre of mass: (2·(1 + … + 9)) / 28 = 90/28 = 3.214…; column: 4.5.
    # top = round(14 - 3.214) = 11 (centring the box would give 9); left = round(14 - 4.5) = 10 (9.5 rounds up).
    assert mass_offset(t) == (11, 10)
    frame = centre_by_mass(t)
    assert frame.shape == (28, 28)
    np.testing.assert_array_equal(frame[11:21, 10:20], t)
    assert frame.sum() == t.sum()


def test_a_lopsided_digit_stays_inside_the_frame():
    a = np.zeros((20, 20), np.float32)
    a[0, :] = 1.0  # all the mass in the first row: centring it would push 13 rows out of the frame
    a[19, 0] = 0.01
    # row of the mass ≈ 0.01: 14 - 0.01 would put the top at 14, kept at 28 - 20 = 8;
    # column (20·9.5 + 0.01·0) / 20.01 = 9.4953: left = round(4.505) = 5
    assert mass_offset(a) == (8, 5)
    assert centre_by_mass(a).sum() == pytest.approx(a.sum())


def test_an_off_centre_square_is_centred_by_mass():
    img = np.zeros((40, 40), np.float32)
    img[2:6, 30:34] = 1.0  # a 4x4 square in the top-right corner
    p = preprocess(img)
    assert p.box == (2, 30, 6, 34)
    np.testing.assert_array_equal(p.scaled, np.ones((20, 20)))  # the longer side: 4 → 20
    # centre of mass of the 20x20 block: 9.5; top = left = round(14 - 9.5) = 5 (4.5 rounds up)
    assert p.offset == (5, 5)
    expected = np.zeros((28, 28), np.float32)
    expected[5:25, 5:25] = 1.0
    np.testing.assert_array_equal(p.digit, expected)
    assert p.model_input.shape == (28, 28, 1)


def test_a_black_square_on_white_paper_comes_out_the_same():
    img = np.ones((40, 40), np.float32)
    img[2:6, 30:34] = 0.0
    p = preprocess(img)
    assert p.contrast.inverted
    assert p.digit[5:25, 5:25].min() == 1.0 and p.digit.sum() == 400


def test_a_colour_image_goes_through_every_stage():
    img = np.ones((30, 50, 3), np.float32)  # white paper
    img[10:20, 5:45] = (0.0, 0.0, 0.5)  # a dark blue bar, 10 x 40
    p = preprocess(img)
    assert p.cropped.shape == (10, 40) and p.scaled.shape == (5, 20)
    assert p.digit.shape == (28, 28) and p.digit.max() == pytest.approx(1.0)
    assert centre_of_mass(p.digit) == pytest.approx((14, 14), abs=0.5)


def test_preprocessing_a_real_mnist_digit_changes_little():
    from tui_convnet.data import bundled_digit

    digit, _ = bundled_digit(0)
    p = preprocess(digit / 255.0)
    assert centre_of_mass(p.digit) == pytest.approx((14, 14), abs=0.5)
    assert np.abs(p.digit - digit / 255.0).mean() < 0.01


def test_the_stages_are_the_module_constants():
    assert (images.FRAME, images.BOX) == (28, 20)


def test_every_stage_says_what_it_did():
    img = np.ones((40, 40), np.float32)
    img[2:6, 30:34] = 0.0
    s = images.stages(preprocess(img))
    assert [x.title[0] for x in s] == list("12345")
    assert s[1].note.startswith("background 1.00 (light, so inverted)")
    assert s[2].note == "rows 2–5, columns 30–33 → 4×4"
    assert s[3].note == "4×4 → 20×20"
    assert s[4].note == "centre of mass (9.5, 9.5) → pixel (14, 14): placed at row 5, column 5"
    assert s[4].image.shape == (28, 28)
