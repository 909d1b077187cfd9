"""The architecture editor's state: every edit, the summary it leads to, and the models it refuses."""

from __future__ import annotations

import pytest

from tui_convnet.architect.editor import (
    ArchitectState,
    add_layer,
    adjust,
    check,
    layer_text,
    move_layer,
    remove_layer,
    select,
    select_field,
)
from tui_convnet.core import Conv2DSpec, DenseSpec, DropoutSpec, FlattenSpec, Pool2DSpec, mnist_convnet


def test_it_starts_with_the_lecture_model_and_its_93322_parameters() -> None:
    state = ArchitectState.lecture()
    result = check(state)
    assert result.ok and result.total_params == 93_322 and result.training_note == ""
    assert [info.name for info in result.infos][:2] == ["conv2d", "max_pooling2d"]
    assert layer_text(state.layers[0]) == "Conv2D 32 3x3 s1 valid relu"


def test_adding_a_layer_puts_it_after_the_selection_and_selects_it() -> None:
    state = add_layer(select(ArchitectState.lecture(), +1), "AveragePooling2D")
    assert state.row == 2 and isinstance(state.layers[2], Pool2DSpec) and state.layers[2].mode == "avg"
    assert check(state).infos[2].output_shape == (6, 6, 32)


def test_changing_filters_kernel_stride_padding_and_activation_updates_the_summary() -> None:
    state = ArchitectState.lecture()  # conv2d selected, its filters
    state = adjust(state, +1, big=True)  # 32 -> 64 filters
    assert (
        isinstance(state.layers[0], Conv2DSpec)
        and state.layers[0].filters == 64
        and check(state).infos[0].params == 64 * 9 + 64
    )
    state = adjust(select_field(state, +1), +2)  # kernel 3 -> 5
    assert check(state).infos[0].output_shape == (24, 24, 64)
    state = adjust(select_field(state, +1), +1)  # stride 1 -> 2
    assert check(state).infos[0].output_shape == (12, 12, 64)
    state = adjust(select_field(state, +1), +1)  # padding valid -> same
    assert (
        isinstance(state.layers[0], Conv2DSpec)
        and state.layers[0].padding == "same"
        and check(state).infos[0].output_shape == (14, 14, 64)
    )
    state = adjust(select_field(state, +1), +1)  # activation relu -> tanh
    assert isinstance(state.layers[0], Conv2DSpec) and state.layers[0].activation == "tanh"
    assert select_field(state, +1).field == 0  # the settings wrap around


def test_a_pool_size_change_carries_the_default_stride_along() -> None:
    state = select(ArchitectState.lecture(), +1)
    state = adjust(state, +1)
    assert (
        isinstance(state.layers[1], Pool2DSpec)
        and state.layers[1].pool_size == (3, 3)
        and state.layers[1].strides == (3, 3)
    )


def test_an_edit_the_layer_refuses_keeps_the_layers_and_says_why() -> None:
    state = ArchitectState((28, 28, 1), (Conv2DSpec(1, (3, 3)), FlattenSpec(), DenseSpec(10, activation="softmax")))
    refused = adjust(state, -1)  # 1 filter -> 0
    assert refused.layers == state.layers
    assert "`filters` must be a positive integer" in refused.message
    dropout = add_layer(state, "Dropout")
    for _ in range(10):
        dropout = adjust(dropout, +1)
    assert isinstance(dropout.layers[1], DropoutSpec) and dropout.layers[1].rate == 0.95 and "rate" in dropout.message


def test_an_impossible_model_is_refused_with_the_layer_and_the_reason() -> None:
    layers = (Conv2DSpec(32, (15, 15)), Pool2DSpec(), Conv2DSpec(64, (15, 15)), *mnist_convnet().layers[3:])
    big = ArchitectState((28, 28, 1), layers)  # 28 -> 14 -> 7: a 15x15 kernel no longer fits
    result = check(big)
    assert not result.ok and result.layer == 2
    assert result.reason.startswith("Layer conv2d_1 (Conv2D): The kernel")
    assert [info.name for info in result.infos] == ["conv2d", "max_pooling2d"]  # the rows before it


def test_dense_before_flatten_is_refused() -> None:
    state = ArchitectState.lecture()
    flatten = next(i for i, layer in enumerate(state.layers) if isinstance(layer, FlattenSpec))
    state = remove_layer(select(state, flatten))
    result = check(state)
    assert result.layer == flatten and "add a Flatten layer first" in result.reason


def test_moving_and_removing_layers() -> None:
    state = ArchitectState.lecture()
    down = move_layer(state, +1)
    assert down.row == 1 and isinstance(down.layers[0], Pool2DSpec)
    assert "top" in move_layer(state, -1).message
    empty = state
    for _ in state.layers:
        empty = remove_layer(empty)
    assert empty.layers == () and "no layers" in check(empty).training_note
    assert remove_layer(empty).message == "There is no layer to remove."
    assert add_layer(empty, "Conv2D").layers == (Conv2DSpec(32, (3, 3), activation="relu"),)


def test_a_model_without_a_softmax_of_ten_says_it_cannot_be_trained() -> None:
    state = ArchitectState.lecture()
    state = select(state, len(state.layers))
    state = adjust(state, -1)  # 10 -> 9 units
    result = check(state)
    assert result.ok and "Dense(10, softmax)" in result.training_note


@pytest.mark.parametrize("kind", ["Conv2D", "MaxPooling2D", "AveragePooling2D", "Dropout", "Flatten", "Dense"])
def test_every_kind_can_be_added_and_adjusted(kind: str) -> None:
    state = add_layer(ArchitectState((28, 28, 1), ()), kind)
    assert state.layers[0].type == kind
    for _ in state.fields:
        state = select_field(adjust(state, +1), +1)
    assert state.message == "" or kind == "Flatten"
