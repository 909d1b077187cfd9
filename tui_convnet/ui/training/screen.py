"""The training screen: it composes the panel and the tabs, binds the keys, routes messages, keeps the model.

Train the lecture's ConvNet on MNIST, live. Its parts live beside it: the form's parsing
(:mod:`.form`), the settings panel (:mod:`.panel`), events → progress state (:mod:`.run_state`, pure),
the progress widgets (:mod:`.progress`) and a run's live view (:mod:`.run_view`), the Results tab
(:mod:`.results`), the thread workers (:mod:`.workers`), their messages (:mod:`.messages`) and the
handlers of a run's messages (:mod:`.run_messages`, the screen's base class), the quit question (:mod:`.quit`).
The data load in a thread worker when the screen opens, while TensorFlow starts in the worker process
(:mod:`tui_convnet.training.worker_client`; this process never imports it). After training (or loading a
``.keras`` file) the screen shows the test results and offers the model (u posts
:class:`~tui_convnet.ui.common.messages.ModelReady`; the other screens keep theirs until then). A cancelled
run keeps its model: it is evaluated, can be saved, and is named ("run 2, cancelled at epoch 2, batch
107"), but never offered. Text that comes from the user is shown literally, never parsed as markup.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Group
from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Input, Select, Static, Switch, TabbedContent, TabPane

from ...core import ModelSpec, mnist_convnet
from ...data.image_sets import spec_for_images, training_spec
from ...training.events import DEFAULT_LEARNING_RATES
from ..common.footer import KeysFooter
from ..common.image_set import ImageWords
from ..common.messages import ModelReady
from ..common.plot import LinePlot
from ..common.session import session_app
from ..common.session_model import describe_source, session_model
from ..common.staged import Stage, building_line, fill, once_built
from . import keys, messages, workers
from .code_pane import TrainingCode
from .form import DROPOUT_RATE, TrainSettings, parse_settings
from .panel import DEFAULTS, TrainingSide
from .progress import EpochLog, TrainingProgress
from .quit import ConfirmQuit
from .results import DigitGallery, ResultsPane
from .run_messages import RunMessages
from .run_state import RunTracker
from .run_view import RunView

if TYPE_CHECKING:
    from ...data.mnist import MnistData
    from ...training.evaluate import Evaluation
    from ...training.protocol import ModelRef, TrainDone

__all__ = ["DEFAULTS", "TrainingScreen", "parse_settings"]

STYLES = Path(__file__).resolve().parent  # the .tcss files sit beside their screen

#: The Model tab's note over the architecture editor's model.
EDITOR_NOTE = "Your model from the architecture editor, built in Keras when you press Start."

#: What the first frame says is being built where the tabs will be, and then in the Model tab.
TABS = "the tabs: the model, the training and the results"
MODEL = "the model's summary and its Keras code"

#: The loss plot's axis stops here (a diverging run would flatten everything else; ln 10 ≈ 2.3 at the start).
LOSS_CAP = 5.0


class TrainingScreen(ImageWords, RunMessages):
    """Train the lecture's ConvNet on MNIST with live progress; save and load models."""

    CSS_PATH = [STYLES / "training.tcss"]
    #: Nothing is focused at first: the keys do what the footer says until a field is chosen.
    AUTO_FOCUS = ""
    BINDINGS = keys.BINDINGS
    #: Below 110 columns the settings panel narrows, and hides itself while the model trains.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    HELP = keys.HELP

    def __init__(self) -> None:
        super().__init__()
        self.data: MnistData | None = None  # full, before limits
        self.model: ModelRef | None = (
            None  # the last trained (also cancelled) or loaded model (a ModelRef of the worker)
        )
        self.chosen_spec: ModelSpec | None = None  # the architecture editor's model (TrainModel), else the lecture's
        self.model_source = ""  # which run or file the model, the results and the inspect screen show
        self.last_result: TrainDone | None = None  # the TrainDone of the last run (completed or not)
        self._cancel = threading.Event()
        #: The runs of this screen: their number, their curves, events → progress (pure).
        self.runs = RunTracker()
        self._side_auto_hidden = False
        #: The model the Results tab offers to the other screens (u), with its data and name; None: nothing offered.
        self._offer: tuple[ModelRef, MnistData, str] | None = None
        #: The model shown (a run's) has not been saved since it was made.
        self._unsaved = False

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        """The light first frame: the panel's frame and first lines, one line where the tabs will be. The tabs, then
        the heavy panes (the form, the Keras code, the Training and Results tabs) follow, one per frame
        (:meth:`build_stages`); each says it is being built until then."""
        with Horizontal(id="training-main"):
            yield TrainingSide(id="training-side")
            yield building_line(TABS)
        yield KeysFooter()

    async def _build_tabs(self) -> None:
        await fill(self.query_one("#training-main"), self._tabs())

    def _tabs(self) -> ComposeResult:
        with TabbedContent(id="training-tabs"):  # the first tab (Model) is shown
            with TabPane("Model", id="tab-model"), VerticalScroll(id="model-scroll"):
                yield building_line(MODEL)
            with TabPane("Training", id="tab-progress"), Vertical(id="progress-pane"):
                yield building_line("the progress and the curves")
            with TabPane("Results", id="tab-results"):
                yield building_line("the results")

    def on_mount(self) -> None:
        self._panel = self.query_one(TrainingSide)
        self._panel.border_title = "Train the lecture's ConvNet"

    def build_stages(self) -> list[Stage]:
        return [
            self._build_tabs,
            self._build_summary,
            self._build_code,
            *self._panel.build_stages(),
            self._build_progress,
            self._build_results,
        ]

    async def _build_summary(self) -> None:
        scroll = self.query_one("#model-scroll")
        await scroll.mount(Static(self._summary(None, ""), id="model-summary"), before=0)

    async def _build_code(self) -> None:
        await fill(self.query_one("#model-scroll"), [TrainingCode(id="keras-code")])

    async def _build_progress(self) -> None:
        loss_plot = LinePlot(self.runs.loss_series, y_cap=LOSS_CAP, id="loss-plot")
        acc_plot = LinePlot(self.runs.acc_series, y_range=(0.0, 1.0), id="acc-plot")
        plots = Horizontal(
            Vertical(Static(loss_plot.legend(), id="loss-legend", classes="legend"), loss_plot, classes="plot-box"),
            Vertical(Static(acc_plot.legend(), id="acc-legend", classes="legend"), acc_plot, classes="plot-box"),
            id="plots",
        )
        await fill(self.query_one("#progress-pane"), [TrainingProgress(id="progress"), plots, EpochLog(id="epoch-log")])

    async def _build_results(self) -> None:
        await fill(self.query_one("#tab-results", TabPane), [ResultsPane(id="results-pane")])

    def when_built(self) -> None:
        # Updated several times a second while training: looked up once.
        self._results = self.query_one(ResultsPane)
        loss_plot, acc_plot = self.query_one("#loss-plot", LinePlot), self.query_one("#acc-plot", LinePlot)
        self._run_view = RunView(self.query_one(TrainingProgress), loss_plot, acc_plot, self.query_one(EpochLog))
        self._show_summary()
        self._in_thread("prepare", workers.prepare, session_app(self).image_set)

    def on_unmount(self) -> None:
        if self.phase == "training":  # never leave a run going behind a closed screen
            self._cancel_in_worker()

    def _cancel_in_worker(self) -> None:
        from ...training.worker_client import shared_client

        self._cancel.set()
        shared_client().cancel()

    @property
    def evaluation(self) -> Evaluation | None:
        """The evaluation the Results tab shows (None: no results yet)."""
        return self._results.evaluation

    # ------------------------------------------------------------------ loading

    def on_data_loaded(self, message: messages.DataLoaded) -> None:
        self.data = message.data
        self._panel.show_data(message.data)
        if self.take_words(message.data, help_text=keys.HELP):  # another set: its words, the ConvNet sized for it
            self._results.labels = self.runs.labels = self.labels
            self._show_summary()

    def on_tensor_flow_ready(self, message: messages.TensorFlowReady) -> None:
        self._panel.show_tensorflow_ready(message.seconds, message.device)
        self.tf_ready = True
        if self.phase == "loading":
            self.phase = "ready"
        elif self.phase == "training" and self._run_view.state.batch == 0:
            self._progress(status="TensorFlow is ready: building the model…")

    def on_prepare_failed(self, message: messages.PrepareFailed) -> None:
        self._panel.show_cannot_train(message.error)
        self.notify(escape(message.error), title="Training unavailable", severity="error", timeout=10)

    # ------------------------------------------------------------------ state

    def watch_phase(self, phase: str) -> None:
        training = phase == "training"
        self._panel.set_training(training, has_data=self.data is not None, has_model=self.model is not None)
        self._results.show_use(not training and self._offer is not None)
        if training and self.focused is not None and self.focused.disabled:
            self.set_focus(None)

    def watch_show_side(self, show: bool) -> None:
        self.set_class(not show, "-no-side")

    def action_toggle_side(self) -> None:
        self._side_auto_hidden = False
        self.show_side = not self.show_side

    def read_settings(self, *, show: bool = True) -> TrainSettings | None:
        if not self.built:  # the form is still being built
            return None
        panel = self._panel
        n = None if self.data is None else len(self.data.x_train)
        settings, errors = parse_settings(panel.values(), panel.optimizer, panel.dropout, n)
        if show:
            panel.show_errors(errors)
        if settings is not None:
            self.query_one(TrainingCode).follow(settings, self.focused.id if self.focused else None)
        return settings

    @once_built
    def on_descendant_focus(self) -> None:
        self.read_settings(show=False)  # the code pane marks the lines of the field now focused

    @on(Input.Changed, "#settings Input")
    @once_built
    def _settings_changed(self, event: Input.Changed) -> None:
        self.read_settings()

    @on(Select.Changed, "#preset")
    @once_built
    def _preset_changed(self, event: Select.Changed) -> None:
        self._panel.apply_preset(str(event.value))

    @on(Select.Changed, "#optimizer")
    @once_built
    def _optimizer_changed(self, event: Select.Changed) -> None:
        self.query_one("#learning-rate", Input).placeholder = f"default {DEFAULT_LEARNING_RATES[str(event.value)]}"
        self.read_settings()

    @on(Switch.Changed, "#dropout")
    @once_built
    def _dropout_changed(self, event: Switch.Changed) -> None:
        if self.phase != "training" and self.model is None:
            self._show_summary()

    def use_model(self, spec: ModelSpec) -> None:
        """Train ``spec`` (the architecture editor's model) from now on; the summary and the code show it."""
        self.chosen_spec = spec
        if self.built and self.phase != "training" and self.model is None:  # else when_built shows it
            self._show_summary()

    def _show_summary(self, spec: ModelSpec | None = None, note: str = "") -> None:
        if spec is None and self.chosen_spec is not None:
            spec, note = self.chosen_spec, EDITOR_NOTE
        elif spec is None and self.data is not None and self.data.class_names:  # another image set (--data)
            spec = spec_for_images(self.data, DROPOUT_RATE if self._panel.dropout else None)
            note = "The lecture's ConvNet sized for these images, built in Keras when you press Start."
        # the code of a run's, a file's or the editor's model, else the lecture's
        self.query_one(TrainingCode).spec = spec
        self.query_one("#model-summary", Static).update(self._summary(spec, note, dropout=self._panel.dropout))
        self.read_settings(show=False)

    def _summary(self, spec: ModelSpec | None, note: str, *, dropout: bool = False) -> Group:
        """The Model tab's summary of ``spec`` (None: the editor's model if chosen, else the lecture's ConvNet)."""
        from ...model.summary import FittedSummary, slide_names_line

        if spec is None and self.chosen_spec is not None:
            spec, note = self.chosen_spec, EDITOR_NOTE
        if spec is None:
            spec = mnist_convnet(DROPOUT_RATE if dropout else None)
            note = "The lecture's ConvNet, built in Keras from this spec when you press Start."
        # the slide's (Keras 2) names as a line under the table: a column would make the pane scroll sideways
        return Group(Text(note, style="dim"), FittedSummary(spec), slide_names_line(spec))

    # ------------------------------------------------------------------ actions

    @on(Button.Pressed, "#start")
    @once_built
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
        try:  # the editor's model, else the lecture's (another image set's: sized for its images and classes)
            settings = replace(settings, spec=training_spec(self.data, settings.dropout_rate, self.chosen_spec))
        except ValueError as exc:
            self.notify(str(exc), title="Model", severity="error", markup=False)
            return
        data = self.data.limited(settings.train_limit, settings.test_limit)
        self.runs.run += 1
        self._reset_progress(settings)
        self._cancel = threading.Event()
        self.phase = "training"
        self.query_one(TabbedContent).active = "tab-progress"
        if self.has_class("-narrow") and self.show_side:  # the curves need the room more than the form
            self.show_side, self._side_auto_hidden = False, True
        self._train(settings, data, self._cancel)
        from ...training.worker_client import shared_client

        # Before TensorFlow is ready (or after an idle worker ended: a new one starts), the run waits, then starts.
        if not self.tf_ready or shared_client().ready is None:
            self._progress(
                status=f"Starting when TensorFlow is ready, about {shared_client().seconds_left():.0f} s. "
                "Press c to cancel."
            )
        # Nothing focused while training: c cancels, and no text field takes the keys.
        self.set_focus(None)

    @on(Button.Pressed, "#cancel")
    @once_built
    def action_cancel(self) -> None:
        focused = self.focused
        if isinstance(focused, (Input, Select, Switch)) and self.phase != "training":
            self.set_focus(None)  # escape leaves a field: the keys are the screen's again
            return
        if self.phase != "training" or self._cancel.is_set():
            return
        self._cancel_in_worker()
        self._progress(status="Cancelling at the end of this batch…")

    @on(Button.Pressed, "#save")
    @once_built
    def action_save(self) -> None:
        if self.phase == "training":
            return
        if self.model is None:
            self._panel.file_status("There is no model to save yet: train one first (or load one).", ok=False)
            return
        path = self._panel.model_path()
        if path:
            self._in_thread("file", workers.save, self.model, path)

    @on(Button.Pressed, "#load")
    @once_built
    def action_load(self) -> None:
        if self.phase == "training":
            return
        if self.data is None:
            self._panel.file_status(self.say("The test digits are still loading…"), ok=False)
            return
        path = self._panel.model_path()
        if not path:
            return
        settings = self.read_settings(show=False)
        test_limit = settings.test_limit if settings else None
        self._panel.file_status("Loading the model and evaluating it on the test set…", ok=True)
        self._in_thread("file", workers.load, path, self.data.limited(None, test_limit))

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
        state = self._run_view.state
        what = f"Run {self.runs.run} is training (epoch {state.epoch} of {state.epochs})."

        def answered(quit_app: bool | None) -> None:
            if quit_app:
                self._cancel_in_worker()
                self.app.exit()

        self.app.push_screen(ConfirmQuit(what), answered)

    @once_built
    def action_all_digits(self) -> None:
        if self.evaluation is not None:
            self._results.show_gallery()

    @on(DataTable.CellSelected, "#confusion")
    def _confusion_cell(self, event: DataTable.CellSelected) -> None:
        self._results.show_cell(event.coordinate.row, event.coordinate.column - 1)

    @on(Input.Submitted, "#model-path")
    def _path_submitted(self) -> None:
        # Enter leaves the field for the button that fits; the button itself needs a second
        # Enter, so a typed path is never overwritten by accident.
        self.query_one("#load" if self.model is None else "#save", Button).focus()

    @once_built
    def action_gallery(self, delta: int) -> None:
        gallery = self.query_one(DigitGallery)
        if gallery.images is not None:
            gallery.turn(delta)
            self.query_one(TabbedContent).active = "tab-results"
            self.call_after_refresh(gallery.scroll_visible, top=True, animate=False)

    # ------------------------------------------------------------------ the model shown and offered

    def _keep_model(self, model: ModelRef, evaluation: Evaluation, data: MnistData, label: str, *, offer: bool) -> None:
        """The model of a run (or a file) becomes the one the Results tab and w use; with ``offer``, u gives it to
        every screen (until then they keep theirs: the bundled model, or the one chosen before)."""
        self.model, self.model_source = model, label
        self._offer = (model, data, label) if offer else None
        if offer:
            note = "The other screens keep their model until you press u."
        else:
            note = "A cancelled run's model is shown here only: the other screens keep their model (w saves it)."
        self._show_results(evaluation, data, label, note)
        spec: ModelSpec = model.spec  # a ModelRef from the worker: its spec and weights
        self._show_summary(spec, f"The model of {label}.")
        self.query_one("#save", Button).disabled = self.phase == "training"
        self._show_use(self.phase != "training" and offer)
        self.query_one(TabbedContent).active = "tab-results"

    def _show_results(self, evaluation: Evaluation, data: MnistData, what: str, note: str = "") -> None:
        self._results.show(evaluation, data, what, note)

    def _show_use(self, offered: bool) -> None:
        self._results.show_use(offered)

    @on(Button.Pressed, "#use")
    @once_built
    def action_use_model(self) -> None:
        """Give the model the Results tab shows to every screen (the student's choice, never automatic)."""
        if self._offer is None:
            why = "a cancelled run's model is not offered" if self.model is not None else "there is no model yet"
            self._panel.file_status(f"Nothing to use: {why}. Train to the end, or load a .keras file.", ok=False)
            return
        model, data, label = self._offer
        self._offer = None
        self._show_use(False)
        self.post_message(ModelReady(session_model(model, label), data))
        self._panel.file_status(f"Every screen now uses {describe_source(label)}.", ok=True)
        self.notify(
            Text(f"Every screen now uses {describe_source(label)}. Ctrl+P, “Use the bundled model” goes back.").plain,
            title="Model",
            markup=False,
        )

    # ------------------------------------------------------------------ files

    def on_file_done(self, message: messages.FileDone) -> None:
        self._panel.file_status(message.text, message.ok)
        if message.saved:
            self._unsaved = False
        if not message.ok:
            self.notify(escape(message.text), severity="error", timeout=8)

    def on_model_loaded(self, message: messages.ModelLoaded) -> None:
        self._panel.file_status(f"Loaded {message.path}", ok=True)
        self._unsaved = False
        self._keep_model(message.model, message.evaluation, message.data, message.path, offer=True)
