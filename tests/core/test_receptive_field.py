"""Receptive fields against a brute-force check: perturb one input pixel, see which outputs change."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from tui_convnet.core import (
    Conv2DSpec,
    DenseSpec,
    DropoutSpec,
    FlattenSpec,
    ModelSpec,
    Pool2DSpec,
    forward,
    infer_shapes,
    mnist_convnet,
    receptive_field,
    receptive_field_path,
    receptive_field_size,
    weight_shapes,
)

#: Big enough that a pixel's change wins every max-pooling window it reaches
#: (every weight is positive), small enough not to overflow float64.
KICK = 1e30


def _linear(spec: ModelSpec) -> ModelSpec:
    """The same geometry with every activation linear (a ReLU at 0 would hide a dependency)."""
    layers = tuple(
        replace(layer, activation="linear") if isinstance(layer, (Conv2DSpec, DenseSpec)) else layer
        for layer in spec.layers
    )
    return ModelSpec(spec.input_shape, layers)


def _positive_weights(spec: ModelSpec, rng: np.random.Generator) -> list[np.ndarray]:
    shapes = weight_shapes(spec)
    return [
        rng.uniform(0.5, 1.0, shape) / int(np.prod(shape[:-1])) if len(shape) > 1 else rng.uniform(0.0, 0.1, shape)
        for shape in shapes
    ]


def _brute_force(spec: ModelSpec, rng: np.random.Generator) -> list[np.ndarray]:
    """For every layer, ``changed[p, …]``: does kicking input pixel p change the output cell …?

    For 3-D layers the result is ``(H·W, H', W')`` (any channel), for 1-D ``(H·W, units)``.
    """
    spec = _linear(spec)
    weights = _positive_weights(spec, rng)
    h, w, _ = spec.input_shape
    x = rng.uniform(0.0, 1.0, spec.input_shape)
    base = forward(spec, weights, x, intermediates=True)
    changed: list[list[np.ndarray]] = [[] for _ in spec.layers]
    for start in range(0, h * w, 64):
        pixels = range(start, min(start + 64, h * w))
        batch = np.repeat(x[None], len(pixels), axis=0)
        for i, p in enumerate(pixels):
            batch[i, p // w, p % w, :] += KICK
        outs = forward(spec, weights, batch, intermediates=True)
        for layer, (out, ref) in enumerate(zip(outs, base, strict=True)):
            delta = np.abs(out - ref[None]) > 1e-6 * (1 + np.abs(ref[None]))
            changed[layer].append(delta.any(axis=3) if delta.ndim == 4 else delta)
    return [np.concatenate(parts) for parts in changed]


def _bounds(mask: np.ndarray | np.bool_) -> tuple[int, int]:
    idx = np.flatnonzero(mask)
    return int(idx[0]), int(idx[-1])


def _check_every_cell(spec: ModelSpec, rng: np.random.Generator) -> None:
    h, w, _ = spec.input_shape
    for layer, changed in enumerate(_brute_force(spec, rng)):
        cells = changed.shape[1:]
        grid = changed.reshape(h, w, -1)
        for flat in range(grid.shape[2]):
            depends = grid[:, :, flat]
            assert depends.any(), f"layer {layer} cell {flat} depends on nothing"
            row, col = np.unravel_index(flat, cells) if len(cells) == 2 else (flat, 0)
            rf = receptive_field(spec, layer, int(row), int(col))
            rows, cols = _bounds(depends.any(axis=1)), _bounds(depends.any(axis=0))
            got = (rf.first_row, rf.last_row), (rf.first_col, rf.last_col)
            assert got == (rows, cols), f"layer {layer} cell ({row}, {col})"


def _narrow(spec: ModelSpec) -> ModelSpec:
    """The same geometry with 2 filters per convolution and 3 units per Dense (a field does not
    depend on them, and the brute force runs 784 forward passes)."""
    layers = tuple(
        replace(layer, filters=2)
        if isinstance(layer, Conv2DSpec)
        else replace(layer, units=3)
        if isinstance(layer, DenseSpec)
        else layer
        for layer in spec.layers
    )
    return ModelSpec(spec.input_shape, layers)


def test_lecture_model_every_layer_every_cell_matches_brute_force() -> None:
    spec = mnist_convnet(dropout=0.5)
    narrow = _narrow(spec)
    _check_every_cell(narrow, np.random.default_rng(1))
    # The lecture's own spec gives the same fields (the filter counts do not matter).
    for info in infer_shapes(spec):
        if len(info.output_shape) == 3:
            h, w, _ = info.output_shape
            for row, col in ((0, 0), (h // 2, w // 3), (h - 1, w - 1)):
                assert receptive_field(spec, info.index, row, col) == receptive_field(narrow, info.index, row, col)
    last = receptive_field(spec, 5, 575, 0)  # Flatten unit 575: cell (2, 2), last channel
    assert (last.first_row, last.last_row, last.first_col, last.last_col) == (8, 25, 8, 25)


VARIANTS = {
    "stride 2, same; overlapping pool": ModelSpec(
        (13, 11, 2),
        (
            Conv2DSpec(3, (3, 3), strides=(2, 2), padding="same"),
            Pool2DSpec("max", (3, 3), strides=(1, 1), padding="same"),
            Conv2DSpec(2, (2, 3), padding="valid"),
            FlattenSpec(),
            DenseSpec(4),
        ),
    ),
    "dilation, same padding (holes at the edges)": ModelSpec(
        (12, 10, 1),
        (
            Conv2DSpec(2, (3, 3), padding="same", dilation_rate=(2, 3)),
            Conv2DSpec(2, (3, 2), padding="valid", dilation_rate=(1, 2)),
            Conv2DSpec(2, (2, 2), strides=(2, 1), padding="same"),
            Pool2DSpec("avg", (2, 3), strides=(2, 2), padding="same"),
        ),
    ),
    "non-square kernel and strides, valid pooling floor": ModelSpec(
        (15, 9, 1),
        (
            Conv2DSpec(2, (5, 1), strides=(1, 2), padding="valid"),
            DropoutSpec(0.3),
            Pool2DSpec("max", (2, 2), padding="valid"),
            Conv2DSpec(2, (2, 2), strides=(2, 1), padding="same"),
        ),
    ),
}


@pytest.mark.parametrize("name", VARIANTS)
def test_variants_match_brute_force(name: str) -> None:
    _check_every_cell(VARIANTS[name], np.random.default_rng(2))


def test_lecture_numbers() -> None:
    spec = mnist_convnet()
    rf = receptive_field(spec, 4, 2, 2)
    assert (rf.first_row, rf.last_row, rf.first_col, rf.last_col) == (8, 25, 8, 25)
    assert rf.size_text == "18×18" and not rf.whole_input
    first = receptive_field(spec, 0, 5, 7)
    assert (first.first_row, first.last_row, first.first_col, first.last_col) == (5, 7, 7, 9)
    assert [receptive_field_size(spec, i) for i in range(len(spec.layers))] == [
        (3, 3),
        (4, 4),
        (8, 8),
        (10, 10),
        (18, 18),
        None,
        None,
        None,
    ]


def test_dense_sees_everything_the_model_sees_but_not_the_last_two_rows() -> None:
    # 11 → 5 in the second pooling drops a row and a column: input rows/cols 26–27 never reach the output.
    spec = mnist_convnet()
    rf = receptive_field(spec, 7, 9, 0)
    assert (rf.first_row, rf.last_row, rf.first_col, rf.last_col) == (0, 25, 0, 25)
    whole = ModelSpec((6, 6, 1), (Conv2DSpec(1, (3, 3)), FlattenSpec(), DenseSpec(2)))
    assert receptive_field(whole, 2, 1, 0).whole_input


def test_path_draws_the_region_on_every_layer_in_between() -> None:
    path = receptive_field_path(mnist_convnet(), 4, 2, 2)
    sides = [(r.first_row, r.last_row) for r in path]
    assert sides == [(8, 25), (8, 23), (4, 11), (4, 9), (2, 4), (2, 2)]
    assert [r.size_text for r in path] == ["18×18", "16×16", "8×8", "6×6", "3×3", "1×1"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((4, 3, 0), "`row` must be between 0 and 2 (conv2d_2 has 3 rows). Received: row=3"),
        ((4, 0, -1), "`col` must be between 0 and 2 (conv2d_2 has 3 columns). Received: col=-1"),
        ((8, 0, 0), "`layer` must be between 0 and 7 (the model has 8 layers). Received: layer=8"),
        ((1.0, 0, 0), "`layer` must be an integer. Received: layer=1.0"),
        ((True, 0, 0), "`layer` must be an integer. Received: layer=True"),
        ((6, 0, 1), "`col` must be between 0 and 0 (dense is 1-D: `col` must be 0). Received: col=1"),
        ((6, 64, 0), "`row` must be between 0 and 63 (dense is 1-D: `row` is the unit, 0 to 63). Received: row=64"),
    ],
)
def test_bad_arguments_get_keras_style_messages(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValueError) as info:
        receptive_field(mnist_convnet(), *args)
    assert str(info.value) == message


def test_spec_must_be_a_model_spec() -> None:
    with pytest.raises(ValueError, match=r"`spec` must be a ModelSpec\. Received: spec='dict'"):
        receptive_field({"layers": []}, 0, 0, 0)  # type: ignore[arg-type]
