"""Choosing a feature-map cell to see its receptive field (the inspect screen's state, without an app)."""

from __future__ import annotations

import numpy as np

from tui_convnet.core import infer_shapes, mnist_convnet, receptive_field
from tui_convnet.training.inspector import FieldChoice

SPEC = mnist_convnet()
LAYERS = infer_shapes(SPEC)


def test_only_layers_with_feature_maps_can_be_chosen() -> None:
    assert FieldChoice.map_layers(LAYERS) == [0, 1, 2, 3, 4]  # conv, pool, conv, pool, conv; not Flatten/Dense


def test_moving_stays_inside_the_map() -> None:
    choice = FieldChoice.centre_of(LAYERS, 0, 5)
    assert choice == FieldChoice(0, 5, 13, 13)
    assert choice.moved(LAYERS, -20, 40) == FieldChoice(0, 5, 0, 25)
    assert choice.moved(LAYERS, 1, -1) == FieldChoice(0, 5, 14, 12)


def test_maps_wrap_around_and_layers_keep_the_place_scaled() -> None:
    choice = FieldChoice(0, 31, 20, 6)
    assert choice.on_map(LAYERS, 1) == FieldChoice(0, 0, 20, 6)
    assert choice.on_map(LAYERS, -1) == FieldChoice(0, 30, 20, 6)
    pooled = choice.on_layer(LAYERS, 1)  # 26×26 → 13×13
    assert pooled == FieldChoice(1, 31, 10, 3)
    deepest = pooled.on_layer(LAYERS, 3)  # 3×3×64 (conv2d_2)
    assert deepest == FieldChoice(4, 31, 2, 0)
    assert deepest.on_layer(LAYERS, 1).layer == 0  # wraps to the first conv
    assert FieldChoice(0, 40 % 32, 0, 0).on_layer(LAYERS, -1).layer == 4


def test_the_field_and_its_words_come_from_the_core() -> None:
    choice = FieldChoice(4, 7, 2, 2)
    f = choice.field(SPEC)
    assert (f.first_row, f.last_row, f.first_col, f.last_col) == (8, 25, 8, 25)  # the lecture's 18×18
    assert f == receptive_field(SPEC, 4, 2, 2)
    assert choice.describe(LAYERS, SPEC) == ("conv2d_2 #7 cell (2, 2) sees input rows 8–25, columns 8–25: 18×18 pixels")
    first = FieldChoice(0, 0, 4, 9).field(SPEC)
    assert (first.first_row, first.last_row, first.first_col, first.last_col, first.size_text) == (4, 6, 9, 11, "3×3")


def test_the_strongest_cell_of_a_map() -> None:
    output = np.zeros((26, 26, 32))
    output[17, 3, 2] = 5.0
    output[1, 1, 3] = 9.0  # another map
    assert FieldChoice.strongest(LAYERS, 0, 2, output) == FieldChoice(0, 2, 17, 3)
