"""The lessons' steps and narration, without Textual."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from tui_convnet.core import mnist_convnet
from tui_convnet.data.mnist import bundled_digit
from tui_convnet.lessons.catalog import LESSONS, lesson_info
from tui_convnet.lessons.context import digit_from_uint8
from tui_convnet.lessons.dropout_lesson import DropoutLesson
from tui_convnet.lessons.hierarchy import SHOWN_MAPS, HierarchyLesson
from tui_convnet.lessons.receptive import ReceptiveLesson, Selection
from tui_convnet.lessons.sharing import MAX_SHIFT, SharingLesson
from tui_convnet.lessons.sparse import Node, SparseLesson
from tui_convnet.model.model import Trained, checked_model, seeded_model

if TYPE_CHECKING:
    from tui_convnet.lessons.context import Digit
    from tui_convnet.model.model import Model


@pytest.fixture(scope="module")
def model() -> Model:
    return seeded_model(0)


def _digit() -> Digit:
    image, label = bundled_digit(0)
    return digit_from_uint8(image, label, f"test digit 0 (a {label})")


@pytest.fixture(scope="module")
def digit() -> Digit:
    return _digit()


def test_catalog_names_every_slide() -> None:
    assert [info.key for info in LESSONS] == ["pattern", "sparse", "receptive", "sharing", "hierarchy", "dropout"]
    assert all(info.slide and info.source.startswith("From the lecture's slide") for info in LESSONS)
    assert lesson_info("receptive").title == "The receptive field grows with depth"
    with pytest.raises(ValueError, match=r"There is no such lesson\. Choose one of: pattern, sparse"):
        lesson_info("7")  # a lesson has no number of its own: its number is its place in the contents


def test_sparse_steps_outputs_then_inputs_then_counts() -> None:
    lesson = SparseLesson(mnist_convnet())
    assert lesson.steps == 12
    s3 = lesson.frame(2)
    assert s3.selected == Node("output", 2) and s3.selected.name == "s3"
    assert s3.conv_edges == {(2, 1), (2, 2), (2, 3)} and len(s3.dense_edges) == 5
    assert "x2, x3, x4 — 3 of 5 inputs" in s3.lines[1]
    x1 = lesson.frame(lesson.node_step(Node("input", 0)))
    assert x1.selected == Node("input", 0) and x1.conv_edges == {(0, 0), (1, 0)}
    assert "s1, s2 — 2 outputs" in x1.lines[1]
    counts = lesson.frame(10)
    assert counts.selected is None and len(counts.conv_edges) == 13 and len(counts.dense_edges) == 25
    assert "13 connections, 3 weights" in counts.lines[1] and "25 connections, 25 weights" in counts.lines[2]
    model_step = lesson.frame(11)
    text = "\n".join(model_step.lines)
    assert "784·21,632 + 21,632 = 16,981,120" in text and "32·(3·3·1) + 32 = 320" in text
    assert lesson.frame(99).step == 11 and lesson.frame(-3).step == 0


def test_receptive_tour_and_moves() -> None:
    lesson = ReceptiveLesson(seeded_model(0), _digit())
    assert [s.layer for s in lesson.tour] == [0, 1, 2, 3, 4, 6]
    third = Selection(4, 2, 2)
    frame = lesson.frame(third)
    assert (frame.field.first_row, frame.field.last_row) == (8, 25)
    assert "depends on input rows 8–25, columns 8–25: 18×18" in frame.lines[0]
    assert len(frame.path) == 6 and frame.path[-1].size_text == "1×1"
    assert lesson.frame(lesson.start(0)).field.size_text == "3×3"
    assert lesson.move(Selection(0, 25, 0), 3, -2) == Selection(0, 25, 0)
    assert lesson.change_layer(Selection(0, 25, 25), 4) == Selection(4, 2, 2)
    assert lesson.change_layer(Selection(4, 2, 2), 1).layer == 6
    dense = lesson.frame(lesson.start(5))
    assert "rows 0–25, columns 0–25" in dense.lines[0] and "last 2 rows and 2 columns" in dense.lines[-1]
    # the floor is the second pooling's (11 → 5), not the first's: 26 → 13 is exact, and 13 → 6 never happens
    assert "(rows 26–27, columns 26–27) never reach the output" in dense.lines[-1]
    assert dense.lines[-1].endswith(
        "max_pooling2d_1 floors 11/2 to 5 and drops 1 of its 11 rows (conv2d_1 turned the 13 rows it got into 11)."
    )


def test_sharing_frames(model: Model, digit: Digit) -> None:
    lesson = SharingLesson(model, digit)
    frame = lesson.frame(lesson.start(3))
    assert (frame.shift.dy, frame.shift.dx) == (2, 2)
    assert frame.result.max_delta_interior == 0.0
    assert "max |Δ| = 0 on the 576 cells" in frame.lines[1]
    assert "676·9 = 6,084 weights per map" in frame.lines[2]
    assert lesson.move(lesson.start(0), -99, 99) == type(frame.shift)(-MAX_SHIFT, MAX_SHIFT)
    assert lesson.change_channel(lesson.start(0), -1).channel == 31


def test_hierarchy_frames(model: Model, digit: Digit) -> None:
    lesson = HierarchyLesson(model, digit)
    assert lesson.steps == 3
    assert [lm.field for lm in lesson.layers] == [(3, 3), (8, 8), (18, 18)]
    assert [lm.maps.shape for lm in lesson.layers] == [(26, 26, SHOWN_MAPS), (11, 11, SHOWN_MAPS), (3, 3, SHOWN_MAPS)]
    first = lesson.layers[0]
    outs = model.layer_outputs(digit.image)
    np.testing.assert_array_equal(first.maps[:, :, 0], outs[0][:, :, first.channels[0]])
    assert outs[0][:, :, first.channels[0]].max() == outs[0].max()  # the most active map first
    assert "untrained" in lesson.frame(0).lines[-1] and "18×18" in lesson.frame(2).lines[1]


def test_dropout_frames(model: Model, digit: Digit) -> None:
    lesson = DropoutLesson(model, digit)
    off = lesson.frame(lesson.start(0))
    np.testing.assert_array_equal(off.result.output, off.result.x)
    on = lesson.start(1)
    a, b = lesson.frame(on), lesson.frame(lesson.press(on))
    assert not np.array_equal(a.result.mask, b.result.mask)  # a fresh mask per press
    np.testing.assert_array_equal(a.result.mask, lesson.frame(on).result.mask)  # the same press, the same mask
    np.testing.assert_allclose(a.result.output, a.result.x * a.result.mask * 2, rtol=1e-6)
    assert f"dropped {a.result.dropped}" in a.lines[0] and "x · mask · 2" in a.lines[1]
    assert lesson.change_rate(on, 1).rate == 0.6 and lesson.change_rate(lesson.change_rate(on, 9), 1).rate == 0.9
    assert not lesson.toggle_mode(on).training


def test_a_model_from_weights_checks_them(model: Model) -> None:
    assert not model.trained  # seeded: it has learned nothing
    with pytest.raises(ValueError, match="The weights do not fit the model"):
        checked_model(model.spec, model.weights[:-1], "x", Trained("run 1"))
    assert checked_model(model.spec, model.weights, "run 1", Trained("run 1")).trained


def test_sharing_says_when_the_prediction_changes() -> None:
    # The bundled model reads test digit 0 (a 7) as a 9 once it is shifted by (+4, −4): the lesson says
    # the invariance is approximate there, and only where the prediction does change.
    from tui_convnet.model.bundled import load_bundled_model

    bundled = load_bundled_model()
    lesson = SharingLesson(checked_model(bundled.spec, bundled.weights, "bundled", bundled.provenance), _digit())
    for dy, dx in ((0, 0), (2, 2), (4, -4)):
        frame = lesson.frame(type(lesson.start(0))(dy, dx))
        changed = frame.result.prediction != frame.result.prediction_unshifted
        said = any("The prediction changed" in line and "approximate" in line for line in frame.lines)
        assert said == changed, (dy, dx, frame.lines)
    assert lesson.frame(type(lesson.start(0))(4, -4)).result.prediction == 9
    assert "of their mean size" in lesson.frame(lesson.start(5)).lines[3]  # the percentages say what they measure
