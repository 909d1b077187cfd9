"""Inside the trained network: a test digit, every layer's output, the learned kernels.

Every number on this screen is computed by the numpy core from the model's
own weights.  For a Keras model Keras computes the same layers in a worker
thread; beside each layer the screen shows the largest absolute difference
(it must be < 1e-4).

The screen opens at once on the bundled model (``assets/model``, read by
:mod:`tui_convnet.bundled_model` and run by the numpy engine: TensorFlow is
not imported).  A model from ``app.trained`` (set by the training screen, or
by loading a ``.keras`` file here) replaces it: a Keras model or a
:class:`~tui_convnet.training.inspector.NumpyModel` (a spec and its weights).
The numpy = Keras check needs TensorFlow: it runs by itself for a Keras model
(TensorFlow is loaded already) and on ``k`` for a model given as numpy weights.
TensorFlow work and the test-set predictions run only in workers, which post
messages; nothing here blocks the UI for longer than a numpy forward pass of
one digit (on one BLAS thread, so a training run on the same cores cannot
stall it).  Text that comes from the user (paths, typed numbers, error
messages quoting them) is shown literally, never parsed as markup.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from ...core import Conv2DSpec, DenseSpec, FlattenSpec, Pool2DSpec, numbers
from ...training.inspector import FieldChoice
from ...visible import visible
from ..common import palette
from ..common.bars import ActivationStrip, ProbabilityBars
from ..common.digits import DigitView
from ..common.footer import KeysFooter
from ..common.gradcam import GradCamView
from ..common.heatmap import HeatmapGrid, TileGrid
from ..common.messages import ModelReady, OpenHierarchy, OpenInExplorer
from .kernels import KernelGrid

if TYPE_CHECKING:
    from ...data import MnistData
    from ...training.inspector import ModelInspector

STYLES = Path(__file__).resolve().parent  # the .tcss files sit beside their screen
#: Test digits per chunk of the worker's test-set predictions (it stops between chunks when cancelled).
PREDICT_CHUNK = 256

NO_MODEL = (
    "[b]No model to show:[/b] the bundled model could not be read (the line above says why).\n\n"
    "To look inside a ConvNet you need one:\n"
    "  • press [b]t[/b] and train the lecture's ConvNet (it appears here when training ends), or\n"
    "  • press [b]o[/b], type the path of a saved [b].keras[/b] model "
    "(e.g. from [i]convnet-tui train --save model.keras[/i]) and press Enter."
)


#: What the screen says until its first model is read (the line above says which model).
READING = "Reading the model…"


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(d) for d in shape)


def _range(a: np.ndarray) -> str:
    return f"values {float(a.min()):.2f} … {float(a.max()):.2f}" if a.size else ""


class LayerList(VerticalScroll, can_focus=False):
    """The layers, top to bottom (scrolled by the screen's keys and the mouse wheel)."""


class SidePanel(VerticalScroll, can_focus=False):
    """The digit, its prediction and the checks (scrolls with the mouse wheel on short terminals)."""


class InspectScreen(Screen[None]):
    """Feature maps, learned filters and numpy = Keras, on real test digits."""

    CSS_PATH = [STYLES / "inspect.tcss"]
    AUTO_FOCUS = ""  # nothing focused: keys go to the screen until an input is chosen (g, o)
    BINDINGS = [
        Binding("left", "digit(-1)", "Digit", key_display="←/→", tooltip="Previous test digit"),
        Binding("right", "digit(1)", "Next digit", show=False, tooltip="Next test digit"),
        # with a receptive field shown the arrows move its cell: the footer says so (check_action picks one pair)
        Binding("left", "cell(-1)", "Cell", key_display="←/→", tooltip="The receptive field's cell one to the left"),
        Binding("right", "cell(1)", "Next cell", show=False, tooltip="The receptive field's cell one to the right"),
        Binding("n", "next_misclassified", "Wrong", tooltip="Next test digit the model gets wrong"),
        # Not in the footer (it must leave room for the app's keys at 130 columns): ? lists them.
        Binding(
            "l", "next_layer(1)", "Layer", show=False, tooltip="Scroll to the next layer (or to a conv layer's kernels)"
        ),
        Binding(
            "p",
            "next_layer(-1)",
            "Prev layer",
            show=False,
            tooltip="Scroll back to the previous layer (or kernels)",
        ),
        Binding(
            "left_square_bracket",
            "select_map(-1)",
            "Map",
            key_display="[/]",
            tooltip="Choose the previous first-layer feature map (or click one)",
        ),
        Binding(
            "right_square_bracket",
            "select_map(1)",
            "Next map",
            show=False,
            tooltip="Choose the next first-layer feature map (or click one)",
        ),
        Binding(
            "s",
            "step_through",
            "Step",
            tooltip="Step through the chosen feature map in the explorer: "
            "this digit, the learned kernel and bias, ReLU",
        ),
        Binding(
            "c",
            "kernel_channel(1)",
            "Kernel ch.",
            show=False,
            tooltip="Show the deeper layers' kernels for the next input channel",
        ),
        Binding(
            "f",
            "field",
            "Field",
            tooltip="The receptive field of a feature-map cell, drawn on the digit (or click a cell); f again: done",
        ),
        Binding(
            "k",
            "keras_check",
            "Check with Keras",
            show=False,
            tooltip="Compute every layer with Keras too and compare (loads TensorFlow)",
        ),
        Binding(
            "h",
            "hierarchy",
            "Hierarchy",
            show=False,
            tooltip="The lesson 'A hierarchy of features' on this digit and this model",
        ),
        # Not in the footer (Help and Quit must fit at 130 columns): the "digit #" box says it, ? lists it.
        Binding("g", "focus_index", "Go to #", show=False, tooltip="Type the number of a test digit, then Enter"),
        Binding("o", "focus_path", "Open", tooltip="Type the path of a saved .keras model, then Enter"),
        Binding("escape", "leave_input", "Back", show=False, tooltip="Leave the input box"),
        Binding("up", "scroll_layers('up')", "Scroll", show=False, tooltip="Scroll the layers up"),
        Binding("down", "scroll_layers('down')", "Scroll", show=False, tooltip="Scroll the layers down"),
        Binding("pageup", "scroll_layers('page_up')", "Page up", show=False, tooltip="Scroll the layers a page up"),
        Binding(
            "pagedown",
            "scroll_layers('page_down')",
            "Page down",
            show=False,
            tooltip="Scroll the layers a page down",
        ),
        Binding("home", "scroll_layers('home')", "Top", show=False, tooltip="Back to the first layer"),
        Binding("end", "scroll_layers('end')", "Bottom", show=False, tooltip="To the last layer"),
        Binding("G", "grad_cam_layer", "Grad-CAM", show=False, tooltip="Grad-CAM at the next Conv2D layer"),
    ]
    HELP = """\
**Inside the trained network.** A test digit goes through the model layer by layer:
each Conv2D layer's feature maps (one small heatmap per kernel, all on one colour scale),
the pooled maps, the dense activations and the 10 class probabilities. Below each conv
layer are its learned kernels: blue weights are negative, red positive.

The screen opens on the bundled model (trained on the bundled sample; its accuracy on the
official test set is in the header); a model trained (**t**) or opened (**o**) in the session
replaces it, and the header says which model is shown.

Every number is computed by the numpy engine from the model's own weights. For a model trained
or opened in the session Keras computes the same layers in the background; each layer's title
shows the largest difference (`numpy = Keras ✓ max |Δ| …`, it must stay below 1e-4). The bundled
model needs no TensorFlow: press **k** to run that check on it too (TensorFlow loads first).

Press **s** to step through the chosen first-layer feature map in the explorer, one
window at a time, with the real digit, kernel and bias.

**Receptive fields.** Press **f** (or click a cell of any feature map): the cell is marked with ■
and the part of the digit it depends on is drawn on the digit (blue paper, the rest dimmed), with
its size: 3×3 after the first convolution, 18×18 after the third. While it is on, the arrows move
the cell, **l**/**L** go to the next/previous layer with maps, **[**/**]** change the map; **f** or
Esc ends it.
"""

    #: The test digit shown (index into the test set).
    index: reactive[int] = reactive(0, init=False)
    #: The first-layer feature map chosen for "step through".
    selected_map: reactive[int] = reactive(0, init=False)
    #: Which input channel of the deeper conv layers' kernels is shown.
    kernel_channel: reactive[int] = reactive(0, init=False)
    #: The feature-map cell whose receptive field is drawn on the digit (None: off; the arrows change digits).
    field: reactive[FieldChoice | None] = reactive(None, init=False)

    # ------------------------------------------------------------------ messages (worker → screen)

    class Prepared(Message):
        def __init__(
            self, inspector: ModelInspector, data: MnistData, source: str, keras_check: bool, generation: int
        ) -> None:
            super().__init__()
            self.inspector, self.data, self.source = inspector, data, source
            self.keras_check, self.generation = keras_check, generation

    class PredictionsDone(Message):
        def __init__(self, inspector: ModelInspector, predicted: np.ndarray, seconds: float) -> None:
            super().__init__()
            self.inspector, self.predicted, self.seconds = inspector, predicted, seconds

    class LayerCheck(Message):
        def __init__(self, inspector: ModelInspector, index: int, diffs: list[float] | None, error: str = "") -> None:
            super().__init__()
            self.inspector, self.index, self.diffs, self.error = inspector, index, diffs, error

    class Failed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    # ------------------------------------------------------------------ set-up

    def __init__(self) -> None:
        super().__init__()
        self.inspector: ModelInspector | None = None
        self.data: MnistData | None = None
        self.source = ""  # which model: "bundled model, 97.2% on the official test set", "model of run 2, …"
        #: Whether Keras checks every digit's layers (a Keras model; or a numpy model after k).
        self.keras_check = False
        self._generation = 0  # counts the models asked for: a slower, older preparation never wins
        self._session_model = False  # a model of the session (app.trained) is shown or asked for
        self.predicted: np.ndarray | None = None
        self.outputs: list[np.ndarray] = []
        self._titles: list[tuple[Static, str]] = []
        self._views: list[Any] = []
        self._kernel_views: list[tuple[int, Static, KernelGrid]] = []
        self._next_wanted = False  # n was pressed before the test-set predictions were in

    def compose(self) -> ComposeResult:
        with Horizontal(id="inspect-bar"):
            yield Static("Inspect", id="inspect-source")
            yield Input(placeholder="digit #", id="inspect-index")
            yield Input(placeholder="model.keras, Enter: load", id="inspect-path")
        yield Static("", id="inspect-status")
        yield Static(READING, id="inspect-empty")
        with Horizontal(id="inspect-body"):
            with SidePanel(id="inspect-side"):
                yield Static("", id="inspect-digit-title")
                yield DigitView(np.zeros((28, 28), dtype=np.uint8), id="inspect-digit")
                yield Static("", id="inspect-field")
                yield Static("", id="inspect-prediction")
                yield ProbabilityBars(id="inspect-probs")
                yield GradCamView(id="inspect-gradcam")
                yield Static("", id="inspect-check")
                yield Static("", id="inspect-accuracy")
            yield LayerList(id="inspect-layers")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.add_class("-empty")
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._update_kernels())
        self.watch(self.app, "trained", self._trained_changed)  # at once too: the bundled model when None

    def _trained_changed(self, ready: ModelReady | None) -> None:
        if ready is None:  # the bundled model: at first, and when the student goes back to it (a command)
            if self.inspector is None or self._session_model:
                self._session_model = False
                self._generation += 1
                self._prepare_bundled(self._generation)
            return
        self._session_model = True
        if self.inspector is not None and self.inspector.model is ready.model:
            return
        self._status(f"Reading the {ready.description}…")
        self._generation += 1
        self._prepare(ready, self._generation)

    # ------------------------------------------------------------------ workers

    @work(thread=True, exclusive=True, group="inspect-prepare")
    def _prepare_bundled(self, generation: int) -> None:
        """The bundled model, read with numpy only (no TensorFlow), checked by Keras only on request."""
        try:
            from ...bundled_model import ModelAssetError, load_bundled_model
            from ...training.inspector import NumpyModel

            try:
                bundled = load_bundled_model()
            except ModelAssetError as exc:
                self.post_message(self.Failed(f"No bundled model: {exc}"))
                return
            model = NumpyModel(bundled.spec, bundled.weights, bundled.spec.name)
            self._prepare_in_thread(model, None, bundled.description, False, generation)
        except Exception as exc:  # anything unexpected: a message on screen, never a dead app
            self.post_message(self.Failed(f"Cannot inspect the bundled model: {type(exc).__name__}: {exc}"))

    @work(thread=True, exclusive=True, group="inspect-prepare")
    def _prepare(self, ready: ModelReady, generation: int) -> None:
        from ...training.inspector import is_numpy_model

        try:  # a model the TensorFlow worker holds (trained or read by it): Keras checks every digit
            in_worker = not is_numpy_model(ready.model) or bool(getattr(ready.model, "key", 0))
            self._prepare_in_thread(ready.model, ready.data, ready.description, in_worker, generation)
        except Exception as exc:  # anything unexpected: a message on screen, never a dead app
            self.post_message(self.Failed(f"Cannot inspect this model: {type(exc).__name__}: {exc}"))

    def _prepare_in_thread(
        self, model: Any, data: MnistData | None, source: str, keras_check: bool, generation: int
    ) -> None:
        import time

        from ...training.inspector import ModelInspector

        try:
            inspector = ModelInspector(model)
        except ValueError as exc:
            self.post_message(self.Failed(f"Cannot inspect this model: {exc}"))
            return
        if data is None:
            from ...data import DataError, load_mnist

            try:
                data = load_mnist("auto", download=False)
            except DataError as exc:
                self.post_message(self.Failed(str(exc)))
                return
        worker = get_current_worker()
        if worker.is_cancelled:  # a newer model arrived meanwhile
            return
        self.post_message(self.Prepared(inspector, data, source, keras_check, generation))
        start = time.perf_counter()
        chunks = []
        for first in range(0, len(data.x_test), PREDICT_CHUNK):  # a newer model or closing the app stops it
            if worker.is_cancelled:
                return
            chunks.append(inspector.predict(data.x_test[first : first + PREDICT_CHUNK], "numpy"))
        predicted = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
        if not worker.is_cancelled:
            self.post_message(self.PredictionsDone(inspector, predicted, time.perf_counter() - start))

    def _check(self, inspector: ModelInspector, index: int, digit: np.ndarray, outputs: list[np.ndarray]) -> None:
        """Ask Keras for the same layers in a worker thread (a cheap description: no array reprs)."""
        self.run_worker(
            partial(self._check_in_thread, inspector, index, digit, outputs),
            name="inspect-keras",
            group="inspect-keras",
            description=f"Keras layers of test digit #{index}",
            exclusive=True,
            thread=True,
        )

    def _check_in_thread(
        self, inspector: ModelInspector, index: int, digit: np.ndarray, outputs: list[np.ndarray]
    ) -> None:
        from ...training.protocol import ModelRef
        from ...training.worker_client import WorkerError, shared_client

        model = inspector.model
        ref = model if isinstance(model, ModelRef) else ModelRef(inspector.spec, tuple(inspector.weights))
        try:  # Keras computes the same layers in the TensorFlow worker process
            comparisons = inspector.compare(digit, outputs, keras_outputs=shared_client().keras_layers(ref, digit))
        except WorkerError as exc:  # one line already ("TensorFlow is not installed: …")
            self.post_message(self.LayerCheck(inspector, index, None, str(exc)))
            return
        except Exception as exc:  # the worker's one line (or a shape that differs): the screen says so, not crash
            self.post_message(self.LayerCheck(inspector, index, None, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self.LayerCheck(inspector, index, [c.max_abs_diff for c in comparisons]))

    @work(thread=True, exclusive=True, group="inspect-load")
    def _load(self, path: str) -> None:
        from ...fileio import PathError, user_path

        try:  # a path that names no file is refused before the TensorFlow worker is asked to read it
            if not user_path(path, "model path").is_file():
                self.post_message(self.Failed(f"No such model file: {path}"))
                return
        except (PathError, OSError) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        from ...data import DataError, load_mnist
        from ...training.worker_client import WorkerError, shared_client

        try:
            loaded = shared_client().load(path)  # read, and refused if this screen cannot show it, by the worker
            data = load_mnist("auto", download=False)
        except (WorkerError, DataError) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.app.post_message(ModelReady(loaded.model, data, path))

    # ------------------------------------------------------------------ message handlers

    def _status(self, text: str | Text, error: bool = False) -> None:
        """One status line; a ``str`` is shown literally (it may quote a path or typed text)."""
        status = self.query_one("#inspect-status", Static)
        status.update(Text(visible(text, keep="\n")) if isinstance(text, str) else text)
        status.set_class(error, "-error")
        status.display = bool(text)

    def on_inspect_screen_failed(self, message: Failed) -> None:
        self._status(message.text, error=True)
        if self.inspector is None:  # no model could be read: say what to do instead of "Reading the model…"
            self.query_one("#inspect-empty", Static).update(NO_MODEL)
        self.notify(escape(message.text), title="Inspect", severity="error", timeout=8)

    async def on_inspect_screen_prepared(self, message: Prepared) -> None:
        if message.generation != self._generation:
            return  # a model asked for before the one now coming
        self.inspector, self.data, self.source = message.inspector, message.data, message.source
        self.keras_check = message.keras_check
        self.field = None  # the new model may have other layers
        self.predicted = None
        self._status("")
        self.remove_class("-empty")
        if isinstance(self.focused, Input):
            self.set_focus(None)
        where = "bundled sample" if self.data.source == "sample" else self.data.location
        self.query_one("#inspect-source", Static).update(
            Text.assemble(
                ("Model ", "bold"),
                f"{self.inspector.name}: {self.source} · ",
                (f"{len(self.data.x_test):,} test digits", "bold"),
                f" ({where})",
            )
        )
        self.query_one("#inspect-accuracy", Static).update("Predicting the test set with the numpy engine…")
        await self._build_sections()
        n = len(self.data.x_test)
        self.selected_map = 0
        self.kernel_channel = 0
        if self.index >= n:
            self.index = 0
        self.show_digit()

    def on_inspect_screen_predictions_done(self, message: PredictionsDone) -> None:
        if message.inspector is not self.inspector:
            return
        self.predicted = message.predicted
        y = self._shown()[1].y_test
        wrong = int(np.count_nonzero(self.predicted != y))
        acc = 1 - wrong / len(y)
        self.query_one("#inspect-accuracy", Static).update(
            f"Test accuracy [b]{numbers.percent(acc)}[/b] (numpy)\n{wrong:,}/{len(y):,} wrong · [b]n[/b]: next"
        )
        if self._next_wanted:
            self._next_wanted = False
            self.action_next_misclassified()

    def on_inspect_screen_layer_check(self, message: LayerCheck) -> None:
        if message.inspector is not self.inspector or message.index != self.index:
            return  # an answer for a digit no longer shown
        check = self.query_one("#inspect-check", Static)
        if message.diffs is None:
            check.update(Text.assemble(("Keras could not compute the layers: ", "bold red"), message.error))
            return
        from ...training.inspector import TOLERANCE

        for (title, base), diff in zip(self._titles, message.diffs, strict=False):
            ok = diff < TOLERANCE
            mark = (
                f"[green]numpy = Keras ✓ max |Δ| {diff:.1e}[/]"
                if ok
                else f"[b red]numpy ≠ Keras ✗ max |Δ| {diff:.1e}[/]"
            )
            title.update(f"{base}  {mark}")
        worst = max(message.diffs) if message.diffs else 0.0
        ok = all(d < TOLERANCE for d in message.diffs)
        check.set_class(not ok, "-error")
        check.update(
            f"[green]numpy = Keras ✓[/] ({len(message.diffs)} layers)\nmax |Δ| {worst:.1e} < {TOLERANCE:.0e}"
            if ok
            else f"[b red]numpy ≠ Keras ✗[/]\nmax |Δ| {worst:.1e}, must be < {TOLERANCE:.0e}"
        )

    # ------------------------------------------------------------------ building the layer list

    async def _build_sections(self) -> None:
        container = self.query_one("#inspect-layers", VerticalScroll)
        await container.remove_children()
        self._titles, self._views, self._kernel_views = [], [], []
        widgets: list[Any] = []
        first_conv = True
        for info in self._shown()[0].layers:
            spec = info.spec
            title = Static("", classes="layer-title")
            if isinstance(spec, Conv2DSpec):
                act = spec.activation
                base = (
                    f"[b]{info.name}[/b] (Conv2D {spec.filters}×{_shape(spec.kernel_size)}, {act}) "
                    f"→ {_shape(info.output_shape)}"
                )
            elif isinstance(spec, Pool2DSpec):
                base = f"[b]{info.name}[/b] ({info.type} {_shape(spec.pool_size)}) → {_shape(info.output_shape)}"
            elif isinstance(spec, FlattenSpec):
                base = f"[b]{info.name}[/b] (Flatten) → {info.output_shape[0]} values"
            elif isinstance(spec, DenseSpec):
                base = f"[b]{info.name}[/b] (Dense {spec.units}, {spec.activation}) → {spec.units} values"
            else:
                base = f"[b]{info.name}[/b] ({info.type}) → unchanged at inference"
            self._titles.append((title, base))
            title.update(self._title_while_checking(base))
            widgets.append(title)
            note = Static("", classes="layer-note")
            if len(info.output_shape) == 3:
                view: Any = HeatmapGrid(classes="maps", label="#")
                if isinstance(spec, Conv2DSpec) and first_conv:
                    view.add_class("first-conv")
                    first_conv = False
            elif isinstance(spec, DenseSpec) and info.index == len(self._shown()[0].layers) - 1:
                view = Static("", classes="output-values")
            else:
                view = ActivationStrip(classes="activations")
            self._views.append((note, view))
            widgets += [note, view]
            if isinstance(spec, Conv2DSpec):
                kernel_title = Static("", classes="kernel-title")
                grid = KernelGrid(classes="kernels")
                self._kernel_views.append((info.index, kernel_title, grid))
                widgets += [kernel_title, grid]
        await container.mount_all(widgets)
        self._update_kernels()

    def _update_kernels(self) -> None:
        if self.inspector is None:
            return
        dark = self.app.current_theme.dark
        for i, (layer_index, title, grid) in enumerate(self._kernel_views):
            info = self.inspector.layers[layer_index]
            kernels, bias = self.inspector.kernel_and_bias(info)
            c_in = kernels.shape[2]
            channel = 0 if i == 0 else self.kernel_channel % c_in
            grid.set_kernels(kernels, bias, channel, dark)
            if i == 0:
                grid.selected = self.selected_map
                how = f"input channel {channel} of {c_in}" + ("" if c_in == 1 else " (c: next)")
                words = Text.from_markup(
                    f"  learned kernels {_shape(kernels.shape)} ({how}) — "
                    f"[b]\\[ ][/b] choose one, [b]s[/b] steps through it on this digit"
                )
            else:
                words = Text.from_markup(
                    f"  learned kernels {_shape(kernels.shape)}: the slices for [b]input channel {channel}[/b] "
                    f"of {c_in} — [b]c[/b] shows the next channel"
                )
            # the weights' colours, on the layer's scale (the palette of every screen: ui/common/palette.py)
            title.update(Text.assemble(words, "\n  ", palette.value_legend(dark), f"(scale ±{grid.scale[1]:.2f})"))

    # ------------------------------------------------------------------ showing a digit

    def action_grad_cam_layer(self) -> None:
        self.query_one(GradCamView).next_layer()

    def show_digit(self) -> None:
        """Compute every layer for the current digit (numpy core) and show it; ask Keras to check."""
        if self.inspector is None or self.data is None:
            return
        digit = self.data.x_test[self.index]
        label = int(self.data.y_test[self.index])
        self.outputs = self.inspector.numpy_layers(digit)
        probs = self.outputs[-1]
        pred = int(np.argmax(probs))
        self.query_one("#inspect-digit-title", Static).update(
            f"[b]Test digit #{self.index:,}[/b] of {len(self.data.x_test):,}"
        )
        self.query_one("#inspect-digit", DigitView).set_image(digit)
        verdict = "[$text-success]✓ correct[/]" if pred == label else "[b $text-error]✗ wrong[/]"
        self.query_one("#inspect-prediction", Static).update(f"label [b]{label}[/b], predicted [b]{pred}[/b] {verdict}")
        self.query_one("#inspect-probs", ProbabilityBars).set_probabilities(probs, label)
        self.query_one(GradCamView).show(self.inspector.spec, self.inspector.weights, self.inspector.model_input(digit))
        check = self.query_one("#inspect-check", Static)
        check.set_class(False, "-error")
        check.update(
            "[dim]numpy = Keras? Keras is computing the same layers…[/]"
            if self.keras_check
            else "[dim]numpy engine, no TensorFlow.[/]\n[b]k[/b]: check every layer against Keras (loads TensorFlow)"
        )
        for (title, base), (note, view), out in zip(self._titles, self._views, self.outputs, strict=False):
            title.update(self._title_while_checking(base))
            if isinstance(view, HeatmapGrid):
                view.set_maps(out)
                if view.has_class("first-conv"):
                    view.selected = self.selected_map
                note.update(
                    Text.assemble(f"  {out.shape[2]} maps {_shape(out.shape[:2])}, one colour scale: ", view.legend())
                )
            elif isinstance(view, ActivationStrip):
                view.set_values(out)
                active = int(np.count_nonzero(out > 0))
                note.update(f"  {out.size} values, {active} above 0: {_range(out)}")
            else:
                cells = [f"[b]{c}[/b] {float(p):.3f}" for c, p in enumerate(out)]
                view.update("\n".join("   ".join(cells[i : i + 5]) for i in range(0, len(cells), 5)))
                note.update(f"  the 10 class probabilities (bars on the left), sum {float(out.sum()):.3f}")
        if self.keras_check:
            self._check(self.inspector, self.index, digit, self.outputs)

    def _title_while_checking(self, base: str) -> str:
        return f"{base}  [dim]numpy = Keras … checking[/]" if self.keras_check else base

    def watch_index(self) -> None:
        self.show_digit()

    def watch_selected_map(self, value: int) -> None:
        for _, view in self._views:
            if isinstance(view, HeatmapGrid) and view.has_class("first-conv"):
                view.selected = value
        if self._kernel_views:
            self._kernel_views[0][2].selected = value

    def watch_kernel_channel(self) -> None:
        self._update_kernels()

    # ------------------------------------------------------------------ actions

    def _shown(self) -> tuple[ModelInspector, MnistData]:
        """The model and the test set on screen (asked for only once there are: after ``_need_model``)."""
        if self.inspector is None or self.data is None:
            raise RuntimeError("The inspect screen shows no model yet.")
        return self.inspector, self.data

    def _need_model(self) -> bool:
        if self.inspector is None:
            self.notify(
                "No model yet (the bundled model is loading or could not be read): "
                "press t to train one, or o to open a .keras file.",
                title="Inspect",
                severity="warning",
            )
            return False
        return True

    def action_keras_check(self) -> None:
        """Check the layers against Keras from now on (a model given as numpy weights: TensorFlow loads first)."""
        if not self._need_model():
            return
        if self.keras_check:
            self.notify("Keras already checks every layer of this model.", title="Inspect")
            return
        self.keras_check = True
        self.notify("Keras computes the same layers in its own process (TensorFlow starts there)…", title="Inspect")
        self.show_digit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """←/→ change the digit, or with a receptive field shown move its cell (one pair in the footer)."""
        if action == "digit":
            return self.field is None
        if action == "cell":
            return self.field is not None
        return True

    def action_digit(self, delta: int) -> None:
        if self._need_model():
            self.index = (self.index + delta) % len(self._shown()[1].x_test)

    def action_cell(self, delta: int) -> None:
        if self.field is not None and self.inspector is not None:
            self.field = self.field.moved(self.inspector.layers, 0, delta)

    def action_field(self) -> None:
        """Show (or hide) the receptive field of a cell: first the chosen first-layer map's strongest cell."""
        if not self._need_model():
            return
        if self.field is not None:
            self.field = None
            return
        layers = self._shown()[0].layers
        choices = FieldChoice.map_layers(layers)
        if not choices or not self.outputs:
            self.notify("This model has no feature maps.", title="Receptive field", severity="warning")
            return
        self.field = FieldChoice.strongest(layers, choices[0], self.selected_map, self.outputs[choices[0]])

    def watch_field(self, choice: FieldChoice | None) -> None:
        self.refresh_bindings()  # ←/→: Digit or Cell
        line = self.query_one("#inspect-field", Static)
        digit = self.query_one("#inspect-digit", DigitView)
        line.display = choice is not None
        if choice is None or self.inspector is None:
            digit.set_field(None)
            for _, view in self._views:
                if isinstance(view, HeatmapGrid):
                    view.cell = None
            return
        f = choice.field(self.inspector.spec)
        digit.set_field((f.first_row, f.last_row, f.first_col, f.last_col))
        line.update(
            Text.assemble(
                ("Receptive field ", "bold"),
                (f.size_text, "bold"),
                f"\n{choice.describe(self.inspector.layers, self.inspector.spec)}\n",
                ("←→↑↓ cell · l/L layer · [ ] map · f done", "italic"),
            )
        )
        for i, (_, view) in enumerate(self._views):
            if isinstance(view, HeatmapGrid):
                view.cell = (choice.map, choice.row, choice.col) if i == choice.layer else None
        self._scroll_to_field(choice)

    def _scroll_to_field(self, choice: FieldChoice) -> None:
        """Scroll the layer list so that the marked map is in view."""
        view = self._views[choice.layer][1]
        if not isinstance(view, HeatmapGrid) or not view.count:
            return
        layers = self.query_one("#inspect-layers", LayerList)
        cols = view.columns_for(view.size.width or layers.size.width)
        row_top = view.virtual_region.y - layers.virtual_region.y + (choice.map // cols) * (view._tile_h + 2)
        title_top = self._titles[choice.layer][0].virtual_region.y - layers.virtual_region.y
        top = title_top if choice.map < cols else row_top  # the first row of maps: the layer's title too
        height = row_top + view._tile_h + 2 - top
        layers.scroll_to_region(Region(0, top, 1, height), animate=False, immediate=True)

    def action_next_misclassified(self) -> None:
        if not self._need_model():
            return
        y = self._shown()[1].y_test
        n = len(y)
        order = np.concatenate([np.arange(self.index + 1, n), np.arange(0, self.index + 1)])
        if self.predicted is not None:
            wrong = order[self.predicted[order] != y[order]]
            if len(wrong):
                self.index = int(wrong[0])
                return
        else:  # the worker is still predicting the test set: go there when it is done
            self._next_wanted = True
            self.query_one("#inspect-accuracy", Static).update(
                "Predicting the test set with the numpy engine… [b]n[/b] goes to the next wrong digit when it is done."
            )
            return
        self.notify(f"No misclassified digit: the model gets all {n:,} test digits right.", title="Inspect")

    def action_select_map(self, delta: int) -> None:
        if self.field is not None and self.inspector is not None:
            self.field = self.field.on_map(self.inspector.layers, delta)
        elif self._need_model() and self._kernel_views:
            n = self._shown()[0].layers[self._kernel_views[0][0]].output_shape[2]
            self.selected_map = (self.selected_map + delta) % n

    def action_kernel_channel(self, delta: int) -> None:
        if self._need_model():
            self.kernel_channel += delta

    def action_step_through(self) -> None:
        if not self._need_model():
            return
        from ...explore import focus_on_map
        from ...training.explorer_example import learned_kernel_example
        from ...training.inspector import InspectError

        inspector, data = self._shown()
        digit = data.x_test[self.index]
        try:
            label = int(data.y_test[self.index])
            example = learned_kernel_example(inspector, digit, label, self.index, self.source)
            request = focus_on_map(example, self.selected_map)  # its largest activation; Home/End stay in the map
        except (InspectError, ValueError) as exc:
            self.notify(str(exc), title="Step through", severity="error", markup=False)
            return
        self.app.post_message(OpenInExplorer.of(request))

    def action_hierarchy(self) -> None:
        """The hierarchy-of-features lesson on this digit and model (the app opens the lessons screen)."""
        if not self._need_model():
            return
        inspector, data = self._shown()
        label = int(data.y_test[self.index])
        name = f"test digit #{self.index:,} (a {label}) from the inspect screen"
        message = OpenHierarchy(data.x_test[self.index], label, name, inspector.spec, inspector.weights, self.source)
        self.app.post_message(message)

    def action_focus_index(self) -> None:
        self.query_one("#inspect-index", Input).focus()

    def action_focus_path(self) -> None:
        self.query_one("#inspect-path", Input).focus()

    def action_leave_input(self) -> None:
        if isinstance(self.focused, Input):
            self.set_focus(None)
        elif self.field is not None:
            self.field = None

    def action_next_layer(self, delta: int) -> None:
        """Scroll so that the next (or previous) layer's title, or its kernels' title, is at the top
        (with a receptive field shown: the same cell on the next layer with maps)."""
        if self.field is not None and self.inspector is not None:
            self.field = self.field.on_layer(self.inspector.layers, delta)
            return
        if not self._need_model() or not self._titles:
            return
        layers = self.query_one("#inspect-layers", LayerList)
        stops = [title for title, _ in self._titles] + [title for _, title, _ in self._kernel_views]
        tops = sorted(stop.virtual_region.y - layers.virtual_region.y for stop in stops)
        here = layers.scroll_y
        if delta > 0:
            later = [t for t in tops if t > here + 1]
            target = later[0] if later else tops[0]
        else:
            earlier = [t for t in tops if t < here - 1]
            target = earlier[-1] if earlier else tops[-1]
        layers.scroll_to(y=target, animate=False)

    def action_scroll_layers(self, where: str) -> None:
        if self.field is not None and self.inspector is not None and where in ("up", "down"):
            self.field = self.field.moved(self.inspector.layers, -1 if where == "up" else 1, 0)
            return
        layers = self.query_one("#inspect-layers", LayerList)
        getattr(layers, f"scroll_{where}")(animate=False)

    @on(Input.Submitted, "#inspect-index")
    def _go_to(self, event: Input.Submitted) -> None:
        if not self._need_model():
            return
        n = len(self._shown()[1].x_test)
        text = event.value.strip()
        if not text:
            self._status(f"Type the number of a test digit (0..{n - 1:,}), then press Enter.", error=True)
            return
        try:
            value = int(text.replace(",", ""))
        except ValueError:
            shown = visible(repr(text), limit=60)  # a 100 kB paste is not echoed whole
            self._status(f"A digit number must be a whole number. Received: index={shown}", error=True)
            return
        if not 0 <= value < n:
            self._status(f"Digit index out of range 0..{n - 1}. Received: index={value}", error=True)
            return
        self._status("")
        self.index = value
        event.input.value = ""
        self.set_focus(None)

    @on(Input.Submitted, "#inspect-path")
    def _open(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not path:
            self._status("Type the path of a .keras model file, then press Enter. Received: path=''", error=True)
            return
        self._status(f"Loading {path} (Keras safe mode)…")
        self._load(path)

    def on_tile_grid_clicked(self, message: TileGrid.Clicked) -> None:
        grid = message.grid
        if grid.has_class("first-conv") or (self._kernel_views and grid is self._kernel_views[0][2]):
            self.selected_map = message.tile
        layer = next((i for i, (_, view) in enumerate(self._views) if view is grid), None)
        if layer is None or message.line < 0 or self.inspector is None:
            return
        h, w, _ = self.inspector.layers[layer].output_shape
        row, col = 2 * message.line, message.column
        if row < h and col < w:  # a cell of a map (not the gap beside it): its receptive field
            self.field = FieldChoice(layer, message.tile, row, col)
