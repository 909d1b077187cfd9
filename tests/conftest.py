"""Fixtures for every test folder."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="session")
def fixed_model() -> ModuleType:
    """tests/inspect/fixed_model.py: the lecture's ConvNet with fixed (seeded numpy) weights, and a scripted
    ``fit`` for tests about what surrounds training (imported by path: test folders are not packages)."""
    path = Path(__file__).parent / "inspect" / "fixed_model.py"
    spec = importlib.util.spec_from_file_location("tests_fixed_model", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
