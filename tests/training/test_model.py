"""The Keras model built from the core's spec: layer names, file safety."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tui_convnet.core import infer_shapes, mnist_convnet

pytestmark = pytest.mark.keras


@pytest.fixture(scope="module")
def model_module() -> ModuleType:
    """The Keras model module, imported by the first test that needs it (collecting this file imports no
    TensorFlow)."""
    module: ModuleType = pytest.importorskip("tui_convnet.training.model")
    return module


def test_layers_are_named_as_the_summary_names_them_in_every_build(model_module: ModuleType) -> None:
    spec = mnist_convnet(dropout=0.5)
    expected = [info.name for info in infer_shapes(spec)]
    first = model_module.build_model(spec)
    second = model_module.build_model(spec)  # a second build in the same session keeps the names
    assert [layer.name for layer in first.layers] == expected
    assert [layer.name for layer in second.layers] == expected
    assert model_module.spec_from_model(second) == spec
    assert first.name == second.name == spec.name == "mnist_convnet"  # not Keras' "sequential"


def test_a_file_that_is_not_a_zip_is_refused_before_keras_reads_it(tmp_path: Path, model_module: ModuleType) -> None:
    bad = tmp_path / "model.keras"
    bad.write_bytes(b"not a zip archive")
    with pytest.raises(model_module.ModelFileError, match=r"not a \.keras model"):
        model_module.load_model_safe(bad)
