"""The core and data API answer garbage with their own ValueError (Keras style), never a foreign TypeError,
IndexError, AttributeError, RecursionError or numpy's MemoryError."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tui_convnet.core import ModelSpec, conv2d, effective_kernel, load_example
from tui_convnet.core.model import Conv2DSpec, layer_from_dict, summary_rows
from tui_convnet.data.mnist import DataError, bundled_digit, load_mnist, read_idx, to_model_inputs


# Wrong types on purpose (`type: ignore[arg-type]`): what the API says about them is tested.
@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: layer_from_dict({"type": ["Conv2D"]}), "A layer's `type` must be text"),  # was TypeError
        (lambda: list(summary_rows(None)), "`spec` must be a ModelSpec. Received: spec='NoneType'"),  # type: ignore[arg-type]  # AttributeError
        (lambda: ModelSpec((8, 8, 1), (Conv2DSpec(2),)).with_dropout(0.5), "this model has none"),  # max() arg
        (lambda: effective_kernel(-3), "`kernel_size` must be an integer >= 1. Received: kernel_size=-3"),  # -7
        (lambda: effective_kernel(3, 0), "`dilation_rate` must be an integer >= 1"),
        (
            lambda: to_model_inputs("abc"),  # type: ignore[arg-type]
            "The images must be a numeric array, (N, 28, 28) grey or (N, H, W, 3) RGB. Received: x=str",
        ),
        (lambda: load_mnist(None), "The dataset must be 'auto', 'sample', 'keras' or a path"),  # type: ignore[arg-type]  # TypeError
        (lambda: load_mnist(5), "The dataset must be 'auto', 'sample', 'keras' or a path"),  # type: ignore[arg-type]
        (lambda: load_mnist(b"x"), "The dataset must be 'auto', 'sample', 'keras' or a path"),  # type: ignore[arg-type]
        (lambda: read_idx(None), "An IDX file must be given as a path. Received: path='None'"),  # type: ignore[arg-type]  # TypeError
        (lambda: bundled_digit("a"), "A digit index must be a whole number. Received: index='a'"),  # type: ignore[arg-type]  # TypeError
        (lambda: bundled_digit(1.5), "A digit index must be a whole number. Received: index=1.5"),  # type: ignore[arg-type]  # IndexError
    ],
)
def test_garbage_gets_a_value_error(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError) as error:
        call()
    assert message in str(error.value)


def test_a_data_error_is_a_value_error() -> None:
    with pytest.raises(DataError):
        load_mnist(None)  # type: ignore[arg-type]  # not a dataset, on purpose


def test_a_broadcast_view_of_10_10_values_is_refused_by_size_before_numpy_allocates() -> None:
    huge = np.broadcast_to(np.float32(1), (100_000, 100_000, 1))  # 10**10 values, no memory yet
    with pytest.raises(ValueError, match="would hold 10,000,000,000 values, more than the limit"):
        conv2d(huge, np.ones((3, 3, 1, 1)))  # was numpy's MemoryError (9.31 GiB in the finiteness check)


def test_an_example_file_with_5000_nested_brackets_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text('title = "deep"\nkind = "conv"\ninput = ' + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ValueError, match="nested too deeply"):  # was RecursionError
        load_example(path)
