"""Train the lecture's ConvNet on MNIST, live: settings, progress, curves, results.

The data load in a thread worker when the screen opens, while TensorFlow starts in
the worker process (:mod:`tui_convnet.training.worker_client`; this process never
imports it). Training runs there; a thread worker waits for it and posts its
events as messages, bundled so the screen redraws a few times per second at most.
After training (or loading a ``.keras`` file) the screen shows the test results
and offers the model (u posts :class:`~tui_convnet.ui.common.messages.ModelReady`; the
other screens keep theirs until then). A cancelled run keeps its model: it is
evaluated, can be saved, and is named ("run 2, cancelled at epoch 2, batch
107"), but never offered.  Text that comes from the user (paths,
typed values, error messages quoting them) is shown literally, never parsed
as markup; a worker's unexpected error becomes a message on screen.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    Select,
    Static,
    Switch,
    TabbedContent,
    TabPane,
)
from textual.worker import get_current_worker

from ...core import ModelSpec, mnist_convnet, numbers
from ...training.curves import SMOOTHING_BATCHES, TrailingMean
from ...training.events import (
    DEFAULT_LEARNING_RATES,
    OPTIMIZERS,
    BatchEnd,
    EpochBegin,
    EpochEnd,
    EvaluationBegin,
    TrainBegin,
    TrainConfig,
    TrainEnd,
    TrainEvent,
)
from ...training.presets import PRESETS, preset
from ...training.slots import Slots, ordinal
from ...visible import visible
from ..common.footer import KeysFooter
from ..common.messages import ModelReady, describe_source
from ..common.plot import LinePlot, Series
from .form import DROPOUT_RATE, FIELDS, TrainSettings, parse_settings
from .messages import (
    ConfirmQuit,
    DataLoaded,
    FileDone,
    ModelLoaded,
    NotStarted,
    PrepareFailed,
    RunEvaluated,
    TensorFlowReady,
    TrainingEvents,
    TrainingFailed,
    TrainingFinished,
    TrainingQueued,
)
from .progress import EpochLog, ProgressState, TrainingProgress
from .results import ConfusionTable, DigitGallery

if TYPE_CHECKING:
    from ...data import MnistData

STYLES = Path(__file__).resolve().parent  # the .tcss files sit beside their screen

#: Seconds between two progress messages from the training thread (the redraw rate).
REDRAW_INTERVAL = 0.5
#: Seconds between two redraws of the plots (they get every batch's point; at an epoch's end they redraw at once).
PLOT_INTERVAL = 1.5
#: The loss plot's axis stops here (a diverging run would flatten everything else; ln 10 ≈ 2.3 at the start).
LOSS_CAP = 5.0
DEFAULT_MODEL_PATH = "mnist_convnet.keras"
#: The form starts with the shared defaults (the CLI's too).
DEFAULTS = TrainConfig()


class TrainingSide(VerticalScroll, can_focus=False):
    """The settings panel (the mouse wheel scrolls it; Tab goes straight to its fields)."""


class TrainingScreen(Screen[None]):
    """Train the lecture's ConvNet on MNIST with live progress; save and load models."""

    CSS_PATH = [STYLES / "training.tcss"]
    #: Nothing is focused at first: the keys do what the footer says until a field is chosen.
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("s", "start", "Start", tooltip="Start training with the settings on the left"),
        Binding("c", "cancel", "Cancel", tooltip="Stop training at the end of the current batch"),
        Binding(
            "escape",
            "cancel",
            "Cancel",
            show=False,
            tooltip="Stop training at the end of the batch, or leave a text field",
        ),
        Binding("w", "save", "Save", tooltip="Save the model to the .keras file named on the left"),
        Binding("l", "load", "Load", tooltip="Load the .keras model named on the left and evaluate it"),
        Binding(
            "u",
            "use_model",
            "Use model",
            show=False,  # the Use button and the Results tab say it (the footer has no room left)
            tooltip="Use the model shown in Results on every screen (until then they keep the bundled model)",
        ),
        Binding("n", "gallery(1)", "Digits", key_display="n/p", tooltip="Next page of test digits"),
        Binding("p", "gallery(-1)", "Previous digits", show=False, tooltip="Previous page of test digits"),
        Binding("h", "toggle_side", "Panel", tooltip="Hide or show the settings panel (more room for the tabs)"),
        Binding("a", "all_digits", "All digits", show=False, tooltip="Show every test digit (undo a confusion cell)"),
        Binding("q", "request_quit", "Quit", tooltip="Quit (asks first while a model trains)"),
    ]
    #: Below 110 columns the settings panel narrows, and hides itself while the model trains.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    HELP = """\
## Train the lecture's ConvNet

The model is the lecture's Keras ConvNet — Conv2D 32/64/64 (3×3, ReLU), MaxPooling 2×2, Dense 64 ReLU,
Dense 10 softmax — compiled with rmsprop, categorical cross-entropy and accuracy. The digits are
scaled to [0, 1] and the labels one-hot, as in the lecture.

1. Check the settings on the left. The **Model** tab shows every layer's output shape and parameter
   count with the arithmetic. *Dropout 0.5* inserts `Dropout(0.5)` before the last Dense layer (the
   lecture's last slide). The validation split is cut from the shuffled training digits.
2. Press **s** to start. The **Training** tab shows the epoch and batch bars with samples per second
   and the time left, the loss and accuracy curves (training per batch, validation per epoch) and one
   line per epoch. **c** (or Esc) stops at the end of the current batch; a NaN loss stops by itself.
3. When training ends, **Results** shows the test loss and accuracy, the confusion matrix with each
   digit's accuracy, and test digits with predicted and true labels, mistakes first (**n**/**p**).
   Press **u** to use the model on every screen (until then they keep the bundled model; a cancelled
   run is never offered), then **i** to look inside it. Ctrl+P, *Use the bundled model* goes back.

**w** saves the model to the `.keras` file named on the left (written atomically); **l** loads one.
Full MNIST (60,000 training digits) is used when it is in the Keras cache, else the bundled sample.
TensorFlow runs in a process of its own, so the keys never wait for it.
"""

    #: "loading" (data/TensorFlow) → "ready" → "training" → "ready" (results shown) …
    phase: reactive[str] = reactive("loading", init=False)
    #: True once TensorFlow is imported (the Start button waits for it).
    tf_ready: reactive[bool] = reactive(False, init=False)
    #: Whether the settings panel is shown (h toggles it).
    show_side: reactive[bool] = reactive(True, init=False)

    def __init__(self) -> None:
        super().__init__()
        self.data: Any = None  # MnistData (full, before limits)
        self.model: Any = None  # the last trained (also cancelled) or loaded keras model
        self.model_source = ""  # which run or file the model, the results and the inspect screen show
        self.last_result: Any = None  # the TrainResult of the last run (completed or not)
        self.evaluation: Any = None  # the Evaluation the Results tab shows
        self._results_data: Any = None
        self._cancel = threading.Event()
        self._run = 0  # runs started on this screen (run 1, run 2 …)
        self._train_samples = 0
        self._epochs = 1
        smooth = f"per batch, mean of {SMOOTHING_BATCHES}"
        self._loss_series = [
            Series(f"train loss ({smooth})", "dodger_blue1"),
            Series("val loss", "orange1", marker=True),
        ]
        self._acc_series = [Series(f"train acc ({smooth})", "green3"), Series("val acc", "orange1", marker=True)]
        self._loss_smooth, self._acc_smooth = TrailingMean(), TrailingMean()
        self._plots_drawn = 0.0
        self._side_auto_hidden = False
        #: The model the Results tab offers to the other screens (u), with its data and name; None: nothing offered.
        self._offer: tuple[Any, Any, str] | None = None
        #: The model shown (a run's) has not been saved since it was made.
        self._unsaved = False

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="training-main"):
            with TrainingSide(id="training-side"):
                yield Static("Loading MNIST…", id="data-source")
                yield Static("TensorFlow: loading…", id="tf-status", classes="-busy")
                yield Label("Settings", classes="section-title")
                with Grid(id="settings"):
                    yield Label("Preset")
                    yield Select(
                        [(p.label, p.key) for p in PRESETS],
                        value=PRESETS[0].key,
                        allow_blank=False,
                        id="preset",
                        compact=True,
                        tooltip="\n".join(f"{p.label}: {p.description}" for p in PRESETS),
                    )
                    yield Label("Epochs")
                    yield Input(str(DEFAULTS.epochs), id="epochs", compact=True)
                    yield Label("Batch size")
                    yield Input(str(DEFAULTS.batch_size), id="batch-size", compact=True)
                    yield Label("Optimizer")
                    yield Select(
                        [(o, o) for o in OPTIMIZERS],
                        value=DEFAULTS.optimizer,
                        allow_blank=False,
                        id="optimizer",
                        compact=True,
                    )
                    yield Label("Learning rate")
                    yield Input("", id="learning-rate", placeholder="default 0.001", compact=True)
                    yield Label(f"Dropout {DROPOUT_RATE}")
                    yield Switch(False, id="dropout")
                    yield Label("Validation split")
                    yield Input(f"{DEFAULTS.validation_split:g}", id="validation-split", compact=True)
                    yield Label("Seed")
                    yield Input(str(DEFAULTS.seed), id="seed", compact=True)
                    yield Label("Training digits")
                    yield Input("", id="train-limit", placeholder="all", compact=True)
                    yield Label("Test digits")
                    yield Input("", id="test-limit", placeholder="all", compact=True)
                yield Static("", id="settings-errors")
                with Horizontal(classes="buttons"):
                    yield Button("Start  s", id="start", variant="success", disabled=True, compact=True)
                    yield Button("Cancel  c", id="cancel", variant="error", disabled=True, compact=True)
                yield Label("Model file (.keras)", classes="section-title")
                yield Input(DEFAULT_MODEL_PATH, id="model-path", compact=True)
                with Horizontal(classes="buttons"):
                    yield Button("Save  w", id="save", disabled=True, compact=True)
                    yield Button("Load  l", id="load", disabled=True, compact=True)
                yield Static("", id="file-status")
            with TabbedContent(id="training-tabs", initial="tab-model"):
                with TabPane("Model", id="tab-model"), VerticalScroll():
                    yield Static("", id="model-summary")
                with TabPane("Training", id="tab-progress"), Vertical(id="progress-pane"):
                    yield TrainingProgress(id="progress")
                    with Horizontal(id="plots"):
                        with Vertical(classes="plot-box"):
                            yield Static("", id="loss-legend", classes="legend")
                            yield LinePlot(self._loss_series, y_cap=LOSS_CAP, id="loss-plot")
                        with Vertical(classes="plot-box"):
                            yield Static("", id="acc-legend", classes="legend")
                            yield LinePlot(self._acc_series, y_range=(0.0, 1.0), id="acc-plot")
                    yield EpochLog(id="epoch-log")
                with TabPane("Results", id="tab-results"), VerticalScroll(id="results-pane"):
                    yield Static("No results yet: train the model or load a saved one.", id="results-headline")
                    yield Button("Use this model on every screen  u", id="use", disabled=True, compact=True)
                    yield Static("", id="confusion-title")
                    yield ConfusionTable(id="confusion")
                    yield DigitGallery(id="gallery")
        yield KeysFooter()

    def on_mount(self) -> None:
        # Updated several times a second while training: looked up once.
        self._progress_widget = self.query_one(TrainingProgress)
        self._loss_plot = self.query_one("#loss-plot", LinePlot)
        self._acc_plot = self.query_one("#acc-plot", LinePlot)
        self.query_one("#loss-legend", Static).update(self.query_one("#loss-plot", LinePlot).legend())
        self.query_one("#acc-legend", Static).update(self.query_one("#acc-plot", LinePlot).legend())
        self.query_one("#training-side").border_title = "Train the lecture's ConvNet"
        self._show_summary()
        self._prepare()

    def on_unmount(self) -> None:
        if self.phase == "training":  # never leave a run going behind a closed screen
            from ...training.worker_client import shared_client

            self._cancel.set()
            shared_client().cancel()

    # ------------------------------------------------------------------ loading (worker)

    @work(thread=True, exclusive=True, group="prepare")
    def _prepare(self) -> None:
        from ...data import DataError, load_mnist
        from ...training.worker_client import WorkerError, shared_client

        client = shared_client()
        with contextlib.suppress(WorkerError):  # (a worker that cannot start says so below, once)
            client.warm_up()  # TensorFlow starts loading in the worker process while the data loads here
        try:
            data = load_mnist("auto", download=False)  # full MNIST if cached, else the bundled sample
        except DataError as exc:
            self.post_message(PrepareFailed(str(exc)))
            return
        except Exception as exc:  # a damaged cache can raise anything: a message, never a dead app
            self.post_message(PrepareFailed(f"The MNIST data could not be read: {type(exc).__name__}: {exc}"))
            return
        self.post_message(DataLoaded(data))
        try:
            ready = client.wait_ready()
        except WorkerError as exc:  # TensorFlow missing or broken: one line, the rest of the app works
            self.post_message(PrepareFailed(str(exc)))
            return
        self.post_message(TensorFlowReady(ready.seconds, ready.device))

    def on_data_loaded(self, message: DataLoaded) -> None:
        self.data = data = message.data
        kind = "full MNIST" if data.full else ("the bundled MNIST sample" if data.source == "sample" else "MNIST")
        text = Text.assemble(
            ("Data: ", "bold"),
            f"{kind}\n",
            (f"{len(data.x_train):,}", "bold"),
            " training · ",
            (f"{len(data.x_test):,}", "bold"),
            " test digits\n",
            (Path(data.location).name, "dim"),
        )
        if data.source == "sample":
            text.append_text(
                Text.from_markup(
                    "\n[dim]Full MNIST (60,000 digits, ~99% accuracy) is used when it is in the Keras "
                    "cache: [i]convnet-tui train --dataset keras[/i] downloads it.[/dim]"
                )
            )
        if data.skipped:  # a full-MNIST cache that was found but could not be used says why
            text.append_text(Text(f"\n{data.skipped}", style="bold"))
        self.query_one("#data-source", Static).update(text)
        self.query_one("#train-limit", Input).placeholder = f"all {len(data.x_train):,}"
        self.query_one("#test-limit", Input).placeholder = f"all {len(data.x_test):,}"

    def on_tensor_flow_ready(self, message: TensorFlowReady) -> None:
        status = self.query_one("#tf-status", Static)
        device = f" · {message.device}" if message.device else ""
        status.update(Text(f"TensorFlow: ready in {message.seconds:.1f} s{device}"))
        status.tooltip = "TensorFlow and Keras run in a worker process of their own: the interface never waits for them"
        status.remove_class("-busy")
        self.tf_ready = True
        if self.phase == "loading":
            self.phase = "ready"
        elif self.phase == "training" and self._progress_widget.state.batch == 0:
            self._progress(status="TensorFlow is ready: building the model…")

    def on_prepare_failed(self, message: PrepareFailed) -> None:
        status = self.query_one("#tf-status", Static)
        status.update(Text.assemble(("Cannot train: ", "bold"), message.error))
        status.remove_class("-busy")
        status.add_class("-error")
        self.notify(escape(message.error), title="Training unavailable", severity="error", timeout=10)

    # ------------------------------------------------------------------ state

    def watch_phase(self, phase: str) -> None:
        training = phase == "training"
        self.query_one("#start", Button).disabled = training or self.data is None
        self.query_one("#cancel", Button).disabled = not training
        self.query_one("#load", Button).disabled = training or self.data is None
        self.query_one("#save", Button).disabled = training or self.model is None
        self._show_use(not training and self._offer is not None)
        for widget in self.query("#settings Input, #settings Select, #settings Switch"):
            widget.disabled = training
        if training and self.focused is not None and self.focused.disabled:
            self.set_focus(None)

    def watch_show_side(self, show: bool) -> None:
        self.set_class(not show, "-no-side")

    def action_toggle_side(self) -> None:
        self._side_auto_hidden = False
        self.show_side = not self.show_side

    def _form_values(self) -> dict[str, str]:
        return {fid: self.query_one(f"#{fid}", Input).value for fid in FIELDS}

    def read_settings(self, *, show: bool = True) -> TrainSettings | None:
        optimizer = self.query_one("#optimizer", Select).value
        dropout = self.query_one("#dropout", Switch).value
        n = None if self.data is None else len(self.data.x_train)
        settings, errors = parse_settings(self._form_values(), str(optimizer), bool(dropout), n)
        if show:
            for fid in FIELDS:
                self.query_one(f"#{fid}", Input).set_class(fid in errors, "-invalid")
            self.query_one("#settings-errors", Static).update(Text("\n".join(errors.values())))
        return settings

    @on(Input.Changed, "#settings Input")
    def _settings_changed(self, event: Input.Changed) -> None:
        self.read_settings()

    @on(Select.Changed, "#preset")
    def _preset_changed(self, event: Select.Changed) -> None:
        chosen = preset(str(event.value))
        values = {
            "epochs": str(chosen.epochs),
            "train-limit": "" if chosen.train_limit is None else str(chosen.train_limit),
            "test-limit": "" if chosen.test_limit is None else str(chosen.test_limit),
        }
        for field_id, value in values.items():
            self.query_one(f"#{field_id}", Input).value = value

    @on(Select.Changed, "#optimizer")
    def _optimizer_changed(self, event: Select.Changed) -> None:
        self.query_one("#learning-rate", Input).placeholder = f"default {DEFAULT_LEARNING_RATES[str(event.value)]}"
        self.read_settings()

    @on(Switch.Changed, "#dropout")
    def _dropout_changed(self, event: Switch.Changed) -> None:
        if self.phase != "training" and self.model is None:
            self._show_summary()

    def _show_summary(self, spec: ModelSpec | None = None, note: str = "") -> None:
        from ...summary import FittedSummary

        if spec is None:
            spec = mnist_convnet(DROPOUT_RATE if self.query_one("#dropout", Switch).value else None)
            note = "The lecture's ConvNet, built in Keras from this spec when you press Start."
        self.query_one("#model-summary", Static).update(Group(Text(note, style="dim"), FittedSummary(spec)))

    # ------------------------------------------------------------------ actions

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        if self.phase == "training":
            return
        settings = self.read_settings()
        if settings is None:
            self.notify("Fix the settings first (see the messages under the form).", severity="error")
            return
        if self.data is None:
            self.notify("The digits are still loading; press Start again in a moment.", severity="warning")
            return
        data = self.data.limited(settings.train_limit, settings.test_limit)
        self._run += 1
        self._reset_progress(settings)
        self._cancel = threading.Event()
        self.phase = "training"
        self.query_one(TabbedContent).active = "tab-progress"
        if self.has_class("-narrow") and self.show_side:  # the curves need the room more than the form
            self.show_side, self._side_auto_hidden = False, True
        self._train(settings, data, self._cancel)
        if not self.tf_ready:  # the run waits in the worker for TensorFlow, then starts by itself
            from ...training.worker_client import shared_client

            self._progress(
                status=f"Starting when TensorFlow is ready, about {shared_client().seconds_left():.0f} s. "
                "Press c to cancel."
            )
        # Nothing focused while training: c cancels, and no text field takes the keys.
        self.set_focus(None)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        focused = self.focused
        if isinstance(focused, (Input, Select, Switch)) and self.phase != "training":
            self.set_focus(None)  # escape leaves a field: the keys are the screen's again
            return
        if self.phase != "training" or self._cancel.is_set():
            return
        self._cancel.set()
        from ...training.worker_client import shared_client

        shared_client().cancel()
        self._progress(status="Cancelling at the end of this batch…")

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self.phase == "training":
            return
        if self.model is None:
            self._file_status("There is no model to save yet: train one first (or load one).", ok=False)
            return
        path = self._model_path()
        if path:
            self._save(self.model, path)

    @on(Button.Pressed, "#load")
    def action_load(self) -> None:
        if self.phase == "training":
            return
        if self.data is None:
            self._file_status("The test digits are still loading…", ok=False)
            return
        path = self._model_path()
        if not path:
            return
        settings = self.read_settings(show=False)
        test_limit = settings.test_limit if settings else None
        self._file_status("Loading the model and evaluating it on the test set…", ok=True)
        self._load(path, self.data.limited(None, test_limit))

    def action_request_quit(self) -> None:
        if self.phase != "training":
            if self._unsaved and self.model is not None:
                self.app.push_screen(
                    ConfirmQuit(
                        f"The model of {self.model_source} is not saved (w saves it).",
                        "The model is lost.",
                        "stay",
                    ),
                    lambda quit_app: self.app.exit() if quit_app else None,
                )
                return
            self.app.exit()
            return
        state = self._progress_widget.state
        what = f"Run {self._run} is training (epoch {state.epoch} of {state.epochs})."

        def answered(quit_app: bool | None) -> None:
            if quit_app:
                self._cancel.set()
                from ...training.worker_client import shared_client

                shared_client().cancel()
                self.app.exit()

        self.app.push_screen(ConfirmQuit(what), answered)

    def action_all_digits(self) -> None:
        if self.evaluation is not None:
            self._show_gallery()

    @on(DataTable.CellSelected, "#confusion")
    def _confusion_cell(self, event: DataTable.CellSelected) -> None:
        true, predicted = event.coordinate.row, event.coordinate.column - 1
        if self.evaluation is None or not 0 <= predicted < 10:
            return  # the label column or the accuracy column: nothing to filter
        self._show_gallery(true, predicted)

    def _show_gallery(self, true: int | None = None, predicted: int | None = None) -> None:
        ev, gallery = self.evaluation, self.query_one(DigitGallery)
        if true is None or predicted is None:
            gallery.show(self._results_data.x_test, ev.labels, ev.predicted, ev.confidence, ev.order)
            return
        cell = ev.indices(true, predicted)
        title = f"true {true}, predicted {predicted}: {len(cell):,} digit{'s' if len(cell) != 1 else ''} (a: all)"
        gallery.show(self._results_data.x_test, ev.labels, ev.predicted, ev.confidence, cell, title=title)

    def _model_path(self) -> str:
        path = self.query_one("#model-path", Input).value.strip()
        if not path:
            self._file_status("Type the path of a .keras file first. Received: path=''", ok=False)
        return path

    @on(Input.Submitted, "#model-path")
    def _path_submitted(self) -> None:
        # Enter leaves the field for the button that fits; the button itself needs a second
        # Enter, so a typed path is never overwritten by accident.
        self.query_one("#load" if self.model is None else "#save", Button).focus()

    def action_gallery(self, delta: int) -> None:
        gallery = self.query_one(DigitGallery)
        if gallery.images is not None:
            gallery.turn(delta)
            self.query_one(TabbedContent).active = "tab-results"
            self.call_after_refresh(gallery.scroll_visible, top=True, animate=False)

    # ------------------------------------------------------------------ training (worker)

    @work(thread=True, exclusive=True, group="train")
    def _train(self, settings: TrainSettings, data: MnistData, cancel: threading.Event) -> None:
        from ...training.worker_client import WorkerError, shared_client

        worker = get_current_worker()
        client = shared_client()
        pending: list[TrainEvent] = []
        last_post = 0.0

        def on_event(event: Any) -> None:  # in the client's reader thread, as the worker process sends them
            nonlocal last_post
            if worker.is_cancelled and not cancel.is_set():  # the app is closing
                cancel.set()
                client.cancel()
            pending.append(event)
            now = time.monotonic()
            if not isinstance(event, BatchEnd) or now - last_post >= REDRAW_INTERVAL:
                self.post_message(TrainingEvents(tuple(pending)))
                pending.clear()
                last_post = now

        slots = Slots.from_environment()  # served (convnet-tui serve --max-training N): wait in line for a slot
        slot = None
        if slots is not None:

            def queued(place: int) -> None:
                self.post_message(TrainingQueued(place, slots.limit))

            slot = slots.acquire(queued, cancel.is_set)
            if slot is None:
                self.post_message(NotStarted("Cancelled while waiting in line: nothing was trained."))
                return
        try:  # TensorFlow trains in the worker process: this thread only waits for its answer
            done = client.train(mnist_convnet(settings.dropout_rate), settings.config, data, on_event)
        except WorkerError as exc:  # out of memory, a Keras error, no TensorFlow: one line, the app keeps going
            self.post_message(TrainingFailed(str(exc)))
            return
        finally:
            if slot is not None:
                slot.release()
        self.post_message(TrainingFinished(done, data))

    def _progress(self, **changes: Any) -> None:
        progress = self._progress_widget
        progress.state = replace(progress.state, **changes)

    def _reset_progress(self, settings: TrainSettings) -> None:
        """A new run starts blank: no curve, no running numbers of the run before."""
        self._epochs = settings.config.epochs
        for series in (*self._loss_series, *self._acc_series):
            series.points.clear()
        self._loss_smooth.reset()
        self._acc_smooth.reset()
        for plot_id in ("#loss-plot", "#acc-plot"):
            plot = self.query_one(plot_id, LinePlot)
            plot.x_max = float(self._epochs)
            plot.changed()
        self._progress_widget.state = ProgressState(status="Building the model…", epochs=self._epochs)
        self._progress_widget.refresh()
        log = self.query_one("#epoch-log", EpochLog)
        c = settings.config
        lr = c.learning_rate if c.learning_rate is not None else DEFAULT_LEARNING_RATES[c.optimizer]
        limits = f", {settings.train_limit:,} digits" if settings.train_limit else ""
        log.write_line(
            Text.assemble(
                (f"Run {self._run}: ", "bold"),
                f"{c.epochs} epoch{'s' if c.epochs != 1 else ''}, batch {c.batch_size}, {c.optimizer} "
                f"lr {lr:g}, dropout {'0.5' if settings.dropout else 'off'}, val {c.validation_split:g}, "
                f"seed {c.seed}{limits}",
            )
        )

    def on_training_events(self, message: TrainingEvents) -> None:
        """Apply a bundle of events: the plots and the progress repaint once per bundle."""
        changes: dict[str, Any] = {}
        plots_changed = epoch_ended = False
        for event in message.events:
            if isinstance(event, BatchEnd):
                # Each batch's own loss (Keras logs running means, which drop at every epoch's start), smoothed.
                x = event.epoch - 1 + event.batch / event.steps
                self._loss_series[0].points.append((x, self._loss_smooth.add(event.batch_loss)))
                self._acc_series[0].points.append((x, self._acc_smooth.add(event.batch_accuracy)))
                changes.update(self._batch_changes(event))
                plots_changed = True
            elif isinstance(event, EpochBegin):
                rate = changes.get("samples_per_second", self._progress_widget.state.samples_per_second)
                changes.update(
                    epoch=event.epoch,
                    batch=0,
                    loss=None,
                    accuracy=None,
                    epoch_eta=self._train_samples / rate if rate else None,
                )
            elif isinstance(event, EpochEnd):
                self._epoch_end(event)
                changes.update(epochs_done=event.epoch)
                plots_changed = epoch_ended = True
            elif isinstance(event, TrainBegin):
                self._train_samples = event.train_samples
                val = f", {event.val_samples:,} for validation" if event.val_samples else ""
                changes.update(
                    steps=event.steps_per_epoch,
                    epochs=event.epochs,
                    status=(
                        f"Training on {event.train_samples:,} digits{val}; {event.steps_per_epoch:,} batches "
                        f"of {event.batch_size} per epoch. Press c to cancel."
                    ),
                )
            elif isinstance(event, EvaluationBegin):
                changes.update(status=f"Evaluating on {event.test_samples:,} test digits…")
            elif isinstance(event, TrainEnd):
                changes.update(status=event.message)
                plots_changed = epoch_ended = True  # draw the last points, however the run ended
        if self._cancel.is_set() and "status" not in changes and self.phase == "training":
            changes["status"] = "Cancelling at the end of this batch…"
        if changes:
            self._progress(**changes)
        now = time.monotonic()
        if plots_changed and (epoch_ended or now - self._plots_drawn >= PLOT_INTERVAL):
            self._plots_drawn = now
            self._loss_plot.changed()
            self._acc_plot.changed()

    def _batch_changes(self, e: BatchEnd) -> dict[str, Any]:
        rate = e.samples_per_second
        left_in_epoch = self._train_samples - e.samples
        left_total = left_in_epoch + (self._epochs - e.epoch) * self._train_samples
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

    def _epoch_end(self, e: EpochEnd) -> None:
        line = Text.assemble(
            f"Epoch {e.epoch}/{e.epochs} {e.seconds:4.1f}s {e.samples_per_second:5,.0f}/s loss ",
            (numbers.metric(e.loss), "bold"),
            " acc ",
            (numbers.percent(e.accuracy), "bold"),
        )
        if e.val_loss is not None and e.val_accuracy is not None:
            self._loss_series[1].points.append((float(e.epoch), e.val_loss))
            self._acc_series[1].points.append((float(e.epoch), e.val_accuracy))
            line.append_text(
                Text.assemble(
                    " val loss ",
                    (numbers.metric(e.val_loss), "bold"),
                    " acc ",
                    (numbers.percent(e.val_accuracy), "bold"),
                )
            )
        self.query_one("#epoch-log", EpochLog).write_line(line)

    def on_training_finished(self, message: TrainingFinished) -> None:
        result = self.last_result = message.result
        self._progress(
            status=result.message,
            samples_per_second=result.samples_per_second,
            finished={"completed": "done", "cancelled": "cancelled", "nan": "stopped: NaN loss"}[result.reason],
            error=result.reason == "nan",
        )
        log = self.query_one("#epoch-log", EpochLog)
        label = self._run_label(result)
        if result.reason == "completed":
            ev = result.evaluation
            log.write_line(
                Text.assemble(
                    f"Run {self._run} done: test accuracy ",
                    (numbers.percent(ev.accuracy), "bold"),
                    f", test loss {numbers.metric(ev.loss)} ({ev.samples:,} test digits)",
                    style="green",
                )
            )
            self._keep_model(result.model, ev, message.data, label, offer=True)
            self._unsaved = True
        elif result.reason == "nan":
            log.write_line(Text(result.message, style="red"))
            self.notify(escape(result.message), title="Loss became NaN", severity="error", timeout=10)
        else:
            log.write_line(Text(f"Run {self._run}: {result.message}", style="yellow"))
            # The partly trained model is the student's work: keep it, evaluate it, show it, let it be saved; it is
            # never offered to the other screens (they keep their model).
            self.model, self.model_source = result.model, label
            self._unsaved = True
            self.query_one("#results-headline", Static).update(
                Text(f"Evaluating {label} on the test set…", style="italic")
            )
            self._evaluate_run(result.model, message.data, label)
        self._end_of_run(result.reason == "completed")

    def _run_label(self, result: Any) -> str:
        """``run 2`` or ``run 2, cancelled at epoch 2, batch 107``: which run a screen shows."""
        label = f"run {self._run}"
        if result.reason == "cancelled" and result.stopped_at is not None:
            epoch, batch = result.stopped_at
            label += f", cancelled at epoch {epoch}, batch {batch}"
        elif result.reason == "cancelled":
            label += ", cancelled"
        return label

    def _keep_model(self, model: Any, evaluation: Any, data: MnistData, label: str, *, offer: bool) -> None:
        """The model of a run (or a file) becomes the one the Results tab and w use; with ``offer``, u gives it to
        every screen (until then they keep theirs: the bundled model, or the one chosen before)."""
        self.model, self.model_source = model, label
        self._offer = (model, data, label) if offer else None
        if offer:
            note = "The other screens keep their model until you press u."
        else:
            note = "A cancelled run's model is shown here only: the other screens keep their model (w saves it)."
        self._show_results(evaluation, data, label, note)
        self._show_summary(self._spec_of(model), f"The model of {label}.")
        self.query_one("#save", Button).disabled = self.phase == "training"
        self._show_use(self.phase != "training" and offer)
        self.query_one(TabbedContent).active = "tab-results"

    def _show_use(self, offered: bool) -> None:
        button = self.query_one("#use", Button)
        button.disabled = not offered
        button.set_class(not offered, "-hidden")

    @on(Button.Pressed, "#use")
    def action_use_model(self) -> None:
        """Give the model the Results tab shows to every screen (the student's choice, never automatic)."""
        if self._offer is None:
            why = "a cancelled run's model is not offered" if self.model is not None else "there is no model yet"
            self._file_status(f"Nothing to use: {why}. Train to the end, or load a .keras file.", ok=False)
            return
        model, data, label = self._offer
        self._offer = None
        self._show_use(False)
        self.post_message(ModelReady(model, data, label))
        self._file_status(f"Every screen now uses {describe_source(label)}.", ok=True)
        self.notify(
            Text(f"Every screen now uses {describe_source(label)}. Ctrl+P, “Use the bundled model” goes back.").plain,
            title="Model",
            markup=False,
        )

    @work(thread=True, exclusive=True, group="evaluate")
    def _evaluate_run(self, model: Any, data: MnistData, label: str) -> None:
        from ...training.worker_client import WorkerError, shared_client

        try:
            evaluation = shared_client().evaluate(model, data.x_test, data.y_test)
        except WorkerError as exc:  # a message, the app keeps going
            self.post_message(FileDone(f"The evaluation of {label} failed: {exc}", ok=False))
            return
        self.post_message(RunEvaluated(model, evaluation, data, label))

    def on_run_evaluated(self, message: RunEvaluated) -> None:
        if message.model is self.model:  # not replaced by a newer run or a loaded file meanwhile
            self._keep_model(message.model, message.evaluation, message.data, message.label, offer=False)

    def _end_of_run(self, completed: bool = False) -> None:
        self.phase = "ready"
        if self.focused is not None and self.focused.id == "cancel":
            self.set_focus(None)
        # A narrow terminal keeps the room for the results; after a cancel or a NaN the form comes back.
        if self._side_auto_hidden and not completed:
            self.show_side, self._side_auto_hidden = True, False

    def on_training_queued(self, message: TrainingQueued) -> None:
        at_once = "1 model at a time" if message.limit == 1 else f"{message.limit} models at once"
        self._progress(
            status=f"Waiting for a training slot: {ordinal(message.place)} in line (this server trains {at_once}). "
            "The run starts by itself; c cancels."
        )

    def on_not_started(self, message: NotStarted) -> None:
        self._progress(status=message.text, finished="cancelled")
        self._end_of_run()

    def on_training_failed(self, message: TrainingFailed) -> None:
        self._progress(status=f"Training failed: {message.error}", finished="failed", error=True)
        self.query_one("#epoch-log", EpochLog).write_line(Text(f"Training failed: {message.error}", style="red"))
        self.notify(escape(message.error), title="Training failed", severity="error", timeout=10)
        self._end_of_run()

    @staticmethod
    def _spec_of(model: Any) -> ModelSpec:
        spec: ModelSpec = model.spec  # a ModelRef from the worker: its spec and weights
        return spec

    # ------------------------------------------------------------------ results

    def _show_results(self, evaluation: Any, data: MnistData, what: str, note: str = "") -> None:
        self.evaluation, self._results_data = evaluation, data
        headline = Text.assemble(
            ("Test accuracy ", "bold"),
            (numbers.percent(evaluation.accuracy), "bold green"),
            ("   test loss ", "bold"),
            numbers.metric(evaluation.loss),
            f"   on {evaluation.samples:,} test digits ({evaluation.misclassified:,} misclassified)\n",
            ("Model: ", "bold"),
            what,
            ("\n" + note if note else "", "italic"),
        )
        self.query_one("#results-headline", Static).update(headline)
        self.query_one("#confusion-title", Static).update(
            Text.assemble(
                ("Confusion matrix", "bold"),
                " rows: true, columns: predicted · Enter on a cell: its digits",
            )
        )
        self.query_one(ConfusionTable).show(evaluation.confusion, evaluation.per_class_accuracy)
        self._show_gallery()

    # ------------------------------------------------------------------ files (workers)

    def _file_status(self, text: str, ok: bool) -> None:
        status = self.query_one("#file-status", Static)
        status.update(Text(visible(text, keep="\n")))  # a path may hold an escape sequence
        status.set_class(not ok, "-error")

    @work(thread=True, exclusive=True, group="file")
    def _save(self, model: Any, path: str) -> None:
        from ...training.worker_client import WorkerError, shared_client

        try:
            saved = shared_client().save(model, path)
        except WorkerError as exc:  # a bad path, a full disk, a Keras error: a message in plain words, never a crash
            self.post_message(FileDone(f"Not saved: {exc}", ok=False))
            return
        self.post_message(FileDone(f"Saved to {saved}", ok=True, saved=True))

    @work(thread=True, exclusive=True, group="file")
    def _load(self, path: str, data: MnistData) -> None:
        from ...training.worker_client import WorkerError, shared_client

        try:  # read, checked and evaluated in the worker process
            loaded = shared_client().load(path, data.x_test, data.y_test)
        except WorkerError as exc:
            self.post_message(FileDone(f"Not loaded: {exc}", ok=False))
            return
        self.post_message(ModelLoaded(loaded.model, loaded.evaluation, data, loaded.path))

    def on_file_done(self, message: FileDone) -> None:
        self._file_status(message.text, message.ok)
        if message.saved:
            self._unsaved = False
        if not message.ok:
            self.notify(escape(message.text), severity="error", timeout=8)

    def on_model_loaded(self, message: ModelLoaded) -> None:
        self._file_status(f"Loaded {message.path}", ok=True)
        self._unsaved = False
        self._keep_model(message.model, message.evaluation, message.data, message.path, offer=True)
