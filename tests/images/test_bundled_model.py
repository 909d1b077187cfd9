"""The model shipped in assets/model/: read with numpy only, every shape checked, damage named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from tests._npz import savez
from tui_convnet.core import forward, mnist_convnet
from tui_convnet.data.mnist import load_sample, to_model_inputs
from tui_convnet.model.bundled import (
    INFO_NAME,
    WEIGHTS_NAME,
    ModelAssetError,
    expected_shapes,
    load_bundled_model,
    model_dir,
    weight_names,
    write_weights,
)
from tui_convnet.model.model import Bundled

if TYPE_CHECKING:
    from tui_convnet.model.model import Model


@pytest.fixture(scope="module")
def bundled() -> Model:
    return load_bundled_model()


@pytest.fixture(scope="module")
def record(bundled: Model) -> Bundled:
    """What the bundled model's record says: its provenance."""
    assert isinstance(bundled.provenance, Bundled)
    return bundled.provenance


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(model_dir(), folder)
    return folder


def test_it_is_the_lecture_model_with_93322_weights(bundled: Model) -> None:
    assert bundled.spec == mnist_convnet()
    assert [w.shape for w in bundled.weights] == expected_shapes(bundled.spec)
    assert sum(w.size for w in bundled.weights) == 93_322
    assert all(w.dtype == np.float32 for w in bundled.weights)
    assert weight_names(bundled.spec)[:2] == ["conv2d.kernel", "conv2d.bias"]


def test_its_record_is_what_the_numpy_engine_measures(bundled: Model, record: Bundled) -> None:
    # The record lists the misclassified test digits; the first 1,000 are re-measured here
    # (the whole set takes the script a few seconds, too long for the suite).
    data = load_sample()
    assert len(data.x_test) == record.test_samples == 10_000
    info = json.loads((record.folder / INFO_NAME).read_text())
    wrong = np.asarray(info["misclassified"])
    assert record.test_accuracy == pytest.approx(1 - len(wrong) / 10_000, abs=1e-9)
    assert record.test_accuracy > 0.96
    predicted = np.argmax(forward(bundled.spec, bundled.weights, to_model_inputs(data.x_test[:1000])), axis=1)
    np.testing.assert_array_equal(np.flatnonzero(predicted != data.y_test[:1000]), wrong[wrong < 1000])
    assert bundled.label == f"bundled model, {record.test_accuracy * 100:.1f} % on the official test set"


def test_the_readme_states_both_accuracies_of_the_record(bundled: Model, record: Bundled) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert record.photo_accuracy is not None and record.photo_pictures == 470
    assert bundled.accuracies == (
        f"{bundled.label}, {record.photo_accuracy * 100:.1f} % on {record.photo_pictures} photos of digits"
    )
    said = f"({record.test_accuracy * 100:.1f} % on the official MNIST test set, {record.photo_accuracy * 100:.1f} % "
    assert said + f"on {record.photo_pictures} photos of digits)" in " ".join(readme.split())


def test_the_record_says_how_it_was_trained(record: Bundled) -> None:
    info = json.loads((record.folder / INFO_NAME).read_text())
    assert info["config"]["epochs"] == 8 and info["config"]["seed"] == 0 and info["config"]["batch_size"] == 64
    assert info["config"]["optimizer"] == "rmsprop"
    assert "5,000 training digits, 20,000 augmented copies" in info["trained_on"]
    assert info["augmentation"] == {
        "varied": 2, "photographed": 2, "seed": 0, "max_turn": 15.0, "max_shear": 0.25, "scale": [0.85, 1.15],
        "non_digits": 1500,
    }  # fmt: skip


def test_weights_round_trip(tmp_path: Path, bundled: Model, record: Bundled) -> None:
    path = write_weights(tmp_path / WEIGHTS_NAME, bundled.spec, bundled.weights)
    (tmp_path / INFO_NAME).write_text((record.folder / INFO_NAME).read_text())
    again = load_bundled_model(tmp_path)
    assert path.stat().st_mode & 0o777 == 0o644
    for a, b in zip(bundled.weights, again.weights, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_damaged_weights_file_is_named(copy: Path) -> None:
    (copy / WEIGHTS_NAME).write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ModelAssetError, match=rf"{WEIGHTS_NAME}: cannot read it as a .npz weights file"):
        load_bundled_model(copy)


def test_a_wrong_shape_is_named(copy: Path, bundled: Model) -> None:
    arrays = dict(zip(weight_names(bundled.spec), bundled.weights, strict=True))
    arrays["dense.kernel"] = arrays["dense.kernel"][:10]
    savez(copy / WEIGHTS_NAME, arrays)
    with pytest.raises(ModelAssetError, match=r"`dense.kernel` must have shape \(576, 64\). Received: .*\(10, 64\)"):
        load_bundled_model(copy)


def test_a_missing_array_and_a_pickled_array_are_refused(copy: Path, bundled: Model) -> None:
    arrays = dict(zip(weight_names(bundled.spec), bundled.weights, strict=True))
    del arrays["conv2d_2.bias"]
    savez(copy / WEIGHTS_NAME, arrays)
    with pytest.raises(ModelAssetError, match=r"no `conv2d_2\.bias` array"):
        load_bundled_model(copy)
    arrays["conv2d_2.bias"] = np.array([object()] * 64, dtype=object)
    savez(copy / WEIGHTS_NAME, arrays)
    with pytest.raises(ModelAssetError, match=WEIGHTS_NAME):
        load_bundled_model(copy)


def test_non_finite_weights_are_refused(copy: Path, bundled: Model) -> None:
    arrays = dict(zip(weight_names(bundled.spec), bundled.weights, strict=True))
    arrays["dense_1.bias"] = np.full(10, np.nan, np.float32)
    savez(copy / WEIGHTS_NAME, arrays)
    with pytest.raises(ModelAssetError, match="must hold finite floats"):
        load_bundled_model(copy)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("{not json", "cannot read the model record"),
        ("[]", "must be a JSON object with a `spec`"),
        ('{"spec": {}, "test_accuracy": 0.9}', "the model spec is not valid"),
        ('{"spec": {"input_shape": [28, 28, 1], "layers": [{"type": "Flatten"}]}, "test_accuracy": 2}', "test_acc"),
        ('{"spec": {}, "test_accuracy": 0.9, "photo_accuracy": "96 %"}', "photo_accuracy. must be a number"),
    ],
)
def test_a_damaged_record_is_named(copy: Path, text: str, pattern: str) -> None:
    (copy / INFO_NAME).write_text(text)
    with pytest.raises(ModelAssetError, match=rf"{INFO_NAME}: .*{pattern}"):
        load_bundled_model(copy)


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(ModelAssetError, match=rf"{tmp_path}/{INFO_NAME}: cannot read"):
        load_bundled_model(tmp_path)


@pytest.mark.keras
def test_the_keras_file_holds_the_same_weights(bundled: Model, record: Bundled) -> None:
    from tui_convnet.training.model import load_model_safe, spec_from_model

    model = load_model_safe(record.keras_path)
    assert spec_from_model(model).layers == bundled.spec.layers
    for a, b in zip(model.get_weights(), bundled.weights, strict=True):
        np.testing.assert_array_equal(a, b)
