"""Import TensorFlow/Keras quietly and only when asked.

``import tensorflow`` takes seconds and prints log lines to stderr unless
its environment is set *before* the import; stray output would corrupt a
running TUI.  Everything in the package that needs Keras goes through
:func:`import_keras`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
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


#: How to get TensorFlow, in the words every "TensorFlow is missing" message uses.
INSTALL_HINT = "pip install 'convnet-tui[train]'"


class TensorFlowMissing(ImportError):
    """TensorFlow is not installed: the base install leaves it out (it is the ``train`` extra)."""

    def __init__(self, needed_for: str = "Training or a Keras check") -> None:
        super().__init__(f"{needed_for} needs TensorFlow, which is not installed. Install it with: {INSTALL_HINT}")


def tensorflow_installed() -> bool:
    """Whether TensorFlow can be imported (found on the path; not imported here)."""
    if "tensorflow" in sys.modules:
        return True
    import importlib.util

    try:
        return importlib.util.find_spec("tensorflow") is not None
    except (ImportError, ValueError):
        return False


def keras_loaded() -> bool:
    return "keras" in sys.modules and "tensorflow" in sys.modules


_import_lock = threading.Lock()


@contextlib.contextmanager
def stderr_fd_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null for the duration.

    TensorFlow >= 2.20 logs through absl *before* absl is initialised, and
    those lines ignore ``TF_CPP_MIN_LOG_LEVEL``: only the descriptor itself
    can be silenced.  (The TUI draws on a duplicate of the terminal, see
    :func:`tui_convnet.ui.terminal.own_terminal`, so this never hides a frame.)
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real descriptor 2 (embedded interpreters)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_keras() -> ModuleType:
    """Import and return ``keras`` (TensorFlow backend), with TensorFlow's logging silenced."""
    if not tensorflow_installed():
        raise TensorFlowMissing()
    quiet_environment()
    import logging

    with _import_lock:
        if "tensorflow" not in sys.modules:
            with stderr_fd_silenced():
                import tensorflow  # noqa: F401
    import tensorflow as tf

    tf.get_logger().setLevel(logging.ERROR)
    try:
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.ERROR)
    except ImportError:  # pragma: no cover - absl ships with TensorFlow
        pass
    import keras

    module: ModuleType = keras
    return module
