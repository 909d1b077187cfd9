"""The model as a TOML file: written atomically, read back equal, every bad file refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_convnet.architect.spec_file import SpecFileError, read_spec_file, spec_to_toml, write_spec_file
from tui_convnet.core import Conv2DSpec, DenseSpec, DropoutSpec, FlattenSpec, ModelSpec, Pool2DSpec, mnist_convnet
from tui_convnet.util.paths import assets_dir

SPEC = ModelSpec(
    (32, 32, 3),
    (
        Conv2DSpec(8, (5, 3), strides=(2, 2), padding="same", activation="tanh"),
        Pool2DSpec("avg", (3, 3), strides=(1, 1), padding="same"),
        FlattenSpec(),
        DropoutSpec(0.25),
        DenseSpec(10, activation="softmax"),
    ),
    "mine",
)


@pytest.mark.parametrize("spec", [SPEC, mnist_convnet(0.5)])
def test_a_spec_is_written_and_read_back_equal(tmp_path: Path, spec: ModelSpec) -> None:
    path = write_spec_file(tmp_path / "model.toml", spec)
    assert read_spec_file(path) == spec


def test_the_file_is_readable_toml() -> None:
    text = spec_to_toml(SPEC)
    assert text.startswith('name = "mine"\ninput_shape = [32, 32, 3]\n\n[[layers]]\ntype = "Conv2D"\nfilters = 8\n')
    assert 'type = "AveragePooling2D"\npool_size = [3, 3]\nstrides = [1, 1]\npadding = "same"' in text


def test_an_example_file_of_kind_model_is_read() -> None:
    assert read_spec_file(assets_dir() / "examples" / "09_mnist_convnet.toml").total_params == 93_322


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("input_shape = [28, 28", "not valid TOML"),
        ('input_shape = [28, 28, 1]\n[[layers]]\ntype = "Conv3D"', "Unknown layer type"),
        ('input_shape = [28, 28, 1]\n[[layers]]\ntype = "Dense"\nunits = 4', "add a Flatten layer first"),
        ('input_shape = [2, 2, 1]\n[[layers]]\ntype = "Conv2D"\nfilters = 4', "larger than the padded input"),
        ("input_shape = [28, 28, 1]", "`layers` must be a non-empty list"),
    ],
)
def test_a_bad_file_is_one_line_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(SpecFileError) as info:
        read_spec_file(path)
    assert str(info.value).startswith(str(path)) and message in str(info.value) and "\n" not in str(info.value)


def test_missing_folder_binary_and_huge_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SpecFileError, match="no such file"):
        read_spec_file(tmp_path / "nope.toml")
    with pytest.raises(SpecFileError, match="is a folder"):
        read_spec_file(tmp_path)
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SpecFileError, match="not a text file"):
        read_spec_file(tmp_path / "bin.toml")
    (tmp_path / "big.toml").write_text("#" * 1_000_001)
    with pytest.raises(SpecFileError, match="larger than"):
        read_spec_file(tmp_path / "big.toml")
    with pytest.raises(SpecFileError, match="empty"):
        write_spec_file("", SPEC)
