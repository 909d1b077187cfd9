"""The one model type every screen and the command line use: :class:`Model` (spec, weights, label, provenance).

A model is what the numpy engine runs (its :class:`~tui_convnet.core.ModelSpec` and its weights in Keras'
``get_weights()`` order), what the screens call it (``label``) and where it came from (``provenance``):

- :class:`Bundled` — shipped with the package, with what it scored on the test set and on the photos;
- :class:`Trained` — trained by the student on the training screen (``run 2``, ``run 2, cancelled …``);
- :class:`Loaded` — read from a ``.keras`` file;
- :class:`Seeded` — the lecture's model with Keras' default initialisation: it has learned nothing.

A model the TensorFlow worker holds keeps the worker's ``key`` for it (so that Keras checks and saves use
that Keras model, its optimizer's state included); 0 means the worker builds one from the weights. A model
trained on another image set keeps its ``class_names`` (none: MNIST's digits).

Numpy and the core only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from ..core import ForwardPass, ModelSpec, forward_pass, mnist_convnet, numbers, seeded_weights, weight_shapes
from ..core._validate import fail
from ..core.arrays import Array

#: The file name of the bundled model's Keras copy, beside its weights (``assets/model/``).
BUNDLED_KERAS_NAME = "mnist_convnet.keras"


@dataclass(frozen=True)
class Bundled:
    """Shipped with the package (``assets/model/``): how it was trained and what it scored."""

    test_accuracy: float  # on the official 10,000 MNIST test digits
    test_samples: int
    trained_on: str
    folder: Path
    #: On the photo test set (photos of test digits under 16 conditions, ``benchmarks/bench_photos.py``),
    #: None when the record has not measured it.
    photo_accuracy: float | None = None
    photo_pictures: int = 0

    @property
    def keras_path(self) -> Path:
        return self.folder / BUNDLED_KERAS_NAME


@dataclass(frozen=True)
class Trained:
    """Trained by the student in this session: ``run`` is the run's label (``run 2``, ``run 2, cancelled …``)."""

    run: str


@dataclass(frozen=True)
class Loaded:
    """Read from a ``.keras`` file (``path`` as the student typed it)."""

    path: str


@dataclass(frozen=True)
class Seeded:
    """The lecture's model with Keras' default initialisation drawn from ``seed``: untrained."""

    seed: int


#: Where a model came from.
Provenance = Bundled | Trained | Loaded | Seeded


@dataclass(frozen=True, eq=False)
class Model:
    """A network the numpy engine runs, what the screens call it and where it came from."""

    spec: ModelSpec
    weights: tuple[Array, ...]  # Keras' ``get_weights()`` order: a kernel and a bias per layer with weights
    label: str  # what every screen says, e.g. "bundled model, 97.9 % on the official test set"
    provenance: Provenance
    key: int = 0  # the TensorFlow worker's key for the Keras model it holds (0: none)
    #: The class names of a model trained on another image set (saved in its ``.keras`` file); empty: MNIST.
    class_names: tuple[str, ...] = ()

    @property
    def trained(self) -> bool:
        """Whether it has learned anything (a seeded model has not)."""
        return not isinstance(self.provenance, Seeded)

    @property
    def accuracies(self) -> str:
        """The label and, for the bundled model when measured, the photo set's accuracy:
        ``…, 96.0 % on 470 photos of digits``."""
        bundled = self.provenance
        if not isinstance(bundled, Bundled) or bundled.photo_accuracy is None:
            return self.label
        return f"{self.label}, {numbers.percent(bundled.photo_accuracy)} on {bundled.photo_pictures:,} photos of digits"

    @cached_property
    def forward(self) -> ForwardPass:
        """The model's forward pass, its spec and weights checked once (not on every stroke or digit)."""
        return forward_pass(self.spec, list(self.weights))

    def layer_outputs(self, digit: Array) -> list[Array]:
        """Every layer's output for one digit ``(H, W)`` (or ``(H, W, C)``) in [0, 1]."""
        x = digit[:, :, None] if digit.ndim == 2 else digit
        return list(self.forward(x.astype(np.float32), intermediates=True))


def bundled_label(test_accuracy: float) -> str:
    """What the screens call the bundled model: ``bundled model, 97.1 % on the official test set``."""
    return f"bundled model, {numbers.percent(test_accuracy)} on the official test set"


def checked_model(spec: ModelSpec, weights: Sequence[Array], label: str, provenance: Provenance) -> Model:
    """A model from a spec and its weights (the flat ``get_weights()`` list), the weights' shapes checked."""
    arrays = tuple(np.asarray(w, dtype=np.float32) for w in weights)
    expected = weight_shapes(spec)
    if [a.shape for a in arrays] != expected:
        raise fail("The weights do not fit the model", **{"shapes": [a.shape for a in arrays], "expected": expected})
    return Model(spec, arrays, label, provenance)


def seeded_model(seed: int = 0) -> Model:
    """The lecture's model with Keras' default initialisation drawn from ``seed``: it has not learned anything."""
    spec = mnist_convnet()
    label = f"untrained model (Keras' default initialisation, seed {seed})"
    return Model(spec, tuple(seeded_weights(spec, seed)), label, Seeded(seed))
