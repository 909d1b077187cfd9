"""`convnet-tui summary --spec FILE` and `train --spec FILE`: the model of a TOML file, or one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_convnet.architect.spec_file import write_spec_file
from tui_convnet.cli import main
from tui_convnet.core import Conv2DSpec, DenseSpec, FlattenSpec, ModelSpec, Pool2DSpec

SMALL = ModelSpec(
    (28, 28, 1),
    (
        Conv2DSpec(4, (5, 5), strides=(2, 2), activation="relu"),
        Pool2DSpec("avg", (2, 2)),
        FlattenSpec(),
        DenseSpec(10, activation="softmax"),
    ),
    "small",
)


def test_summary_prints_the_model_of_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_spec_file(tmp_path / "small.toml", SMALL)
    assert main(["summary", "--spec", str(path)]) == 0
    out = capsys.readouterr().out
    assert 'Model: "small"' in out and "(None, 12, 12, 4)" in out and "⌊(28 − 5 + 2·0) / 2⌋ + 1 = 12" in out
    assert "average_pooling2d" in out and "1,554" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('input_shape = [28, 28, 1]\n[[layers]]\ntype = "Dense"\nunits = 4\n', "add a Flatten layer first"),
        ("input_shape = [", "not valid TOML"),
    ],
)
@pytest.mark.parametrize("command", ["summary", "train"])
def test_a_bad_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, text: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    extra = ["--dataset", "sample", "--limit", "10"] if command == "train" else []
    assert main([command, "--spec", str(path), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"convnet-tui {command}: error: {path}") and message in err and err.count("\n") == 1


def test_train_refuses_a_model_that_does_not_end_in_ten_probabilities(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = ModelSpec((28, 28, 1), (*SMALL.layers[:-1], DenseSpec(3, activation="softmax")))
    path = write_spec_file(tmp_path / "three.toml", spec)
    assert main(["train", "--spec", str(path), "--dataset", "sample", "--limit", "10"]) == 2
    assert "the last layer must be Dense(10, softmax)" in capsys.readouterr().err


def test_train_refuses_a_model_for_other_images(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = ModelSpec((32, 32, 3), SMALL.layers)
    path = write_spec_file(tmp_path / "rgb.toml", spec)
    assert main(["train", "--spec", str(path), "--dataset", "sample", "--limit", "10"]) == 2
    assert "does not match the data's images (28x28x1)" in capsys.readouterr().err


@pytest.mark.keras
@pytest.mark.training
def test_train_trains_the_model_of_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_spec_file(tmp_path / "small.toml", SMALL)
    saved = tmp_path / "small.keras"
    args = ["--dataset", "sample", "--limit", "200", "--test-limit", "100", "--epochs", "1", "--json"]
    assert main(["train", "--spec", str(path), *args, "--save", str(saved)]) == 0
    final = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert final["reason"] == "completed" and final["test_samples"] == 100
    from tui_convnet.training.model import load_model_safe

    assert load_model_safe(saved).count_params() == SMALL.total_params == 1_554
