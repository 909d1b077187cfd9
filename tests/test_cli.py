"""The command line: `summary`, argument errors, example names."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tui_convnet.cli import main
from tui_convnet.core import load_examples
from tui_convnet.ui.app import create_app, find_example


def test_summary_prints_the_lecture_table(capsys):
    assert main(["summary"]) == 0
    out = capsys.readouterr().out
    for text in (
        "(None, 26, 26, 32)",
        "(None, 13, 13, 32)",
        "(None, 11, 11, 64)",
        "(None, 5, 5, 64)",
        "(None, 3, 3, 64)",
        "(None, 576)",
        "18,496",
        "36,928",
        "650",
        "Total params: 93,322",
        "32·(3·3·1) + 32",
        "64·(3·3·32) + 64",
        "576·64 + 64",
        "(28 − 3 + 2·0) / 1 + 1 = 26",
    ):
        assert text in out, text


def test_summary_with_dropout_adds_a_layer_without_parameters(capsys):
    assert main(["summary", "--dropout", "0.5", "--no-formulas"]) == 0
    out = capsys.readouterr().out
    assert "dropout (Dropout)" in out and "Total params: 93,322" in out


def test_summary_does_not_import_tensorflow():
    code = (
        "import sys; from tui_convnet.cli import main; main(['summary']);"
        "sys.exit(1 if {'tensorflow', 'keras'} & set(sys.modules) else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "argv, message",
    [
        (["summary", "--dropout", "1.5"], "must be in [0, 1). Received: 1.5"),
        (["train", "--epochs", "0"], "must be at least 1. Received: 0"),
        (["train", "--batch-size", "many"], "must be a whole number. Received: 'many'"),
        (["predict", "m.keras", "--engine", "torch"], "invalid choice: 'torch'"),
    ],
)
def test_bad_arguments_exit_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_unknown_example_is_a_clear_error(capsys):
    assert main(["--example", "no-such-example"]) == 2
    err = capsys.readouterr().err
    assert "'no-such-example' is not a built-in example" in err and "01_cs231n" in err


def test_examples_are_found_by_number_key_or_title_word():
    examples = load_examples()
    assert examples[find_example(examples, "4")].key == "04_goodfellow_2d"
    assert examples[find_example(examples, "04")].key == "04_goodfellow_2d"
    assert examples[find_example(examples, "01_cs231n")].key == "01_cs231n"
    assert examples[find_example(examples, "edge")].key == "03_edge_detection"
    with pytest.raises(ValueError, match="ambiguous"):
        find_example(examples, "pooling")


def test_create_app_opens_on_the_requested_example():
    app = create_app("rgb")
    assert app.examples[app.initial_example].key == "02_rgb_bias"
