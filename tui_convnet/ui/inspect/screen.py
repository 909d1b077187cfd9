"""The inspect screen: it composes the digit's side panel and the layer list, binds keys, routes messages.

Inside the trained network: a test digit, every layer's output, the learned kernels. Every number is
computed by the numpy core from the model's own weights; for a model of the session Keras computes the
same layers in the TensorFlow worker process and each layer's title shows the largest difference (it
must be < 1e-4; ``k`` asks for it on the bundled model). The screen opens at once on the bundled model
(numpy only). Its parts live beside it: one widget per layer (:mod:`.layers`), the kernels
(:mod:`.kernels`), the thread workers (:mod:`.workers`) and their messages (:mod:`.messages`), the keys
and help (:mod:`.keys`). Nothing here blocks the UI for longer than a numpy forward pass of one digit.
Text that comes from the user (paths, typed numbers, error messages quoting them) is shown literally.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Static

from ...util.visible import visible
from ..common.footer import KeysFooter
from ..common.messages import ModelReady, OpenHierarchy, OpenInExplorer
from ..common.session import session_app
from ..common.staged import Stage
from . import keys, workers
from .arrival import ModelOnScreen
from .messages import Failed

if TYPE_CHECKING:
    from ...data.mnist import MnistData
    from ...training.inspector import FieldChoice, ModelInspector
    from ..common.digits import DigitView
    from ..common.heatmap import TileGrid

STYLES = Path(__file__).resolve().parent  # the .tcss files sit beside their screen

NO_MODEL = (
    "[b]No model to show:[/b] the bundled model could not be read (the line above says why).\n\n"
    "To look inside a ConvNet you need one:\n"
    "  • press [b]t[/b] and train the lecture's ConvNet (it appears here when training ends), or\n"
    "  • press [b]o[/b], type the path of a saved [b].keras[/b] model "
    "(e.g. from [i]convnet-tui train --save model.keras[/i]) and press Enter."
)


#: What the screen says until its first model is read (the line above says which model).
READING = "Reading the model…"


class InspectScreen(ModelOnScreen):
    """Feature maps, learned filters and numpy = Keras, on real test digits."""

    CSS_PATH = [STYLES / "inspect.tcss"]
    AUTO_FOCUS = ""  # nothing focused: keys go to the screen until an input is chosen (g, o)
    BINDINGS = keys.BINDINGS
    HELP = keys.HELP

    def __init__(self) -> None:
        super().__init__()
        self._session_model = False  # a model of the session (app.trained) is shown or asked for

    def compose(self) -> ComposeResult:
        """The light first frame: the tool bar and "Reading the model…"; the side panel and the layer list follow,
        one per frame (:meth:`build_stages`), hidden until the model is read."""
        with Horizontal(id="inspect-bar"):
            yield Static("Inspect", id="inspect-source")
            yield Input(placeholder="digit #", id="inspect-index")
            yield Input(placeholder="model.keras, Enter: load", id="inspect-path")
        yield Static("", id="inspect-status")
        yield Static(READING, id="inspect-empty")
        yield Horizontal(id="inspect-body")
        yield KeysFooter()

    def build_stages(self) -> list[Stage]:
        body = self.query_one("#inspect-body")

        async def side() -> None:
            from .side import SidePanel

            await body.mount(SidePanel(id="inspect-side"))

        async def layers() -> None:
            from .layers import LayerList

            await body.mount(LayerList(id="inspect-layers"))

        return [side, layers]

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._update_kernels())
        # the model is read (in a thread: the bundled one when trained is None) once the first frame is drawn, so
        # that reading it does not compete with that frame
        self.call_after_refresh(self.watch, self.app, "trained", self._trained_changed)

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
        self._status(f"Reading the {ready.model.label}…")
        self._generation += 1
        self._prepare(ready, self._generation)

    # ------------------------------------------------------------------ workers (they only post messages)

    def _prepare_bundled(self, generation: int) -> None:
        self._in_thread("inspect-prepare", workers.prepare_bundled, generation)

    def _prepare(self, ready: ModelReady, generation: int) -> None:
        self._in_thread("inspect-prepare", workers.prepare, ready, generation)

    def _load(self, path: str) -> None:
        self._in_thread("inspect-load", workers.load, self.app.post_message, path, session_app(self).image_set)

    # ------------------------------------------------------------------ message handlers

    def on_inspect_screen_failed(self, message: Failed) -> None:
        self._status(message.text, error=True)
        if self.inspector is None:  # no model could be read: say what to do instead of "Reading the model…"
            self.query_one("#inspect-empty", Static).update(NO_MODEL)
        self.notify(escape(message.text), title="Inspect", severity="error", timeout=8)

    def action_grad_cam_layer(self) -> None:
        self.grad_cam.next_layer()

    def watch_index(self) -> None:
        self.show_digit()

    def watch_selected_map(self, value: int) -> None:
        self.layer_list.select_map(value)

    def watch_kernel_channel(self) -> None:
        self._update_kernels()

    # ------------------------------------------------------------------ actions

    def _shown(self) -> tuple[ModelInspector, MnistData]:
        """The model and the test set on screen (asked for only once there are: after ``_need_model``)."""
        if self.inspector is None or self.data is None:
            raise RuntimeError("The inspect screen shows no model yet.")
        return self.inspector, self.data

    def _need_model(self) -> bool:
        if self._arriving:  # a model is being put on screen (a fraction of a second): the key waits for it
            return False
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
        from ...training.inspector import FieldChoice  # (imported when first used: the screen's first key is lighter)

        choices = FieldChoice.map_layers(layers)
        if not choices or not self.outputs:
            self.notify("This model has no feature maps.", title="Receptive field", severity="warning")
            return
        self.field = FieldChoice.strongest(layers, choices[0], self.selected_map, self.outputs[choices[0]])

    def watch_field(self, choice: FieldChoice | None) -> None:
        self.refresh_bindings()  # ←/→: Digit or Cell
        line = self.query_one("#inspect-field", Static)
        digit = cast("DigitView", self.query_one("#inspect-digit"))
        line.display = choice is not None
        if choice is None or self.inspector is None:
            digit.set_field(None)
            for section in self.sections:
                if section.maps is not None:
                    section.maps.cell = None
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
        for i, section in enumerate(self.sections):
            if section.maps is not None:
                section.maps.cell = (choice.map, choice.row, choice.col) if i == choice.layer else None
        self.layer_list.scroll_to_field(choice)

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
                self.say("Predicting the test set with the numpy engine… [b]n[/b] goes to the next wrong digit ")
                + "when it is done."
            )
            return
        self.notify(self.say(f"No misclassified digit: the model gets all {n:,} test digits right."), title="Inspect")

    def action_select_map(self, delta: int) -> None:
        if self.field is not None and self.inspector is not None:
            self.field = self.field.on_map(self.inspector.layers, delta)
        elif self._need_model() and (conv := self.layer_list.conv_sections):
            n = conv[0].info.output_shape[2]
            self.selected_map = (self.selected_map + delta) % n

    def action_kernel_channel(self, delta: int) -> None:
        if self._need_model():
            self.kernel_channel += delta

    def _reads_digits(self, what: str) -> bool:
        """Stepping through and the hierarchy lesson read one-channel images: for RGB images, one line says so."""
        if self.data is None or self.data.x_test.ndim != 4:
            return True
        self.notify(f"{what} reads one-channel images like MNIST's; these have three (RGB).", title=what)
        return False

    def action_step_through(self) -> None:
        if not self._need_model() or not self._reads_digits("Stepping through"):
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
        if not self._need_model() or not self._reads_digits("The hierarchy lesson"):
            return
        inspector, data = self._shown()
        label = int(data.y_test[self.index])
        name = self.say(f"test digit #{self.index:,} (a {self.labels.name(label)}) from the inspect screen")
        message = OpenHierarchy(data.x_test[self.index], label, name, inspector.model, self.source)
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
        if not self._need_model() or not self.sections:
            return
        self.layer_list.scroll_to_next_title(delta)

    def action_scroll_layers(self, where: str) -> None:
        if self.field is not None and self.inspector is not None and where in ("up", "down"):
            self.field = self.field.moved(self.inspector.layers, -1 if where == "up" else 1, 0)
            return
        layers = self.layer_list
        getattr(layers, f"scroll_{where}")(animate=False)

    @on(Input.Submitted, "#inspect-index")
    def _go_to(self, event: Input.Submitted) -> None:
        if not self._need_model():
            return
        n = len(self._shown()[1].x_test)
        text = event.value.strip()
        if not text:
            self._status(self.say(f"Type the number of a test digit (0..{n - 1:,}), then press Enter."), error=True)
            return
        try:
            value = int(text.replace(",", ""))
        except ValueError:
            shown = visible(repr(text), limit=60)  # a 100 kB paste is not echoed whole
            self._status(self.say(f"A digit number must be a whole number. Received: index={shown}"), error=True)
            return
        if not 0 <= value < n:
            self._status(self.say(f"Digit index out of range 0..{n - 1}. Received: index={value}"), error=True)
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
        self._path_opened = True
        self._load(path)

    def on_tile_grid_clicked(self, message: TileGrid.Clicked) -> None:
        grid = message.grid
        conv = self.layer_list.conv_sections
        if grid.has_class("first-conv") or (conv and grid is conv[0].kernels):
            self.selected_map = message.tile
        layer = next((i for i, section in enumerate(self.sections) if section.view is grid), None)
        if layer is None or message.line < 0 or self.inspector is None:
            return
        h, w, _ = self.inspector.layers[layer].output_shape
        row, col = 2 * message.line, message.column
        if row < h and col < w:  # a cell of a map (not the gap beside it): its receptive field
            from ...training.inspector import FieldChoice

            self.field = FieldChoice(layer, message.tile, row, col)
