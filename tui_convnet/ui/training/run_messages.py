"""The training screen's half that follows the worker: its thread workers and a run's messages (progress, end, queue).

:class:`RunMessages` is the base of :class:`~tui_convnet.ui.training.screen.TrainingScreen`: it starts the thread
workers (:mod:`.workers`, which only post messages) and turns a run's messages (:mod:`.messages`) into the
progress, the curves, the end of the run and the model it leaves. The screen composes, binds the keys, reads the
form, and keeps and offers the model (:meth:`_keep_model`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.text import Text
from textual.reactive import reactive

from ...training.slots import ordinal
from ..common.mode_screen import ModeScreen
from . import messages, workers
from .run_state import FINISHED, RunTracker

if TYPE_CHECKING:
    from ...data.mnist import MnistData
    from ...training.evaluate import Evaluation
    from ...training.protocol import ModelRef, TrainDone
    from .form import TrainSettings
    from .results import ResultsPane
    from .run_view import RunView

__all__ = ["RunMessages"]


class RunMessages(ModeScreen):
    """The training screen's workers and a run's messages; the screen itself sets the attributes below."""

    #: "loading" (data/TensorFlow) → "ready" → "training" → "ready" (results shown) …
    phase: reactive[str] = reactive("loading", init=False)
    #: True once TensorFlow is imported (the Start button waits for it).
    tf_ready: reactive[bool] = reactive(False, init=False)
    #: Whether the settings panel is shown (h toggles it).
    show_side: reactive[bool] = reactive(True, init=False)

    #: The runs of this screen: their number, their curves, events → progress (pure).
    runs: RunTracker
    #: The last trained (also cancelled) or loaded model (a ModelRef of the worker), and its name.
    model: ModelRef | None
    model_source: str
    #: The TrainDone of the last run (completed or not).
    last_result: TrainDone | None
    #: The model shown (a run's) has not been saved since it was made.
    _unsaved: bool
    #: The settings panel was hidden by the start of a run (a narrow terminal), not by h.
    _side_auto_hidden: bool
    _cancel: threading.Event
    _run_view: RunView
    _results: ResultsPane

    def _keep_model(self, model: ModelRef, evaluation: Evaluation, data: MnistData, label: str, *, offer: bool) -> None:
        """The model of a run (or a file) becomes the one shown; the screen does it."""
        raise NotImplementedError

    # ------------------------------------------------------------------ workers (they only post messages)

    def _in_thread(self, group: str, work: Callable[..., None], *args: Any) -> None:
        """Run ``work(self.post_message, *args)`` in a thread worker (one at a time per ``group``)."""
        name = work.__name__
        self.run_worker(partial(work, self.post_message, *args), name, group, name, exclusive=True, thread=True)

    def _train(self, settings: TrainSettings, data: MnistData, cancel: threading.Event) -> None:
        self._in_thread("train", workers.train, settings, data, cancel)

    # ------------------------------------------------------------------ a run's progress

    def _progress(self, **changes: Any) -> None:
        self._run_view.show(**changes)

    def _reset_progress(self, settings: TrainSettings) -> None:
        """A new run starts blank: no curve, no running numbers of the run before."""
        line = self.runs.reset(settings)
        self._run_view.reset(self.runs.epochs, line)

    def on_training_events(self, message: messages.TrainingEvents) -> None:
        """Apply a bundle of events: the plots and the progress repaint once per bundle."""
        cancelling = self._cancel.is_set() and self.phase == "training"
        self._run_view.apply(self.runs.apply(message.events, self._run_view.state, cancelling=cancelling))

    def on_training_finished(self, message: messages.TrainingFinished) -> None:
        result = self.last_result = message.result
        self._progress(
            status=result.message,
            samples_per_second=result.samples_per_second,
            finished=FINISHED[result.reason],
            error=result.reason == "nan",
        )
        line = self.runs.finished_line(result.reason, result.message, result.evaluation)
        self._run_view.write_line(line)
        label = self.runs.label(result.reason, result.stopped_at)
        if result.reason == "completed" and result.evaluation is not None:  # a completed run is evaluated
            self._keep_model(result.model, result.evaluation, message.data, label, offer=True)
            self._unsaved = True
        elif result.reason == "nan":
            self.notify(escape(result.message), title="Loss became NaN", severity="error", timeout=10)
        else:
            # The partly trained model is the student's work: keep it, evaluate it, show it, let it be saved; it is
            # never offered to the other screens (they keep their model).
            self.model, self.model_source = result.model, label
            self._unsaved = True
            self._results.headline(Text(f"Evaluating {label} on the test set…", style="italic"))
            self._in_thread("evaluate", workers.evaluate, result.model, message.data, label)
        self._end_of_run(result.reason == "completed")

    def _end_of_run(self, completed: bool = False) -> None:
        self.phase = "ready"
        if self.focused is not None and self.focused.id == "cancel":
            self.set_focus(None)
        # A narrow terminal keeps the room for the results; after a cancel or a NaN the form comes back.
        if self._side_auto_hidden and not completed:
            self.show_side, self._side_auto_hidden = True, False

    def on_training_queued(self, message: messages.TrainingQueued) -> None:
        at_once = "1 model at a time" if message.limit == 1 else f"{message.limit} models at once"
        self._progress(
            status=f"Waiting for a training slot: {ordinal(message.place)} in line (this server trains {at_once}). "
            "The run starts by itself; c cancels."
        )

    def on_not_started(self, message: messages.NotStarted) -> None:
        self._progress(status=message.text, finished="cancelled")
        self._end_of_run()

    def on_training_failed(self, message: messages.TrainingFailed) -> None:
        self._progress(status=f"Training failed: {message.error}", finished="failed", error=True)
        self._run_view.write_line(Text(f"Training failed: {message.error}", style="red"))
        self.notify(escape(message.error), title="Training failed", severity="error", timeout=10)
        self._end_of_run()

    def on_run_evaluated(self, message: messages.RunEvaluated) -> None:
        if message.model is self.model:  # not replaced by a newer run or a loaded file meanwhile
            self._keep_model(message.model, message.evaluation, message.data, message.label, offer=False)
