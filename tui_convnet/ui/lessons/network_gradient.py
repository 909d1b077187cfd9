"""The lesson on the gradient flowing back through the whole network, layer by layer, for one digit.

The screen composes, binds keys and pushes the pure state (:func:`tui_convnet.core.lessons.network_gradients`,
computed in a thread worker) down to its heatmaps; its base is :mod:`.backprop_base`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Label, Static

from ...core import numbers
from ...core.lessons import (
    NetworkGradients,
    network_gradients,
)
from ...model.layer_names import KERAS_NAMES_NOTE, slide_named
from ..common.footer import KeysFooter
from ..common.heatmap import Heatmap, HeatmapGrid, glyph_legend, layer_strips, no_color, quantise, scale_for
from ..common.messages import ModelReady
from ..common.session_model import current_model
from .backprop_base import STYLES, LessonScreen, Title

if TYPE_CHECKING:
    from ...model.model import Model


class GradientsReady(Message):
    """The network's gradients for one digit (computed in a worker)."""

    def __init__(self, result: NetworkGradients | None, image: np.ndarray | None, source: str, error: str = "") -> None:
        super().__init__()
        self.result, self.image, self.source, self.error = result, image, source, error


#: Channels shown per layer (the rest are summarised in the label).
MAX_CHANNELS = 8
#: Below this width the network lesson leaves out the dL/dx map (the status needs the room).
NARROW_BELOW = 110


class NetworkGradientScreen(LessonScreen):
    """Lesson: the gradient of one digit's loss flowing back through the network, layer by layer."""

    LESSON_KEY = "network"

    CSS_PATH = [STYLES / "backprop.tcss"]
    AUTO_FOCUS = ""

    HELP = """\
**Backpropagation through the network.** One digit goes forward through the model trained or
loaded in this session (the bundled trained model until there is one: the status says which); the
loss (cross-entropy of the true label) sends a gradient back. Each step goes one layer further
back and shows dL/d(output of that layer) as heatmaps (blue negative, red positive). Max pooling
sends each window's gradient only to the cell that won the window: the routed map is zero
everywhere else. Dense layers are shown as one row of values. Esc goes back.
"""

    BINDINGS = [
        Binding("right,l", "step(1)", "Layer", key_display="←/→", tooltip="Back one layer (toward the input)"),
        Binding("left,h", "step(-1)", "Forward one layer", show=False, tooltip="Forward one layer (toward the loss)"),
        Binding("n", "digit(1)", "Digit", key_display="n/N", tooltip="Next digit"),
        Binding("N", "digit(-1)", "Previous digit", show=False),
        Binding("c", "channels", "More channels"),
        Binding("escape", "back", "Back", key_display="Esc", tooltip="Back to the screen this lesson was opened from"),
        # at 80x24 the gradient routed back sits below the screen: the keyboard reaches it
        Binding("pagedown", "scroll_maps(1)", "Scroll", key_display="PgUp/PgDn", show=False, tooltip="Scroll the maps"),
        Binding("pageup", "scroll_maps(-1)", "Scroll up", show=False),
    ]

    result: reactive[NetworkGradients | None] = reactive(None, init=False, always_update=True)
    position: reactive[int] = reactive(0, init=False)

    def __init__(self, model: Model | None = None, digit: int = 0) -> None:
        super().__init__()
        self._model = model  # or None: the session's model, else the bundled one
        self._digit = digit
        self._page = 0
        self._source = ""
        self._image: np.ndarray | None = None
        self._ready: ModelReady | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="lesson"):
            yield Title(id="title")
            with Horizontal(id="net-top"):
                with Vertical(classes="map-box"):
                    yield Label("the digit", classes="map-title")
                    yield Heatmap(id="map-digit")
                with Vertical(classes="map-box", id="box-dx"):
                    yield Label("dL/dx", classes="map-title")
                    yield Heatmap(id="map-dx")
                yield Static(id="net-status")
            with VerticalScroll(id="net-maps"):
                yield Label(id="lbl-grad", classes="map-title")
                yield HeatmapGrid(palette="diverging", label="dL/d ch", id="grid-grad")
                yield Label(id="lbl-back", classes="map-title")
                yield HeatmapGrid(palette="diverging", label="ch", id="grid-back")
        yield KeysFooter()

    def action_scroll_maps(self, pages: int) -> None:
        maps = self.query_one("#net-maps", VerticalScroll)
        if pages > 0:
            maps.scroll_page_down(animate=False)
        else:
            maps.scroll_page_up(animate=False)

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < NARROW_BELOW, "-narrow")
        if self._model is None:  # the session's model when there is one (now or later), else the bundled one
            self.watch(self.app, "trained", self._trained_changed, init=True)
        else:
            self._compute()

    def _trained_changed(self, ready: ModelReady | None) -> None:
        self._ready = ready
        self._compute()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW_BELOW, "-narrow")

    def _choose_model(self) -> Model:
        """The model given, else the session's (trained or loaded), else the bundled one."""
        return self._model if self._model is not None else current_model(self._ready)

    @work(thread=True, exclusive=True)
    def _compute(self) -> None:
        try:
            model = self._choose_model()
            from ...data.mnist import bundled_digit

            image, label = bundled_digit(self._digit)
            x = (image.astype(np.float32) / 255.0)[:, :, None]
            result = network_gradients(model.spec, list(model.weights), x, label)
        except (ValueError, OSError) as exc:
            self.post_message(GradientsReady(None, None, "", str(exc)))
            return
        self.post_message(GradientsReady(result, x[:, :, 0], model.label))

    def on_gradients_ready(self, message: GradientsReady) -> None:
        if message.result is None:
            self.query_one("#title", Title).update(Text(f"Cannot compute the gradients: {message.error}"))
            return
        self._source = message.source
        self._image = message.image
        self.position = 0
        self.result = message.result

    def action_step(self, delta: int) -> None:
        if self.result is not None:
            self._page = 0
            self.position = min(max(self.position + delta, 0), len(self.result.layers) - 1)

    def action_digit(self, delta: int) -> None:
        self._digit = max(self._digit + delta, 0)
        self._compute()

    def action_channels(self) -> None:
        if self.result is not None:
            self._page += 1
            self._show(self.result)

    def watch_position(self) -> None:
        if self.result is not None:
            self._show(self.result)

    def watch_result(self, result: NetworkGradients | None) -> None:
        if result is not None:
            self._show(result)

    @property
    def layer_index(self) -> int:
        """The layer shown: the last at position 0, one further back per step."""
        assert self.result is not None
        return len(self.result.layers) - 1 - self.position

    def _show(self, result: NetworkGradients) -> None:
        i = self.layer_index
        layer = result.layers[i]
        below = result.layers[i - 1].grad if i else result.grad_input
        below_name = result.layers[i - 1].name if i else "the input"
        if self._image is not None:
            self.query_one("#map-digit", Heatmap).set_values(self._image)
        self.query_one("#map-dx", Heatmap).set_values(result.grad_input[:, :, 0], palette="diverging")
        probs = result.probabilities
        guess = int(np.argmax(probs))
        status = Text()
        status.append(f"label {result.label} · model says {guess} ({numbers.percent(float(probs[guess]))})\n")
        status.append(f"loss −log p({result.label}) = {result.loss:.4g}\n", "bold")
        status.append(f"model: {self._source}\n")
        named = slide_named(layer.name, layer.type)
        status.append(f"{numbers.position(i, len(result.layers), 'layer')}: {named}\n")
        if layer.routes is not None:
            status.append(
                "max pooling routes each window's gradient to its winner: "
                f"{numbers.count(int(layer.routes.sum()))} routes among"
                f" {numbers.count(layer.routes.size)} input cells; "
                f"{numbers.count(int(np.count_nonzero(below)))} cells get a non-zero gradient for this digit",
            )
        elif i == len(result.layers) - 1:
            status.append(
                "dL/dz = p − y for the softmax's inputs: " + _vector_text(probs - np.eye(len(probs))[result.label])
            )
        status.append(f"\n{KERAS_NAMES_NOTE}", "dim")
        self.query_one("#net-status", Static).update(status)
        grad_label = self._show_maps("#grid-grad", layer.grad)
        self.query_one("#lbl-grad", Label).update(
            Text(f"dL/d(output of {layer.name}) {layer.grad.shape}{grad_label}", no_wrap=True, overflow="ellipsis")
        )
        back_label = self._show_maps("#grid-back", below)
        what = "routed back to" if layer.routes is not None else "flows back to"
        self.query_one("#lbl-back", Label).update(
            Text(f"dL/d(input) {what} {below_name} {below.shape}{back_label}", no_wrap=True, overflow="ellipsis")
        )
        self.query_one("#title", Title).update(
            Text(
                f"{self.lesson_heading('network', 'Backpropagation')} · digit {self._digit} · "
                f"{numbers.position(self.position, len(result.layers), short=True)}: {layer.name}",
                no_wrap=True,
                overflow="ellipsis",
            )
        )

    def _show_maps(self, selector: str, values: np.ndarray) -> str:
        """Draw a page of channels of ``values`` (a vector as one row); returns what the label adds."""
        grid = self.query_one(selector, HeatmapGrid)
        maps = values[None, :, None] if values.ndim == 1 else values
        channels = maps.shape[2]
        pages = -(-channels // MAX_CHANNELS)
        start = (self._page % pages) * MAX_CHANNELS
        stop = min(start + MAX_CHANNELS, channels)
        shown = maps[:, :, start:stop]
        vmin, vmax = scale_for(maps, "diverging")  # one scale for every channel of the layer
        tiles = layer_strips(quantise(shown, vmin, vmax, "diverging"), "diverging", no_color(grid))
        names = ["values"] if values.ndim == 1 else [f"{grid.label}{c}" for c in range(start, stop)]
        grid.set_tiles(tiles, names, line_width=shown.shape[1])
        if no_color(grid):  # the maps are glyphs: say what each means
            scale = f" · {glyph_legend(vmin, vmax, 'diverging').plain}"
        else:
            scale = f" · colour scale ±{numbers.plain(max(abs(vmin), abs(vmax)), decimals=3)}"
        return scale + (f" · channels {start}–{stop - 1} of {channels} (c: more)" if pages > 1 else "")


def _vector_text(values: np.ndarray) -> str:
    return "[" + ", ".join(numbers.plain(float(v), decimals=3) for v in values) + "]"
