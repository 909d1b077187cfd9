"""Download full MNIST (and the named image sets, Fashion-MNIST) through Keras (``keras.datasets.*.load_data()``).

The download lives here, with the Keras code: :mod:`tui_convnet.data.mnist` is
numpy only and takes this function as its ``download`` argument.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Mapping

from ..core.arrays import Array
from ..data.mnist import DataError, MnistData, load_mnist
from .tf_env import import_keras


def download_mnist() -> Mapping[str, Array]:
    """Full MNIST from Keras (downloaded once into the Keras cache); Keras' progress goes to stderr."""
    keras = import_keras()
    try:
        # Keras prints "Downloading data from …" to stdout: stdout may be a JSON stream.
        with contextlib.redirect_stdout(sys.stderr):
            (xt, yt), (xs, ys) = keras.datasets.mnist.load_data()
    except Exception as exc:  # network and file errors come in many types
        raise DataError(f"Keras could not download MNIST ({type(exc).__name__}: {exc}).") from None
    return {"x_train": xt, "y_train": yt, "x_test": xs, "y_test": ys}


def download_named_set(name: str) -> None:
    """A set of :data:`~tui_convnet.data.image_sets.NAMED_SETS` into the Keras cache, through Keras (its progress
    on stderr); offline or failing: one :class:`DataError` line."""
    from ..data.image_sets import NAMED_SETS

    title = NAMED_SETS[name][0]
    keras = import_keras()
    try:
        with contextlib.redirect_stdout(sys.stderr):
            getattr(keras.datasets, name).load_data()
    except Exception as exc:  # network and file errors come in many types
        reason = (str(exc).strip().splitlines() or [""])[0][:200]
        raise DataError(
            f"Keras could not download {title} ({type(exc).__name__}: {reason}). Online once, "
            f"`convnet-tui train --data {name}` keeps it in the Keras cache."
        ) from None


def load_training_data(dataset: str, limit: int | None = None, test_limit: int | None = None) -> MnistData:
    """``auto`` uses full MNIST when it is on disk (Keras cache), else the bundled sample;
    ``keras`` downloads it if needed."""
    data = load_mnist(dataset, download=download_mnist if dataset == "keras" else None)
    if limit is not None or test_limit is not None:
        data = data.limited(limit, test_limit)
    return data
