"""The preprocessing, stage by stage, against cases computed by hand and small pictures built here."""

from __future__ import annotations

import numpy as np
import pytest

from tui_convnet import images
from tui_convnet.images import (
    ImageError,
    centre_by_mass,
    centre_of_mass,
    grayscale,
    ink_box,
    mass_offset,
    preprocess,
    scale_to_box,
    scaled_size,
    verdict,
)
from tui_convnet.images.preprocess import background, ink_channel, paper_is_light, remove_lines, thicken


def test_grayscale_uses_the_601_luma_weights() -> None:
    rgb = np.zeros((1, 3, 3), np.float32)
    rgb[0, 0] = (1, 0, 0)
    rgb[0, 1] = (0, 1, 0)
    rgb[0, 2] = (0, 0, 1)
    np.testing.assert_allclose(grayscale(rgb), [[0.299, 0.587, 0.114]], atol=1e-6)


def test_grayscale_puts_transparent_pixels_on_white_paper() -> None:
    rgba = np.array([[[0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0.25]]], np.float32)
    np.testing.assert_allclose(grayscale(rgba), [[1.0, 0.0, 0.75]], atol=1e-6)


def test_grayscale_refuses_other_shapes() -> None:
    with pytest.raises(ImageError, match=r"Received: shape=\(2, 2, 2\)"):
        grayscale(np.zeros((2, 2, 2)))


def test_orange_ink_is_read_in_the_blue_channel_where_it_is_darkest() -> None:
    page = np.ones((60, 60, 3), np.float32)
    page[20:40, 28:32] = (0.9, 0.45, 0.05)  # orange: luma 0.54, blue 0.05
    gray, name = ink_channel(page)
    assert name == "the blue channel"
    assert gray[30, 30] == pytest.approx(0.05)
    assert ink_channel(np.ones((60, 60, 3), np.float32) * 0.5)[1] == "grey (luma)"


def test_the_paper_is_the_side_the_median_is_near() -> None:
    page = np.full((200, 200), 0.9, np.float32)
    page[100:104, 100:104] = 0.1  # a dot of ink: 0.04 % of the pixels
    light, level = paper_is_light(page)
    assert light is True and level == pytest.approx(0.9)
    light, level = paper_is_light(1 - page)
    assert light is False and level == pytest.approx(0.1)


def test_uneven_light_and_a_shadow_are_taken_away_and_the_strokes_stay() -> None:
    h, w = 240, 320
    x = np.linspace(0, 1, w, dtype=np.float32)
    paper = np.broadcast_to(0.9 - 0.4 * x, (h, w)).copy()  # darker to the right
    paper[:, :40] *= 0.5  # a shadow along the left edge
    ink = 1 - paper
    ink[60:180, 150:156] = 0.95  # a stroke
    bg, cell = background(ink)
    assert cell == 10
    flat = ink - bg
    assert np.abs(flat[:, 180:300]).max() < 0.02  # the lit paper
    assert np.abs(flat[:, 5:35]).max() < 0.03  # the shadowed paper
    assert flat[60:180, 151:155].min() > 0.3  # the stroke is still there


def test_ruled_lines_go_and_the_ink_crossing_them_stays() -> None:
    a = np.zeros((200, 300), np.float32)
    for y in range(10, 200, 25):
        a[y : y + 2] = 0.2  # ruled lines
    a[40:160, 140:146] = 0.9  # a stroke across four lines
    cleaned, across, down = remove_lines(a, grain=0.0)
    assert (across, down) == (8, 0)
    assert np.abs(cleaned[:, :100]).max() < 1e-6
    assert cleaned[40:160, 140:146].min() == pytest.approx(0.9)


def test_a_fine_pen_is_widened_towards_mnist_s_and_a_bold_one_left() -> None:
    thin = np.zeros((100, 60), np.float32)
    thin[:, 30:32] = 1.0  # 2 px wide in a 100 px digit
    out, pen, grown = thicken(thin)
    assert pen == pytest.approx(2.0, abs=0.1) and grown == 10
    assert (out > 0.5).sum(axis=1).max() == 12
    bold = np.zeros((100, 60), np.float32)
    bold[:, 20:35] = 1.0
    assert thicken(bold)[2] == 0


def test_ink_box() -> None:
    a = np.zeros((10, 12), np.float32)
    a[3, 4] = 1.0
    a[6, 9] = 0.5
    a[8, 1] = 0.05  # below INK_THRESHOLD of the brightest: not ink
    assert ink_box(a) == (3, 4, 7, 10)


@pytest.mark.parametrize(
    ("shape", "expected"), [((10, 5), (20, 10)), ((4, 40), (2, 20)), ((20, 20), (20, 20)), ((1, 100), (1, 20))]
)
def test_the_longer_side_becomes_20(shape: tuple[int, ...], expected: tuple[int, ...]) -> None:
    assert scaled_size(*shape) == expected
    assert scale_to_box(np.ones(shape, np.float32)).shape == expected


def test_scaling_a_uniform_block_keeps_it_uniform() -> None:
    np.testing.assert_allclose(scale_to_box(np.ones((5, 4), np.float32)), np.ones((20, 16)), atol=1e-6)


def test_centre_of_mass_by_hand() -> None:
    a = np.zeros((4, 4), np.float32)
    a[0, 0] = 1.0
    a[2, 3] = 3.0
    # rows: (0·1 + 2·3) / 4 = 1.5; columns: (0·1 + 3·3) / 4 = 2.25
    assert centre_of_mass(a) == (1.5, 2.25)


def test_the_centre_of_mass_not_the_box_is_centred() -> None:
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


def test_a_lopsided_digit_stays_inside_the_frame() -> None:
    a = np.zeros((20, 20), np.float32)
    a[0, :] = 1.0  # all the mass in the first row: centring it would push 13 rows out of the frame
    a[19, 0] = 0.01
    assert mass_offset(a) == (8, 5)
    assert centre_by_mass(a).sum() == pytest.approx(a.sum())


def test_an_off_centre_bar_is_cropped_scaled_and_centred() -> None:
    img = np.zeros((40, 40), np.float32)
    img[2:10, 30:34] = 1.0  # an 8x4 bar in the top-right corner
    p = preprocess(img)
    assert p.box == (2, 30, 10, 34) and not p.inverted
    np.testing.assert_array_equal(p.scaled, np.ones((20, 10)))  # the longer side: 8 → 20
    assert p.offset == (5, 10)  # centre of mass (9.5, 4.5) → (14, 14)
    expected = np.zeros((28, 28), np.float32)
    expected[5:25, 10:20] = 1.0
    np.testing.assert_array_equal(p.digit, expected)
    assert p.model_input.shape == (28, 28, 1)


def test_a_black_bar_on_white_paper_comes_out_the_same() -> None:
    img = np.ones((40, 40), np.float32)
    img[2:10, 30:34] = 0.0
    p = preprocess(img)
    assert p.inverted
    assert p.digit[5:25, 10:20].min() == 1.0 and p.digit.sum() == 200


def test_a_colour_image_goes_through_every_stage() -> None:
    img = np.ones((30, 50, 3), np.float32)  # white paper
    img[10:20, 5:45] = (0.0, 0.0, 0.5)  # a dark blue bar, 10 x 40
    p = preprocess(img)
    assert p.cropped.shape == (10, 40) and p.scaled.shape == (5, 20)
    assert p.digit.shape == (28, 28) and p.digit.max() == pytest.approx(1.0)
    assert centre_of_mass(p.digit) == pytest.approx((14, 14), abs=0.5)


def test_preprocessing_a_real_mnist_digit_changes_little() -> None:
    from tui_convnet.data.mnist import bundled_digit

    digit, _ = bundled_digit(0)
    p = preprocess(digit / 255.0)
    assert centre_of_mass(p.digit) == pytest.approx((14, 14), abs=0.5)
    assert np.abs(p.digit - digit / 255.0).mean() < 0.01


def test_a_speck_far_from_the_digit_is_dropped() -> None:
    img = np.zeros((60, 60), np.float32)
    img[10:40, 10:14] = 1.0  # the digit: a 1
    img[50:53, 50:53] = 1.0  # a speck of dust: 9 pixels of ink against the digit's 120
    p = preprocess(img)
    assert p.box == (10, 10, 40, 14)
    assert "kept 1 blob of 2" in images.stages(p)[4].note


def noisy_page(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(0.85 + rng.normal(0, 12 / 255, (240, 320)), 0, 1).astype(np.float32)


def test_a_digit_under_sensor_noise_is_cropped_to_its_strokes() -> None:
    page = noisy_page()
    page[60:180, 150:160] = 0.1  # a 1, 120 px tall
    p = preprocess(page)
    top, left, bottom, right = p.box
    assert abs(top - 60) <= 3 and abs(bottom - 180) <= 3 and abs(left - 150) <= 3 and abs(right - 160) <= 3


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("blank", "nothing stands out from the paper"),
        ("noise", "no digit found"),
        ("lines", "no digit found"),
        ("disc", "a filled shape"),
    ],
)
def test_a_picture_without_a_digit_says_no_digit_found(name: str, pattern: str) -> None:
    rng = np.random.default_rng(1)
    if name == "blank":
        img = noisy_page()
    elif name == "noise":
        img = rng.uniform(0, 1, (200, 200)).astype(np.float32)
    elif name == "lines":
        img = noisy_page()
        img[::20] = 0.5
    else:
        img = noisy_page()
        yy, xx = np.mgrid[:240, :320]
        img[(yy - 120) ** 2 + (xx - 160) ** 2 < 16**2] = 0.2  # a blot, not strokes
    with pytest.raises(ImageError, match=pattern) as info:
        preprocess(img)
    assert str(info.value).startswith("no digit found") and "\n" not in str(info.value)


@pytest.mark.parametrize("level", [0.0, 0.5, 1.0])
def test_a_blank_canvas_is_refused(level: float) -> None:
    g = np.full((28, 28), level, np.float32)
    g[3, 3] += 0.05 if level < 1 else -0.05  # a speck below the contrast needed
    with pytest.raises(ImageError, match="no digit found"):
        preprocess(g)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_pixels_that_are_not_finite_are_refused_not_an_index_error(bad: float) -> None:
    g = np.zeros((28, 28), np.float32)
    g[10:20, 12:15] = 1.0
    g[0, 0] = bad
    with pytest.raises(ImageError, match="must be finite numbers"):
        preprocess(g)


def test_the_stages_are_the_module_constants() -> None:
    assert (images.FRAME, images.BOX, images.STAGE_COUNT) == (28, 20, 9)


def test_every_stage_says_what_it_did() -> None:
    img = np.ones((40, 40), np.float32)
    img[2:10, 30:34] = 0.0
    s = images.stages(preprocess(img))
    assert [x.title[0] for x in s] == list("123456789") and len(s) == images.STAGE_COUNT
    assert s[0].note == "40×40; grey levels, 0 black … 1 white"
    assert s[1].note.startswith("paper 1.00 (light, so inverted to white ink on black)")
    assert s[2].note == "no ruled or squared lines found"
    assert s[3].note.startswith("smoothed over 0.7 px; ink above ")
    assert s[4].note == "kept 1 blob of 1 (the largest, 32 px)"
    assert s[5].note == "rows 2–9, columns 30–33 → 8×4"
    assert s[6].note == "strokes 3.2 px wide for a 8 px digit: left as they are"
    assert s[7].note == "8×4 → 20×10"
    assert s[8].note == "centre of mass (9.5, 4.5) → pixel (14, 14): placed at row 5, column 10"
    assert s[8].image.shape == (28, 28)


def test_the_verdict_calls_an_answer_under_half_unsure() -> None:
    sure = np.zeros(10)
    sure[7] = 0.93
    sure[1] = 0.07
    assert verdict(sure) == "the network says 7 (93.0 %)"
    unsure = np.full(10, 0.06)
    unsure[4], unsure[9] = 0.38, 0.14
    assert verdict(unsure) == "unsure: 4 at 38.0 % is under 50 % (then 9 at 14.0 %); it may not be a digit"


def test_the_official_test_digits_pass_through_and_keep_their_answers() -> None:
    from tui_convnet.core import forward
    from tui_convnet.data.mnist import load_mnist
    from tui_convnet.model.bundled import load_bundled_model

    data = load_mnist("sample").limited(test=400)
    x = data.x_test / 255.0
    model = load_bundled_model()
    raw = np.argmax(forward(model.spec, model.weights, x[..., None]), axis=1)
    seen = np.stack([preprocess(d).model_input for d in x])  # none is refused
    changed = int((np.argmax(forward(model.spec, model.weights, seen), axis=1) != raw).sum())
    assert changed <= 2  # 16 of all 10,000 change (97.17 % → 97.12 %)


def test_a_tall_thin_1_filling_a_photo_is_a_digit_not_a_margin_line() -> None:
    page = noisy_page()
    page[10:230, 150:162] = 0.1  # a 1 from near the top edge to near the bottom one, 12 px wide
    p = preprocess(page)
    assert p.box[0] <= 12 and p.box[2] >= 228


def test_one_thin_stroke_across_the_picture_is_the_digit_s_not_a_paper_line() -> None:
    """A 1 written with a fine pen over most of the photo's height was taken for a margin line and taken
    away, leaving a stub; ruled paper shows several lines, and those still go (the test above)."""
    page = noisy_page()
    page[20:220, 150:153] = 0.1  # a 1, 3 px wide, across 83 % of the height
    assert remove_lines(np.ascontiguousarray(1.0 - page), grain=0.01)[1:] == (0, 0)
    p = preprocess(page)
    assert p.lines == (0, 0) and p.box[0] <= 21 and p.box[2] >= 219
    assert images.stages(p)[2].note == "no ruled or squared lines found"
