"""What a training run reports, as plain frozen dataclasses (no Keras, no Textual).

:func:`tui_convnet.training.trainer.train` calls ``on_event`` with these, in
this order::

    TrainBegin
    (EpochBegin, BatchEnd x steps, EpochEnd) x epochs     # fewer when stopped early
    EvaluationBegin                                        # only when training completed
    TrainEnd

Epochs and batches are numbered from 1, as Keras prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union

from .evaluate import Evaluation

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


TrainEvent = Union[TrainBegin, EpochBegin, BatchEnd, EpochEnd, EvaluationBegin, TrainEnd]
EventHandler = Callable[[TrainEvent], None]
