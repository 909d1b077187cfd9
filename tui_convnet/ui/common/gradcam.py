"""``GradCamView``: where the network looks, for its prediction and the runner-up, over the digit.

Two 28x28 overlays side by side (half blocks: 28 columns by 14 rows each): the
digit in grey with the Grad-CAM map of a convolution layer (upsampled to the
digit's grid, each map on its own scale) in the heat colours on top, and one
sentence on how to read it.  The maps come from the numpy core
(:func:`tui_convnet.core.grad_cam_details`), computed in a thread worker; the
screen calls :meth:`GradCamView.show` with the model and the input, and
:meth:`GradCamView.next_layer` to move to the next convolution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from ...core import ModelSpec, conv_layers, grad_cam_details, numbers
from ...core.arrays import Array
from ...data.labels import MNIST_LABELS
from .heatmap import NO_STYLE, PALETTES, UPPER_HALF, glyph_rows, no_color, quantise

#: How much of each cell's colour is the heat (the rest is the digit's grey).
HEAT_SHARE = 0.7

READING = (
    "Bright = where the evidence for that class lies: each map of {layer} is weighted by how much "
    "the class's score (before the softmax) grows with it, and only the positive part is kept."
)


def overlay_rgb(image: np.ndarray, heat: np.ndarray) -> np.ndarray:
    """``(H, W, 3)`` uint8: the grey ``image`` (floats in [0, 1]) under ``heat`` (in [0, 1]) in the heat colours."""
    lut = np.array(PALETTES["sequential"], dtype=np.float64)
    levels = np.rint(np.clip(heat, 0, 1) * (len(lut) - 1)).astype(np.int64)
    grey = np.clip(image, 0, 1)[..., None] * 255.0
    rgb = HEAT_SHARE * lut[levels] + (1 - HEAT_SHARE) * grey
    out: np.ndarray = np.rint(rgb).clip(0, 255).astype(np.uint8)
    return out


def glyph_image_lines(rgb: np.ndarray) -> list[list[Segment]]:
    """An ``(H, W, 3)`` image without colour (NO_COLOR): its lightness on the glyph ramp, one glyph per text cell."""
    lightness = np.asarray(rgb, dtype=np.float64) @ np.array([0.299, 0.587, 0.114]) / 255.0
    levels = quantise(lightness, 0.0, 1.0, "sequential")
    return [[Segment("".join(row), NO_STYLE)] for row in glyph_rows(levels, "sequential")]


def rgb_lines(rgb: np.ndarray) -> list[list[Segment]]:
    """Half-block lines of an ``(H, W, 3)`` image: the upper pixel is the foreground, the lower the background."""
    h, w, _ = rgb.shape
    if h % 2:
        rgb = np.concatenate([rgb, np.zeros((1, w, 3), dtype=rgb.dtype)], axis=0)
    lines = []
    for y in range(0, rgb.shape[0], 2):
        segments: list[Segment] = []
        for x in range(w):
            top, bottom = rgb[y, x].tolist(), rgb[y + 1, x].tolist()
            style = Style(color=Color.from_rgb(*top), bgcolor=Color.from_rgb(*bottom))
            if segments and segments[-1].style == style:
                segments[-1] = Segment(segments[-1].text + UPPER_HALF, style)
            else:
                segments.append(Segment(UPPER_HALF, style))
        lines.append(segments)
    return lines


class RGBImages(Widget):
    """Labelled colour images (``(H, W, 3)`` uint8), two pixels per text cell: side by side when the width
    allows, else one under the other."""

    DEFAULT_CSS = """
    RGBImages { width: 1fr; height: auto; }
    """

    def __init__(self, *, gap: int = 2, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gap = gap
        self._images: list[list[list[Segment]]] = []
        self._labels: list[str] = []
        self._width = 0

    def set_images(self, images: Sequence[np.ndarray], labels: Sequence[str]) -> None:
        lines = glyph_image_lines if no_color(self) else rgb_lines
        self._images = [lines(image) for image in images]
        self._labels = list(labels)
        self._width = max((int(image.shape[1]) for image in images), default=0)
        self.refresh(layout=True)

    def _side_by_side(self, width: int) -> bool:
        count = len(self._images)
        return count * self._width + self.gap * max(count - 1, 0) <= width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        tall = max((len(lines) for lines in self._images), default=0) + 1  # a label line above each image
        return tall if self._side_by_side(width) else tall * len(self._images)

    def _cell(self, number: int, y: int) -> list[Segment]:
        """Line ``y`` of image ``number`` with its label line first, ``self._width`` cells wide."""
        if y == 0:
            label = self._labels[number][: self._width] if number < len(self._labels) else ""
            return [Segment(label.ljust(self._width), Style(bold=number == 0))]
        lines = self._images[number]
        return lines[y - 1] if y - 1 < len(lines) else [Segment(" " * self._width, NO_STYLE)]

    def render_line(self, y: int) -> Strip:
        if not self._images:
            return Strip.blank(self.size.width, self.rich_style)
        tall = max(len(lines) for lines in self._images) + 1
        if self._side_by_side(self.size.width):
            segments: list[Segment] = []
            for number in range(len(self._images)):
                if number:
                    segments.append(Segment(" " * self.gap, NO_STYLE))
                segments.extend(self._cell(number, y))
        else:
            number, line = divmod(y, tall)
            segments = self._cell(number, line) if number < len(self._images) else []
        return Strip(segments).crop_extend(0, self.size.width, self.rich_style)


@dataclass(frozen=True)
class GradCamShown:
    """What the view shows: the layer, and per class (the prediction, the runner-up) its index,
    probability and the overlay."""

    layer: str
    classes: tuple[int, ...]
    probabilities: tuple[float, ...]
    images: tuple[np.ndarray, ...]
    peaks: tuple[float, ...]  # each map's largest value (0: no positive evidence at this layer)


def grad_cam_shown(spec: ModelSpec, weights: Sequence[Array], x: np.ndarray, layer: str) -> GradCamShown:
    """Grad-CAM of the two most probable classes of ``x`` ``(28, 28, 1)`` at ``layer``, as overlays."""
    first = grad_cam_details(spec, weights, x, layer=layer, class_index=0)
    order = [int(c) for c in np.argsort(first.probabilities)[::-1][:2]]
    details = [grad_cam_details(spec, weights, x, layer=layer, class_index=c) for c in order]
    image = np.asarray(x, dtype=np.float64).mean(axis=2)  # a digit's grey; an RGB image's lightness
    images, peaks = [], []
    for d in details:
        peak = float(d.heatmap.max())
        heat = d.upsampled(image.shape) / peak if peak > 0 else np.zeros(image.shape)
        images.append(overlay_rgb(image, heat))
        peaks.append(peak)
    probs = tuple(float(first.probabilities[c]) for c in order)
    return GradCamShown(layer, tuple(order), probs, tuple(images), tuple(peaks))


class GradCamView(Vertical):
    """Grad-CAM for the prediction and the runner-up, with the sentence that says how to read it."""

    DEFAULT_CSS = """
    GradCamView { height: auto; }
    GradCamView .gradcam-title { height: auto; }
    GradCamView .gradcam-note { height: auto; color: $text-muted; }
    """

    class Computed(Message):
        def __init__(self, shown: GradCamShown | None, error: str = "") -> None:
            super().__init__()
            self.shown = shown
            self.error = error

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cam_layer: str | None = None
        self.shown: GradCamShown | None = None
        #: The classes' names (MNIST's digits, or another image set's: the screen sets them).
        self.labels = MNIST_LABELS
        self._model: tuple[ModelSpec, Sequence[Array]] | None = None
        self._input: np.ndarray | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="gradcam-title")
        yield RGBImages(classes="gradcam-images")
        yield Static("", classes="gradcam-note")

    def show(self, spec: ModelSpec, weights: Sequence[Array], x: np.ndarray) -> None:
        """Compute (in a worker) and show Grad-CAM of ``x`` for ``spec`` with ``weights``."""
        layers = conv_layers(spec)
        if self.cam_layer not in layers:
            self.cam_layer = layers[-1] if layers else None
        self._model, self._input = (spec, weights), np.array(x, dtype=np.float64)
        if self.cam_layer is None:
            self.query_one(".gradcam-title", Static).update("Grad-CAM needs a Conv2D layer; this model has none.")
            return
        self._compute(spec, weights, self._input, self.cam_layer)

    def next_layer(self, step: int = 1) -> None:
        """Show the maps of the next (``step`` > 0) or the previous Conv2D layer."""
        if self._model is None or self._input is None:
            return
        layers = conv_layers(self._model[0])
        if not layers:
            return
        at = layers.index(self.cam_layer) if self.cam_layer in layers else len(layers) - 1
        self.cam_layer = layers[(at + step) % len(layers)]
        self._compute(*self._model, self._input, self.cam_layer)

    @work(thread=True, exclusive=True, group="grad-cam", description="Grad-CAM")  # not repr(weights): 0.1 s
    def _compute(self, spec: ModelSpec, weights: Sequence[Array], x: np.ndarray, layer: str) -> None:
        try:
            self.post_message(self.Computed(grad_cam_shown(spec, weights, x, layer)))
        except ValueError as exc:
            self.post_message(self.Computed(None, str(exc)))

    def on_grad_cam_view_computed(self, message: Computed) -> None:
        message.stop()
        title = self.query_one(".gradcam-title", Static)
        if message.shown is None:
            title.update(Text(f"Grad-CAM: {message.error}"))
            return
        shown = self.shown = message.shown
        labels = [
            f"{'predicted' if number == 0 else 'runner-up'} {self.labels.name(c)}: {numbers.percent(p)}"
            for number, (c, p) in enumerate(zip(shown.classes, shown.probabilities, strict=True))
        ]
        self.query_one(".gradcam-images", RGBImages).set_images(shown.images, labels)
        title.update(Text.assemble(("Where it looks", "bold"), f" · Grad-CAM at {shown.layer}"))
        note = READING.format(layer=shown.layer)
        if 0.0 in shown.peaks:
            note += " A dark map: nothing at this layer speaks for that class."
        self.query_one(".gradcam-note", Static).update(Text(note))
