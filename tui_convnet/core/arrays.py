"""The package's one name for a numpy array of any shape and dtype, for annotations: :data:`Array`."""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np

Array: TypeAlias = np.ndarray[Any, Any]
