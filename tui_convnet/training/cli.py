"""``convnet-tui train``: train the lecture's ConvNet without the TUI.

On an interactive terminal: Rich progress bars (epochs and batches,
samples/s, ETA) and one line per epoch; piped, plain lines only.  With
``--json``: one JSON object per line per epoch and a final object with the
test results (always valid JSON: a NaN or infinite number is written as
null and named in ``not_finite``).  Ctrl-C stops at the end of the current
batch (a second Ctrl-C stops at once).

Exit codes (the same rule for ``predict``, see :mod:`.outcome`): 0 done;
1 the run failed (NaN, the model could not be saved, the output could not
be written); 2 the arguments, the data or the model file cannot be used;
130 Ctrl-C; 143 SIGTERM; 129 SIGHUP.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from ..data.labels import MNIST_LABELS, ClassLabels, labels_of
from ..data.mnist import DataError, MnistData
from ..util.fileio import PathError, os_reason, user_path
from ..util.visible import visible
from .defaults import config_from_args
from .download import load_training_data
from .events import DEFAULT_LEARNING_RATES, check_split

if TYPE_CHECKING:
    from ..core import ModelSpec
    from ..data.image_sets import ImageSet
    from .events import EpochEnd, TrainEvent

from .outcome import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    OutputClosed,
    json_line,
    output_console,
    silence_stdout,
    write_line,
)

PROG = "convnet-tui train"


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"{PROG}: error: {visible(message)}", file=sys.stderr)
    return code


def check_save_path(text: str) -> Path:
    """Refuse a ``--save`` path *before* training (a bad path must not waste minutes)."""
    try:
        p = user_path(text, "model path", "--save")
    except PathError as exc:
        raise ValueError(str(exc)) from None
    if p.suffix != ".keras":
        raise ValueError(f"--save needs a file name ending in .keras. Received: --save={text!r}")
    try:
        if p.is_dir():
            raise ValueError(f"--save names a folder, not a file. Received: --save={text!r}")
        if not p.parent.is_dir():
            raise ValueError(f"The folder for --save does not exist: {p.parent}. Received: --save={text!r}")
    except OSError as exc:
        raise ValueError(f"--save cannot be used ({os_reason(exc)}). Received: --save={text[:200]!r}") from None
    if not os.access(p.parent, os.W_OK):
        raise ValueError(
            f"The folder for --save is not writable: {p.parent.absolute()}. Received: --save={text[:200]!r}"
        )
    return p


class Phase:
    """Where the run is, for the Ctrl-C message: "training" or "evaluation"."""

    def __init__(self) -> None:
        self.name = "training"


@contextlib.contextmanager
def _sigint_cancels(cancel: threading.Event, phase: Phase | None = None) -> Iterator[None]:
    """First Ctrl-C: stop at the end of the batch (or after the evaluation). Second: KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        if phase is not None and phase.name == "evaluation":
            what = "the training is done; stopping after the test-set evaluation, the run counts as cancelled"
        else:
            what = "stopping at the end of this batch"
        print(f"\n{PROG}: {what} (Ctrl-C again to stop now)", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


class _Reporter:
    """Turns training events into JSON lines, plain lines, or Rich progress bars.

    When stdout cannot be written (a closed pipe, a full disk) the run is
    cancelled and ``output_error`` says why: there is no one left to report to.
    """

    def __init__(self, json_mode: bool, console: Console, cancel: threading.Event, phase: Phase) -> None:
        self.json = json_mode
        self.console = console
        self.cancel = cancel
        self.phase = phase
        # Progress bars only where someone watches: an interactive console (piped output has no spinner frames).
        self.rich = not json_mode and console.is_interactive
        self.progress: Progress | None = None
        self.epoch_task: TaskID | None = None
        self.batch_task: TaskID | None = None
        self.output_error = ""
        #: The run's words: "images" instead of "digits" for another image set (``--data``).
        self.labels = MNIST_LABELS

    def start(self) -> None:
        if self.rich:
            self.progress = Progress(
                TextColumn("{task.description:<11}"),
                BarColumn(bar_width=32),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TextColumn("{task.fields[metrics]}"),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=self.console,
                refresh_per_second=5,
            )
            self.progress.start()

    def stop(self) -> None:
        if self.progress is not None:
            with contextlib.suppress(OSError):
                self.progress.stop()
            self.progress = None

    def __call__(self, event: TrainEvent) -> None:
        if self.output_error:
            return
        try:
            self._handle(event)
        except (OutputClosed, OSError) as exc:
            self.output_error = exc.reason if isinstance(exc, OutputClosed) else os_reason(exc)
            self.cancel.set()
            self.stop()

    def _handle(self, event: TrainEvent) -> None:
        from .events import BatchEnd, EpochBegin, EpochEnd, EvaluationBegin, TrainBegin

        if isinstance(event, BatchEnd):
            if self.progress is not None and self.batch_task is not None:
                self.progress.update(
                    self.batch_task,
                    completed=event.batch,
                    rate=f"{event.samples_per_second:,.0f} samples/s",
                    metrics=f"loss {event.loss:.4f} acc {event.accuracy:.4f}",
                )
        elif isinstance(event, EpochBegin):
            if self.progress is not None and self.batch_task is not None:
                self.progress.reset(
                    self.batch_task, description=f"Epoch {event.epoch}/{event.epochs}", rate="", metrics=""
                )
        elif isinstance(event, EpochEnd):
            self._epoch_end(event)
        elif isinstance(event, TrainBegin):
            if self.progress is not None:
                self.epoch_task = self.progress.add_task("Training", total=event.epochs, rate="", metrics="")
                self.batch_task = self.progress.add_task("Epoch 1", total=event.steps_per_epoch, rate="", metrics="")
        elif isinstance(event, EvaluationBegin):
            self.phase.name = "evaluation"
            if not self.json:
                self.stop()
                self.console.print(self.labels.say(f"Evaluating on {event.test_samples:,} test digits…"))

    def _epoch_end(self, e: EpochEnd) -> None:
        if self.json:
            write_line(
                json_line(
                    {
                        "type": "epoch",
                        "epoch": e.epoch,
                        "epochs": e.epochs,
                        "loss": e.loss,
                        "accuracy": e.accuracy,
                        "val_loss": e.val_loss,
                        "val_accuracy": e.val_accuracy,
                        "seconds": round(e.seconds, 4),
                        "samples_per_second": round(e.samples_per_second, 1),
                    }
                )
            )
            return
        val = f" - val_loss {_fmt(e.val_loss)} - val_accuracy {_fmt(e.val_accuracy)}" if e.val_loss is not None else ""
        line = (
            f"Epoch {e.epoch}/{e.epochs} - {e.seconds:.1f}s - {e.samples_per_second:,.0f} samples/s"
            f" - loss {e.loss:.4f} - accuracy {e.accuracy:.4f}{val}"
        )
        if self.progress is not None and self.epoch_task is not None:
            self.progress.console.print(line)
            self.progress.update(self.epoch_task, completed=e.epoch)
        else:
            self.console.print(line, soft_wrap=True)


def final_reason(reason: str, *, interrupted: bool, test_loss: float | None, weights_finite: bool) -> str:
    """The honest reason a run ended, from the trainer's reason and what happened after it.

    - weights or a test loss that are NaN/inf (the last batch can turn the
      weights NaN after its loss was checked): ``"nan"``, never "completed";
    - a Ctrl-C that arrived during the final evaluation: ``"cancelled"``.
    """
    if reason == "completed" and (not weights_finite or (test_loss is not None and not math.isfinite(test_loss))):
        return "nan"
    if reason == "completed" and interrupted:
        return "cancelled"
    return reason


def _weights_finite(model: Any) -> bool:
    import numpy as np

    return all(bool(np.isfinite(w).all()) for w in model.get_weights())


def load_data_arg(args: argparse.Namespace) -> tuple[MnistData, ImageSet | None]:
    """``--data PATH`` (another image set, with ``--classes``) or ``--dataset`` (MNIST); raises DataError."""
    if getattr(args, "data", None) is None:
        if getattr(args, "classes", None) is not None:
            raise DataError("--classes names the classes of --data: give --data PATH too.")
        return load_training_data(args.dataset, args.limit, args.test_limit), None
    from ..data.image_sets import load_image_set, named_image_set
    from .download import download_named_set

    images = named_image_set(args.data, args.classes, download_named_set) or load_image_set(args.data, args.classes)
    return images.data.limited(args.limit, args.test_limit), images


def _spec_file(path: str) -> ModelSpec:
    """The ModelSpec in ``path`` (``train --spec``), checked to train on MNIST; ValueError says why not."""
    from ..architect.spec_file import read_trainable_spec

    return read_trainable_spec(path)


def run_train(args: argparse.Namespace, cancel: threading.Event | None = None) -> int:
    """Train as the arguments say; returns the process exit code.

    ``cancel`` (a fresh event by default) is set by Ctrl-C; a test may pass one already set.
    """
    console = output_console(highlight=False)
    save_path = None
    if args.save is not None:
        try:
            save_path = check_save_path(args.save)
        except ValueError as exc:
            return _fail(str(exc))
    try:
        data, images = load_data_arg(args)
    except DataError as exc:
        return _fail(str(exc))
    if data.skipped:
        print(f"{PROG}: {visible(data.skipped)}", file=sys.stderr)

    from ..core import mnist_convnet

    try:
        spec = None if getattr(args, "spec", None) is None else _spec_file(args.spec)
        if images is not None:
            from ..data.image_sets import model_for

            spec = model_for(images, args.dropout, spec)
        spec = spec or mnist_convnet(args.dropout)
    except ValueError as exc:
        return _fail(str(exc))

    try:
        config = config_from_args(args)
        check_split(len(data.x_train), args.validation_split)
    except ValueError as exc:
        return _fail(str(exc))

    try:
        if not args.json:
            console.print(f"Dataset: {visible(data.description)}", soft_wrap=True, markup=False)
        if console.is_interactive and not args.json:
            with console.status("Loading TensorFlow…"):
                from . import trainer
        else:
            from . import trainer
    except OSError as exc:
        return _output_failed(os_reason(exc))
    cancel = cancel or threading.Event()
    phase = Phase()
    reporter = _Reporter(args.json, console, cancel, phase)
    reporter.labels = labels_of(data)
    started = time.perf_counter()
    reporter.start()
    try:
        with _sigint_cancels(cancel, phase):
            result = trainer.train(spec, data, config, reporter, cancel)
    finally:
        reporter.stop()
    total_seconds = time.perf_counter() - started
    if reporter.output_error:
        return _output_failed(reporter.output_error)

    ev = result.evaluation
    weights_finite = _weights_finite(result.model)
    reason = final_reason(
        result.reason,
        interrupted=cancel.is_set(),
        test_loss=None if ev is None else ev.loss,
        weights_finite=weights_finite,
    )
    message = result.message
    if reason == "nan" and result.reason == "completed":
        message = (
            "The weights became NaN or infinite in the last batch"
            f"{'' if ev is None else f' (test loss {ev.loss})'}: the model is not usable."
        )
    elif reason == "cancelled" and result.reason == "completed":
        message = "Interrupted during the final evaluation (every epoch was trained; the test results are complete)."

    saved, save_error = None, ""
    if save_path is not None and reason == "completed":
        from .model import ModelFileError, save_model_atomic

        try:
            saved = str(save_model_atomic(result.model, save_path, () if images is None else images.class_names))
        except ModelFileError as exc:
            save_error = str(exc)
        except OSError as exc:
            save_error = f"{save_path}: {os_reason(exc)}"

    summary: dict[str, Any] = {
        "type": "result",
        "reason": reason,
        "message": message,
        "dataset": data.description,
        "dataset_source": data.source,
        "dataset_skipped": data.skipped or None,
        "train_samples": result.train_samples,
        "val_samples": result.val_samples,
        "test_samples": len(data.x_test),
        "epochs": config.epochs,
        "epochs_completed": len(result.history),
        "batch_size": config.batch_size,
        "optimizer": config.optimizer,
        "learning_rate": config.learning_rate
        if config.learning_rate is not None
        else DEFAULT_LEARNING_RATES[config.optimizer],
        "validation_split": config.validation_split,
        "dropout": args.dropout,
        "seed": config.seed,
        "seconds": round(result.seconds, 4),
        "total_seconds": round(total_seconds, 4),
        "samples_per_second": round(result.samples_per_second, 1),
        "test_loss": None if ev is None else ev.loss,
        "test_accuracy": None if ev is None else ev.accuracy,
        "saved": saved,
        "save_error": save_error or None,
    }
    if images is not None:  # another image set: its class names in the record, in label order
        summary["class_names"] = list(images.class_names)
    if ev is not None:
        d = ev.to_dict()
        summary.update(
            per_class_accuracy=d["per_class_accuracy"],
            confusion_matrix=d["confusion_matrix"],
            misclassified=d["misclassified"],
        )
    try:
        _print_results(args.json, console, summary, result, ev, saved, reporter.labels)
    except (OutputClosed, OSError) as exc:
        return _output_failed(exc.reason if isinstance(exc, OutputClosed) else os_reason(exc))

    # The results are out: now the failures.
    if save_error:
        return _fail(f"could not save the model: {save_error}", EXIT_FAILED)
    if reason == "nan":
        note = " The model was not saved." if save_path is not None else ""
        print(f"{PROG}: {message}{note}", file=sys.stderr)
        return EXIT_FAILED
    if reason == "cancelled":
        note = " The model was not saved." if save_path is not None else ""
        print(f"{PROG}: {message}{note}", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK


def _print_results(
    json_mode: bool,
    console: Console,
    summary: dict[str, Any],
    result: Any,
    ev: Any,
    saved: str | None,
    labels: ClassLabels = MNIST_LABELS,
) -> None:
    if json_mode:
        write_line(json_line(summary))
        return
    if ev is not None:
        from rich.markup import escape

        console.print(
            labels.say(
                f"[bold]Test accuracy {ev.accuracy:.4f}[/] - test loss {ev.loss:.4f} on {ev.samples:,} test digits "
            )
            + f"({ev.misclassified:,} misclassified)",
            soft_wrap=True,
        )
        from ..model.summary import confusion_table

        console.print(confusion_table(ev.confusion, () if labels.mnist else labels.names))
        console.print(
            labels.say(f"Trained {result.train_samples:,} digits x {len(result.history)} epoch(s) in ")
            + f"{result.seconds:.1f}s ({result.samples_per_second:,.0f} samples/s)",
            soft_wrap=True,
        )
        if saved:
            console.print(f"Saved the model to {escape(visible(saved))}", soft_wrap=True)
    elif saved:
        console.print(f"Saved the model to {visible(saved)}", soft_wrap=True, markup=False)
    console.file.flush()


def _output_failed(reason: str) -> int:
    silence_stdout()
    return _fail(f"cannot write the output ({reason}); the run was stopped", EXIT_FAILED)
