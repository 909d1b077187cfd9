from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.inspect.fixed_model import fixed_keras_model, save_fixed_model

if TYPE_CHECKING:
    from tui_convnet.data.mnist import MnistData
    from tui_convnet.training.inspector import ModelInspector


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lecture's ConvNet with fixed (seeded numpy) weights, saved as a .keras file."""
    return save_fixed_model(tmp_path_factory.mktemp("inspect-model"))


@pytest.fixture(scope="session")
def tiny_model() -> Any:
    return fixed_keras_model()


@pytest.fixture(scope="session")
def sample() -> MnistData:
    from tui_convnet.data.mnist import load_mnist

    return load_mnist("sample")


@pytest.fixture(scope="session")
def inspector(tiny_model: Any) -> ModelInspector:
    from tui_convnet.training.inspector import ModelInspector

    return ModelInspector(tiny_model)
