"""The convolution explorer screen: composes, binds keys, routes messages, pushes state down.

The state (example, settings, computation, step) is one frozen
:data:`~tui_convnet.explore.ExplorerState` in a reactive; every key and click
turns it into a new state with the functions of :mod:`tui_convnet.explore`,
and :meth:`ExplorerScreen.watch_state` pushes it into the widgets: the
:class:`VolumeView` grids (input, kernels, output, pooling, the current
products), the :class:`Arithmetic` lines and the :class:`Knob` s.  What a step
marks and writes comes from the state's :class:`~tui_convnet.explore.Stepper`;
the layout from :func:`~tui_convnet.explore.layout.choose_layout`, applied
as TCSS classes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from rich.console import Group, RenderableType
from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.reactive import reactive
from textual.screen import Screen
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Label, Static

from ...core import ConvExample, Example, ModelExample, numbers
from ...explore import (
    ConvSettings,
    ConvState,
    EditError,
    ExplorerRequest,
    ExplorerState,
    ModelState,
    Setting,
    Stepper,
    change_setting,
    edit_cell,
    open_request,
    reset,
    step_for_cell,
    stepper_for,
)
from ...explore.layout import Layout, choose_layout
from ...explore.narration import Line, formula_lines, note_lines
from ...explore.panels import Volume
from ...explore.state import ACTIVATIONS, POOL_CHOICES, is_lesson, keras_refuses, parse_value, single
from ...explore.stepper import Stage
from .. import palette
from ..widgets.arithmetic import Arithmetic, lines_text
from ..widgets.footer import KeysFooter
from ..widgets.knob import Knob
from ..widgets.volume_view import VolumeView
from .lecturer import KerasCode, LecturerKeys

STYLES = Path(__file__).resolve().parent.parent / "styles"

#: Below this terminal size the explorer shows a message instead of the grids.
MIN_WIDTH, MIN_HEIGHT = 80, 24
#: Play speeds, in steps per second.
SPEEDS = (0.5, 1, 2, 4, 8, 16, 32)
#: Inputs with more rows than this open in the compact (colours only) view.
COMPACT_ROWS = 16
#: The model summary keeps its formula lines from this stage width on.
SUMMARY_FORMULAS_WIDTH = 76
#: From this stage width the formulas table has room for the slide's (Keras 2) names as a column (86 cells);
#: on a narrower stage they are a line under the table.
SUMMARY_SLIDE_NAMES_WIDTH = 88

#: The knob of each setting (ids in the compose below).
KNOBS: dict[str, Setting] = {
    "knob-stride": Setting.STRIDE,
    "knob-padding": Setting.PADDING,
    "knob-ksize": Setting.KERNEL_SIZE,
    "knob-count": Setting.KERNEL_COUNT,
    "knob-dilation": Setting.DILATION,
    "knob-activation": Setting.ACTIVATION,
    "knob-pool": Setting.POOL,
    "knob-pool-size": Setting.POOL_SIZE,
}
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


def _parse_int(low: int, high: int, name: str) -> Any:
    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise ValueError(f"`{name}` must be between {low} and {high}. Received: {name}={value}")
        return value

    return parse


def _kernel_size(text: str) -> tuple[int, int]:
    n = cast(int, _parse_int(1, 64, "kernel_size")(text))
    return n, n


class QuietScroll(VerticalScroll, inherit_bindings=False, can_focus=False):
    """A scrolling column without keys of its own (so ←/→/Home/End keep stepping; Tab goes to the settings)."""


class TitleBar(Widget):
    """One line: the example's title on the left, where the explorer is on the right.

    It renders from its reactives at its own width, so a resize redraws it; on
    a narrow terminal the right side drops its details first (speed, then the
    long hint) so that the title keeps room.
    """

    DEFAULT_CSS = "TitleBar { height: 1; }"
    #: The title keeps at least this many cells before the right side is shortened.
    TITLE_ROOM = 28

    title: reactive[str] = reactive("")
    note: reactive[str] = reactive("")
    where: reactive[str] = reactive("")  # "example 1/9 · step 3/18"
    play: reactive[str] = reactive("")  # "paused" / "▶ playing"
    speed: reactive[str] = reactive("")  # "2 steps/s"
    hint: reactive[bool] = reactive(False)  # the settings panel is hidden: say how to show it

    def _right(self, level: int) -> Text:
        right = Text(no_wrap=True)
        if self.hint:
            right.append(("s: settings, formulas, notes" if level == 0 else "s: settings") + "  ", "dim")
        right.append(" · ".join(p for p in (self.where, self.play, self.speed if level < 2 else "") if p) + " ")
        return right

    def render_line(self, y: int) -> Strip:
        """The one line, as a strip made straight from :meth:`line` (no rich-text conversion on every step)."""
        width = self.size.width
        base = self.rich_style
        if y != 0 or width <= 0:
            return Strip.blank(width, base)
        segments = Segment.apply_style(self.line().render(self.app.console), base)
        return Strip(segments).adjust_cell_length(width, base).apply_offsets(0, 0)  # offsets: text selection

    def render(self) -> RenderableType:
        return self.line()

    def line(self) -> Text:
        """The title bar's text at its width."""
        width = self.size.width
        right = self._right(0)
        for level in (1, 2):
            if width - right.cell_len >= self.TITLE_ROOM:
                break
            right = self._right(level)
        left = Text(no_wrap=True, overflow="ellipsis")
        left.append(f" {self.title} ", "bold")
        if self.note:
            left.append(f"({self.note}) ", "italic")
        # one blank cell always parts a shortened title from the right side ("summary)… s: settings")
        left.truncate(max(width - right.cell_len - 1, 10), overflow="ellipsis", pad=True)
        left.append(" ")
        left.append_text(right)
        return left


class ExplorerScreen(LecturerKeys, Screen[None]):
    """Step through the lecture's convolution examples, one key at a time."""

    CSS_PATH = [STYLES / "explorer.tcss"]
    AUTO_FOCUS = ""  # nothing focused: the arrow keys step

    HELP = """\
**Convolution explorer.** Each step computes one output cell: the highlighted window of the
input (on every channel at once) times the highlighted kernel, summed, plus the bias.

- **Edit a value**: click an input or kernel cell (or Tab into a grid and move with the arrows),
  type a number, press Enter. Everything downstream is recomputed. Esc leaves the grid.
- **Click an output cell** to jump to the step that computes it.
- **Settings** (right; s shows or hides them): Tab to a setting, change it with ↑/↓ or by typing a number and Enter,
  or click its ‹ › arrows. Each change recomputes at once and restarts the animation.
- While a grid or a setting is focused it takes the typed keys; Esc gives them back to the explorer.
"""

    BINDINGS = [
        Binding("right", "step(1)", "Step", key_display="←/→"),
        Binding("left", "step(-1)", "Previous step", show=False),
        Binding("l", "step(1)", "Step", show=False),
        Binding("h", "step(-1)", "Previous step", show=False),
        Binding("o", "app.open_contents", "Open…", tooltip="Every example and lesson, numbered, with its slide"),
        # The app's e (this screen) stays out of this footer, to leave room for o, Help and Quit at 130 columns.
        Binding("e", "app.switch_mode('explorer')", "Explorer", show=False, system=True),
        Binding("home", "first", "First step", show=False),
        Binding("end", "last", "Last step", show=False),
        Binding("space", "play", "Play", key_display="space", tooltip="Play / pause the animation"),
        Binding("plus", "speed(1)", "Play faster", show=False),
        Binding("minus", "speed(-1)", "Play slower", show=False),
        # Short footer words (Help and Quit must fit at 130 columns); ? shows the tooltips in full.
        Binding("n", "example(1)", "Example", key_display="n/N", tooltip="Next example (N: the previous one)"),
        Binding("N", "example(-1)", "Previous example", show=False),
        Binding("r", "reset", "Reset", show=False, tooltip="Back to the example as written (undo edits and settings)"),
        Binding("z", "zoom", "Numbers/colours", tooltip="Cells with numbers, or compact cells with colours only"),
        Binding("s", "toggle_side", "Panel", tooltip="Show / hide the settings, formulas and notes panel"),
        *LecturerKeys.LECTURER_BINDINGS,
    ]

    state: reactive[ExplorerState | None] = reactive(None, init=False, always_update=True, repaint=False)
    playing: reactive[bool] = reactive(False, init=False, repaint=False)
    speed: reactive[int] = reactive(2, init=False, repaint=False)
    compact: reactive[bool] = reactive(False, init=False, repaint=False)

    def __init__(self) -> None:
        super().__init__()
        self._pending: ExplorerRequest | None = None
        self._timer: Timer | None = None
        self._stepper: Stepper | None = None
        self._stepper_of: object = None  # the computation (or example) the stepper and panels were built for
        self._side_choice: bool | None = None  # None: automatic (see explore.layout)
        self._layout: Layout | None = None
        self._ready = False
        self._classes_for_state: dict[str, bool] = {}
        self._resumed = False
        self._laid_out_at: Size | None = None
        self.error = ""

    # ----------------------------------------------------------------- compose

    def compose(self) -> ComposeResult:
        with Vertical(id="explorer"):
            yield TitleBar(id="titlebar")
            with Horizontal(id="main"):
                with Vertical(id="stage"):
                    with Container(id="volumes"):
                        for name, editable in (("input", True), ("kernels", True), ("output", False), ("pool", False)):
                            view_id = "kernel-view" if name == "kernels" else f"{name}-view"
                            with Vertical(id=f"sec-{name}", classes="section"):
                                yield Label(id=f"lbl-{name}", classes="section-title")
                                yield VolumeView(editable=editable, id=view_id)
                    with QuietScroll(id="model-view"):
                        yield Static(id="model-table")
                        yield KerasCode(id="keras-code")
                    yield Static(id="legend")
                with QuietScroll(id="sidebar"):
                    yield Label("Settings", classes="side-title", id="settings-title")
                    yield from self._knobs()
                    yield Static(id="error")
                    yield Static(id="info")
                    yield Label("Formulas", classes="side-title", id="formulas-title")
                    yield Static(id="formulas")
                    yield Label("About this example", classes="side-title")
                    yield Static(id="notes")
            with Horizontal(id="bottom"):
                with Vertical(id="products-box"):
                    yield Label(id="lbl-products", classes="section-title")
                    yield VolumeView(id="products-view")
                yield Arithmetic(id="arith")
        yield Static(id="too-small")
        yield KeysFooter()

    def _knobs(self) -> ComposeResult:
        yield Knob(
            "stride",
            range(1, 7),
            1,
            parse=_parse_int(1, 64, "strides"),
            id="knob-stride",
            tooltip="Distance between two windows (both axes)",
        )
        yield Knob(
            "padding",
            ("valid", "same", 1, 2, 3, 4),
            "valid",
            parse=_parse_int(0, 64, "padding"),
            id="knob-padding",
            tooltip="valid (none), same (keep the size) or a number of zero rings",
        )
        yield Knob(
            "kernel size",
            [(k, k) for k in range(1, 8)],
            (3, 3),
            parse=_kernel_size,
            id="knob-ksize",
            tooltip="Height and width of every kernel",
        )
        yield Knob(
            "kernels",
            range(1, 17),
            1,
            parse=_parse_int(1, 64, "filters"),
            id="knob-count",
            tooltip="Number of kernels = depth of the output",
        )
        yield Knob(
            "dilation",
            range(1, 5),
            1,
            parse=_parse_int(1, 64, "dilation_rate"),
            id="knob-dilation",
            tooltip="Gap between the kernel's taps",
        )
        yield Knob("activation", ACTIVATIONS, "linear", id="knob-activation")
        yield Knob("pooling", POOL_CHOICES, "none", id="knob-pool", tooltip="Pooling after the convolution")
        yield Knob(
            "pool size",
            range(1, 7),
            2,
            parse=_parse_int(1, 64, "pool_size"),
            id="knob-pool-size",
            tooltip="Window and stride of the pooling",
        )

    def on_mount(self) -> None:
        self._ready = True
        self._timer = self.set_interval(1 / SPEEDS[self.speed], self._tick, pause=True)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())
        self._show_legend()
        request, self._pending = self._pending or self._initial_request(), None
        self.open(request)
        self._check_size(self.app.size.width, self.app.size.height)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first resume comes right after the first mount: no restyle of every widget (they were just styled).

        Each widget is styled as it is mounted, with the final stylesheet (the explorer's TCSS is loaded and
        the theme's variables set before this screen composes), and any class changed since restyled its own
        nodes; Textual's restyle of the whole screen on resume would compute the same styles again, about a
        tenth of the start-up. Later resumes (back from another mode, maybe after a theme change) restyle.
        """
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def _initial_request(self) -> ExplorerRequest:
        examples = self._examples()
        index = min(max(getattr(self.app, "initial_example", 0), 0), len(examples) - 1)
        return ExplorerRequest(examples[index])

    def on_compose(self) -> None:
        """Before the first styling: the layout classes of the first example (saves a restyle at start-up)."""
        if not self._examples() and self._pending is None:
            return
        try:
            state = open_request(self._pending or self._initial_request())
        except ValueError:
            return
        stepper = stepper_for(state)
        stage = stepper.stage()
        first = stepper.frame(state.step)
        rows = state.example.x.shape[0] if not isinstance(state.example, ModelExample) else 0
        self._classes_for_state = self._state_classes(state, stage)
        self._classes_for_state["-has-products"] = bool(first.products)
        width, height = self.app.size
        layout = choose_layout(
            stage,
            width=width,
            height=height,
            compact=rows > COMPACT_ROWS,
            side_choice=None,
            arithmetic_lines=len(first.lines),
            has_products=bool(first.products),
        )
        self._set_classes(self._classes_for_state | layout.classes)

    def _examples(self) -> list[Example]:
        return cast(list[Example], getattr(self.app, "examples", []))

    # ----------------------------------------------------------------- public API

    def show_example(self, example: Example, step: int = 0) -> None:
        """Show any example (built-in or not), positioned on ``step``."""
        self.open(ExplorerRequest(example, step))

    def open(self, request: ExplorerRequest) -> None:
        """Show what another screen asks for (an example, a start step, a step range)."""
        if not self._ready:
            self._pending = request
            return
        try:
            state = open_request(request)
        except ValueError as exc:  # an example the core refuses: say so, keep what is shown
            self._set_error(str(exc))
            self.notify(str(exc), title="This example cannot be shown", severity="error", markup=False)
            return
        self.playing = False
        self._set_error("")
        ex = request.example
        rows = ex.x.shape[0] if not isinstance(ex, ModelExample) else 0
        self.compact = rows > COMPACT_ROWS
        self.state = state

    def _builtin_index(self, example: Example) -> int | None:
        """Where ``example`` is in the app's examples (None for an example made elsewhere)."""
        for i, ex in enumerate(self._examples()):
            if ex is example or (ex.key, ex.title, ex.path) == (example.key, example.title, example.path):
                return i
        return None

    # ----------------------------------------------------------------- pushing the state down

    def watch_state(self, old: ExplorerState | None, state: ExplorerState | None) -> None:
        if state is None:
            return
        built_for = state.comp if isinstance(state, ConvState) else state.example
        rebuilt = built_for is not self._stepper_of or self._stepper is None
        if rebuilt:
            self._stepper = stepper_for(state)
            self._stepper_of = built_for
            self._build(state)
        had_products = self._classes_for_state.get("-has-products")
        self._show_step(state, relayout=rebuilt)
        if rebuilt or had_products != self._classes_for_state.get("-has-products"):
            self._arrange()

    @staticmethod
    def _state_classes(state: ExplorerState, stage: Stage) -> dict[str, bool]:
        pool_kind = isinstance(state, ConvState) and not isinstance(state.settings, ConvSettings)
        return {
            "-model": isinstance(state, ModelState),
            "-lesson": is_lesson(state),
            "-pool-kind": pool_kind,
            "-pooling": bool(stage.of(Volume.POOL)),
        }

    def _restyle(self) -> None:
        """A new theme: the legend, the formulas and the notes are written in the theme's colours again."""
        self._show_legend()
        state = self.state
        if state is None:
            return
        if isinstance(state, ConvState):
            self._show_lines("#formulas", formula_lines(state))
        self._show_lines("#notes", note_lines(state.example))

    def _build(self, state: ExplorerState) -> None:
        """New computation: panels, knobs, formulas, notes (the layout follows the first step)."""
        assert self._stepper is not None
        stage = self._stepper.stage()
        self._classes_for_state = self._state_classes(state, stage)
        for volume, selector in VIEWS.items():
            self.query_one(selector, VolumeView).set_panels(stage.of(volume), compact=self.compact)
            self.query_one(LABELS[volume], Label).update(Text(stage.labels.get(volume, "")))
        if isinstance(state, ConvState):
            self._sync_knobs(state)
            self._show_lines("#formulas", formula_lines(state))
            self._set_info(state.info)
        else:
            self._set_info("")
        self._show_lines("#notes", note_lines(state.example))

    def _show_step(self, state: ExplorerState, relayout: bool = False) -> None:
        assert self._stepper is not None
        frame = self._stepper.frame(state.step)
        for volume, selector in VIEWS.items():
            self.query_one(selector, VolumeView).set_state(frame.of(volume))
        products = self.query_one("#products-view", VolumeView)
        if frame.products or products.panels:
            products.set_panels(frame.products)
        label = self.query_one("#lbl-products", Label)
        if str(label.content) != frame.products_label:  # only on change, and a relayout only for a new width
            width_changed = Text(str(label.content)).cell_len != Text(frame.products_label).cell_len
            label.update(Text(frame.products_label), layout=width_changed)
        self._classes_for_state["-has-products"] = bool(frame.products)
        lines = list(frame.lines)
        refusal = keras_refuses(state)
        if refusal:
            lines.append([("Keras: ", "label"), (refusal, "error")])
        self.query_one("#arith", Arithmetic).show(lines, relayout=relayout)
        if isinstance(state, ModelState):
            self._show_model_table(state)
        self._show_title()

    def _show_model_table(self, state: ModelState) -> None:
        from ...summary import slide_names_line, summary_table

        width = self.query_one("#stage").size.width or self.app.size.width
        spec = state.example.model
        wide = width >= SUMMARY_SLIDE_NAMES_WIDTH
        table = summary_table(spec, formulas=width >= SUMMARY_FORMULAS_WIDTH, highlight=state.step, slide_names=wide)
        self.query_one("#model-table", Static).update(table if wide else Group(table, slide_names_line(spec)))
        code = self.query_one("#keras-code", KerasCode)
        code.show(spec, layer=state.step)
        if state.step:  # the first layer: the summary from its top (at 80x24 the code is below it)
            self.call_after_refresh(code.reveal_marked, self.query_one("#model-view"))

    def _show_lines(self, selector: str, lines: list[Line]) -> None:
        self.query_one(selector, Static).update(lines_text(lines, self.query_one("#arith", Arithmetic)))

    def _show_title(self) -> None:
        state = self.state
        if state is None:
            return
        bar = self.query_one("#titlebar", TitleBar)
        where = ""
        index = self._builtin_index(state.example)
        if index is not None:
            where = f"{numbers.position(index, len(self._examples()), 'example', short=True)} · "
        if state.label:
            where += (
                f"{state.label} · {numbers.position(state.step - state.steps.start, len(state.steps), short=True)} · "
            )
        else:
            where += f"{numbers.position(state.step, state.num_steps, short=True)} · "
        bar.title = state.example.title
        bar.note = "modified: r resets" if isinstance(state, ConvState) and state.modified else ""
        bar.where = where.rstrip(" ·")
        bar.play = "▶ playing" if self.playing else "paused"
        bar.speed = f"{SPEEDS[self.speed]:g} steps/s"
        bar.hint = self.has_class("-no-side")

    def _show_legend(self) -> None:
        view = self.query_one("#input-view", VolumeView)
        dark = bool(self.app.current_theme.dark) if self.app.current_theme else True
        text = Text(no_wrap=True, overflow="ellipsis")
        for label, name in (("window", "window"), ("current cell", "current"), ("padding", "padding")):
            style = view.get_component_rich_style(f"volume-view--{name}")
            text.append(" 0 ", style)
            text.append(f" {label}  ")
        text.append_text(palette.value_legend(dark))
        self.query_one("#legend", Static).update(text)

    def _sync_knobs(self, state: ConvState) -> None:
        s = state.settings
        q = self.query_one
        if isinstance(s, ConvSettings):
            kh, kw, _, count = s.kernels.shape
            sizes = [(k, k) for k in range(1, 8)]
            if (kh, kw) not in sizes:
                sizes = sorted(set(sizes) | {(kh, kw)})
            q("#knob-stride", Knob).set_value(s.stride)
            q("#knob-padding", Knob).set_value(s.padding)
            q("#knob-ksize", Knob).set_value((kh, kw), sizes)
            q("#knob-count", Knob).set_value(count)
            q("#knob-dilation", Knob).set_value(s.dilation)
            q("#knob-activation", Knob).set_value(s.activation)
        pool_choices = POOL_CHOICES if isinstance(s, ConvSettings) else ("max", "avg")
        q("#knob-pool", Knob).set_value(s.pool.mode if s.pool else "none", pool_choices)
        q("#knob-pool-size", Knob).set_value(single(s.pool.size) if s.pool else 2)

    def _set_info(self, text: str) -> None:
        widget = self.query_one("#info", Static)
        widget.update(Text(text))
        widget.set_class(bool(text), "-shown")

    def _set_error(self, text: str) -> None:
        self.error = text
        widget = self.query_one("#error", Static)
        widget.update(Text(f"✗ {text}\nThe last valid settings are kept.") if text else Text(""))
        widget.set_class(bool(text), "-shown")

    # ----------------------------------------------------------------- layout

    def on_resize(self, event: events.Resize) -> None:
        """A new terminal size: lay out again; a Resize to the size the screen was just laid out at: nothing to do.

        At start-up the screen is told the same size three times (by its first layout, then by the app as the
        terminal driver reports its size), and Textual would lay the whole screen out and render it each
        time: the repeats are skipped (two reflows and a render of the cold start). A new size goes through
        Textual as usual.
        """
        if event.size == self._laid_out_at == self.size:
            event.prevent_default()  # Textual's Screen._on_resize: the same layout and render again
        self._laid_out_at = event.size
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        self._set_classes({"-too-small": small})
        if small:
            self.query_one("#too-small", Static).update(
                Text(
                    f"The explorer needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT} characters.\n"
                    f"This one is {width}×{height}: enlarge the window or make the font smaller."
                )
            )
        self._arrange()

    def _side_has_focus(self) -> bool:
        focused = self.focused
        sidebar = self.query_one("#sidebar")
        return focused is not None and (focused is sidebar or sidebar in focused.ancestors)

    def _arrange(self) -> None:
        """Choose the layout for this state and terminal, and apply it as classes."""
        state, stepper = self.state, self._stepper
        if state is None or stepper is None:
            return
        width, height = self.app.size
        frame_lines = len(self.query_one("#arith", Arithmetic).lines) or 5
        layout = choose_layout(
            stepper.stage(),
            width=width,
            height=height,
            compact=self.compact,
            side_choice=self._side_choice,
            side_has_focus=self._side_has_focus(),
            arithmetic_lines=frame_lines,
            has_products=is_lesson(state) or (isinstance(state, ConvState) and state.comp.conv is not None),
        )
        self._layout = layout
        self._set_classes(self._classes_for_state | layout.classes)
        self._drop_hidden_focus()
        self._show_title()
        if isinstance(state, ModelState):
            self.call_after_refresh(self._show_model_table, state)

    def _set_classes(self, wanted: dict[str, bool]) -> None:
        """Add and remove the screen's state classes in one go: one restyle of the whole screen, not one
        for the classes added and another for those removed (nothing when no class changes)."""
        self.update_classes(wanted)

    def _drop_hidden_focus(self) -> None:
        """Focus never stays on a widget that is not shown."""
        focused = self.focused
        if focused is not None and not all(node.display for node in (focused, *focused.ancestors) if node is not self):
            self.set_focus(None)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._arrange()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self.call_after_refresh(self._arrange)

    # ----------------------------------------------------------------- actions

    def _set_step(self, new: ExplorerState) -> None:
        self.state = new

    def action_step(self, delta: int) -> None:
        self.playing = False
        if self.state is not None and not (delta > 0 and self.quiz_asks(self.state)):
            self.state = self.state.moved(delta)

    def action_first(self) -> None:
        self.playing = False
        if self.state is not None:
            self.state = self.state.first()

    def action_last(self) -> None:
        self.playing = False
        if self.state is not None:
            self.state = self.state.last()

    def action_play(self) -> None:
        state = self.state
        if state is None:
            return
        if not self.playing and state.at_end:
            self.state = state.first()
        self.playing = not self.playing

    def watch_playing(self, playing: bool) -> None:
        if self._timer is not None:
            self._timer.resume() if playing else self._timer.pause()
        self._show_title()

    def action_speed(self, delta: int) -> None:
        self.speed = min(max(self.speed + delta, 0), len(SPEEDS) - 1)

    def watch_speed(self, speed: int) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_interval(1 / SPEEDS[speed], self._tick, pause=not self.playing)
        self._show_title()

    def _tick(self) -> None:
        state = self.state
        if state is None or state.at_end:
            self.playing = False
        else:
            self.state = state.moved(1)

    def action_example(self, delta: int) -> None:
        examples = self._examples()
        if not examples or self.state is None:
            return
        index = self._builtin_index(self.state.example)
        index = 0 if index is None and delta > 0 else (index or 0) + delta
        self.open(ExplorerRequest(examples[index % len(examples)]))

    def action_reset(self) -> None:
        if self.state is not None:
            self._set_error("")
            self.state = reset(self.state)

    def action_toggle_side(self) -> None:
        self._side_choice = self.has_class("-no-side")
        self._arrange()

    def action_zoom(self) -> None:
        self.compact = not self.compact

    def watch_compact(self, compact: bool) -> None:
        if self.state is not None:
            self._stepper_of = None  # rebuild the panels with the new cell width
            self.state = self.state

    # ----------------------------------------------------------------- settings, mouse and editing

    def on_knob_changed(self, message: Knob.Changed) -> None:
        message.stop()
        state = self.state
        setting = KNOBS.get(message.knob.id or "")
        if not isinstance(state, ConvState) or setting is None:
            return
        try:
            new = change_setting(state, setting, message.value)
        except ValueError as exc:
            self._set_error(str(exc))
            self._sync_knobs(state)  # back to the last valid values
            return
        self._set_error("")
        self.playing = False
        self.state = new

    def on_volume_view_cell_clicked(self, message: VolumeView.CellClicked) -> None:
        state = self.state
        if state is None:
            return
        target = step_for_cell(state, message.key, message.row, message.col)
        if target is not None:
            self.playing = False
            self.state = state.at(target)

    def on_volume_view_refused(self, message: VolumeView.Refused) -> None:
        self.notify(
            f"Type a number, then Enter (Esc leaves the grid). Received: {message.character!r}",
            title="Editing a cell",
            severity="warning",
            markup=False,
        )

    def on_volume_view_cell_edited(self, message: VolumeView.CellEdited) -> None:
        state = self.state
        if not isinstance(state, ConvState):
            return
        try:
            new = edit_cell(state, message.key, message.row, message.col, parse_value(message.text))
        except EditError as exc:
            self.notify(str(exc), severity="error" if "number" in str(exc) else "warning", markup=False)
            return
        except ValueError as exc:
            self._set_error(str(exc))
            return
        view = message.view
        cursor = view.cursor
        self._set_error("")
        self.state = new
        if cursor is not None and view.has_focus:
            view.set_cursor(cursor)

    # ----------------------------------------------------------------- for tests and other screens

    @property
    def settings(self) -> ConvSettings | None:
        """The current convolution settings (None for pooling and model examples)."""
        state = self.state
        return state.settings if isinstance(state, ConvState) and isinstance(state.settings, ConvSettings) else None

    @property
    def step(self) -> int:
        return self.state.step if self.state is not None else 0

    @property
    def example(self) -> Example | None:
        return self.state.example if self.state is not None else None

    @property
    def modified(self) -> bool:
        return isinstance(self.state, ConvState) and self.state.modified

    @property
    def comp(self) -> Any:
        return self.state.comp if isinstance(self.state, ConvState) else None

    def is_conv(self) -> bool:
        return isinstance(self.state, ConvState) and isinstance(self.state.example, ConvExample)
