"""One set of training defaults, shared by ``convnet-tui train`` and the training screen.

The lecture's settings (5 epochs, batch 64, rmsprop with Keras' default
learning rate, seed 0) plus a validation split of 0.1: a tenth of the
shuffled training digits is held out so that every epoch shows how the
model does on digits it has not trained on.  ``convnet-tui train --help``
prints these values; the training screen's fields start from them.
"""

from __future__ import annotations

from .events import TrainConfig

#: The defaults of every training setting (no TensorFlow import: the help text and the screen read it).
DEFAULTS = TrainConfig(epochs=5, batch_size=64, optimizer="rmsprop", validation_split=0.1, seed=0)

#: Dropout is off by default (the lecture adds Dropout(0.5) only on its last slide).
DEFAULT_DROPOUT: float | None = None

#: Where the data comes from by default: full MNIST from the Keras cache, else the bundled sample.
DEFAULT_DATASET = "auto"
