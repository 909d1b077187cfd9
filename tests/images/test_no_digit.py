"""Pictures without a digit get "no digit found", not a guess: faces, textures, noise and blank paper
(made on the spot by ``_non_digits``) and the photo set's own ``no_digit`` pictures.

A face was the hard case: its hair or outline is one thick stroke, which the blob stage kept and the
network read as a 7 or a 0 with confidence. The rule that refuses it (``blobs._scene``) counts the
compact marks around the largest one (eyes, nostrils, a mouth); the photo set's test keeps the
digits' accuracy from paying for it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

import tests.images._non_digits as non_digits
from tui_convnet.images import ImageError, preprocess
from tui_convnet.images.blobs import Blob, choose

#: Of 12 pictures of each kind (200 px, seeds 0-11): how many at least are refused (the code refuses
#: 8 faces, 12 textures, 12 noise and 12 blank ones; before the rules on marks and on what a mark
#: encloses, 0 faces and 7 textures; with the marks alone 7 faces; 11 textures before the rules on the
#: picture's edge, pieces, strokes' length and loops).
FLOORS = {"face": 7, "texture": 11, "noise": 12, "blank": 12}


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_generated_pictures_without_a_digit_are_refused(kind: str) -> None:
    refused = []
    for seed in range(12):
        try:
            preprocess(non_digits.picture(kind, seed, side=200))
        except ImageError as exc:
            assert str(exc).startswith("no digit found: "), exc
            refused.append(seed)
    assert len(refused) >= FLOORS[kind], refused


def _blob(index: int, box: tuple[int, int, int, int], ink: float, pen: float) -> Blob:
    top, left, bottom, right = box
    return Blob(index, (bottom - top) * (right - left) // 3, box, ink, pen, 0.0)


def test_marks_inside_the_largest_one_mean_a_face_not_a_zero() -> None:
    outline = _blob(0, (100, 100, 300, 260), 900.0, 20.0)  # a face's outline, as wide as a 0
    eyes = [_blob(1, (150, 140, 170, 165), 40.0, 9.0), _blob(2, (150, 195, 170, 220), 40.0, 9.0)]
    choice = choose([outline, *eyes], (400, 400), 3)
    assert not choice.kept and "2 separate marks around it, 2 of them inside its outline" in choice.refusal
    # A 0 with one speck of dirt beside it is a 0.
    assert choose([outline, eyes[0]], (400, 400), 2).kept == (outline,)


def test_a_ring_around_a_light_area_is_the_rim_of_a_face_not_a_zero() -> None:
    """A light face on a dark background: the background estimate takes the face's middle for paper and
    leaves its rim, a thick ring read as a 0 or an 8 with confidence. Its hole is as light as the ink;
    a drawn 0's hole is paper."""
    yy, xx = np.mgrid[0:300, 0:300]
    face = ((yy - 150) / 110.0) ** 2 + ((xx - 150) / 80.0) ** 2 <= 1
    picture = np.where(face, 0.8, 0.15).astype(np.float32)  # a light oval on a dark wall
    with pytest.raises(ImageError, match=r"no digit found: inside the largest mark the picture is \d+ % of the way"):
        preprocess(picture)
    ring = (((yy - 150) / 110.0) ** 2 + ((xx - 150) / 80.0) ** 2 <= 1) & (
        ((yy - 150) / 85.0) ** 2 + ((xx - 150) / 55.0) ** 2 > 1
    )
    zero = np.where(ring, 0.1, 0.9).astype(np.float32)  # a 0 in dark ink on white paper, as big as the face
    assert preprocess(zero).choice.kept


def test_a_thumbnail_or_the_draw_canvas_keeps_a_digit_in_pieces() -> None:
    """6 of the 10,000 official test digits have 2-3 compact pieces; on a 28x28 picture they are the digit."""
    main = _blob(0, (4, 8, 24, 20), 90.0, 3.0)
    pieces = [_blob(1, (8, 10, 11, 13), 5.0, 2.0), _blob(2, (14, 10, 17, 13), 5.0, 2.0)]
    assert choose([main, *pieces], (28, 28), 3).kept
    assert choose([main, *pieces], (28 * 4, 28 * 4), 3).refusal  # the same marks on a photo: eyes


def test_a_mark_running_off_three_sides_is_a_pattern() -> None:
    stripe = _blob(0, (0, 0, 400, 380), 5000.0, 20.0)
    assert "runs off 3 sides" in choose([stripe], (400, 400), 1).refusal
    # The draw screen's canvas (under 96 px) has no such rule: a big 7 may touch its edges.
    assert choose([_blob(0, (0, 0, 60, 50), 500.0, 5.0)], (60, 60), 1).kept


def _paper(draw_on: Callable[[ImageDraw.ImageDraw], object], side: int = 240) -> np.ndarray:
    """A sheet of white paper (grey levels) with ``draw_on(ImageDraw)`` drawn on it in black."""
    img = Image.new("L", (side, side), 235)
    draw_on(ImageDraw.Draw(img))
    return np.asarray(img, dtype=np.float32) / 255.0


def _refusal(picture: np.ndarray) -> str:
    with pytest.raises(ImageError) as info:
        preprocess(picture)
    return str(info.value)


def test_a_line_of_writing_is_not_a_digit() -> None:
    font = ImageFont.load_default(22)
    words = _paper(lambda d: d.text((20, 100), "hello every one", fill=0, font=font))
    assert _refusal(words).startswith("no digit found: the mark is ")
    assert "separate pieces of similar size side by side" in _refusal(words)


def test_a_scribble_is_not_a_digit() -> None:
    points = [(30 + (i % 2) * 170 + i, 30 + 12 * i) for i in range(15)]  # a zigzag down the page
    assert "its strokes run" in _refusal(_paper(lambda d: d.line(points, fill=0, width=3)))


def test_a_drawing_with_many_loops_or_eyes_inside_its_loop_is_not_a_digit() -> None:
    def house(d: ImageDraw.ImageDraw) -> None:  # small on the page: its walls are not taken for ruled lines
        d.rectangle([170, 200, 270, 300], outline=0, width=3)
        d.line([(160, 200), (220, 140), (280, 200)], fill=0, width=3)
        d.rectangle([195, 250, 220, 300], outline=0, width=3)
        d.rectangle([235, 220, 255, 240], outline=0, width=3)

    assert _refusal(_paper(house, side=480)).startswith("no digit found: ")

    def chain(d: ImageDraw.ImageDraw) -> None:  # three rings in a slanting column: an 8 has two
        for i, top in enumerate((30, 90, 150)):
            d.ellipse([70 + 25 * i, top, 130 + 25 * i, top + 64], outline=0, width=6)

    assert "the mark encloses 3 separate areas (a digit at most two, an 8)" in _refusal(_paper(chain))

    def eight_rings(d: ImageDraw.ImageDraw) -> None:
        for top in (50, 110):
            d.ellipse([90, top, 150, top + 64], outline=0, width=6)

    eight = _paper(eight_rings)
    assert preprocess(eight).choice.kept

    def smiley(d: ImageDraw.ImageDraw) -> None:
        d.ellipse([40, 40, 200, 200], outline=0, width=4)
        d.ellipse([85, 85, 100, 100], fill=0)
        d.ellipse([140, 85, 155, 100], fill=0)

    assert "2 marks lie inside the main stroke's loop" in _refusal(_paper(smiley))
    zero = _paper(lambda d: d.ellipse([60, 30, 180, 210], outline=0, width=14))
    assert preprocess(zero).choice.kept  # one loop, nothing in it: a 0


def test_the_rest_of_a_shadow_along_the_edge_is_not_a_digit() -> None:
    """A shadow's wedge narrower than the background's cells: the estimate cannot follow it, a band is left."""
    yy, xx = np.mgrid[0:240, 0:240]
    wedge = np.where(xx < 20 * yy / 240, 0.55, 0.9)  # dark along the left edge, widening downwards
    assert "lies along the picture's edge (53 % of its outline on it)" in _refusal(wedge.astype(np.float32))
