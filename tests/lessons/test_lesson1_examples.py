"""Lesson 1's explorer examples: the diagonal-edge detector and the transposed edge kernel."""

from __future__ import annotations

import numpy as np

from tui_convnet.core import ConvExample, conv2d, load_examples
from tui_convnet.lessons.pattern import PatternLesson


def _by_number() -> dict[str, ConvExample]:
    """The bundled convolution examples by their number (\"10\")."""
    return {ex.key.split("_", 1)[0]: ex for ex in load_examples() if isinstance(ex, ConvExample)}


def test_the_detector_is_highest_exactly_where_the_whole_pattern_is() -> None:
    ex = _by_number()["10"]
    out = conv2d(ex.x, ex.kernels, ex.bias)[:, :, 0]
    np.testing.assert_array_equal(out, ex.expected["output"][0])
    x = ex.x[:, :, 0]
    whole = np.array(
        [[np.array_equal(x[r : r + 3, c : c + 3] * np.eye(3), np.eye(3)) for c in range(6)] for r in range(6)]
    )
    assert whole.sum() == 2
    assert (out == 3).tolist() == whole.tolist()  # 3 where the window holds the whole diagonal, and only there
    assert out[~whole].max() == 2


def test_the_transposed_kernel_compares_each_pixel_with_the_one_below() -> None:
    by = _by_number()
    ex, vertical = by["11"], by["03"]
    np.testing.assert_array_equal(ex.x, vertical.x)  # the same digit
    out = conv2d(ex.x, ex.kernels, ex.bias)[:, :, 0]
    x = ex.x[:, :, 0]
    assert out.shape == (27, 28)
    np.testing.assert_allclose(out, x[:-1] - x[1:], atol=1e-12)
    np.testing.assert_allclose(conv2d(vertical.x, vertical.kernels)[:, :, 0], x[:, :-1] - x[:, 1:], atol=1e-12)


def test_lesson_1_steps() -> None:
    lesson = PatternLesson(load_examples())
    assert lesson.steps == 3
    keys = [lesson.frame(i).example.key for i in range(3)]
    assert keys == ["10_pattern_detector", "03_edge_detection", "11_horizontal_edges"]
    first = lesson.frame(0)
    assert first.kernel.tolist() == [[1, -1, -1], [-1, 1, -1], [-1, -1, 1]]
    assert "Output values from -2 to 3" in first.lines[2]
    # the edge kernel on a digit: the range as the arithmetic writes numbers ("-0.871", not "-0.870588")
    assert "Output values from -0.871 to 0.792." in lesson.frame(1).lines[2]
    assert lesson.frame(7).step == 2
