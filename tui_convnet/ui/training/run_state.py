"""Training events → what the training screen shows, as pure state: no Textual, unit-tested without an app.

A :class:`RunTracker` follows the runs of one screen (run 1, run 2 …). For each bundle of
:mod:`~tui_convnet.training.events` it returns a :class:`RunUpdate`: the changes to the
:class:`~tui_convnet.ui.training.progress.ProgressState`, the lines for the epoch log, and whether the
curves changed. It keeps the curves' points (each batch's own loss and accuracy, smoothed; validation
per epoch) in the :class:`~tui_convnet.ui.common.plot.Series` the plots draw.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text

from ...core import numbers
from ...data.labels import MNIST_LABELS
from ...training.curves import SMOOTHING_BATCHES, TrailingMean
from ...training.events import (
    DEFAULT_LEARNING_RATES,
    BatchEnd,
    EpochBegin,
    EpochEnd,
    EvaluationBegin,
    TrainBegin,
    TrainEnd,
    TrainEvent,
)
from ..common.plot import Series
from .progress import ProgressState

if TYPE_CHECKING:
    from ...training.evaluate import Evaluation
    from .form import TrainSettings

#: What the progress says when a run ended, by the result's reason.
FINISHED = {"completed": "done", "cancelled": "cancelled", "nan": "stopped: NaN loss"}


@dataclass
class RunUpdate:
    """What one bundle of events changes on screen."""

    changes: dict[str, Any] = field(default_factory=dict)  # ProgressState fields
    log_lines: list[Text] = field(default_factory=list)  # for the epoch log, in order
    plots_changed: bool = False
    epoch_ended: bool = False  # an epoch (or the run) ended: the plots redraw at once


class RunTracker:
    """The runs of one training screen: the run number, the curves, and events → progress changes."""

    def __init__(self) -> None:
        self.run = 0  # runs started on this screen (run 1, run 2 …)
        self.labels = MNIST_LABELS  # another image set's words ("images"): the screen sets them
        self.train_samples = 0
        self.epochs = 1
        smooth = f"per batch, mean of {SMOOTHING_BATCHES}"
        self.loss_series = [
            Series(f"train loss ({smooth})", "dodger_blue1"),
            Series("val loss", "orange1", marker=True),
        ]
        self.acc_series = [Series(f"train acc ({smooth})", "green3"), Series("val acc", "orange1", marker=True)]
        self._loss_smooth, self._acc_smooth = TrailingMean(), TrailingMean()

    def reset(self, settings: TrainSettings) -> Text:
        """A new run starts blank (no curve, no running numbers of the run before); returns its log line."""
        self.epochs = settings.config.epochs
        for series in (*self.loss_series, *self.acc_series):
            series.points.clear()
        self._loss_smooth.reset()
        self._acc_smooth.reset()
        c = settings.config
        lr = c.learning_rate if c.learning_rate is not None else DEFAULT_LEARNING_RATES[c.optimizer]
        limits = self.labels.say(f", {settings.train_limit:,} digits") if settings.train_limit else ""
        return Text.assemble(
            (f"Run {self.run}: ", "bold"),
            f"{c.epochs} epoch{'s' if c.epochs != 1 else ''}, batch {c.batch_size}, {c.optimizer} "
            f"lr {lr:g}, dropout {'0.5' if settings.dropout else 'off'}, val {c.validation_split:g}, "
            f"seed {c.seed}{limits}",
        )

    def apply(self, events: Iterable[TrainEvent], state: ProgressState, *, cancelling: bool = False) -> RunUpdate:
        """The changes a bundle of events makes to ``state`` (the progress shown now)."""
        update = RunUpdate()
        changes = update.changes
        for event in events:
            if isinstance(event, BatchEnd):
                # Each batch's own loss (Keras logs running means, which drop at every epoch's start), smoothed.
                x = event.epoch - 1 + event.batch / event.steps
                self.loss_series[0].points.append((x, self._loss_smooth.add(event.batch_loss)))
                self.acc_series[0].points.append((x, self._acc_smooth.add(event.batch_accuracy)))
                changes.update(self._batch_changes(event))
                update.plots_changed = True
            elif isinstance(event, EpochBegin):
                rate = changes.get("samples_per_second", state.samples_per_second)
                changes.update(
                    epoch=event.epoch,
                    batch=0,
                    loss=None,
                    accuracy=None,
                    epoch_eta=self.train_samples / rate if rate else None,
                )
            elif isinstance(event, EpochEnd):
                update.log_lines.append(self._epoch_end(event))
                changes.update(epochs_done=event.epoch)
                update.plots_changed = update.epoch_ended = True
            elif isinstance(event, TrainBegin):
                self.train_samples = event.train_samples
                val = f", {event.val_samples:,} for validation" if event.val_samples else ""
                changes.update(
                    steps=event.steps_per_epoch,
                    epochs=event.epochs,
                    status=self.labels.say(
                        f"Training on {event.train_samples:,} digits{val}; {event.steps_per_epoch:,} batches "
                        f"of {event.batch_size} per epoch. Press c to cancel."
                    ),
                )
            elif isinstance(event, EvaluationBegin):
                changes.update(status=self.labels.say(f"Evaluating on {event.test_samples:,} test digits…"))
            elif isinstance(event, TrainEnd):
                changes.update(status=event.message)
                update.plots_changed = update.epoch_ended = True  # draw the last points, however the run ended
        if cancelling and "status" not in changes:
            changes["status"] = "Cancelling at the end of this batch…"
        return update

    def _batch_changes(self, e: BatchEnd) -> dict[str, Any]:
        rate = e.samples_per_second
        left_in_epoch = self.train_samples - e.samples
        left_total = left_in_epoch + (self.epochs - e.epoch) * self.train_samples
        return dict(
            epoch=e.epoch,
            batch=e.batch,
            steps=e.steps,
            samples_per_second=rate,
            epoch_eta=left_in_epoch / rate if rate else None,
            total_eta=left_total / rate if rate else None,
            loss=e.loss,
            accuracy=e.accuracy,
        )

    def _epoch_end(self, e: EpochEnd) -> Text:
        line = Text.assemble(
            f"Epoch {e.epoch}/{e.epochs} {e.seconds:4.1f}s {e.samples_per_second:5,.0f}/s loss ",
            (numbers.metric(e.loss), "bold"),
            " acc ",
            (numbers.percent(e.accuracy), "bold"),
        )
        if e.val_loss is not None and e.val_accuracy is not None:
            self.loss_series[1].points.append((float(e.epoch), e.val_loss))
            self.acc_series[1].points.append((float(e.epoch), e.val_accuracy))
            line.append_text(
                Text.assemble(
                    " val loss ",
                    (numbers.metric(e.val_loss), "bold"),
                    " acc ",
                    (numbers.percent(e.val_accuracy), "bold"),
                )
            )
        return line

    def finished_line(self, reason: str, message: str, evaluation: Evaluation | None) -> Text:
        """The epoch log's line for the end of the run: its test results, why it stopped, or how it was cancelled."""
        if reason == "completed" and evaluation is not None:
            return Text.assemble(
                f"Run {self.run} done: test accuracy ",
                (numbers.percent(evaluation.accuracy), "bold"),
                f", test loss {numbers.metric(evaluation.loss)} ({evaluation.samples:,} test digits)",
                style="green",
            )
        if reason == "nan":
            return Text(message, style="red")
        return Text(f"Run {self.run}: {message}", style="yellow")

    def label(self, reason: str, stopped_at: tuple[int, int] | None) -> str:
        """``run 2`` or ``run 2, cancelled at epoch 2, batch 107``: which run a screen shows."""
        label = f"run {self.run}"
        if reason == "cancelled" and stopped_at is not None:
            epoch, batch = stopped_at
            label += f", cancelled at epoch {epoch}, batch {batch}"
        elif reason == "cancelled":
            label += ", cancelled"
        return label
