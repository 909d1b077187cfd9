"""The slide's Keras 2 layer names beside Keras 3's: in the summary, as a column or a line under it."""

from __future__ import annotations

import pytest
from rich.console import Console

from tui_convnet.cli import main
from tui_convnet.core import mnist_convnet
from tui_convnet.model.layer_names import both_names, keras2_name, keras2_names
from tui_convnet.model.summary import FittedSummary

SLIDE = ["conv2d_1", "max_pooling2d_1", "conv2d_2", "max_pooling2d_2", "conv2d_3", "flatten_1", "dense_1", "dense_2"]


def test_the_slides_names_are_keras_2s() -> None:
    assert keras2_names(mnist_convnet()) == SLIDE  # as the slide's model.summary() prints them
    assert keras2_names(mnist_convnet(0.5))[7] == "dropout_1"
    assert keras2_name("max_pooling2d_1") == "max_pooling2d_2" and both_names("dense_1") == "dense_1 (slide: dense_2)"


def drawn(width: int, **kwargs: bool) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(FittedSummary(mnist_convnet(), slide_names=True, **kwargs))
    return console.export_text()


def test_a_column_where_it_fits_and_a_line_under_the_table_where_not() -> None:
    wide = drawn(120)
    assert "Slide (Keras 2)" in wide and "│ conv2d_1        │ conv2d_2        │ (None, 11, 11, 64)" in wide
    assert "(13 − 3 + 2·0) / 1 + 1 = 11" in wide
    assert "Keras 2, which numbered each layer type from 1" in " ".join(wide.split())
    narrow = drawn(80)
    assert max(len(line) for line in narrow.splitlines()) <= 80
    assert "(13 − 3 + 2·0) / 1 + 1 = 11" in narrow  # the formulas come first
    assert "On the slide (Keras 2): conv2d_1, max_pooling2d_1, conv2d_2, max_pooling2d_2," in " ".join(narrow.split())


def test_summary_command_names_the_slides_layers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary"]) == 0
    out = capsys.readouterr().out
    assert "conv2d_3" in out and "dense_2" in out and "Keras 2" in out
