"""The training screen's settings panel: the form's fields, its buttons, the data and TensorFlow lines, files.

It composes the widgets and shows what it is told (the data loaded, TensorFlow ready or failed, a file
saved or not, the form's errors); it reads the fields' text for :func:`~tui_convnet.ui.training.form.
parse_settings`. The screen keeps the keys and decides. Text from the user is never parsed as markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.compose import compose
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static, Switch

from ...data.labels import labels_of
from ...training.events import OPTIMIZERS, TrainConfig
from ...training.presets import PRESETS, preset
from ...util.visible import visible
from ..common.image_set import image_set_text
from ..common.staged import BUILDING, Stage, building_line, fill
from .form import DROPOUT_RATE, FIELDS

if TYPE_CHECKING:
    from ...data.labels import ClassLabels
    from ...data.mnist import MnistData

DEFAULT_MODEL_PATH = "mnist_convnet.keras"
#: The model file's name when the app trains on another image set.
IMAGES_MODEL_PATH = "convnet.keras"
#: The form starts with the shared defaults (the CLI's too).
DEFAULTS = TrainConfig()


class TrainingSide(VerticalScroll, can_focus=False):
    """The settings panel (the mouse wheel scrolls it; Tab goes straight to its fields)."""

    def compose(self) -> ComposeResult:
        """The panel's first lines; the form follows (:meth:`build_stages`), after the screen's first frame."""
        yield Static("Loading MNIST…", id="data-source")
        yield Static("TensorFlow: loading…", id="tf-status", classes="-busy")
        yield building_line("the settings")

    def build_stages(self) -> list[Stage]:
        """The form in three parts, each mounted after a frame (a key waits for one part at most): the first
        settings, the others, then the buttons and the model file."""
        return [self._build_first_settings, self._build_other_settings, self._build_buttons]

    async def _build_first_settings(self) -> None:
        grid = Grid(*compose(self, self._settings(first=True)), id="settings")
        building = self.query_children(f".{BUILDING}").first()
        await self.mount_all([Label("Settings", classes="section-title"), grid], before=building)

    async def _build_other_settings(self) -> None:
        await self.query_one("#settings", Grid).mount_all(compose(self, self._settings(first=False)))

    async def _build_buttons(self) -> None:
        await fill(self, self._buttons())

    def _settings(self, *, first: bool) -> ComposeResult:
        """The settings' labels and fields, two to a row: the first five, else the others."""
        if first:
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
            return
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

    def _buttons(self) -> ComposeResult:
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

    # ------------------------------------------------------------------ the form

    def values(self) -> dict[str, str]:
        """The text of every number field, by field id."""
        return {fid: self.query_one(f"#{fid}", Input).value for fid in FIELDS}

    @property
    def optimizer(self) -> str:
        return str(self.query_one("#optimizer", Select).value)

    @property
    def dropout(self) -> bool:
        return bool(self.query_one("#dropout", Switch).value)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Mark the fields that are wrong and say why under the form."""
        for fid in FIELDS:
            self.query_one(f"#{fid}", Input).set_class(fid in errors, "-invalid")
        self.query_one("#settings-errors", Static).update(Text("\n".join(errors.values())))

    def set_training(self, training: bool, *, has_data: bool, has_model: bool) -> None:
        """While a model trains only Cancel works; Start and Load wait for the data, Save for a model."""
        self.query_one("#start", Button).disabled = training or not has_data
        self.query_one("#cancel", Button).disabled = not training
        self.query_one("#load", Button).disabled = training or not has_data
        self.query_one("#save", Button).disabled = training or not has_model
        for widget in self.query("#settings Input, #settings Select, #settings Switch"):
            widget.disabled = training

    # ------------------------------------------------------------------ what it shows

    def show_data(self, data: MnistData) -> None:
        if data.class_names:  # another image set (convnet-tui --data)
            self.query_one("#data-source", Static).update(image_set_text(data))
            self.show_words(labels_of(data))
            self.query_one("#train-limit", Input).placeholder = f"all {len(data.x_train):,}"
            self.query_one("#test-limit", Input).placeholder = f"all {len(data.x_test):,}"
            path = self.query_one("#model-path", Input)
            if path.value == DEFAULT_MODEL_PATH:  # not the MNIST model's name
                path.value = IMAGES_MODEL_PATH
            return
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
                    "\n[dim]Full MNIST (60,000 digits, ~99 % accuracy) is used when it is in the Keras "
                    "cache: [i]convnet-tui train --dataset keras[/i] downloads it.[/dim]"
                )
            )
        if data.skipped:  # a full-MNIST cache that was found but could not be used says why
            text.append_text(Text(f"\n{data.skipped}", style="bold"))
        self.query_one("#data-source", Static).update(text)
        self.query_one("#train-limit", Input).placeholder = f"all {len(data.x_train):,}"
        self.query_one("#test-limit", Input).placeholder = f"all {len(data.x_test):,}"

    def apply_preset(self, key: str) -> None:
        """The preset's epochs and limits in their fields."""
        chosen = preset(key)
        values = {
            "epochs": str(chosen.epochs),
            "train-limit": "" if chosen.train_limit is None else str(chosen.train_limit),
            "test-limit": "" if chosen.test_limit is None else str(chosen.test_limit),
        }
        for field_id, value in values.items():
            self.query_one(f"#{field_id}", Input).value = value

    def show_words(self, labels: ClassLabels) -> None:
        """The fields' names in the words of another image set ("Training images")."""
        for label in self.query("#settings Label").results(Label):
            if isinstance(label.content, str):
                label.update(labels.say(label.content))

    def show_tensorflow_ready(self, seconds: float, device: str) -> None:
        status = self.query_one("#tf-status", Static)
        device = f" · {device}" if device else ""
        status.update(Text(f"TensorFlow: ready in {seconds:.1f} s{device}"))
        status.tooltip = "TensorFlow and Keras run in a worker process of their own: the interface never waits for them"
        status.remove_class("-busy")

    def show_cannot_train(self, error: str) -> None:
        status = self.query_one("#tf-status", Static)
        status.update(Text.assemble(("Cannot train: ", "bold"), error))
        status.remove_class("-busy")
        status.add_class("-error")

    def file_status(self, text: str, ok: bool) -> None:
        status = self.query_one("#file-status", Static)
        status.update(Text(visible(text, keep="\n")))  # a path may hold an escape sequence
        status.set_class(not ok, "-error")

    def model_path(self) -> str:
        """The model file's path as typed (stripped); empty: the status line asks for one."""
        path = self.query_one("#model-path", Input).value.strip()
        if not path:
            self.file_status("Type the path of a .keras file first. Received: path=''", ok=False)
        return path
