"""The held-out set (``tests/images/heldout``, written by ``scripts/make_heldout_set.py``): pictures made by
another generator than the photo set's, so the preprocessing's rules, whose thresholds were set on the photo
set, are checked on pictures they were not set on. Numpy engine, no TensorFlow.

Digits: every fourth picture of each condition (the benchmark, ``benchmarks/bench_photos.py``, reads all).
No digit: every picture, each refused ("no digit found: …") or read under 50 % (said so), at most a few
read with confidence. The floors sit a little under what the code reaches, so a change that loses
pictures fails here.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from tui_convnet.core import forward
from tui_convnet.images import UNSURE, ImageError, load_digit
from tui_convnet.model.bundled import load_bundled_model
from tui_convnet.model.model import Model

HELDOUT = Path(__file__).resolve().parent / "heldout"
#: The sample of digits together (the code reads 93.8 % of its 80; the model before the augmented one 95.0 %),
#: and each condition (5 pictures; the code's worst is 4).
FLOOR_ALL = 0.92
FLOOR_EACH = 0.8
#: Of the 56 pictures without a digit: the code refuses 49 and reads 6 under 50 %; an outline drawing (a house)
#: is still read with confidence (with the model before the one that learned drawings without a digit: 6, and
#: 1 under 50 %). Before the rules on the edge, the pieces, the strokes' length and the loops:
#: 29 refused, 22 read with confidence.
MIN_REFUSED = 47
MAX_CONFIDENT = 2
#: The issue's targets, on every picture of a digit of each set (``bench_photos.py`` reports them).
TARGET_ALL = 0.90
TARGET_EACH = 0.85


def manifest() -> list[dict[str, str]]:
    with open(HELDOUT / "manifest.csv", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def model() -> Model:
    return load_bundled_model()


def test_the_held_out_set_has_its_own_kinds_and_its_files_exist() -> None:
    rows = manifest()
    assert {"pen", "jpeg", "shadow", "no_digit"} <= {r["condition"] for r in rows}
    kinds = {Path(r["file"]).name.split("_")[0] for r in rows if r["condition"] == "no_digit"}
    assert kinds == {"blank", "noise", "outline", "scribble", "texture", "text", "paper"}
    assert all((HELDOUT / r["file"]).is_file() for r in rows)


def test_held_out_digits_are_read(model: Model) -> None:
    rows = [r for r in manifest() if r["label"] != "-"]
    by_condition: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_condition[row["condition"]].append(row)
    right: dict[str, list[bool]] = defaultdict(list)
    for condition, group in by_condition.items():
        for row in group[::4]:
            try:
                digit = load_digit(HELDOUT / row["file"]).model_input
            except ImageError:
                right[condition].append(False)
                continue
            predicted = int(np.argmax(forward(model.spec, model.weights, digit)))
            right[condition].append(predicted == int(row["label"]))
    overall = sum(sum(v) for v in right.values()) / sum(len(v) for v in right.values())
    each = {c: sum(v) / len(v) for c, v in right.items()}
    assert overall >= FLOOR_ALL, each
    assert min(each.values()) >= FLOOR_EACH, each


def test_held_out_pictures_without_a_digit_are_refused_or_called_unsure(model: Model) -> None:
    refused, confident = 0, list[str]()
    for row in manifest():
        if row["label"] != "-":
            continue
        try:
            digit = load_digit(HELDOUT / row["file"]).model_input
        except ImageError as exc:
            assert ": no digit found: " in str(exc), exc
            refused += 1
            continue
        top = float(np.max(forward(model.spec, model.weights, digit)))
        if top >= UNSURE:
            confident.append(row["file"])
    assert refused >= MIN_REFUSED
    assert len(confident) <= MAX_CONFIDENT, confident


@pytest.mark.sweep  # every picture of both sets: the slow tier
@pytest.mark.parametrize("folder", ["photos", "heldout"])
def test_every_picture_of_a_digit_meets_the_targets(model: Model, folder: str) -> None:
    """At least 90 % of each set's digits together and 85 % of every condition, on all its pictures (on the
    held-out set the model before the augmented one read 90.9 %, size and blur_rotate 80 %)."""
    root = HELDOUT.parent / folder
    with open(root / "manifest.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["label"] != "-"]
    right: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        try:
            digit = load_digit(root / row["file"]).model_input
        except ImageError:
            right[row["condition"]].append(False)
            continue
        right[row["condition"]].append(int(np.argmax(forward(model.spec, model.weights, digit))) == int(row["label"]))
    overall = sum(sum(v) for v in right.values()) / len(rows)
    each = {c: sum(v) / len(v) for c, v in right.items()}
    assert overall >= TARGET_ALL, each
    assert min(each.values()) >= TARGET_EACH, each
