"""The filter gallery: for every filter of a convolution layer, the input that excites it most.

Each tile is the image found by gradient ascent from seeded noise (Chollet's method, computed by the
numpy core: :func:`tui_convnet.core.filter_visualisations`) beside the filter's own weights. ``←`` ``→``
move between the Conv2D layers, so the hierarchy the lecture describes (edges, then strokes, then
parts of digits) can be seen on the real model: the bundled one, or the one trained or loaded in the
session (the inspect screen opens this screen on its model with ``F``). A model of another image set
(``convnet-tui --data``) is described in its words: "images" and its class names, and a model of 32x32 RGB
images shows each found input in its colours (as the training screen's gallery draws such images), and its
first layer's weights in colour too: each filter's red, green and blue input weights as one RGB patch (without
colour, NO_COLOR, their mean as glyphs).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from rich.segment import Segment
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from ...core import FilterImage, ModelSpec, conv_layers, filter_visualisations, infer_shapes
from ...core.arrays import Array
from ...data.labels import MNIST_LABELS, ClassLabels
from ..common.digits import digit_strips
from ..common.footer import KeysFooter
from ..common.heatmap import NO_STYLE, TileGrid, map_strips, no_color, quantise
from ..common.image_set import names_line

STYLES = Path(__file__).resolve().parent  # the .tcss file sits beside its screen

#: The ascent: steps, learning rate, seed of the start (one start for every filter).
STEPS, LEARNING_RATE, SEED = 30, 1.0, 0
#: Filters computed per batch (the tiles appear batch by batch).
CHUNK = 16

HOW_TO_READ = (
    "Left: the input that makes the filter's mean output largest, found by {steps} steps of gradient "
    "ascent from seeded noise (bright = the input should be high there). Right: the filter's "
    "{weights}. Early layers answer to edges and strokes at one angle; "
    "deeper ones to longer strokes and parts of digits."
)
#: The note for a model of another image set (``picture``: how the found input is drawn).
OTHER_HOW_TO_READ = (
    "Left: the input that makes the filter's mean output largest, found by {steps} steps of gradient "
    "ascent from seeded noise, {picture}. Right: the filter's {weights}. "
    "Early layers answer to edges{colours}; deeper ones to larger shapes and parts of the images "
    "(classes: {names})."
)
GREY_PICTURE = "in grey (bright = the input should be high there)"
COLOUR_PICTURE = "in its colours (each channel as the filter wants it: bright = high)"
#: Without colour (NO_COLOR) a colour input is drawn as its lightness.
GLYPH_PICTURE = "as its lightness (from ' ' dark to '@' bright; the colours need a colour terminal)"
#: The weights as one diverging map (of one input channel, or the mean over them).
MAP_WEIGHTS = "{size} weights{mean} (red > 0 > blue)"
#: An RGB model's first layer: each filter's three input channels' weights drawn as one colour patch.
COLOUR_WEIGHTS = (
    "{size} weights in colour: each pixel's red, green and blue are its weights for the red, green and blue "
    "input (grey = 0, brighter = positive; one scale for the layer, symmetric around 0: ±{scale})"
)
#: How many characters of class names the note lists.
NAMES_IN_NOTE = 60


def how_to_read(
    labels: ClassLabels, *, size: str, mean: str, colour: bool, glyphs: bool = False, weight_scale: float | None = None
) -> str:
    """The note under the title: MNIST's own words, or another image set's (its class names); ``colour``: the
    model reads RGB images, ``glyphs``: drawn without colour; ``weight_scale``: the weights are drawn as colour
    patches on the scale ``±weight_scale`` (an RGB model's first layer), else as one map (``mean`` says which)."""
    weights = (
        COLOUR_WEIGHTS.format(size=size, scale=f"{weight_scale:.2g}")
        if weight_scale is not None
        else MAP_WEIGHTS.format(size=size, mean=mean)
    )
    if labels.mnist:
        return HOW_TO_READ.format(steps=STEPS, weights=weights)
    return OTHER_HOW_TO_READ.format(
        steps=STEPS,
        picture=(GLYPH_PICTURE if glyphs else COLOUR_PICTURE) if colour else GREY_PICTURE,
        weights=weights,
        colours=" and colours" if colour else "",
        names=names_line(labels, NAMES_IN_NOTE),
    )


def weight_patch(weights: np.ndarray, scale: float) -> np.ndarray:
    """``(kh, kw, 3)`` weights of the red, green and blue input as an RGB picture in [0, 1], two pixels a
    weight: 0 is mid grey, ``+scale`` full, ``-scale`` none, each channel on its own."""
    patch = np.clip(0.5 + 0.5 * np.asarray(weights, dtype=np.float64) / scale, 0.0, 1.0)
    return np.repeat(np.repeat(patch, 2, axis=0), 2, axis=1)


def filter_tile(result: FilterImage, weights: np.ndarray, scale: float, glyphs: bool = False) -> list[list[Segment]]:
    """One tile: the found image (sequential colours; an RGB image in its own colours) and, beside its first
    lines, the weights (×2): ``(kh, kw)`` as a diverging map, ``(kh, kw, 3)`` (an RGB model's first layer) as
    a colour patch (:func:`weight_patch`); ``glyphs``: without colour (NO_COLOR)."""
    shown = result.display()
    if shown.shape[2] == 3:
        lines = digit_strips(shown, glyphs=glyphs)
    else:
        lines = map_strips(quantise(shown[:, :, 0], 0.0, 1.0, "sequential"), "sequential", glyphs)
    if weights.ndim == 3:
        big = weight_patch(weights, scale)
        weight_lines = digit_strips(big)
    else:
        big = np.kron(weights, np.ones((2, 2)))
        weight_lines = map_strips(quantise(big, -scale, scale, "diverging"), "diverging", glyphs)
    width = big.shape[1]
    tile = []
    for y, line in enumerate(lines):
        right = weight_lines[y] if y < len(weight_lines) else [Segment(" " * width, NO_STYLE)]
        tile.append([*line, Segment(" ", NO_STYLE), *right])
    return tile


def filter_label(result: FilterImage) -> str:
    if not result.fires:
        return f"f{result.filter_index} never fires"
    return f"f{result.filter_index} mean {result.losses[-1]:.2f}"


class FiltersScreen(Screen[None]):
    """Every filter of one Conv2D layer: the input it looks for, beside its weights."""

    CSS_PATH = [STYLES / "filters.tcss"]
    BINDINGS = [
        Binding("left", "layer(-1)", "Layer", key_display="←→", tooltip="The previous Conv2D layer"),
        Binding("right", "layer(1)", "Next layer", show=False, tooltip="The next Conv2D layer"),
        Binding("escape", "dismiss", "Back", tooltip="Back to the screen before"),
    ]
    HELP = """\
**What each filter looks for.** For every filter of a Conv2D layer, the input that excites it most:
gradient ascent on the input, from seeded noise, of the filter's mean output (Chollet, *Deep Learning
with Python*), computed by the numpy engine from the model's own weights. Beside each, the filter's
weights. **← →** change the layer, **Esc** goes back.
"""

    class Computed(Message):
        def __init__(self, layer: str, results: list[FilterImage], done: bool) -> None:
            super().__init__()
            self.layer_name, self.results, self.done = layer, results, done

    def __init__(
        self,
        spec: ModelSpec,
        weights: Sequence[Array],
        label: str,
        layer: str | None = None,
        *,
        labels: ClassLabels = MNIST_LABELS,
    ) -> None:
        super().__init__()
        self.spec, self.weights, self.label = spec, list(weights), label
        #: What the model's images and classes are called (MNIST's digits, or another set's names).
        self.labels = labels
        self.conv_names = conv_layers(spec)
        self.current = layer if layer in self.conv_names else (self.conv_names[0] if self.conv_names else None)
        self.results: dict[str, list[FilterImage]] = {}
        self._complete: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Static("", id="filters-title")
        yield Static("", id="filters-note")
        with VerticalScroll(id="filters-scroll"):
            yield TileGrid(id="filters-grid")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.show_layer()

    def _kernel(self, layer: str) -> np.ndarray:
        """The kernel bank ``(kh, kw, C_in, C_out)`` of ``layer``."""
        index = [info.name for info in infer_shapes(self.spec)].index(layer)
        before = sum(1 for layer in self.spec.layers[:index] if layer.type in ("Conv2D", "Dense"))
        return np.asarray(self.weights[2 * before])

    def show_layer(self) -> None:
        if self.current is None:
            self.query_one("#filters-title", Static).update(Text("This model has no Conv2D layer."))
            return
        kernel = self._kernel(self.current)
        kh, kw, cin, cout = kernel.shape
        done = len(self.results.get(self.current, []))
        state = "" if self.current in self._complete else f" · computing… {done} of {cout}"
        self.query_one("#filters-title", Static).update(
            Text.assemble(
                ("What each filter looks for", "bold"),
                f" · {self.current} ({self.conv_names.index(self.current) + 1} of {len(self.conv_names)})",
                f" · {cout} filters · {self.label}{state}",
            )
        )
        mean = f", the mean over its {cin} input channels" if cin > 1 else ""
        self.query_one("#filters-note", Static).update(
            Text(
                how_to_read(
                    self.labels,
                    size=f"{kh}x{kw}",
                    mean=mean,
                    colour=self.spec.input_shape[2] == 3,
                    glyphs=no_color(self),
                    weight_scale=self._colour_scale(kernel),
                ),
                style="dim",
            )
        )
        self._draw(kernel)
        if self.current not in self.results:
            self.results[self.current] = []
            self._compute(self.current, cout)

    def _colour_scale(self, kernel: np.ndarray) -> float | None:
        """The scale ``±m`` of the weights drawn in colour: an RGB model's first layer, in a colour terminal
        (its three input channels are red, green and blue); None when the weights are one map."""
        first = bool(self.conv_names) and self.current == self.conv_names[0]
        if not first or kernel.shape[2] != 3 or self.spec.input_shape[2] != 3 or no_color(self):
            return None
        return float(np.max(np.abs(kernel))) or 1.0

    def _draw(self, kernel: np.ndarray) -> None:
        results = self.results.get(self.current or "", [])
        colour_scale = self._colour_scale(kernel)
        if colour_scale is not None:  # each filter's (kh, kw, 3) weights as one colour patch
            tiles = [filter_tile(r, kernel[:, :, :, r.filter_index], colour_scale) for r in results]
            self.query_one("#filters-grid", TileGrid).set_tiles(tiles, [filter_label(r) for r in results])
            return
        means = kernel.mean(axis=2)  # (kh, kw, C_out)
        scale = float(np.max(np.abs(means))) or 1.0
        tiles = [filter_tile(r, means[:, :, r.filter_index], scale, no_color(self)) for r in results]
        self.query_one("#filters-grid", TileGrid).set_tiles(tiles, [filter_label(r) for r in results])

    @work(thread=True, exclusive=True, group="filters")
    def _compute(self, layer: str, count: int) -> None:
        for start in range(0, count, CHUNK):
            chosen = list(range(start, min(start + CHUNK, count)))
            results = filter_visualisations(
                self.spec,
                self.weights,
                layer=layer,
                filters=chosen,
                steps=STEPS,
                learning_rate=LEARNING_RATE,
                seed=SEED,
            )
            self.post_message(self.Computed(layer, results, start + CHUNK >= count))

    def on_filters_screen_computed(self, message: Computed) -> None:
        self.results.setdefault(message.layer_name, []).extend(message.results)
        if message.done:
            self._complete.add(message.layer_name)
        if message.layer_name == self.current:
            self.show_layer()

    def action_layer(self, step: int) -> None:
        if not self.conv_names or self.current is None:
            return
        self.current = self.conv_names[(self.conv_names.index(self.current) + step) % len(self.conv_names)]
        self.show_layer()
        self.query_one("#filters-scroll", VerticalScroll).scroll_home(animate=False)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss()
