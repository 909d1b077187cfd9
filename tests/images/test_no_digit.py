"""Pictures without a digit get "no digit found", not a guess: faces, textures, noise and blank paper
(made on the spot by ``_non_digits``) and the photo set's own ``no_digit`` pictures.

A face was the hard case: its hair or outline is one thick stroke, which the blob stage kept and the
network read as a 7 or a 0 with confidence. The rule that refuses it (``blobs._scene``) counts the
compact marks around the largest one (eyes, nostrils, a mouth); the photo set's test keeps the
digits' accuracy from paying for it.
"""

from __future__ import annotations

import numpy as np
import pytest

import tests.images._non_digits as non_digits
from tui_convnet.images import ImageError, preprocess
from tui_convnet.images.blobs import Blob, choose

#: Of 12 pictures of each kind (200 px, seeds 0-11): how many at least are refused (the code refuses
#: 8 faces, 11 textures, 12 noise and 12 blank ones; before the rules on marks and on what a mark
#: encloses, 0 faces and 7 textures; with the marks alone 7 faces).
FLOORS = {"face": 7, "texture": 10, "noise": 12, "blank": 12}


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
    outline = _blob(0, (100, 100, 300, 260), 900.0, 12.0)  # a face's outline, as wide as a 0
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
