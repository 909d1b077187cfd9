"""How a training run is configured and what it reports: plain dataclasses
(no Keras, no Textual, so the UI can validate settings before TensorFlow loads).

:func:`tui_convnet.training.trainer.train` calls ``on_event`` with these, in
this order::

    TrainBegin
    (EpochBegin, BatchEnd x steps, EpochEnd) x epochs     # fewer when stopped early
    EvaluationBegin                                        # only when training completed
    TrainEnd

Epochs and batches are numbered from 1, as Keras prints them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from dataclasses import fields as dataclass_fields
from typing import Any

import numpy as np

from .evaluate import Evaluation

OPTIMIZERS = ("rmsprop", "adam", "sgd")
#: Keras' default learning rates, used when none is given (kept here, free of TensorFlow).
DEFAULT_LEARNING_RATES = {"rmsprop": 0.001, "adam": 0.001, "sgd": 0.01}
MAX_EPOCHS = 1000
MAX_BATCH_SIZE = 60000


@dataclass(frozen=True)
class TrainConfig:
    """How to train (the lecture's defaults: 5 epochs, batch 64, rmsprop)."""

    epochs: int = 5
    batch_size: int = 64
    optimizer: str = "rmsprop"
    learning_rate: float | None = None  # None: Keras' default for the optimizer
    validation_split: float = 0.0  # the last fraction of the *shuffled* training digits
    seed: int | None = 0
    evaluate: bool = True  # evaluate on the test set when training completes

    def __post_init__(self) -> None:
        validate_config(self)

    @classmethod
    def problems(cls, **fields: Any) -> dict[str, str]:
        """What would be wrong with ``TrainConfig(**fields)``, without raising."""
        probe = object.__new__(cls)  # skips __post_init__, which would raise
        for f in dataclass_fields(cls):
            object.__setattr__(probe, f.name, fields.get(f.name, f.default))
        return config_problems(probe)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _int_problem(value: Any, name: str, low: int, high: int) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        return f"`{name}` must be a whole number from {low} to {high:,}. Received: {name}={value!r}"
    return None


def config_problems(config: TrainConfig) -> dict[str, str]:
    """Every setting that is wrong, by field name, with a Keras-style message."""
    problems = {
        "epochs": _int_problem(config.epochs, "epochs", 1, MAX_EPOCHS),
        "batch_size": _int_problem(config.batch_size, "batch_size", 1, MAX_BATCH_SIZE),
        "seed": None if config.seed is None else _int_problem(config.seed, "seed", 0, 2**32 - 1),
    }
    if config.optimizer not in OPTIMIZERS:
        problems["optimizer"] = (
            f"`optimizer` must be one of {', '.join(OPTIMIZERS)}. Received: optimizer={config.optimizer!r}"
        )
    lr = config.learning_rate
    if lr is not None and (
        isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr) or lr <= 0
    ):
        problems["learning_rate"] = f"`learning_rate` must be a number greater than 0. Received: learning_rate={lr!r}"
    vs = config.validation_split
    if isinstance(vs, bool) or not isinstance(vs, (int, float)) or not 0 <= vs < 1:
        problems["validation_split"] = f"`validation_split` must be in [0, 1). Received: validation_split={vs!r}"
    return {k: v for k, v in problems.items() if v}


def validate_config(config: TrainConfig) -> None:
    problems = config_problems(config)
    if problems:
        raise ValueError(next(iter(problems.values())))


def split_counts(n: int, validation_split: float) -> tuple[int, int]:
    """``(train, validation)`` sizes exactly as Keras' ``validation_split`` cuts them."""
    train = math.floor(n * (1.0 - validation_split))
    return train, n - train


def check_split(n: int, validation_split: float) -> tuple[int, int]:
    """:func:`split_counts`, refusing a split that leaves no training digit
    (any split > 0 keeps at least one validation digit: Keras rounds the training side down)."""
    n_train, n_val = split_counts(n, validation_split)
    if n_train < 1:
        raise ValueError(
            f"No training digits are left after the validation split. "
            f"Received: validation_split={validation_split}, digits={n}"
        )
    return n_train, n_val


#: Why a run ended.
REASONS = ("completed", "cancelled", "nan")


@dataclass(frozen=True)
class TrainBegin:
    train_samples: int
    val_samples: int
    test_samples: int
    epochs: int
    batch_size: int
    steps_per_epoch: int
    dataset: str  # MnistData.description


@dataclass(frozen=True)
class EpochBegin:
    epoch: int  # 1-based
    epochs: int


@dataclass(frozen=True)
class BatchEnd:
    epoch: int  # 1-based
    batch: int  # 1-based index of the batch within the epoch
    steps: int  # batches per epoch
    samples: int  # training samples seen so far in this epoch
    loss: float  # running mean over the epoch so far (as Keras reports it)
    accuracy: float
    samples_per_second: float
    batch_loss: float = math.nan  # this batch's own loss, recovered from the running means (curves.batch_value)
    batch_accuracy: float = math.nan


@dataclass(frozen=True)
class EpochEnd:
    epoch: int
    epochs: int
    loss: float
    accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    seconds: float  # the whole epoch, validation included
    samples_per_second: float  # training samples / training time (validation excluded)


@dataclass(frozen=True)
class EvaluationBegin:
    test_samples: int


@dataclass(frozen=True)
class TrainEnd:
    reason: str  # "completed" | "cancelled" | "nan"
    epochs_completed: int
    batches: int  # batches trained in all
    seconds: float  # training time, evaluation excluded
    samples_per_second: float
    evaluation: Evaluation | None  # test-set results (None unless completed)
    message: str  # one sentence for people


TrainEvent = TrainBegin | EpochBegin | BatchEnd | EpochEnd | EvaluationBegin | TrainEnd
EventHandler = Callable[[TrainEvent], None]
