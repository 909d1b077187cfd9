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

from rich.console import Group
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.reactive import reactive
from textual.widgets import Label, Static

from ...core import ConvExample, Example, ModelExample
from ...explore import (
    ConvSettings,
    ConvState,
    EditError,
    ExplorerRequest,
    ExplorerState,
    ModelState,
    Stepper,
    edit_cell,
    open_request,
    reset,
    step_for_cell,
    stepper_for,
)
from ...explore.kinds import change, example_position, has_stride_and_padding, is_lesson, next_example
from ...explore.layout import Layout, choose_layout
from ...explore.narration import Line, formula_lines, note_lines
from ...explore.state import Computation, keras_refuses, parse_value
from ...explore.transpose_example import TransposeState
from ..common.footer import KeysFooter
from ..common.keras_code import KerasCode
from ..common.mode_screen import ModeScreen
from ..common.session import session_app
from .arithmetic import Arithmetic, lines_text
from .editable_view import EditableVolumeView
from .keys import BINDINGS as EXPLORER_BINDINGS
from .keys import HELP as EXPLORER_HELP
from .knob import Knob
from .lecturer import LecturerKeys
from .panes import PaneKeys
from .playback import SPEEDS, PlaybackKeys
from .side_panel import KNOBS, show_error, show_info, side_panel, sync_knobs, sync_settings
from .stage import (
    COMPACT_ROWS,
    MIN_HEIGHT,
    MIN_WIDTH,
    QuietScroll,
    first_classes,
    legend_text,
    reveal_model_row,
    show_frame,
    show_stage,
    stage_widgets,
    state_classes,
    too_small_text,
)
from .title_bar import TitleBar
from .volume_view import VolumeView

STYLES = Path(__file__).resolve().parent  # the .tcss files sit beside their screen

#: The model summary keeps its formula lines from this stage width on.
SUMMARY_FORMULAS_WIDTH = 76
#: From this stage width the formulas table has room for the slide's (Keras 2) names as a column (86 cells);
#: on a narrower stage they are a line under the table.
SUMMARY_SLIDE_NAMES_WIDTH = 88


class ExplorerScreen(PlaybackKeys, LecturerKeys, PaneKeys, ModeScreen):
    """Step through the lecture's convolution examples, one key at a time."""

    CSS_PATH = [STYLES / "explorer.tcss"]
    AUTO_FOCUS = ""  # nothing focused: the arrow keys step
    HELP = EXPLORER_HELP
    BINDINGS = EXPLORER_BINDINGS

    state: reactive[ExplorerState | None] = reactive(None, init=False, always_update=True, repaint=False)
    playing: reactive[bool] = reactive(False, init=False, repaint=False)
    speed: reactive[int] = reactive(2, init=False, repaint=False)
    compact: reactive[bool] = reactive(False, init=False, repaint=False)

    def __init__(self) -> None:
        super().__init__()
        self._pending: ExplorerRequest | None = None
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
                    yield from stage_widgets()
                with QuietScroll(id="sidebar"):
                    yield from side_panel()
            with Horizontal(id="bottom"):
                with Vertical(id="products-box"):
                    yield Label(id="lbl-products", classes="section-title")
                    yield VolumeView(id="products-view")
                yield Arithmetic(id="arith")
        yield Static(id="too-small")
        yield KeysFooter()

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
        index = min(max(session_app(self).initial_example, 0), len(examples) - 1)
        return ExplorerRequest(examples[index])

    def on_compose(self) -> None:
        """Before the first styling: the layout classes of the first example (saves a restyle at start-up)."""
        if not self._examples() and self._pending is None:
            return
        try:
            state = open_request(self._pending or self._initial_request())
        except ValueError:
            return
        width, height = self.app.size
        self._classes_for_state, layout_classes = first_classes(state, width, height)
        self._set_classes(self._classes_for_state | layout_classes)

    def _examples(self) -> list[Example]:
        return session_app(self).examples

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
        built_for = state.comp if isinstance(state, ConvState | TransposeState) else state.example
        rebuilt = built_for is not self._stepper_of or self._stepper is None
        if rebuilt:
            self._stepper = stepper_for(state)
            self._stepper_of = built_for
            self._build(state)
        had_products = self._classes_for_state.get("-has-products")
        self._show_step(state, relayout=rebuilt)
        if rebuilt or had_products != self._classes_for_state.get("-has-products"):
            self._arrange()

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
        self._classes_for_state = state_classes(state, stage)
        show_stage(self, stage, compact=self.compact)
        if self.app.no_color:
            self._show_legend()  # colours only or numbers: without colour the legend explains the glyphs
        if isinstance(state, ConvState):
            sync_knobs(self, state)
            self._show_lines("#formulas", formula_lines(state))
            self._set_info(state.info)
        else:
            sync_settings(self, state)
            self._set_info("")
        self._show_lines("#notes", note_lines(state.example))

    def _show_step(self, state: ExplorerState, relayout: bool = False) -> None:
        assert self._stepper is not None
        frame = self._stepper.frame(state.step)
        show_frame(self, frame)
        self._classes_for_state["-has-products"] = bool(frame.products)
        lines = list(frame.lines)
        refusal = keras_refuses(state)
        if refusal:
            lines.append([("Keras: ", "label"), (refusal, "error")])
        self.query_one("#arith", Arithmetic).show(lines, relayout=relayout)
        if isinstance(state, ModelState):
            self._show_model_table(state)
        self.show_title()

    def _show_model_table(self, state: ModelState) -> None:
        from ...model.summary import slide_names_line, summary_table

        width = self.query_one("#stage").size.width or self.app.size.width
        spec = state.example.model
        wide = width >= SUMMARY_SLIDE_NAMES_WIDTH
        table = summary_table(spec, formulas=width >= SUMMARY_FORMULAS_WIDTH, highlight=state.step, slide_names=wide)
        summary = table if wide else Group(table, slide_names_line(spec))
        shown = self.query_one("#model-table", Static)
        shown.update(summary)
        code = self.query_one("#keras-code", KerasCode)
        code.show(spec, layer=state.step)
        view = self.query_one("#model-view")
        last = state.step == state.num_steps - 1

        def follow() -> None:
            if state.step:  # the first layer: the summary from its top (at 80x24 the code is below it)
                code.reveal_marked(view)
            # then the row the narration is about (and at the last layer the total), wherever the code went
            reveal_model_row(view, shown, summary, through_total=last)

        self.call_after_refresh(follow)

    def _show_lines(self, selector: str, lines: list[Line]) -> None:
        self.query_one(selector, Static).update(lines_text(lines, self.query_one("#arith", Arithmetic)))

    def show_title(self) -> None:
        state = self.state
        if state is not None:
            self.query_one("#titlebar", TitleBar).show(
                state,
                example_position(self._examples(), self._builtin_index(state.example)),
                playing=self.playing,
                speed=SPEEDS[self.speed],
                hint=self.has_class("-no-side"),
            )

    def _set_info(self, text: str) -> None:
        show_info(self, text)

    def _set_error(self, text: str) -> None:
        self.error = text
        show_error(self, text)

    def _show_legend(self) -> None:
        dark = bool(self.app.current_theme.dark) if self.app.current_theme else True
        self.query_one("#legend", Static).update(legend_text(self.query_one("#input-view", VolumeView), dark))

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
            self.query_one("#too-small", Static).update(too_small_text(width, height))
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
        self.show_title()
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

    def action_example(self, delta: int) -> None:
        examples = self._examples()
        if not examples or self.state is None:
            return
        self.open(ExplorerRequest(examples[next_example(examples, self._builtin_index(self.state.example), delta)]))

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
        if state is None or setting is None or not (isinstance(state, ConvState) or has_stride_and_padding(state)):
            return
        try:
            new = change(state, setting, message.value)
        except ValueError as exc:
            self._set_error(str(exc))
            sync_settings(self, state)  # back to the last valid values
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

    def on_editable_volume_view_refused(self, message: EditableVolumeView.Refused) -> None:
        self.notify(
            f"Type a number, then Enter (Esc leaves the grid). Received: {message.character!r}",
            title="Editing a cell",
            severity="warning",
            markup=False,
        )

    def on_editable_volume_view_cell_edited(self, message: EditableVolumeView.CellEdited) -> None:
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
    def comp(self) -> Computation | None:
        return self.state.comp if isinstance(self.state, ConvState) else None

    def is_conv(self) -> bool:
        return isinstance(self.state, ConvState) and isinstance(self.state.example, ConvExample)
