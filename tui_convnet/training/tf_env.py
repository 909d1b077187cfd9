"""Import TensorFlow/Keras quietly and only when asked.

``import tensorflow`` takes seconds and prints log lines to stderr unless
its environment is set *before* the import; stray output would corrupt a
running TUI.  Everything in the package that needs Keras goes through
:func:`import_keras`.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

_QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # C++ INFO/WARNING/ERROR logs
    "KERAS_BACKEND": "tensorflow",
    "ABSL_MIN_LOG_LEVEL": "3",
    "GRPC_VERBOSITY": "ERROR",
}


def quiet_environment() -> None:
    """Set the variables that keep TensorFlow silent (without overriding the user's)."""
    for key, value in _QUIET_ENV.items():
        os.environ.setdefault(key, value)


def keras_loaded() -> bool:
    return "keras" in sys.modules and "tensorflow" in sys.modules


def import_keras() -> ModuleType:
    """Import and return ``keras`` (TensorFlow backend), with TensorFlow's logging silenced."""
    quiet_environment()
    import logging

    import tensorflow as tf  # noqa: F401  (the backend must be importable)

    tf.get_logger().setLevel(logging.ERROR)
    try:
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.ERROR)
    except ImportError:  # pragma: no cover - absl ships with TensorFlow
        pass
    import keras

    return keras
