"""Every worked number of the lecture, from the bundled example files.

The expected values are written here as literals (copied from the slides or
worked by hand), independently of the TOML files, so a wrong example file
or a wrong engine both fail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from tests.core.core_testing import conv_example, model_example, pool_example
from tui_convnet.core import (
    Conv2DSpec,
    ConvExample,
    ConvTrace,
    DropoutSpec,
    conv2d,
    conv_output_formula,
    conv_output_size,
    conv_trace,
    infer_shapes,
    load_examples,
    mnist_convnet,
    pool2d,
    pool_geometry,
    summary_rows,
)
from tui_convnet.core.arrays import Array
from tui_convnet.data.mnist import load_mnist

if TYPE_CHECKING:
    from tui_convnet.core import Example


@pytest.fixture(scope="module")
def examples() -> dict[str, Example]:
    return {e.key: e for e in load_examples()}


def _run(ex: ConvExample, **overrides: Any) -> Array:
    kwargs: dict[str, Any] = dict(stride=ex.stride, padding=ex.padding, dilation=ex.dilation, activation=ex.activation)
    kwargs.update(overrides)
    return conv2d(ex.x, ex.kernels, ex.bias, **kwargs)


def _trace(ex: ConvExample) -> ConvTrace:
    return conv_trace(
        ex.x,
        ex.kernels,
        ex.bias,
        stride=ex.stride,
        padding=ex.padding,
        dilation=ex.dilation,
        activation=ex.activation,
    )


def _grids(volume: Array) -> Array:
    """(H, W, C) → one grid per channel, as the slides print them."""
    return np.transpose(volume, (2, 0, 1))


def test_bundled_examples_load_in_order(examples: dict[str, Example]) -> None:
    assert list(examples) == [
        "01_cs231n",
        "02_rgb_bias",
        "03_edge_detection",
        "04_goodfellow_2d",
        "05_padding_same",
        "06_stride_2",
        "07_max_pooling",
        "08_average_pooling",
        "09_mnist_convnet",
        "10_pattern_detector",
        "11_horizontal_edges",
    ]
    kinds = [e.kind for e in examples.values()]
    assert kinds == ["conv"] * 6 + ["pool"] * 2 + ["model"] + ["conv"] * 2
    for e in examples.values():
        assert e.title and e.description and e.source, e.key


# --------------------------------------------------------------------------- cs231n

# The slide's padded input, channel x[:, :, 0] (7x7 after one ring of zeros).
CS231N_PADDED_X0 = [
    [0, 0, 0, 0, 0, 0, 0],
    [0, 0, 1, 2, 2, 2, 0],
    [0, 1, 2, 0, 1, 0, 0],
    [0, 2, 1, 0, 2, 0, 0],
    [0, 0, 1, 1, 1, 1, 0],
    [0, 1, 1, 0, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 0],
]
# The output volume by the arithmetic (one grid per filter).
CS231N_OUTPUT = [
    [[-2, -1, 1], [2, -2, -2], [2, 0, 0]],
    [[-4, 7, 5], [-7, 1, 4], [-6, -1, -1]],
]


def test_cs231n_output_volume(examples: dict[str, Example]) -> None:
    ex = conv_example(examples["01_cs231n"])
    assert ex.x.shape == (5, 5, 3) and ex.kernels.shape == (3, 3, 3, 2)
    assert ex.kernel_names == ("W0", "W1") and list(ex.bias) == [1, 0]
    trace = _trace(ex)
    np.testing.assert_array_equal(trace.padded[:, :, 0], CS231N_PADDED_X0)
    assert trace.padded.shape == (7, 7, 3)
    out = _run(ex)
    assert out.shape == (3, 3, 2)
    np.testing.assert_array_equal(_grids(out), CS231N_OUTPUT)
    assert trace.geometry.output_formulas() == ("(5 − 3 + 2·1) / 2 + 1 = 3",) * 2
    assert trace.geometry.param_formula == "2·(3·3·3) + 2 = 56"


def test_cs231n_slide_disagrees_only_at_o_1_0_0(examples: dict[str, Example]) -> None:
    ex = conv_example(examples["01_cs231n"])
    arithmetic = _grids(_run(ex))
    np.testing.assert_array_equal(ex.expected["output"], arithmetic)
    slide = ex.expected["slide_output"]
    differs = np.argwhere(slide != arithmetic)
    # o[1, 0, 0] is row 1, column 0 of the first filter's grid.
    assert differs.tolist() == [[0, 1, 0]]
    assert (slide[0, 1, 0], arithmetic[0, 1, 0]) == (0, 2)
    step = _trace(ex).step(_trace(ex).index_of(0, 1, 0))
    assert step.rows == (2, 3, 4) and step.cols == (0, 1, 2)
    assert step.channel_sums.tolist() == [4, -4, 1] and step.bias == 1 and step.total == 2
    # The example's note says so, with the same numbers.
    assert any("o[1,0,0] = 0" in note and "4 + (-4) + 1 (channel sums) + bias 1 = 2" in note for note in ex.notes)


def test_cs231n_first_step_is_the_slides_sum(examples: dict[str, Example]) -> None:
    # -2 = x01·w01 + x02·w02 + x03·w03 + b0 = 3 + -4 + -2 + 1
    step = _trace(conv_example(examples["01_cs231n"])).step(0)
    assert (step.kernel, step.out_row, step.out_col) == (0, 0, 0)
    assert step.channel_sums.tolist() == [3, -4, -2]
    assert (step.bias, step.total) == (1, -2)


# --------------------------------------------------------------------------- RGB


def test_rgb_with_bias_first_step(examples: dict[str, Example]) -> None:
    ex = conv_example(examples["02_rgb_bias"])
    assert ex.channel_names == ("red", "green", "blue")
    step = _trace(ex).step(0)
    assert step.rows == (0, 1, 2) and step.cols == (0, 1, 2)
    assert step.channel_sums.tolist() == [308, -498, 164]
    assert step.bias == 1
    assert step.total == -25 == _run(ex)[0, 0, 0]


# --------------------------------------------------------------------------- edge detection


def test_edge_detection_on_a_real_digit(examples: dict[str, Example]) -> None:
    ex = conv_example(examples["03_edge_detection"])
    digit = load_mnist("sample").x_test[0].astype(np.float64) / 255
    np.testing.assert_array_equal(ex.x[:, :, 0], digit)
    out = _run(ex)
    assert out.shape == (28, 27, 1)
    np.testing.assert_allclose(out[:, :, 0], digit[:, :-1] - digit[:, 1:], atol=1e-6)
    assert out.min() < -0.5 and out.max() > 0.5  # both kinds of edge appear


# --------------------------------------------------------------------------- Goodfellow


def test_goodfellow_symbolic_and_numeric(examples: dict[str, Example]) -> None:
    ex = conv_example(examples["04_goodfellow_2d"])
    assert ex.symbolic
    assert ex.input_symbols is not None and ex.kernel_symbols is not None
    trace = _trace(ex)
    written = []
    for step in trace:
        terms = [
            ex.input_symbols[r][c] + ex.kernel_symbols[i][j]
            for i, r in enumerate(step.rows)
            for j, c in enumerate(step.cols)
        ]
        written.append(" + ".join(terms))
    assert written == [
        "aw + bx + ey + fz",
        "bw + cx + fy + gz",
        "cw + dx + gy + hz",
        "ew + fx + iy + jz",
        "fw + gx + jy + kz",
        "gw + hx + ky + lz",
    ]
    out = _run(ex)
    assert out.shape == (2, 3, 1)
    np.testing.assert_array_equal(out[:, :, 0], [[5, 7, 9], [13, 15, 17]])
    np.testing.assert_array_equal(ex.expected["output"], _grids(out))


# --------------------------------------------------------------------------- padding and stride


def test_same_padding_keeps_the_size(examples: dict[str, Example]) -> None:
    ex = conv_example(examples["05_padding_same"])
    out = _run(ex)
    assert ex.x.shape[:2] == out.shape[:2] == (5, 5)
    g = _trace(ex).geometry
    assert (g.pad_top, g.pad_bottom, g.pad_left, g.pad_right) == (1, 1, 1, 1)
    assert g.output_formulas()[0] == "(5 − 3 + 2·1) / 1 + 1 = 5"
    assert _run(ex, padding="valid").shape == (3, 3, 1)
    # The same input and kernel as Dumoulin & Visin's "guide to convolution
    # arithmetic" (figure 2.3, half padding): its printed output.
    np.testing.assert_array_equal(
        out[:, :, 0],
        [
            [6, 14, 17, 11, 3],
            [14, 12, 12, 17, 11],
            [8, 10, 17, 19, 13],
            [11, 9, 6, 14, 12],
            [6, 4, 4, 6, 4],
        ],
    )


def test_stride_2_halves_the_size(examples: dict[str, Example]) -> None:
    ex = conv_example(examples["06_stride_2"])
    out = _run(ex)
    assert out.shape == (3, 3, 2)
    g = _trace(ex).geometry
    # Keras puts the one extra zero after (bottom and right).
    assert (g.pad_top, g.pad_bottom, g.pad_left, g.pad_right) == (0, 1, 0, 1)
    assert g.output_formulas()[0] == "(6 − 3 + 0 + 1) / 2 + 1 = 3"
    assert out.min() >= 0  # ReLU
    assert _run(ex, stride=1).shape == (6, 6, 2)
    pre = _run(ex, activation=None)
    np.testing.assert_array_equal(out, np.maximum(pre, 0))
    # First window rows 0-2, cols 0-2 under [1 0 -1]x3, bias -2: (1+0+2) - (2+3+0) - 2 = -4
    assert pre[0, 0, 0] == -4


# --------------------------------------------------------------------------- pooling


def test_max_and_average_pooling(examples: dict[str, Example]) -> None:
    mx, avg = pool_example(examples["07_max_pooling"]), pool_example(examples["08_average_pooling"])
    np.testing.assert_array_equal(mx.x, avg.x)
    out_max = pool2d(mx.x, mx.pool.size, mx.pool.stride, mx.pool.mode, mx.pool.padding)
    out_avg = pool2d(avg.x, avg.pool.size, avg.pool.stride, avg.pool.mode, avg.pool.padding)
    np.testing.assert_array_equal(out_max[:, :, 0], [[6, 8], [3, 4]])
    np.testing.assert_array_equal(out_avg[:, :, 0], [[3.25, 5.25], [2.0, 2.0]])
    np.testing.assert_array_equal(mx.expected["output"], _grids(out_max))
    np.testing.assert_array_equal(avg.expected["output"], _grids(out_avg))
    g = pool_geometry(mx.x.shape, mx.pool.size, mx.pool.stride, mx.pool.padding)
    assert g.output_formulas() == ("(4 − 2) / 2 + 1 = 2",) * 2


# --------------------------------------------------------------------------- the model

SUMMARY = [
    ("conv2d (Conv2D)", "(None, 26, 26, 32)", "320", "32·(3·3·1) + 32 = 320"),
    ("max_pooling2d (MaxPooling2D)", "(None, 13, 13, 32)", "0", ""),
    ("conv2d_1 (Conv2D)", "(None, 11, 11, 64)", "18,496", "64·(3·3·32) + 64 = 18,496"),
    ("max_pooling2d_1 (MaxPooling2D)", "(None, 5, 5, 64)", "0", ""),
    ("conv2d_2 (Conv2D)", "(None, 3, 3, 64)", "36,928", "64·(3·3·64) + 64 = 36,928"),
    ("flatten (Flatten)", "(None, 576)", "0", ""),
    ("dense (Dense)", "(None, 64)", "36,928", "576·64 + 64 = 36,928"),
    ("dense_1 (Dense)", "(None, 10)", "650", "64·10 + 10 = 650"),
]


def test_mnist_convnet_summary_table() -> None:
    spec = mnist_convnet()
    assert list(summary_rows(spec)) == SUMMARY
    assert spec.total_params == 93_322
    assert sum(info.params for info in infer_shapes(spec)) == 93_322
    shapes = [info.shape_formula for info in infer_shapes(spec)]
    assert shapes[:6] == [
        "(28 − 3 + 2·0) / 1 + 1 = 26",
        "(26 − 2) / 2 + 1 = 13",
        "(13 − 3 + 2·0) / 1 + 1 = 11",
        "⌊(11 − 2) / 2⌋ + 1 = 5",
        "(5 − 3 + 2·0) / 1 + 1 = 3",
        "3·3·64 = 576",
    ]


def test_dropout_adds_a_row_but_no_parameters() -> None:
    spec = mnist_convnet(0.5)
    rows = list(summary_rows(spec))
    assert rows[7] == ("dropout (Dropout)", "(None, 64)", "0", "")
    assert rows[:7] + rows[8:] == SUMMARY
    assert spec.total_params == 93_322
    assert isinstance(spec.layers[7], DropoutSpec) and spec.layers[7].rate == 0.5
    assert mnist_convnet(None) == mnist_convnet() == spec.with_dropout(None)


def test_model_example_is_the_lecture_model(examples: dict[str, Example]) -> None:
    ex = model_example(examples["09_mnist_convnet"])
    assert ex.model.layers == mnist_convnet().layers
    assert ex.model.input_shape == (28, 28, 1)
    assert ex.model.total_params == 93_322
    assert isinstance(ex.model.layers[0], Conv2DSpec) and ex.model.layers[0].activation == "relu"


# --------------------------------------------------------------------------- output size


@pytest.mark.parametrize(
    "args,size,formula",
    [
        ((5, 3, 2, 1), 3, "(5 − 3 + 2·1) / 2 + 1 = 3"),
        ((28, 3), 26, "(28 − 3 + 2·0) / 1 + 1 = 26"),
        ((11, 2, 2), 5, "⌊(11 − 2 + 2·0) / 2⌋ + 1 = 5"),
        ((6, 3, 2, "same"), 3, "(6 − 3 + 0 + 1) / 2 + 1 = 3"),
        ((5, 3, 1, "same"), 5, "(5 − 3 + 2·1) / 1 + 1 = 5"),
        ((7, 3, 1, 0, 2), 3, "(7 − (2·(3 − 1) + 1) + 2·0) / 1 + 1 = 3"),
        ((5, 3, 1, (1, 2)), 6, "(5 − 3 + 1 + 2) / 1 + 1 = 6"),
        ((3, 3), 1, "(3 − 3 + 2·0) / 1 + 1 = 1"),
    ],
)
def test_conv_output_size_and_formula(args: tuple[Any, ...], size: int, formula: str) -> None:
    assert conv_output_size(*args) == size
    assert conv_output_formula(*args) == formula


def test_output_size_is_the_lectures_formula_floored() -> None:
    for n in range(1, 12):
        for k in range(1, n + 1):
            for s in (1, 2, 3):
                for p in (0, 1, 2):
                    assert conv_output_size(n, k, s, p) == (n - k + 2 * p) // s + 1
