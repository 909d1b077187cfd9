"""Write arrays to a .npz file by name, as the tests' data files are made."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np


def savez(path: Path, arrays: Mapping[str, Any], *, compressed: bool = False) -> None:
    """``np.savez(path, **arrays)`` (numpy's stubs would take a name of ``arrays`` for its ``allow_pickle`` flag)."""
    (np.savez_compressed if compressed else np.savez)(path, **arrays)
