"""The inspect screen's layer list: one widget per inspected layer (title, note, output, a conv layer's kernels).

A :class:`LayerSection` is built from the layer's description (``ModelInspector.layers``) and shows what
it is given: the layer's output for a digit (feature maps, activations or the class probabilities),
Keras' difference from the numpy engine in its title, and for a Conv2D layer its learned kernels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from rich.text import Text
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static

from ...core import Conv2DSpec, DenseSpec, FlattenSpec, Pool2DSpec
from ...model.layer_names import KERAS_NAMES_NOTE, keras2_name
from ..common import palette
from ..common.bars import ActivationStrip
from ..common.heatmap import HeatmapGrid
from .kernels import KernelGrid

if TYPE_CHECKING:
    from ...core import LayerInfo
    from ...training.inspector import FieldChoice, ModelInspector


def shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(str(d) for d in shape)


def _range(a: np.ndarray) -> str:
    return f"values {float(a.min()):.2f} … {float(a.max()):.2f}" if a.size else ""


def layer_title(info: LayerInfo) -> str:
    """The layer's name (and the slide's Keras 2 name), kind and output (markup: the names come from the model's
    spec, checked by the core)."""
    return f"[b]{info.name}[/b] [dim](slide: {keras2_name(info.name)})[/] · {_kind(info)}"


def _kind(info: LayerInfo) -> str:
    spec = info.spec
    if isinstance(spec, Conv2DSpec):
        return (
            f"(Conv2D {spec.filters}×{shape_text(spec.kernel_size)}, {spec.activation}) "
            f"→ {shape_text(info.output_shape)}"
        )
    if isinstance(spec, Pool2DSpec):
        return f"({info.type} {shape_text(spec.pool_size)}) → {shape_text(info.output_shape)}"
    if isinstance(spec, FlattenSpec):
        return f"(Flatten) → {info.output_shape[0]} values"
    if isinstance(spec, DenseSpec):
        return f"(Dense {spec.units}, {spec.activation}) → {spec.units} values"
    return f"({info.type}) → unchanged at inference"


class LayerSection(Vertical):
    """One layer of the inspected model: title, note, output view and, for a Conv2D layer, its kernels."""

    DEFAULT_CSS = """
    LayerSection {
        height: auto;
    }
    """

    def __init__(self, info: LayerInfo, *, first_conv: bool, last: bool) -> None:
        self.info = info
        self.base = layer_title(info)
        self.heading = Static("", classes="layer-title")
        self.note = Static("", classes="layer-note")
        self.view: HeatmapGrid | ActivationStrip | Static
        if len(info.output_shape) == 3:
            self.view = HeatmapGrid(classes="maps", label="#")
            if first_conv:
                self.view.add_class("first-conv")
        elif isinstance(info.spec, DenseSpec) and last:
            self.view = Static("", classes="output-values")
        else:
            self.view = ActivationStrip(classes="activations")
        children: list[Widget] = [self.heading, self.note, self.view]
        self.kernel_heading: Static | None = None
        self.kernels: KernelGrid | None = None
        if isinstance(info.spec, Conv2DSpec):
            self.kernel_heading = Static("", classes="kernel-title")
            self.kernels = KernelGrid(classes="kernels")
            children += [self.kernel_heading, self.kernels]
        super().__init__(*children)

    @property
    def maps(self) -> HeatmapGrid | None:
        """The feature maps' grid (None: this layer's output is not a stack of maps)."""
        return self.view if isinstance(self.view, HeatmapGrid) else None

    @property
    def is_first_conv(self) -> bool:
        return self.view.has_class("first-conv")

    def checking(self, keras_check: bool) -> None:
        """The plain title, or the title saying Keras is computing the same layer."""
        self.heading.update(f"{self.base}  [dim]numpy = Keras … checking[/]" if keras_check else self.base)

    def show_check(self, diff: float, tolerance: float) -> None:
        """Keras' largest difference from the numpy engine on this layer, in the title."""
        mark = (
            f"[green]numpy = Keras ✓ max |Δ| {diff:.1e}[/]"
            if diff < tolerance
            else f"[b red]numpy ≠ Keras ✗ max |Δ| {diff:.1e}[/]"
        )
        self.heading.update(f"{self.base}  {mark}")

    def show(self, out: np.ndarray, selected_map: int) -> None:
        """The layer's output for the digit shown."""
        view = self.view
        if isinstance(view, HeatmapGrid):
            view.set_maps(out)
            if view.has_class("first-conv"):
                view.selected = selected_map
            self.note.update(
                Text.assemble(f"  {out.shape[2]} maps {shape_text(out.shape[:2])}, one colour scale: ", view.legend())
            )
        elif isinstance(view, ActivationStrip):
            view.set_values(out)
            active = int(np.count_nonzero(out > 0))
            self.note.update(f"  {out.size} values, {active} above 0: {_range(out)}")
        else:
            cells = [f"[b]{c}[/b] {float(p):.3f}" for c, p in enumerate(out)]
            view.update("\n".join("   ".join(cells[i : i + 5]) for i in range(0, len(cells), 5)))
            self.note.update(f"  the 10 class probabilities (bars on the left), sum {float(out.sum()):.3f}")

    def show_kernels(
        self, kernels: np.ndarray, bias: np.ndarray, channel: int, dark: bool, *, chosen: int | None
    ) -> None:
        """The learned kernels for input ``channel``; ``chosen``: the first conv layer's chosen map (``[``/``]``)."""
        grid, title = self.kernels, self.kernel_heading
        if grid is None or title is None:
            return
        c_in = kernels.shape[2]
        grid.set_kernels(kernels, bias, channel, dark)
        if chosen is not None:
            grid.selected = chosen
            how = f"input channel {channel} of {c_in}" + ("" if c_in == 1 else " (c: next)")
            words = Text.from_markup(
                f"  learned kernels {shape_text(kernels.shape)} ({how}) — "
                f"[b]\\[ ][/b] choose one, [b]s[/b] steps through it on this digit"
            )
        else:
            words = Text.from_markup(
                f"  learned kernels {shape_text(kernels.shape)}: the slices for [b]input channel {channel}[/b] "
                f"of {c_in} — [b]c[/b] shows the next channel"
            )
        # the weights' colours, on the layer's scale (the palette of every screen: ui/common/palette.py)
        title.update(Text.assemble(words, "\n  ", palette.value_legend(dark), f"(scale ±{grid.scale[1]:.2f})"))


class LayerList(VerticalScroll, can_focus=False):
    """The layers, top to bottom (scrolled by the screen's keys and the mouse wheel)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sections: list[LayerSection] = []

    async def new_model(self, layers: list[LayerInfo], keras_check: bool) -> None:
        """The sections of a new model's layers, made (not yet mounted: :meth:`mount_sections`); the old ones go."""
        await self.remove_children()
        first_conv = next((info.index for info in layers if isinstance(info.spec, Conv2DSpec)), None)
        self.sections = [
            LayerSection(info, first_conv=info.index == first_conv, last=info.index == len(layers) - 1)
            for info in layers
        ]
        for section in self.sections:
            section.checking(keras_check)

    async def mount_sections(self, start: int, stop: int) -> None:
        """Mount sections ``start`` to ``stop`` (their order is the layers')."""
        await self.mount_all(self.sections[start:stop])

    async def mount_note(self) -> None:
        """The slide's names beside Keras 3's in every title: said once, under the last layer."""
        await self.mount(Static(Text(KERAS_NAMES_NOTE, style="dim"), classes="names-note"))

    @property
    def conv_sections(self) -> list[LayerSection]:
        """The Conv2D layers' sections (they show their kernels), the first conv layer first."""
        return [section for section in self.sections if section.kernels is not None]

    def show_kernels(self, inspector: ModelInspector, selected_map: int, channel: int, dark: bool) -> None:
        """Every conv layer's kernels: the first layer's for its one input channel, the others' for ``channel``."""
        for at in range(len(self.conv_sections)):
            self.show_kernels_of(at, inspector, selected_map, channel, dark)

    def show_kernels_of(self, at: int, inspector: ModelInspector, selected_map: int, channel: int, dark: bool) -> None:
        """The kernels of conv layer number ``at`` (the first: its one input channel and the chosen map)."""
        section = self.conv_sections[at]
        kernels, bias = inspector.kernel_and_bias(section.info)
        shown = 0 if at == 0 else channel % kernels.shape[2]
        section.show_kernels(kernels, bias, shown, dark, chosen=selected_map if at == 0 else None)

    def select_map(self, value: int) -> None:
        """Mark the first conv layer's chosen map and its kernel."""
        for section in self.sections:
            if section.maps is not None and section.is_first_conv:
                section.maps.selected = value
        conv = self.conv_sections
        if conv and conv[0].kernels is not None:
            conv[0].kernels.selected = value

    def top_of(self, widget: Widget) -> int:
        """How far below the top of the list's content a widget of a layer's section is."""
        section = widget.parent
        below = section.virtual_region.y if isinstance(section, LayerSection) else 0
        return below + widget.virtual_region.y

    def scroll_to_next_title(self, delta: int) -> None:
        """Scroll so that the next (``delta`` > 0) or previous layer's title, or kernels' title, is at the top."""
        stops = [section.heading for section in self.sections]
        stops += [section.kernel_heading for section in self.sections if section.kernel_heading is not None]
        tops = sorted(self.top_of(stop) for stop in stops)
        if not tops:
            return
        here = self.scroll_y
        if delta > 0:
            later = [t for t in tops if t > here + 1]
            target = later[0] if later else tops[0]
        else:
            earlier = [t for t in tops if t < here - 1]
            target = earlier[-1] if earlier else tops[-1]
        self.scroll_to(y=target, animate=False)

    def scroll_to_field(self, choice: FieldChoice) -> None:
        """Scroll so that the map with the receptive field's cell is in view (its first row: the title too)."""
        section = self.sections[choice.layer]
        view = section.maps
        if view is None or not view.count:
            return
        cols = view.columns_for(view.size.width or self.size.width)
        row_top = self.top_of(view) + (choice.map // cols) * (view._tile_h + 2)
        title_top = self.top_of(section.heading)
        top = title_top if choice.map < cols else row_top
        height = row_top + view._tile_h + 2 - top
        self.scroll_to_region(Region(0, top, 1, height), animate=False, immediate=True)
