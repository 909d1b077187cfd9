"""The explorer's stage: a grid view and a label per volume (input, kernels, output, pooling), the model
summary's table and the colour legend; how a stage's panels and a step's frame are shown on them."""

from __future__ import annotations

from rich.console import Console, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container, Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Label, Static

from ...core import ModelExample
from ...explore import ConvSettings, ConvState, ExplorerState, ModelState, stepper_for
from ...explore.frames import Frame, Stage
from ...explore.kinds import has_stride_and_padding, is_lesson
from ...explore.layout import choose_layout
from ...explore.panels import Volume
from ..common import palette
from ..common.heatmap import NEGATIVE_GLYPHS, POSITIVE_GLYPHS, SEQUENTIAL_GLYPHS, no_color
from ..common.keras_code import KerasCode
from .editable_view import EditableVolumeView
from .volume_view import VolumeView

#: Below this terminal size the explorer shows a message instead of the grids.
MIN_WIDTH, MIN_HEIGHT = 80, 24
#: Inputs with more rows than this open in the compact (colours only) view.
COMPACT_ROWS = 16

#: The view of each volume.
VIEWS: dict[Volume, str] = {
    Volume.INPUT: "#input-view",
    Volume.KERNELS: "#kernel-view",
    Volume.OUTPUT: "#output-view",
    Volume.POOL: "#pool-view",
}
LABELS: dict[Volume, str] = {
    Volume.INPUT: "#lbl-input",
    Volume.KERNELS: "#lbl-kernels",
    Volume.OUTPUT: "#lbl-output",
    Volume.POOL: "#lbl-pool",
}


class QuietScroll(VerticalScroll, inherit_bindings=False, can_focus=False):
    """A scrolling column without keys of its own (so ←/→/Home/End keep stepping; Tab goes to the settings)."""


def stage_widgets() -> ComposeResult:
    """A label and a grid view per volume, the model summary's table and the legend."""
    with Container(id="volumes"):
        for name, editable in (("input", True), ("kernels", True), ("output", False), ("pool", False)):
            view_id = "kernel-view" if name == "kernels" else f"{name}-view"
            with Vertical(id=f"sec-{name}", classes="section"):
                yield Label(id=f"lbl-{name}", classes="section-title")
                yield (EditableVolumeView if editable else VolumeView)(id=view_id)
    with QuietScroll(id="model-view"):
        yield Static(id="model-table")
        yield KerasCode(id="keras-code")
    yield Static(id="legend")


def show_stage(screen: DOMNode, stage: Stage, *, compact: bool) -> None:
    """A new computation: every volume's panels and label."""
    for volume, selector in VIEWS.items():
        screen.query_one(selector, VolumeView).set_panels(stage.of(volume), compact=compact)
        screen.query_one(LABELS[volume], Label).update(Text(stage.labels.get(volume, "")))


def show_frame(screen: DOMNode, frame: Frame) -> None:
    """A step: every volume's marks, the current products and their label."""
    for volume, selector in VIEWS.items():
        screen.query_one(selector, VolumeView).set_state(frame.of(volume))
    products = screen.query_one("#products-view", VolumeView)
    if frame.products or products.panels:
        products.set_panels(frame.products)
    label = screen.query_one("#lbl-products", Label)
    if str(label.content) != frame.products_label:  # only on change, and a relayout only for a new width
        width_changed = Text(str(label.content)).cell_len != Text(frame.products_label).cell_len
        label.update(Text(frame.products_label), layout=width_changed)


def summary_lines(summary: RenderableType, console: Console, width: int) -> tuple[int | None, int | None]:
    """The line of the model summary's marked (reversed) row and of its "Total params", as drawn ``width`` wide."""
    lines = console.render_lines(summary, console.options.update_width(max(width, 1)), pad=False)
    marked = total = None
    for y, line in enumerate(lines):
        if marked is None and any(seg.style is not None and seg.style.reverse for seg in line):
            marked = y
        if total is None and "Total params" in "".join(seg.text for seg in line):
            total = y
    return marked, total


def reveal_model_row(view: Widget, table: Widget, summary: RenderableType, *, through_total: bool) -> None:
    """Scroll ``view`` as little as shows the summary's marked row (two lines: the layer and its formulas),
    and at the last layer everything down to "Total params": what the narration below talks about."""
    marked, total = summary_lines(summary, table.app.console, table.content_region.width)
    if marked is None:
        return
    top = table.virtual_region.y + marked
    bottom = top + 2
    if through_total and total is not None:
        bottom = max(bottom, table.virtual_region.y + total + 1)
    height = view.scrollable_content_region.height
    if bottom - top > height:  # no room for both: the total, with as much of the row as fits
        top = bottom - height
    view.scroll_to_region(Region(0, top, 1, bottom - top), animate=False, immediate=True)


def legend_text(view: VolumeView, dark: bool) -> Text:
    """The marks' looks (window, current cell, padding) as ``view`` draws them, then the value colours."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for label, name in (("window", "window"), ("current cell", "current"), ("padding", "padding")):
        style = view.get_component_rich_style(f"volume-view--{name}")
        text.append(" 0 ", style)
        text.append(f" {label}  ")
    if view.compact and no_color(view):  # colours only, without colour: the glyphs say the values
        ramp = SEQUENTIAL_GLYPHS.strip()
        text.append(f"{NEGATIVE_GLYPHS[::-1]} negative  {POSITIVE_GLYPHS} positive  {ramp} 0 → max")
        return text
    text.append_text(palette.value_legend(dark))
    return text


def state_classes(state: ExplorerState, stage: Stage) -> dict[str, bool]:
    """The screen's classes for the kind of state (model, lesson, pooling example) and its stage."""
    pool_kind = isinstance(state, ConvState) and not isinstance(state.settings, ConvSettings)
    return {
        "-model": isinstance(state, ModelState),
        "-lesson": is_lesson(state),
        "-stride-and-padding": has_stride_and_padding(state),
        "-pool-kind": pool_kind,
        "-pooling": bool(stage.of(Volume.POOL)),
    }


def first_classes(state: ExplorerState, width: int, height: int) -> tuple[dict[str, bool], dict[str, bool]]:
    """The classes of ``state``'s first frame on a ``width`` x ``height`` terminal, before the screen's first
    styling: the state's classes (with ``-has-products``), then the layout's."""
    stepper = stepper_for(state)
    stage = stepper.stage()
    first = stepper.frame(state.step)
    rows = state.example.x.shape[0] if not isinstance(state.example, ModelExample) else 0
    classes = state_classes(state, stage)
    classes["-has-products"] = bool(first.products)
    layout = choose_layout(
        stage,
        width=width,
        height=height,
        compact=rows > COMPACT_ROWS,
        side_choice=None,
        arithmetic_lines=len(first.lines),
        has_products=bool(first.products),
    )
    return classes, layout.classes


def too_small_text(width: int, height: int) -> Text:
    """What the explorer says instead of its grids on a terminal below ``MIN_WIDTH`` x ``MIN_HEIGHT``."""
    return Text(
        f"The explorer needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT} characters.\n"
        f"This one is {width}×{height}: enlarge the window or make the font smaller."
    )
