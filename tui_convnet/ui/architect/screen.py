"""The architecture screen: build your own ConvNet layer by layer, with its summary updating at every key.

The state and every edit live outside Textual (:mod:`tui_convnet.architect.editor`); this screen binds the
keys, shows the layer stack with the selected setting, and the summary (or the layer the model is refused
at, and why). ``s`` and ``l`` save and load the model as TOML (:mod:`tui_convnet.architect.spec_file`),
the file ``convnet-tui summary --spec`` and ``train --spec`` read.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Input, Static

from ...architect import editor
from ...architect.editor import ArchitectState, check, layer_text, setting_text
from ...architect.spec_file import SpecFileError, read_spec_file, write_spec_file
from ...core import ModelSpec
from ...model.summary import FittedSummary
from ..common.footer import KeysFooter
from ..common.messages import TrainModel
from ..common.mode_screen import ModeScreen

STYLES = Path(__file__).resolve().parent  # the .tcss file sits beside its screen

DEFAULT_FILE = "my_convnet.toml"

#: How each setting is named on the screen.
LABELS = {
    "filters": "filters",
    "kernel_size": "kernel size",
    "strides": "strides",
    "padding": "padding",
    "activation": "activation",
    "pool_size": "pool size",
    "rate": "rate",
    "units": "units",
}


def stack_text(state: ArchitectState, refused: int | None) -> Text:
    """The layer stack, one line per layer, the selected one with its settings below it."""
    h, w, c = state.input_shape
    text = Text(f"Input {h}×{w}×{c}\n", style="bold")
    if not state.layers:
        text.append("(no layers: c adds a Conv2D)\n", style="dim")
    for index, layer in enumerate(state.layers):
        selected = index == state.row
        style = "bold reverse" if selected else ("red" if index == refused else "")
        text.append("▸" if selected else " ")
        text.append("✗" if index == refused else " ", style="bold red")
        text.append(f"{index + 1:>2} {layer_text(layer)}", style=style)
        text.append("\n")
        if selected:
            for number, name in enumerate(state.fields):
                chosen = number == state.field
                text.append("      ")
                text.append(f"{LABELS[name]:<12}", style="bold" if chosen else "dim")
                value = setting_text(layer, name)
                text.append(f" ‹ {value} ›" if chosen else f"   {value}", style="bold reverse" if chosen else "")
                text.append("\n")
    return text


class ArchitectScreen(ModeScreen):
    """Add, remove, reorder and change layers; the summary and its arithmetic follow every key."""

    CSS_PATH = [STYLES / "architect.tcss"]
    BINDINGS = [
        Binding("up", "select(-1)", "Layer", key_display="↑↓", tooltip="Select the layer above"),
        Binding("down", "select(1)", "Layer", show=False, tooltip="Select the layer below"),
        Binding("left", "field(-1)", "Setting", key_display="←→", tooltip="Select the previous setting"),
        Binding("right", "field(1)", "Setting", show=False, tooltip="Select the next setting"),
        Binding("plus", "adjust(1)", "Change", key_display="+/-", tooltip="One step up (- one step down)"),
        Binding("equals_sign", "adjust(1)", "Up", show=False, tooltip="One step up"),
        Binding("minus", "adjust(-1)", "Down", show=False, tooltip="One step down"),
        Binding("asterisk", "adjust(1, True)", "×2", show=False, tooltip="Double the filters or units"),
        Binding("slash", "adjust(-1, True)", "÷2", show=False, tooltip="Halve the filters or units"),
        Binding("c", "add('Conv2D')", "Conv", tooltip="Add a Conv2D layer after the selected one"),
        Binding("m", "add('MaxPooling2D')", "MaxPool", show=False, tooltip="Add a MaxPooling2D layer"),
        Binding("g", "add('AveragePooling2D')", "AvgPool", show=False, tooltip="Add an AveragePooling2D layer"),
        Binding("o", "add('Dropout')", "Dropout", show=False, tooltip="Add a Dropout layer"),
        Binding("f", "add('Flatten')", "Flatten", show=False, tooltip="Add a Flatten layer"),
        Binding("n", "add('Dense')", "Dense", tooltip="Add a Dense layer"),
        Binding("x,delete", "remove", "Remove", key_display="x", tooltip="Remove the selected layer"),
        Binding("left_square_bracket", "move(-1)", "Move", show=False, tooltip="Move the layer up"),
        Binding("right_square_bracket", "move(1)", "Move down", show=False, tooltip="Move the layer down"),
        Binding("s", "file('save')", "Save", tooltip="Save the model as TOML"),
        Binding("T", "train", "Train it", tooltip="Train this model on the training screen"),
        Binding("l", "file('load')", "Load", tooltip="Load a model from a TOML file"),
        Binding("r", "reset", "Reset", show=False, tooltip="Back to the lecture's ConvNet"),
        Binding("escape", "close_file", "Cancel", show=False, tooltip="Close the file name"),
    ]
    HELP = """\
**Your own architecture.** The lecture's ConvNet to start with; change it layer by layer.

**↑ ↓** select a layer, **← →** one of its settings, **+ −** change it (**\\* /** double or halve
filters and units). **c** Conv2D, **m** MaxPooling2D, **g** AveragePooling2D, **o** Dropout,
**f** Flatten, **n** Dense are added after the selected layer; **x** removes it, **[ ]** move it.

The summary on the right follows every key, with the output-size and parameter arithmetic.
A model that cannot be built (an output under one cell, a Dense layer before Flatten …) is
refused: the screen names the layer and the reason. **T** trains it on the training screen.
**s** saves it as TOML, **l** loads one,
**r** goes back to the lecture's model; `convnet-tui summary --spec FILE` and
`convnet-tui train --spec FILE` read the file.
"""

    state: reactive[ArchitectState] = reactive(ArchitectState.lecture, init=False, always_update=True)

    def __init__(self) -> None:
        super().__init__()
        self._file_mode = "save"

    def compose(self) -> ComposeResult:
        yield Static("", id="arch-title")
        with Horizontal(id="arch-body"):
            yield Static("", id="arch-layers")
            with VerticalScroll(id="arch-right"):
                yield Static("", id="arch-message")
                yield Static("", id="arch-check")
        yield Input(placeholder=DEFAULT_FILE, id="arch-path")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.show(self.state)

    def watch_state(self, state: ArchitectState) -> None:
        self.show(state)

    # ------------------------------------------------------------------ what the screen shows

    def show(self, state: ArchitectState) -> None:
        result = check(state)
        title = Text.assemble(
            ("Your architecture", "bold"),
            f" · {len(state.layers)} layers · ",
            (f"{result.total_params:,} parameters" if result.ok else "refused", "" if result.ok else "bold red"),
            (" · r: the lecture's model", "dim"),
        )
        self.query_one("#arch-title", Static).update(title)
        self.query_one("#arch-layers", Static).update(stack_text(state, result.layer))
        self.query_one("#arch-message", Static).update(Text(state.message))
        box = self.query_one("#arch-check", Static)
        box.set_class(not result.ok, "-refused")
        if result.ok:
            note = Text(
                result.training_note
                or "Ready to train: T trains it on the training screen; s saves it for convnet-tui train --spec FILE."
            )
            box.update(Group(FittedSummary(state.spec(), highlight=state.row), note))
        elif result.layer is None:
            box.update(Text(result.training_note))
        else:
            parts: list[object] = [Text(f"✗ Refused at layer {result.layer + 1}: {result.reason}", style="bold")]
            if result.infos:
                good = ModelSpec(state.input_shape, state.layers[: result.layer], state.name)
                parts.append(FittedSummary(good))
            box.update(Group(*parts))  # type: ignore[arg-type]

    # ------------------------------------------------------------------ keys

    def action_train(self) -> None:
        """The training screen takes this model (a refused one, or one not ending in Dense(10, softmax), stays)."""
        result = check(self.state)
        if not result.ok or result.training_note:
            reason = result.training_note or f"layer {(result.layer or 0) + 1} is refused: {result.reason}"
            self.notify(f"This model cannot be trained yet: {reason}", severity="warning", markup=False)
            return
        self.post_message(TrainModel(self.state.spec()))

    def action_select(self, delta: int) -> None:
        self.state = editor.select(self.state, delta)

    def action_field(self, delta: int) -> None:
        self.state = editor.select_field(self.state, delta)

    def action_adjust(self, delta: int, big: bool = False) -> None:
        self.state = editor.adjust(self.state, delta, big=big)

    def action_add(self, kind: str) -> None:
        self.state = editor.add_layer(self.state, kind)

    def action_remove(self) -> None:
        self.state = editor.remove_layer(self.state)

    def action_move(self, delta: int) -> None:
        self.state = editor.move_layer(self.state, delta)

    def action_reset(self) -> None:
        self.state = ArchitectState.lecture()

    # ------------------------------------------------------------------ the file

    def action_file(self, mode: str) -> None:
        self._file_mode = mode
        path = self.query_one("#arch-path", Input)
        path.border_title = "Save the model as (Enter; Esc cancels)" if mode == "save" else "Load the model from"
        if not path.value:
            path.value = DEFAULT_FILE
        path.add_class("-open")
        path.focus()

    def action_close_file(self) -> None:
        path = self.query_one("#arch-path", Input)
        path.remove_class("-open")
        self.set_focus(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.value.strip() or DEFAULT_FILE
        self.action_close_file()
        try:
            if self._file_mode == "save":
                if not check(self.state).ok:
                    self.state = replace(self.state, message="A refused model is not saved: mend it first.")
                    return
                written = write_spec_file(name, self.state.spec())
                self.notify(f"Saved {written}", title="Architecture", markup=False)
            else:
                self.state = ArchitectState.of(read_spec_file(name))
                self.notify(f"Loaded {name}", title="Architecture", markup=False)
        except SpecFileError as exc:
            self.notify(str(exc), title="Architecture", severity="error", timeout=8, markup=False)
