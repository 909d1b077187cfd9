"""Pictures without a digit get "no digit found", not a guess: faces, textures, noise and blank paper
(made on the spot by ``_non_digits``) and the photo set's own ``no_digit`` pictures.

A face was the hard case: its hair or outline is one thick stroke, which the blob stage kept and the
network read as a 7 or a 0 with confidence. The rule that refuses it (``blobs._scene``) counts the
compact marks around the largest one (eyes, nostrils, a mouth); the photo set's test keeps the
digits' accuracy from paying for it.
"""

from __future__ import annotations

import _non_digits as non_digits
import pytest

from tui_convnet.images import ImageError, preprocess
from tui_convnet.images.blobs import Blob, choose

#: Of 12 pictures of each kind (200 px, seeds 0-11): how many at least are refused (the code refuses
#: 7 faces, 11 textures, 12 noise and 12 blank ones; before the rule on marks 0 faces and 7 textures).
FLOORS = {"face": 6, "texture": 10, "noise": 12, "blank": 12}


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_generated_pictures_without_a_digit_are_refused(kind):
    refused = []
    for seed in range(12):
        try:
            preprocess(non_digits.picture(kind, seed, side=200))
        except ImageError as exc:
            assert str(exc).startswith("no digit found: "), exc
            refused.append(seed)
    assert len(refused) >= FLOORS[kind], refused


def _blob(index, box, ink, pen):
    top, left, bottom, right = box
    return Blob(index, (bottom - top) * (right - left) // 3, box, ink, pen, 0.0)


def test_marks_inside_the_largest_one_mean_a_face_not_a_zero():
    outline = _blob(0, (100, 100, 300, 260), 900.0, 12.0)  # a face's outline, as wide as a 0
    eyes = [_blob(1, (150, 140, 170, 165), 40.0, 9.0), _blob(2, (150, 195, 170, 220), 40.0, 9.0)]
    choice = choose([outline, *eyes], (400, 400), 3)
    assert not choice.kept and "2 separate marks around it, 2 of them inside its outline" in choice.refusal
    # A 0 with one speck of dirt beside it is a 0.
    assert choose([outline, eyes[0]], (400, 400), 2).kept == (outline,)


def test_a_mark_running_off_three_sides_is_a_pattern():
    stripe = _blob(0, (0, 0, 400, 380), 5000.0, 20.0)
    assert "runs off 3 sides" in choose([stripe], (400, 400), 1).refusal
    # The draw screen's canvas (under 96 px) has no such rule: a big 7 may touch its edges.
    assert choose([_blob(0, (0, 0, 60, 50), 500.0, 5.0)], (60, 60), 1).kept
