"""One set of training defaults, shared by ``convnet-tui train`` and the training screen.

They are :class:`~.events.TrainConfig`'s own field defaults, the lecture's settings: 5 epochs,
batch 64, rmsprop with Keras' default learning rate, no validation split, seed 0.
``convnet-tui train --help`` prints them; the training screen's fields start from them.
"""

from __future__ import annotations

import argparse

from .events import TrainConfig

#: The defaults of every training setting (no TensorFlow import: the help text and the screen read it).
DEFAULTS = TrainConfig()

#: Dropout is off by default (the lecture adds Dropout(0.5) only on its last slide).
DEFAULT_DROPOUT: float | None = None

#: Where the data comes from by default: full MNIST from the Keras cache, else the bundled sample.
DEFAULT_DATASET = "auto"


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """The :class:`TrainConfig` of the training options on a command line (``train``, ``code``)."""
    return TrainConfig(
        epochs=args.epochs,
        batch_size=args.batch_size,
        optimizer=args.optimizer,
        learning_rate=args.learning_rate,
        validation_split=args.validation_split,
        seed=args.seed,
    )
