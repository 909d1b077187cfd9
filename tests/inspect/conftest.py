from __future__ import annotations

import pytest
from tiny_model import train_tiny_model


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory):
    return train_tiny_model(tmp_path_factory.mktemp("inspect-model"))


@pytest.fixture(scope="session")
def tiny_model(tiny_model_path):
    from tui_convnet.training.model import load_model_safe

    return load_model_safe(tiny_model_path)


@pytest.fixture(scope="session")
def sample():
    from tui_convnet.data import load_mnist

    return load_mnist("sample")


@pytest.fixture(scope="session")
def inspector(tiny_model):
    from tui_convnet.training.inspect import ModelInspector

    return ModelInspector(tiny_model)
