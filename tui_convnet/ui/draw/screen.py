"""Draw a digit and watch the network think.

A 28x28 canvas; after every stroke the screen shows the drawing as the
network sees it after the MNIST preprocessing (each stage on ``v``), the ten
class probabilities and every layer's output, all computed by the numpy
engine (:func:`tui_convnet.images.drawing.analyse`) — never TensorFlow.

The model is the bundled one (``assets/model``) until one is trained or
loaded in the session (``app.trained``); the screen says which.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from rich.markup import escape
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from ...core import Conv2DSpec, DenseSpec, FlattenSpec, LayerInfo, Pool2DSpec, infer_shapes, numbers
from ...data.labels import MNIST_LABELS, labels_of
from ...images import FRAME, STAGE_COUNT, UNSURE, Preprocessed, drawing, scale_to_box, stages
from ...model.model import Model
from ...training.colour_image import reads_colour
from ...util.visible import visible
from ..common.digits import DigitView
from ..common.footer import KeysFooter
from ..common.image_set import colour_model_line
from ..common.messages import ModelReady
from ..common.mode_screen import ModeScreen
from ..common.session import session_app
from ..common.session_model import runnable
from ..common.staged import Stage, building_line, fill, once_built
from . import colour
from .canvas import DrawingCanvas
from .live import GreyImage, LiveActivationStrip, LiveHeatmapGrid, LiveProbabilityBars

if TYPE_CHECKING:
    from ..common.gradcam import GradCamView

STYLES = Path(__file__).resolve().parent  # the .tcss files sit beside their screen


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(d) for d in shape)


def layer_title(info: LayerInfo) -> str:
    """One line naming a layer and its output, e.g. ``conv2d (Conv2D 32 3×3, relu) → 26×26×32``."""
    spec = info.spec
    if isinstance(spec, Conv2DSpec):
        what = f"Conv2D {spec.filters} {_shape(spec.kernel_size)}, {spec.activation}"
    elif isinstance(spec, Pool2DSpec):
        what = f"{info.type} {_shape(spec.pool_size)}"
    elif isinstance(spec, DenseSpec):
        what = f"Dense {spec.units}, {spec.activation}"
    elif isinstance(spec, FlattenSpec):
        what = "Flatten"
    else:
        what = f"{info.type}, unchanged at inference"
    return f"{info.name} ({what}) → {_shape(info.output_shape)}"


class DrawLayers(VerticalScroll, can_focus=False):
    """Every layer's output for the current drawing, top to bottom."""


class DrawScreen(ModeScreen):
    """Draw a digit; see the preprocessing, the probabilities and every layer, live."""

    CSS_PATH = [STYLES / "draw.tcss"]
    AUTO_FOCUS = "#draw-canvas"
    BINDINGS = [
        Binding("v", "stage(1)", "Stage", tooltip="Show the next stage of the MNIST preprocessing"),
        Binding(
            "left_square_bracket",
            "select_map(-1)",
            "Map",
            key_display="[/]",
            tooltip="Choose the previous first-layer feature map (or click one)",
        ),
        Binding("right_square_bracket", "select_map(1)", "Next map", show=False, tooltip="Choose the next map"),
        Binding("s", "step_through", "Step", tooltip="Step through the chosen map in the explorer"),
        Binding("G", "grad_cam_layer", "Grad-CAM", show=False, tooltip="Grad-CAM at the next Conv2D layer"),
        Binding("V", "stage(-1)", "Prev stage", show=False, tooltip="Show the previous preprocessing stage"),
        Binding("pageup", "scroll_layers('page_up')", "Layers", show=False, tooltip="Scroll the layers up"),
        Binding("pagedown", "scroll_layers('page_down')", "Layers", show=False, tooltip="Scroll the layers down"),
    ]
    HELP = """\
**Draw a digit.** Drag with the left mouse button to draw, with the right one to erase.
Without a mouse: the arrows move the cursor, **space** paints under it, **x** erases, **c** clears.

After every stroke the drawing goes through the MNIST preprocessing (grayscale; white on
black; crop to the ink; longer side to 20 pixels; centred by mass in 28×28; **v** shows each
stage) and then through the network, layer by layer, by the numpy engine. The bars are the
ten class probabilities.
"""

    #: Which preprocessing stage the preview shows (the last is what the network sees).
    stage: reactive[int] = reactive(STAGE_COUNT - 1, init=False)
    #: The first conv layer's map chosen for "step through" (click a map, or [ and ]).
    selected_map: reactive[int] = reactive(0, init=False)

    class ModelSwapped(Message):
        """A model trained or loaded in the session, ready for the numpy engine."""

        def __init__(self, model: Model) -> None:
            super().__init__()
            self.model = model
            self.labels = MNIST_LABELS

    class Failed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, pixels: np.ndarray | None = None, source: str = "") -> None:
        super().__init__()
        self.initial = pixels
        self.source = source
        self.model: Model | None = None
        #: What the model's classes are called (MNIST's digits, or another grey image set's names).
        self.labels = MNIST_LABELS
        self.analysis: drawing.Analysis | None = None
        self._views: list[tuple[Static, Any]] = []
        self._unmounted: list[Widget] = []  # the layers' second half, mounted by the last stage
        self._pending = False
        #: The preprocessing of an opened image, shown until the first stroke changes the canvas.
        self.image: Preprocessed | None = None
        self._session_model = False  # the model shown is the session's (app.trained), not the bundled one
        #: A picture for a model of 32x32 RGB images (``--data RGBSET --image``): its pixels and its path.
        self.colour_picture: tuple[np.ndarray, str] | None = None
        #: Every layer's output for the picture, while a colour model shows it (the pen is then idle).
        self.colour_outputs: tuple[np.ndarray, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="draw-model")
        with Horizontal(id="draw-top"):
            with Vertical(id="draw-left"):
                canvas = DrawingCanvas(self.initial, id="draw-canvas")
                canvas.border_title = "Your drawing"
                canvas.border_subtitle = "c: clear"
                yield canvas
            with Vertical(id="draw-middle"):
                yield Static("", id="draw-stage-title")
                yield GreyImage(np.zeros((28, 28), dtype=np.float32), id="draw-seen")
                picture = DigitView(np.zeros((32, 32, 3), dtype=np.uint8), id="draw-colour")
                picture.display = False
                yield picture
            with Vertical(id="draw-right"):
                yield Static("", id="draw-prediction")
                yield LiveProbabilityBars(id="draw-probs")
                yield Static("", id="draw-stage-note")
        with DrawLayers(id="draw-layers"):
            yield building_line("the layers")
        yield KeysFooter()

    def build_stages(self) -> list[Stage]:
        """The light first frame is the canvas, the picture and the bars, empty; then the model, the layers (in two
        halves) and, once built, the drawing's analysis (:meth:`when_built`)."""
        return [self._read_bundled, partial(self._mount_layers, first=True), partial(self._mount_layers, first=False)]

    async def _read_bundled(self) -> None:
        app = session_app(self)
        self.colour_picture, app.draw_colour = app.draw_colour, None  # kept until a model of colour images comes
        await self._use_bundled(build=False)

    async def _mount_layers(self, *, first: bool) -> None:
        """The first half of the layers (Grad-CAM first) above the building line, or the rest in its place."""
        container = self.query_one("#draw-layers", DrawLayers)
        widgets = self._layer_widgets() if first else self._unmounted
        half = (len(widgets) + 1) // 2
        if first:
            self._unmounted = widgets[half:]
            await container.mount_all(widgets[:half], before=0)
        else:
            await fill(container, widgets)

    def when_built(self) -> None:
        self.watch(self.app, "trained", self._trained_changed, init=True)
        app = session_app(self)
        image = app.draw_image  # convnet-tui --image: shown once, as the screen opens
        if image is not None:
            app.draw_image = None
            self.show_image(*image)
        else:
            self.analyse_now()

    # ------------------------------------------------------------------ the model

    def _model_line(self, text: str, error: bool = False) -> None:
        line = self.query_one("#draw-model", Static)
        line.update(text)
        line.set_class(error, "-error")

    async def use_model(self, model: Model, *, build: bool = True) -> None:
        """Show ``model``'s layers and run the drawing through it (``build`` False: its line only, the screen's
        stages mount the layers)."""
        self.model = model
        source = f" · image {escape(visible(self.source))}" if self.source else ""
        self._model_line(f"[b]Model[/b] {escape(visible(model.label))} · numpy engine{source}")
        if build:
            await self._build_layers()
            self.analyse_now()

    async def _use_bundled(self, *, build: bool = True) -> None:
        from ...model.bundled import ModelAssetError, load_bundled_model

        self._session_model = False
        self.labels = MNIST_LABELS
        self._colour(False)
        try:
            bundled = load_bundled_model()
        except ModelAssetError as exc:
            self._model_line(f"No model: {exc}", error=True)
        else:
            await self.use_model(bundled, build=build)
            if self.colour_picture is not None:
                self._model_line(colour.waiting_line(self.colour_picture[1]))

    def _trained_changed(self, ready: ModelReady | None) -> None:
        if ready is not None:
            self._convert(ready)
        elif ready is None and self._session_model:  # the student went back to the bundled model
            self.call_later(self._use_bundled)

    @work(thread=True, exclusive=True, group="draw-model", description="the session's model for numpy")
    def _convert(self, ready: ModelReady) -> None:
        """The session's model, checked for the numpy engine (off the event loop: the check runs a forward pass)."""
        try:
            model = runnable(ready)
        except Exception as exc:  # an architecture the numpy engine cannot run
            self.post_message(self.Failed(f"Cannot draw with this model: {exc}"))
            return
        picture = self.colour_picture is not None and reads_colour(model.spec)
        if tuple(model.spec.input_shape) != (28, 28, 1) and not picture:  # drawing keeps its model
            self.app.call_from_thread(self._model_line, colour_model_line())
            return
        swapped = self.ModelSwapped(model)
        swapped.labels = labels_of(ready.model, ready.data)  # another image set's class names
        self.post_message(swapped)

    async def on_draw_screen_model_swapped(self, message: ModelSwapped) -> None:
        self._session_model = True
        self.labels = message.labels
        self._colour(self.colour_picture is not None and reads_colour(message.model.spec))
        await self.use_model(message.model)

    def _colour(self, on: bool) -> None:
        """Show the colour picture (a model of 32x32 RGB images) instead of the drawing as the network sees it."""
        if self.colour_picture is not None and on:
            self.source = self.colour_picture[1]
            self.query_one("#draw-colour", DigitView).set_image(self.colour_picture[0])
        else:
            self.colour_outputs = None
        self.set_class(on, "-colour")
        setattr(self, "HELP", colour.HELP if on else type(self).HELP)  # noqa: B010  # ? reads HELP: what the screen does now
        self.query_one("#draw-colour", DigitView).display = on
        self.query_one("#draw-seen", GreyImage).display = not on

    def on_draw_screen_failed(self, message: Failed) -> None:
        self.notify(message.text, title="Draw", severity="error", timeout=8)

    async def _build_layers(self) -> None:
        container = self.query_one("#draw-layers", DrawLayers)
        await container.remove_children()
        await container.mount_all(self._layer_widgets())

    def _grad_cam(self) -> GradCamView:
        return cast("GradCamView", self.query_one("#draw-gradcam"))

    def _layer_widgets(self) -> list[Widget]:
        """Grad-CAM, then every layer's title and output view (:attr:`_views`), not yet mounted."""
        self._views = []
        if self.model is None:
            return []
        from ..common.gradcam import (
            GradCamView,  # (with the core's backward pass: not on the key that opens the screen)
        )

        widgets: list[Widget] = [GradCamView(id="draw-gradcam")]  # where the network looks, above the layers
        for info in infer_shapes(self.model.spec):
            title = Static(layer_title(info), classes="layer-title", name=layer_title(info))
            view: Any = (
                LiveHeatmapGrid(classes="maps", label="#") if len(info.output_shape) == 3 else LiveActivationStrip()
            )
            if isinstance(info.spec, Conv2DSpec) and not any(v.has_class("first-conv") for _, v in self._views):
                view.add_class("first-conv")
                view.selected = self.selected_map
            self._views.append((title, view))
            widgets += [title, view]
        return widgets

    # ------------------------------------------------------------------ drawing → network

    def show_image(self, image: Preprocessed, source: str) -> None:
        """Start from an image: the canvas gets what the network sees, the stages are the image's own."""
        self.image, self.source = image, source
        self.query_one("#draw-canvas", DrawingCanvas).set_pixels(image.digit, notify=False)
        if self.model is not None:
            self._model_line(
                f"[b]Model[/b] {escape(visible(self.model.label))} · numpy engine · image {escape(visible(source))}"
            )
        self.analyse_now()

    def on_drawing_canvas_changed(self, message: DrawingCanvas.Changed) -> None:
        """Analyse each finished stroke (mouse released, key pressed); bursts coalesce into one analysis."""
        if self.has_class("-colour"):  # the model reads the colour picture: the pen is for grey models
            return
        self.image = None
        if not self.built:  # the layers are being built: the drawing is analysed once they are
            return  # drawn on: from now on the canvas is the drawing
        if message.done and not self._pending:
            self._pending = True
            self.call_later(self.analyse_now)

    @once_built
    def action_grad_cam_layer(self) -> None:
        self._grad_cam().next_layer()

    def analyse_now(self) -> None:
        self._pending = False
        if self.model is None:
            return
        if self.has_class("-colour") and self.colour_picture is not None:
            self.analysis, self.colour_outputs = None, colour.picture_outputs(self.model, self.colour_picture[0])
            self._show_verdict()
            self._show_outputs(self.colour_outputs, colour.model_input(self.colour_picture[0]))
            return
        if self.image is not None:
            self.analysis = drawing.analyse_preprocessed(self.model, self.image)
        else:
            self.analysis = drawing.analyse(self.model, self.query_one("#draw-canvas", DrawingCanvas).pixels)
        self._show()

    def _show(self) -> None:
        a = self.analysis
        if a is None:
            return
        bars = self.query_one("#draw-probs", LiveProbabilityBars)
        self._show_verdict()
        bars.labels = self.labels
        if a.preprocessed is None or a.probabilities is None:
            bars.set_probabilities(np.zeros(len(self.labels.names)), None)
            self._show_stage()
            for title, view in self._views:
                if isinstance(view, LiveHeatmapGrid):
                    view.set_tiles([], [])
                    title.update(str(title.name), layout=False)
                else:
                    view.set_values(np.zeros(0))
            return
        self._show_outputs(a.outputs, a.preprocessed.model_input)

    def _show_outputs(self, outputs: tuple[np.ndarray, ...], model_input: np.ndarray) -> None:
        """The bars, Grad-CAM, the picture as the network sees it and every layer, for ``outputs``."""
        bars = self.query_one("#draw-probs", LiveProbabilityBars)
        bars.labels = self.labels
        bars.set_probabilities(outputs[-1], None)
        if self.model is not None:
            cam = self._grad_cam()
            cam.labels = self.labels  # another image set's classes by name
            cam.show(self.model.spec, self.model.weights, model_input)
        self._show_stage()
        for (title, view), out in zip(self._views, outputs, strict=False):
            if isinstance(view, LiveHeatmapGrid):
                view.set_maps(out)
                # the maps' colour scale, one per layer: 0.00 ████████ 1.03
                title.update(Text.assemble(str(title.name), "  colours: ", view.legend()), layout=False)
            else:
                view.set_values(out)

    #: The verdict line's width from which it is written out in full ("The network says 7 (99.9%)").
    VERDICT_WIDTH = 26

    def _show_verdict(self) -> None:
        """The network's answer in one line of the width there is (at 80 columns, about 20 cells)."""
        a = self.analysis
        line = self.query_one("#draw-prediction", Static)
        full = line.size.width == 0 or line.size.width >= self.VERDICT_WIDTH
        if self.colour_outputs is not None:
            probabilities: np.ndarray | None = self.colour_outputs[-1]
        elif a is None:
            return
        else:
            probabilities = None if a.preprocessed is None else a.probabilities
        if probabilities is None:
            line.update(
                self.labels.say("[b]Draw a digit[/b] on the canvas" if full else "[b]Draw a digit[/b]"), layout=False
            )
            return
        predicted = int(np.argmax(probabilities))
        top = float(probabilities[predicted])
        says = f"[b]{escape(self.labels.name(predicted))}[/b] ({numbers.percent(top)})"
        if top < UNSURE:  # a guess: the picture may not be a digit at all
            line.update(f"[b]Unsure[/b]: {says}, under 50 %" if full else f"[b]Unsure[/b]: {says}", layout=False)
            return
        line.update(f"The network says {says}" if full else f"It says {says}", layout=False)

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_verdict)  # once the line has its new width

    def _show_stage(self) -> None:
        title = self.query_one("#draw-stage-title", Static)
        note = self.query_one("#draw-stage-note", Static)
        seen = self.query_one("#draw-seen", GreyImage)
        pre = None if self.analysis is None else self.analysis.preprocessed
        if self.colour_outputs is not None:  # the colour picture: no MNIST stages
            title.update("[b]As the network sees it[/b]", layout=False)
            note.update(colour.SEEN_NOTE, layout=False)
            return
        if pre is None:
            title.update("[b]As the network sees it[/b]", layout=False)
            seen.set_image(np.zeros((28, 28), dtype=np.float32))
            note.update("", layout=False)
            return
        stage = stages(pre)[self.stage]
        title.update(
            "[b]As the network sees it[/b]" if self.stage == STAGE_COUNT - 1 else f"[b]Stage {stage.title}[/b]",
            layout=False,
        )
        image = stage.image
        if max(image.shape) > FRAME:  # a photo's first stages: shown shrunk to the frame
            image = scale_to_box(image, FRAME)
        seen.set_image(image)
        note.update(f"[b]{stage.title}[/b] (v: next stage): {stage.note}", layout=False)

    def watch_stage(self) -> None:
        self._show_stage()

    # ------------------------------------------------------------------ actions

    def _first_conv(self) -> LiveHeatmapGrid | None:
        return next((v for _, v in self._views if v.has_class("first-conv")), None)

    def watch_selected_map(self, value: int) -> None:
        grid = self._first_conv()
        if grid is not None:
            grid.selected = value

    def on_tile_grid_clicked(self, message: LiveHeatmapGrid.Clicked) -> None:
        if message.grid.has_class("first-conv"):
            self.selected_map = message.tile

    def action_select_map(self, delta: int) -> None:
        grid = self._first_conv()
        if grid is not None and grid.count:
            self.selected_map = (self.selected_map + delta) % grid.count

    def action_step_through(self) -> None:
        """Open the chosen first-layer map in the explorer: this drawing, the learned kernel and bias."""
        from ...explore import focus_on_map
        from ..common.messages import OpenInExplorer

        if self.colour_outputs is not None:
            self.notify("Stepping through reads a grey drawing; this model reads colour pictures.", title="Draw")
            return
        if self.model is None or self.analysis is None or self.analysis.preprocessed is None:
            self.notify("Draw a digit first: then s steps through the chosen map.", title="Draw", severity="warning")
            return
        try:
            example = drawing.first_conv_example(self.model, self.analysis)
            request = focus_on_map(example, self.selected_map)
        except ValueError as exc:
            self.notify(str(exc), title="Step through", severity="error")
            return
        self.app.post_message(OpenInExplorer.of(request))

    def action_stage(self, delta: int) -> None:
        self.stage = (self.stage + delta) % STAGE_COUNT

    def action_scroll_layers(self, where: str) -> None:
        getattr(self.query_one("#draw-layers", DrawLayers), f"scroll_{where}")(animate=False)
