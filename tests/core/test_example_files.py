"""The example loader: a good file loads; every bad one names the file and the field."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from tests.core.core_testing import conv_example, model_example, pool_example
from tui_convnet.core import ExampleError, conv2d, load_example, load_examples

CONV = """
title = "A test"
kind = "conv"
description = "A small convolution."
notes = ["first", "second"]

[conv]
stride = 1
padding = "valid"
activation = "relu"

[input]
names = ["only"]
channels = [ [[1, 2, 3], [4, 5, 6], [7, 8, 9]] ]

[[kernels]]
name = "K"
bias = -1
channels = [ [[1, 0], [0, -1]] ]

[expected]
output = [ [[0, 0], [0, 0]] ]
"""

POOL = """
title = "Pool"
kind = "pool"
[input]
channels = [ [[1, 2, 3, 4], [5, 6, 7, 8]] ]
[pool]
mode = "avg"
size = 2
"""

MODEL = """
title = "Model"
kind = "model"
[model]
input_shape = [8, 8, 1]
layers = [
  { type = "Conv2D", filters = 2, kernel_size = 3, activation = "relu" },
  { type = "Flatten" },
  { type = "Dense", units = 3, activation = "softmax" },
]
"""


def names(field: str, message: str, file: str = "bad.toml") -> str:
    """The pattern of an error about ``field`` of ``file`` that says ``message``."""
    return "^" + re.escape(f"{file}: field `{field}`: ") + ".*" + re.escape(message)


def write(tmp_path: Path, text: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_files_load(tmp_path: Path) -> None:
    ex = conv_example(load_example(write(tmp_path, CONV, "good.toml")))
    assert (ex.key, ex.title, ex.kind, ex.notes) == ("good", "A test", "conv", ("first", "second"))
    assert ex.x.shape == (3, 3, 1) and ex.kernels.shape == (2, 2, 1, 1)
    assert ex.channel_names == ("only",) and ex.kernel_names == ("K",)
    assert ex.activation == "relu" and ex.stride == (1, 1) and ex.padding == "valid"
    out = conv2d(ex.x, ex.kernels, ex.bias, activation=ex.activation)
    np.testing.assert_array_equal(out[:, :, 0], ex.expected["output"][0])

    pool = pool_example(load_example(write(tmp_path, POOL, "pool.toml")))
    assert pool.pool.mode == "avg" and pool.pool.size == (2, 2) and pool.pool.stride is None
    model = model_example(load_example(write(tmp_path, MODEL, "model.toml")))
    assert model.model.total_params == 2 * 9 + 2 + 72 * 3 + 3


def test_load_examples_orders_by_file_name(tmp_path: Path) -> None:
    write(tmp_path, POOL, "b.toml")
    write(tmp_path, CONV, "a.toml")
    (tmp_path / "notes.txt").write_text("not an example")
    assert [e.key for e in load_examples(tmp_path)] == ["a", "b"]


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(ExampleError, match=re.escape(f"No example files (*.toml) in {tmp_path}.")):
        load_examples(tmp_path)


def test_one_bad_file_in_a_folder_is_named(tmp_path: Path) -> None:
    write(tmp_path, CONV, "a.toml")
    write(tmp_path, CONV.replace('kind = "conv"', 'kind = "film"'), "b_broken.toml")
    with pytest.raises(ExampleError, match=r"^b_broken\.toml: field `kind`"):
        load_examples(tmp_path)


# (what to change in the file, the field named, what the message says)
CONV_ERRORS = [
    (('title = "A test"', ""), "title", "is required and must be text."),
    (('title = "A test"', "title = 3"), "title", "is required and must be text."),
    (('kind = "conv"', 'kind = "film"'), "kind", "must be one of conv, pool, model. Received: kind='film'"),
    (
        ('notes = ["first", "second"]', "notes = 3"),
        "notes",
        "must be text or a list of texts. Received: notes=3",
    ),
    (
        ('notes = ["first", "second"]', "notes = [1]"),
        "notes",
        "must be text or a list of texts. Received: notes=[1]",
    ),
    (("stride = 1", "stride = 0"), "conv.stride", "`strides` must be >= 1. Received: strides=0"),
    (("stride = 1", "stride = [1, 2, 3]"), "conv.stride", "Received: strides=[1, 2, 3]"),
    (
        ("stride = 1", "stride = 1\ndilation = 0"),
        "conv.dilation",
        "`dilation_rate` must be >= 1. Received: dilation_rate=0",
    ),
    (('padding = "valid"', "padding = -1"), "conv.padding", "integers >= 0. Received: padding=-1"),
    (('padding = "valid"', 'padding = "full"'), "conv.padding", "Received: padding='full'"),
    (('padding = "valid"', "padding = [1, -2]"), "conv.padding", "Received: padding=(1, -2)"),
    (('activation = "relu"', 'activation = "gelu"'), "conv.activation", "Unknown activation"),
    (("[conv]\nstride = 1", "conv = 3\n[other]\nstride = 1"), "conv", "must be a table. Received: conv=3"),
    (
        ("[[1, 2, 3], [4, 5, 6], [7, 8, 9]]", "[[1, 2, 3], [4, 5], [7, 8, 9]]"),
        "input.channels",
        "is ragged: every row must have the same length.",
    ),
    (
        ("[[1, 2, 3], [4, 5, 6], [7, 8, 9]]", '[["a", "b"], ["c", "d"]]'),
        "input.channels",
        "must contain only numbers",
    ),
    (
        ("[[1, 2, 3], [4, 5, 6], [7, 8, 9]]", "[[1, true], [3, 4]]"),
        "input.channels",
        "must contain only numbers",
    ),
    (
        ("channels = [ [[1, 2, 3]", "channels = [] # [[1, 2, 3]"),
        "input.channels",
        "must be a non-empty list of grids.",
    ),
    (
        ('names = ["only"]', 'names = ["a", "b"]'),
        "input.names",
        "must name each of the 1 channels. Received: 2 names",
    ),
    (('names = ["only"]', 'names = "only"'), "input.names", "must be a list of channel names (text)"),
    (("bias = -1", 'bias = "one"'), "kernels[0].bias", "must be a number. Received: bias='one'"),
    (
        ("channels = [ [[1, 0], [0, -1]] ]", "channels = [ [[1, 0], [0]] ]"),
        "kernels[0].channels",
        "is ragged",
    ),
    (
        ("channels = [ [[1, 0], [0, -1]] ]", "channels = [ [[1, 0], [0, -1]], [[1, 0], [0, -1]] ]"),
        "kernels[0].channels",
        "needs one grid per input channel (1). Received: 2 grids",
    ),
    (
        ("channels = [ [[1, 0], [0, -1]] ]", "channels = [ [[1, 0, 0, 0]] ]"),
        "conv",
        "The kernel (1x4 after dilation) is larger than the padded input (3x3)",
    ),
    (
        ('[[kernels]]\nname = "K"', '[[nothing]]\nname = "K"'),
        "kernels",
        "must list at least one [[kernels]] table.",
    ),
    (
        ("output = [ [[0, 0], [0, 0]] ]", "output = [ [[0, 0, 0], [0, 0, 0]] ]"),
        "expected.output",
        "must be 1 grid(s) of 2x2, the output's shape. Received: 1 grid(s) of 2x3",
    ),
    (("output = [ [[0, 0], [0, 0]] ]", "output = [ [[0, 0], [0]] ]"), "expected.output", "is ragged"),
]

POOL_ERRORS = [
    (("[pool]\nmode", "[nopool]\nmode"), "pool", "is required for a pooling example."),
    (('mode = "avg"', 'mode = "min"'), "pool.mode", "must be 'max' or 'avg'. Received: mode='min'"),
    (("size = 2", "size = 0"), "pool.size", "`pool_size` must be >= 1. Received: pool_size=0"),
    (("size = 2", "size = 2\nstride = -1"), "pool.stride", "`strides` must be >= 1. Received: strides=-1"),
    (("size = 2", 'size = 2\npadding = "full"'), "pool.padding", "Received: padding='full'"),
    (("size = 2", "size = 3"), "pool", "The pooling window (3x3) is larger than the input (2x4)"),
]

MODEL_ERRORS = [
    (('{ type = "Flatten" }', '{ type = "Reshape" }'), "model.layers[1]", "Unknown layer type"),
    (
        ("filters = 2", "filters = -2"),
        "model.layers[0]",
        "`filters` must be a positive integer. Received: filters=-2",
    ),
    (
        ("units = 3", "unit = 3"),
        "model.layers[2]",
        "Unknown option for a Dense layer. Received: option='unit'",
    ),
    (
        ("input_shape = [8, 8, 1]", "input_shape = [8, 8]"),
        "model",
        "`input_shape` must be [height, width, channels]",
    ),
    (
        ("input_shape = [8, 8, 1]", "input_shape = [2, 2, 1]"),
        "model",
        "The kernel (3x3 after dilation) is larger than the padded input (2x2)",
    ),
    (
        ('{ type = "Flatten" },', ""),
        "model",
        "Layer dense (Dense) needs a flat input: add a Flatten layer first",
    ),
    (("[model]\ninput_shape", "model = 1\n[x]\ninput_shape"), "model", "must be a table. Received: model=1"),
]

BAD_FILES = [(CONV, *e) for e in CONV_ERRORS] + [(POOL, *e) for e in POOL_ERRORS] + [(MODEL, *e) for e in MODEL_ERRORS]


@pytest.mark.parametrize(
    "base,change,field,message",
    BAD_FILES,
    ids=[f"{b.split('kind = ')[1][1:5]}-{f}:{c[1][:20]}" for b, c, f, _ in BAD_FILES],
)
def test_bad_files(tmp_path: Path, base: str, change: tuple[str, str], field: str, message: str) -> None:
    old, new = change
    assert old in base
    with pytest.raises(ExampleError, match=names(field, message)):
        load_example(write(tmp_path, base.replace(old, new, 1)))


def test_two_kernels_of_different_shapes(tmp_path: Path) -> None:
    text = CONV + '\n[[kernels]]\nname = "L"\nchannels = [ [[1, 0, 1], [0, 1, 0]] ]\n'
    with pytest.raises(
        ExampleError,
        match=re.escape(
            "bad.toml: field `kernels`: all kernels must have the same shape. Received: shapes=(2, 2, 1), (2, 3, 1)"
        ),
    ):
        load_example(write(tmp_path, text))


@pytest.mark.parametrize(
    "top,table,field,message",
    [
        ("kernels = [1, 2]", "[[kernels]]", "kernels[0]", "must be a table. Received: kernels[0]=1"),
        ("input = 5", "[input]", "input", "must be a table. Received: input=5"),
        ("expected = [1]", "[expected]", "expected", "must be a table. Received: expected=[1]"),
    ],
)
def test_entries_that_are_not_tables(tmp_path: Path, top: str, table: str, field: str, message: str) -> None:
    text = top + "\n" + CONV.replace(table, "[moved]")
    with pytest.raises(ExampleError, match=names(field, message)):
        load_example(write(tmp_path, text))


def test_too_large_to_show(tmp_path: Path) -> None:
    row = "[" + ", ".join(["1"] * 65) + "]"
    text = CONV.replace("[[1, 2, 3], [4, 5, 6], [7, 8, 9]]", f"[{row}, {row}]")
    with pytest.raises(
        ExampleError,
        match=re.escape(
            "bad.toml: field `input`: `input` is too large to show step by step: the limit is 64x64 cells "
            "and 16 channels. Received: input.shape=(2, 65, 1)"
        ),
    ):
        load_example(write(tmp_path, text))


def test_not_toml_and_not_readable(tmp_path: Path) -> None:
    with pytest.raises(ExampleError, match=r"^bad\.toml: not valid TOML \(.*line 1"):
        load_example(write(tmp_path, "title = \n"))
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00title")
    with pytest.raises(ExampleError, match=r"^binary\.toml: not valid TOML"):
        load_example(binary)
    with pytest.raises(ExampleError, match=r"^missing\.toml: cannot read it \(No such file or directory\)"):
        load_example(tmp_path / "missing.toml")


def test_symbols_must_match_the_numbers(tmp_path: Path) -> None:
    text = CONV.replace('names = ["only"]', 'names = ["only"]\nsymbols = [["a", "b", "c"], ["d", "e", "f"]]')
    with pytest.raises(
        ExampleError,
        match=re.escape("bad.toml: field `input.symbols`: must be a 3x3 grid of strings matching the numbers."),
    ):
        load_example(write(tmp_path, text))


def test_conv_followed_by_pool_must_fit(tmp_path: Path) -> None:
    text = CONV.replace("[expected]\noutput = [ [[0, 0], [0, 0]] ]", "[pool]\nsize = 3\n")
    with pytest.raises(
        ExampleError,
        match=re.escape("bad.toml: field `pool`: The pooling window (3x3) is larger than the input (2x2)"),
    ):
        load_example(write(tmp_path, text))


def test_the_edge_example_holds_the_first_mnist_test_digit() -> None:
    # The digit is written into the TOML (the core reads no data files); it is the bundled test digit #0.
    from tui_convnet.data.mnist import bundled_digit

    edge = conv_example(next(ex for ex in load_examples() if ex.key == "03_edge_detection"))
    digit, label = bundled_digit(0, "test")
    assert label == 7 and edge.x.shape == (28, 28, 1)
    np.testing.assert_array_equal(edge.x[:, :, 0], digit / 255)


def test_scale_divides_the_input(tmp_path: Path) -> None:
    ex = conv_example(
        load_example(write(tmp_path, CONV.replace('names = ["only"]', 'names = ["only"]\nscale = 2'), "ok.toml"))
    )
    assert ex.x[0, 0, 0] == 0.5
    for scale, message in [("0", "must be a positive number. Received: scale=0"), ("true", "Received: scale=True")]:
        with pytest.raises(ExampleError, match=names("input.scale", message)):
            load_example(write(tmp_path, CONV.replace('names = ["only"]', f'names = ["only"]\nscale = {scale}')))


def test_the_old_mnist_field_says_what_to_write_instead(tmp_path: Path) -> None:
    text = CONV.replace('names = ["only"]', 'mnist = { index = 0 }\nnames = ["only"]')
    with pytest.raises(ExampleError, match=names("input.mnist", "write the digit's pixels into `channels`")):
        load_example(write(tmp_path, text))


# Values and settings that loaded and later crashed the explorer are refused at load time.
LOAD_TIME_ERRORS = [
    (("[[1, 2, 3], [4, 5, 6], [7, 8, 9]]", "[[1, 2, 3], [4, nan, 6], [7, 8, 9]]"), "input.channels", "finite"),
    (("[[1, 2, 3], [4, 5, 6], [7, 8, 9]]", "[[1, 2, 3], [4, inf, 6], [7, 8, 9]]"), "input.channels", "finite"),
    (("[[1, 2, 3], [4, 5, 6], [7, 8, 9]]", "[[1, 2, 3], [4, 1e300, 6], [7, 8, 9]]"), "input.channels", "1e+06"),
    (("channels = [ [[1, 0], [0, -1]] ]", "channels = [ [[1, 0], [-inf, -1]] ]"), "kernels[0].channels", "finite"),
    (("bias = -1", "bias = nan"), "kernels[0].bias", "must be a finite number"),
    (("bias = -1", "bias = -1e30"), "kernels[0].bias", "must be a finite number"),
    (('padding = "valid"', "padding = 100000"), "conv.padding", "`padding` must be at most 64"),
    (('padding = "valid"', "padding = [1, 100000]"), "conv.padding", "`padding` must be at most 64"),
    (("stride = 1", "stride = 100000"), "conv.stride", "`strides` must be at most 64"),
    (("stride = 1", "stride = 1\ndilation = 100000"), "conv.dilation", "`dilation_rate` must be at most 64"),
    (('padding = "valid"', "padding = 64"), "conv.padding", "the padded input is too large to show"),
    (("output = [ [[0, 0], [0, 0]] ]", "output = [ [[0, nan], [0, 0]] ]"), "expected.output", "finite"),
]


@pytest.mark.parametrize("change,field,message", LOAD_TIME_ERRORS, ids=[c[1][-24:] for c, _, _ in LOAD_TIME_ERRORS])
def test_values_and_sizes_are_checked_at_load_time(
    tmp_path: Path, change: tuple[str, str], field: str, message: str
) -> None:
    old, new = change
    assert old in CONV
    with pytest.raises(ExampleError, match=names(field, message)):
        load_example(write(tmp_path, CONV.replace(old, new, 1)))


def test_a_huge_pool_size_is_refused_at_load_time(tmp_path: Path) -> None:
    text = POOL.replace("size = 2", 'size = 100000\npadding = "same"')
    with pytest.raises(ExampleError, match=names("pool.size", "`pool_size` must be at most 64")):
        load_example(write(tmp_path, text))


def test_examples_made_in_code_must_be_finite() -> None:
    from tui_convnet.core import ConvExample

    with pytest.raises(ValueError, match="`x` must contain only finite numbers"):
        ConvExample(key="k", title="t", x=np.full((2, 2, 1), np.nan), kernels=np.ones((1, 1, 1, 1)), bias=np.zeros(1))
