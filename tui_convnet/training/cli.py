"""``convnet-tui train``: train the lecture's ConvNet without the TUI.

On a terminal: Rich progress bars (epochs and batches, samples/s, ETA) and
one line per epoch.  With ``--json``: one JSON object per line per epoch and
a final object with the test results.  Ctrl-C stops at the end of the
current batch (a second Ctrl-C stops at once).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..data import DataError
from .download import load_training_data
from .events import DEFAULT_LEARNING_RATES

PROG = "convnet-tui train"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


def check_save_path(path: str) -> Path:
    """Refuse a ``--save`` path *before* training (a bad path must not waste minutes)."""
    p = Path(path).expanduser()
    if p.suffix != ".keras":
        raise ValueError(f"--save needs a file name ending in .keras. Received: --save={path!r}")
    if p.is_dir():
        raise ValueError(f"--save names a folder, not a file. Received: --save={path!r}")
    if not p.parent.is_dir():
        raise ValueError(f"The folder for --save does not exist: {p.parent}. Received: --save={path!r}")
    if not os.access(p.parent, os.W_OK):
        raise ValueError(f"The folder for --save is not writable: {p.parent}. Received: --save={path!r}")
    return p


@contextlib.contextmanager
def _sigint_cancels(cancel: threading.Event) -> Iterator[None]:
    """First Ctrl-C: stop at the end of the batch. Second: KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        print(f"\n{PROG}: stopping at the end of this batch (Ctrl-C again to stop now)", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


class _Reporter:
    """Turns training events into JSON lines, plain lines, or Rich progress bars."""

    def __init__(self, args: argparse.Namespace, console: Console) -> None:
        self.json = args.json
        self.console = console
        self.rich = not args.json and console.is_terminal
        self.progress: Progress | None = None
        self.epoch_task = self.batch_task = None

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
            self.progress.stop()
            self.progress = None

    def __call__(self, event: Any) -> None:
        from .events import BatchEnd, EpochBegin, EpochEnd, EvaluationBegin, TrainBegin

        if isinstance(event, BatchEnd):
            if self.progress is not None:
                self.progress.update(
                    self.batch_task,
                    completed=event.batch,
                    rate=f"{event.samples_per_second:,.0f} samples/s",
                    metrics=f"loss {event.loss:.4f} acc {event.accuracy:.4f}",
                )
        elif isinstance(event, EpochBegin):
            if self.progress is not None:
                self.progress.reset(
                    self.batch_task, description=f"Epoch {event.epoch}/{event.epochs}", rate="", metrics=""
                )
        elif isinstance(event, EpochEnd):
            self._epoch_end(event)
        elif isinstance(event, TrainBegin):
            if self.progress is not None:
                self.epoch_task = self.progress.add_task("Training", total=event.epochs, rate="", metrics="")
                self.batch_task = self.progress.add_task("Epoch 1", total=event.steps_per_epoch, rate="", metrics="")
        elif isinstance(event, EvaluationBegin) and not self.json:
            self.stop()
            self.console.print(f"Evaluating on {event.test_samples:,} test digits…")

    def _epoch_end(self, e: Any) -> None:
        if self.json:
            print(
                json.dumps(
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
                ),
                flush=True,
            )
            return
        val = f" - val_loss {_fmt(e.val_loss)} - val_accuracy {_fmt(e.val_accuracy)}" if e.val_loss is not None else ""
        line = (
            f"Epoch {e.epoch}/{e.epochs} - {e.seconds:.1f}s - {e.samples_per_second:,.0f} samples/s"
            f" - loss {e.loss:.4f} - accuracy {e.accuracy:.4f}{val}"
        )
        if self.progress is not None:
            self.progress.console.print(line)
            self.progress.update(self.epoch_task, completed=e.epoch)
        else:
            self.console.print(line, soft_wrap=True)


def run_train(args: argparse.Namespace) -> int:
    """Train as the arguments say; returns the process exit code."""
    console = Console(highlight=False)
    if args.save:
        try:
            save_path = check_save_path(args.save)
        except ValueError as exc:
            return _fail(str(exc))
    try:
        # Keras prints "Downloading data from …" to stdout: keep stdout JSON-only with --json.
        with contextlib.redirect_stdout(sys.stderr) if args.json else contextlib.nullcontext():
            data = load_training_data(args.dataset, args.limit, args.test_limit)
    except DataError as exc:
        return _fail(str(exc))

    from ..core import mnist_convnet

    try:
        spec = mnist_convnet(args.dropout)
    except ValueError as exc:
        return _fail(str(exc))

    if data.skipped:
        print(f"{PROG}: {data.skipped}", file=sys.stderr)
    if not args.json:
        console.print(f"Dataset: {data.description}", soft_wrap=True)
    if console.is_terminal and not args.json:
        with console.status("Loading TensorFlow…"):
            from . import trainer
    else:
        from . import trainer
    try:
        config = trainer.TrainConfig(
            epochs=args.epochs,
            batch_size=args.batch_size,
            optimizer=args.optimizer,
            learning_rate=args.learning_rate,
            validation_split=args.validation_split,
            seed=args.seed,
        )
        trainer.check_split(len(data.x_train), args.validation_split)
    except ValueError as exc:
        return _fail(str(exc))

    cancel = threading.Event()
    reporter = _Reporter(args, console)
    started = time.perf_counter()
    reporter.start()
    try:
        with _sigint_cancels(cancel):
            result = trainer.train(spec, data, config, reporter, cancel)
    finally:
        reporter.stop()
    total_seconds = time.perf_counter() - started

    saved = None
    if args.save and result.reason == "completed":
        from .model import ModelFileError, save_model_atomic

        try:
            saved = str(save_model_atomic(result.model, save_path))
        except (ModelFileError, OSError) as exc:
            return _fail(f"could not save the model: {exc}", EXIT_FAILED)

    ev = result.evaluation
    summary = {
        "type": "result",
        "reason": result.reason,
        "message": result.message,
        "dataset": data.description,
        "dataset_source": data.source,
        "train_samples": result.train_samples,
        "val_samples": result.val_samples,
        "test_samples": len(data.x_test),
        "epochs": len(result.history),
        "batch_size": config.batch_size,
        "optimizer": config.optimizer,
        "learning_rate": config.learning_rate
        if config.learning_rate is not None
        else DEFAULT_LEARNING_RATES[config.optimizer],
        "dropout": args.dropout,
        "seed": config.seed,
        "seconds": round(result.seconds, 4),
        "total_seconds": round(total_seconds, 4),
        "samples_per_second": round(result.samples_per_second, 1),
        "test_loss": None if ev is None else ev.loss,
        "test_accuracy": None if ev is None else ev.accuracy,
        "saved": saved,
    }
    if ev is not None:
        d = ev.to_dict()
        summary.update(
            per_class_accuracy=d["per_class_accuracy"],
            confusion_matrix=d["confusion_matrix"],
            misclassified=d["misclassified"],
        )
    if args.json:
        print(json.dumps(summary), flush=True)
    else:
        if ev is not None:
            console.print(
                f"[bold]Test accuracy {ev.accuracy:.4f}[/] - test loss {ev.loss:.4f} on {ev.samples:,} test digits "
                f"({ev.misclassified:,} misclassified)",
                soft_wrap=True,
            )
            from ..summary import confusion_table

            console.print(confusion_table(ev.confusion))
            console.print(
                f"Trained {result.train_samples:,} digits x {len(result.history)} epoch(s) in "
                f"{result.seconds:.1f}s ({result.samples_per_second:,.0f} samples/s)",
                soft_wrap=True,
            )
        if saved:
            console.print(f"Saved the model to {saved}", soft_wrap=True)
    if result.reason == "nan":
        print(f"{PROG}: {result.message}", file=sys.stderr)
        return EXIT_FAILED
    if result.reason == "cancelled":
        note = " The model was not saved." if args.save else ""
        print(f"{PROG}: {result.message}{note}", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK
