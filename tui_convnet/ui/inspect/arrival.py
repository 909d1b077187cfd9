"""The inspect screen's model on screen: a model's arrival shown in steps, one per frame; a digit through it.

A model's layers were mounted, given their kernels and shown a digit in one go when the model arrived
(0.2-0.4 s of CPU during which no key was answered: the first ``o`` after ``i`` waited for all of it). Now
the arrival is a list of steps (:meth:`~..common.mode_screen.ModeScreen.run_in_steps`): the model's line
and the side panel, the layers two at a time, each conv layer's kernels, then the digit. :attr:`inspector`
is the model once all of it is on screen (None before: the keys that need it wait); a newer model's
arrival drops the steps of the one before.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from inspect import isawaitable
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Input, Static

from ...core import Conv2DSpec
from ...util.visible import visible
from ..common.image_set import ImageWords
from ..common.mode_screen import ModeScreen
from . import keys, workers
from .messages import LayerCheck, PredictionsDone, Prepared

if TYPE_CHECKING:
    from ...data.mnist import MnistData
    from ...training.inspector import FieldChoice, ModelInspector
    from ..common.gradcam import GradCamView
    from ..common.staged import Stage
    from .layers import LayerList, LayerSection
    from .side import SidePanel

#: Layer sections mounted per step (each is a title, a note, its output and, for a conv layer, its kernels).
SECTIONS_PER_STEP = 2


class ModelOnScreen(ImageWords, ModeScreen):
    """The inspect screen's model, data and digit, and the handlers of its workers' answers."""

    #: The test digit shown (index into the test set).
    index: reactive[int] = reactive(0, init=False)
    #: The first-layer feature map chosen for "step through".
    selected_map: reactive[int] = reactive(0, init=False)
    #: Which input channel of the deeper conv layers' kernels is shown.
    kernel_channel: reactive[int] = reactive(0, init=False)
    #: The feature-map cell whose receptive field is drawn on the digit (None: off; the arrows change digits).
    field: reactive[FieldChoice | None] = reactive(None, init=False)

    def __init__(self) -> None:
        super().__init__()
        self._inspector: ModelInspector | None = None  # the model shown, or being put on screen
        self._arriving = False  # its steps are still running
        self.data: MnistData | None = None
        self.source = ""  # which model: "bundled model, 97.2% on the official test set", "model of run 2, …"
        #: Whether Keras checks every digit's layers (a Keras model; or a numpy model after k).
        self.keras_check = False
        self._generation = 0  # counts the models asked for: a slower, older preparation never wins
        self.predicted: np.ndarray | None = None
        self.outputs: list[np.ndarray] = []
        self._next_wanted = False  # n was pressed before the test-set predictions were in
        #: A path was submitted (Enter in the path field): the field lets go of the keys when its model is shown.
        self._path_opened = False

    @property
    def inspector(self) -> ModelInspector | None:
        """The model on screen; None until all of it is (its layers, kernels and digit)."""
        return None if self._arriving else self._inspector

    def _status(self, text: str | Text, error: bool = False) -> None:
        """One status line; a ``str`` is shown literally (it may quote a path or typed text)."""
        status = self.query_one("#inspect-status", Static)
        status.update(Text(visible(text, keep="\n")) if isinstance(text, str) else text)
        status.set_class(error, "-error")
        status.display = bool(text)

    # ------------------------------------------------------------------ a model arrives, in steps

    def _of_generation(self, generation: int, step: Callable[[], object]) -> Stage:
        """``step``, skipped once a newer model was asked for."""

        async def run() -> None:
            if generation == self._generation:
                result = step()
                if isawaitable(result):
                    await result

        return run

    def on_inspect_screen_prepared(self, message: Prepared) -> None:
        if message.generation != self._generation:
            return  # a model asked for before the one now coming
        self._arriving = True
        steps: list[Callable[[], object]] = [lambda: self._show_model_line(message)]
        layers = message.inspector.layers
        chunks = range(0, len(layers), SECTIONS_PER_STEP)
        steps += [partial(self._mount_sections, first, first + SECTIONS_PER_STEP) for first in chunks]
        steps.append(lambda: self.layer_list.mount_note())
        conv = [info for info in layers if isinstance(info.spec, Conv2DSpec)]
        steps += [partial(self._show_kernels_of, at) for at in range(len(conv))]
        steps.append(self._show_side)
        steps += [partial(self._show_sections, first, first + SECTIONS_PER_STEP) for first in chunks]
        steps.append(self._arrived)
        self.run_in_steps([self._of_generation(message.generation, step) for step in steps])

    async def _show_model_line(self, message: Prepared) -> None:
        """The model's line, the side panel's accuracy line; the layer list emptied for the new layers."""
        self._inspector, self.data, self.source = message.inspector, message.data, message.source
        self.keras_check = message.keras_check
        self.take_words(message.inspector.model, message.data, help_text=keys.HELP)  # another image set's words
        self.set_class(message.data.x_test.ndim == 4, "-rgb")  # a 32x32 RGB image needs a wider side panel
        self.query_one("#inspect-index", Input).placeholder = self.say("digit #")
        self.field = None  # the new model may have other layers
        self.predicted = None
        self._status("")
        if self._path_opened and isinstance(self.focused, Input):  # never while a path or a number is typed
            self.set_focus(None)
        self._path_opened = False
        where = "bundled sample" if message.data.source == "sample" else message.data.location
        self.query_one("#inspect-empty").display = False  # the side panel first: its frame lays it out
        self.query_one("#inspect-body").display = True
        self.query_one("#inspect-source", Static).update(
            Text.assemble(
                ("Model ", "bold"),
                f"{message.inspector.name}: {self.source} · ",
                (self.say(f"{len(message.data.x_test):,} test digits"), "bold"),
                f" ({where})",
            )
        )
        self.side_panel.show_accuracy(None, message.data.y_test)
        self.set_reactive(ModelOnScreen.selected_map, 0)
        self.set_reactive(ModelOnScreen.kernel_channel, 0)
        if self.index >= len(message.data.x_test):
            self.set_reactive(ModelOnScreen.index, 0)
        await self.layer_list.new_model(message.inspector.layers, self.keras_check)

    async def _mount_sections(self, start: int, stop: int) -> None:
        await self.layer_list.mount_sections(start, stop)

    def _show_kernels_of(self, at: int) -> None:
        """The kernels of the model's conv layer number ``at`` (the first's: with the chosen map)."""
        if self._inspector is not None:
            layers = self.layer_list
            layers.show_kernels_of(at, self._inspector, self.selected_map, self.kernel_channel, self.dark)

    @property
    def dark(self) -> bool:
        return self.app.current_theme.dark

    def _arrived(self) -> None:
        self._arriving = False
        self._ask_keras()

    def on_inspect_screen_predictions_done(self, message: PredictionsDone) -> None:
        self.run_in_steps([lambda: self._predictions_done(message)])  # after the model's own steps

    async def _predictions_done(self, message: PredictionsDone) -> None:
        if message.inspector is not self._inspector or self.data is None:
            return
        self.predicted = message.predicted
        self.side_panel.show_accuracy(self.predicted, self.data.y_test)
        if self._next_wanted:
            self._next_wanted = False
            await self.run_action("next_misclassified")

    def on_inspect_screen_layer_check(self, message: LayerCheck) -> None:
        self.run_in_steps([lambda: self._layer_check(message)])

    async def _layer_check(self, message: LayerCheck) -> None:
        if message.inspector is not self._inspector or message.index != self.index:
            return  # an answer for a digit no longer shown
        if message.diffs is None:
            self.side_panel.show_check_failed(message.error)
            return
        from ...training.inspector import TOLERANCE

        for section, diff in zip(self.sections, message.diffs, strict=False):
            section.show_check(diff, TOLERANCE)
        self.side_panel.show_check(message.diffs, TOLERANCE)

    # The panes are found by their ids: their modules are imported by the screen's build stages, not with it
    # (the key that opens the screen imports less).
    @property
    def layer_list(self) -> LayerList:
        return cast("LayerList", self.query_one("#inspect-layers"))

    @property
    def side_panel(self) -> SidePanel:
        return cast("SidePanel", self.query_one("#inspect-side"))

    @property
    def grad_cam(self) -> GradCamView:
        return cast("GradCamView", self.query_one("#inspect-gradcam"))

    @property
    def sections(self) -> list[LayerSection]:
        """One widget per layer of the model shown, top to bottom."""
        return self.layer_list.sections

    def _update_kernels(self) -> None:
        if self._inspector is not None and not self._arriving:
            layers = self.layer_list
            layers.show_kernels(self._inspector, self.selected_map, self.kernel_channel, self.dark)

    # ------------------------------------------------------------------ showing a digit

    def _in_thread(self, group: str, work: Callable[..., None], *args: Any, description: str = "") -> None:
        """Run ``work(self.post_message, *args)`` in a thread worker (a newer one in ``group`` cancels the older)."""
        name = work.__name__
        self.run_worker(
            partial(work, self.post_message, *args), name, group, description or name, exclusive=True, thread=True
        )

    def _check(self, inspector: ModelInspector, index: int, digit: np.ndarray, outputs: list[np.ndarray]) -> None:
        """Ask Keras for the same layers (a cheap description: no array reprs)."""
        description = f"Keras layers of test digit #{index}"
        self._in_thread("inspect-keras", workers.check, inspector, index, digit, outputs, description=description)

    def show_digit(self) -> None:
        """Compute every layer for the current digit (numpy core) and show it; ask Keras to check."""
        if self._arriving or not self._show_side():
            return
        self._show_sections(0, len(self.outputs))
        self._ask_keras()

    def _show_side(self) -> bool:
        """Every layer's output for the current digit (numpy core); the digit, its prediction and Grad-CAM shown.
        False: no model."""
        inspector, data = self._inspector, self.data
        if inspector is None or data is None:
            return False
        digit = data.x_test[self.index]
        self.outputs = inspector.numpy_layers(digit)
        side = self.side_panel
        side.show_digit(
            self.index,
            len(data.x_test),
            digit,
            int(data.y_test[self.index]),
            self.outputs[-1],
            keras_check=self.keras_check,
            labels=self.labels,
        )
        self.grad_cam.show(inspector.spec, inspector.weights, inspector.model_input(digit))
        return True

    def _show_sections(self, start: int, stop: int) -> None:
        """Layers ``start`` to ``stop`` of the digit's :attr:`outputs`."""
        for section, out in list(zip(self.sections, self.outputs, strict=False))[start:stop]:
            section.checking(self.keras_check)
            section.show(out, self.selected_map)

    def _ask_keras(self) -> None:
        if self.keras_check and self._inspector is not None and self.data is not None:
            self._check(self._inspector, self.index, self.data.x_test[self.index], self.outputs)
