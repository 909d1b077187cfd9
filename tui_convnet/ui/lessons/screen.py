"""``LessonsScreen``: the lecture's big ideas, one lesson at a time, stepped through with keys.

The screen composes, binds keys and pushes frames down: every lesson's steps,
moves and narration live in ``tui_convnet.lessons`` (no Textual), its picture
in ``ui/lessons/views.py``.  The model is the one trained or loaded in
this session if there is one, else the bundled trained model, else an
untrained fixed-seed model — and the screen says which.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.reactive import reactive
from textual.widgets import ContentSwitcher, Static

from ...core import numbers
from ...lessons import LESSONS, Digit, digit_from_uint8
from ...lessons.catalog import contents, lesson_entry, lesson_info
from ...lessons.pattern import PatternLesson
from ...lessons.receptive import ReceptiveLesson, Selection
from ...lessons.sharing import SharingLesson, Shift
from ...model.layer_names import KERAS_NAMES_NOTE
from ..common.footer import KeysFooter
from ..common.messages import ModelReady, OpenInExplorer
from ..common.mode_screen import ModeScreen
from ..common.session import SessionApp, session_app
from ..common.session_model import current_model
from ..common.staged import Stage, once_built
from .blocks import BlocksView
from .views import (
    DropoutView,
    HierarchyView,
    PatternView,
    ReceptiveView,
    SharingView,
    SparseView,
)

if TYPE_CHECKING:
    from ...model.model import Model

STYLES = Path(__file__).resolve().parent  # the .tcss files sit beside their screen

#: Each lesson's picture, by the lesson's key.
VIEWS: dict[str, type[BlocksView]] = {
    "pattern": PatternView,
    "sparse": SparseView,
    "receptive": ReceptiveView,
    "sharing": SharingView,
    "hierarchy": HierarchyView,
    "dropout": DropoutView,
}

#: The bundled test digits a student can pick with [ and ].
DIGITS = 20
#: The digit index of a digit given by another screen (``show_on``): ] goes on to bundled digit 0.
INSPECTED = -1

#: Which actions each lesson answers (the others are hidden from the footer).
_LESSON_ACTIONS: dict[str, frozenset[str]] = {
    "move": frozenset({"receptive", "sharing"}),
    "layer": frozenset({"receptive"}),
    "channel": frozenset({"sharing"}),
    "rate": frozenset({"dropout"}),
    "press": frozenset({"dropout"}),
    "mode": frozenset({"dropout"}),
    "open_example": frozenset({"pattern"}),
    "digit": frozenset({"receptive", "sharing", "hierarchy", "dropout"}),
}
#: The lessons that name the model's layers, the slide's Keras 2 names beside, and say why the names differ
#: (the hierarchy lesson names them too, but needs its height for the maps).
_NAMES_LAYERS = frozenset({"receptive", "dropout"})
#: The lessons that run on a digit (one lesson object per digit).
_ON_A_DIGIT = _LESSON_ACTIONS["digit"]


def _is_dropout(state: object) -> bool:
    """The dropout lesson's state (its module is imported when that lesson is first built, not with the screen)."""
    from ...lessons.dropout_lesson import DropoutSettings

    return isinstance(state, DropoutSettings)


@dataclass(frozen=True)
class Position:
    """Where the student is: the lesson (its key in :data:`~tui_convnet.lessons.LESSONS`), the step of its
    tour, and the lesson's own state."""

    lesson: str
    step: int
    state: Any  # the lesson's state: a step number, a Selection, a Shift or DropoutSettings
    digit: int = 0


def choose_model(app: SessionApp) -> Model:
    """The session's trained or loaded model, else the bundled one, else an untrained fixed-seed model."""
    from ...model.bundled import ModelAssetError
    from ...model.model import checked_model, seeded_model

    try:
        model = current_model(app.trained)
        if model.class_names or tuple(model.spec.input_shape) != (28, 28, 1):  # another image set's: not on digits
            bundled = current_model(None)
            model = replace(bundled, label=f"{bundled.label} (the {model.label} reads other images than digits)")
        return checked_model(model.spec, model.weights, model.label, model.provenance)  # float32 weights
    except (ModelAssetError, ValueError, OSError):
        return seeded_model(0)


class LessonsScreen(ModeScreen):
    """Six lessons; each is a tour of steps (←/→) with its own keys to explore from there."""

    CSS_PATH = [STYLES / "lessons.tcss"]
    HELP = (
        "Six lessons on the lecture's big ideas, each from one slide. ←/→ step through a lesson's tour, "
        "n/N change lesson; the footer shows the keys of the current lesson (h/j/k/l move a selection "
        "or the digit). x asks a question on the lesson's idea: type your prediction, Enter checks it and "
        "shows the arithmetic; the session's score is kept."
    )

    BINDINGS = [
        Binding("right", "step(1)", "Step", key_display="←/→"),
        Binding("left", "step(-1)", "Previous step", show=False),
        Binding("home", "first", "First step", show=False),
        Binding("end", "last", "Last step", show=False),
        Binding("o", "app.open_contents", "Open…", tooltip="Every example and lesson, numbered, with its slide"),
        Binding("n", "lesson(1)", "Lesson", key_display="n/N"),
        Binding("N", "lesson(-1)", "Previous lesson", show=False),
        Binding("enter", "open_example", "Open in explorer"),
        # h/j/k/l (vi's keys) move: none of them is an app key, so d stays Draw on every lesson.
        Binding("k", "move(-1, 0)", "Move", key_display="h/j/k/l"),
        Binding("h", "move(0, -1)", "Move left", show=False),
        Binding("j", "move(1, 0)", "Move down", show=False),
        Binding("l", "move(0, 1)", "Move right", show=False),
        Binding("plus", "layer(1)", "Layer", key_display="+/−"),
        Binding("minus", "layer(-1)", "Shallower layer", show=False),
        Binding("plus", "channel(1)", "Map", key_display="+/−"),
        Binding("minus", "channel(-1)", "Previous map", show=False),
        Binding("plus", "rate(1)", "Rate", key_display="+/−"),
        Binding("minus", "rate(-1)", "Lower rate", show=False),
        Binding("space", "press", "Mask", key_display="space", tooltip="Draw a new dropout mask"),
        Binding("m", "mode", "Mode"),
        Binding("right_square_bracket", "digit(1)", "Digit", key_display="[/]", show=False, tooltip="Next test digit"),
        Binding("pagedown", "scroll_body(1)", "Scroll", key_display="PgUp/PgDn", show=False),
        Binding("pageup", "scroll_body(-1)", "Scroll up", show=False),
        Binding("escape", "back", "Back", key_display="Esc", tooltip="Back to the screen the lessons were opened from"),
        Binding("left_square_bracket", "digit(-1)", "Previous digit", show=False),
        Binding("x", "quiz", "Quiz", tooltip="A question on this lesson's idea: predict, then see the arithmetic"),
    ]

    position: reactive[Position] = reactive(Position(LESSONS[0].key, 0, 0), init=False, always_update=True)

    def __init__(self) -> None:
        super().__init__()
        self._model: Model | None = None
        self._lessons: dict[tuple[str, int], Any] = {}
        self._digits: dict[int, Digit] = {}
        #: A lesson (and its digit) asked for before the screen was built: shown as soon as it is.
        self._pending: str | None = None
        self._pending_digit = 0
        self._composed = LESSONS[0].key  # the lesson whose picture the first frame has
        #: Where the quiz's questions are drawn from (a test seeds it).
        self.quiz_rng = np.random.default_rng()

    def compose(self) -> ComposeResult:
        """The light first frame: the first lesson's picture and words; the other lessons' pictures follow, one
        per frame (:meth:`build_stages`)."""
        first = self._composed = self._first_lesson()
        yield Static(id="lesson-title")
        with (
            VerticalScroll(id="lesson-body", can_focus=False),
            ContentSwitcher(id="lesson-views", initial=f"lesson-{first}"),
        ):
            yield VIEWS[first](id=f"lesson-{first}")
        yield Static(id="lesson-text")
        yield KeysFooter()

    def _first_lesson(self) -> str:
        return self._pending if self._pending is not None else LESSONS[0].key

    def build_stages(self) -> list[Stage]:
        return [partial(self._mount_view, info.key) for info in LESSONS if info.key != self._composed]

    async def _mount_view(self, key: str) -> None:
        """A lesson's picture, hidden (the switcher shows one: it hides only the pictures it had when it mounted)."""
        view = VIEWS[key](id=f"lesson-{key}")
        view.display = False
        await self.query_one(ContentSwitcher).mount(view)

    def on_mount(self) -> None:
        # the model is read when a lesson needs it (the first, the pattern lesson, does not)
        digit = INSPECTED if INSPECTED in self._digits else self.position.digit
        self.position = self._position(self._first_lesson(), 0, digit)
        self._pending = None
        self.watch(self.app, "trained", self._trained_changed, init=False)

    def when_built(self) -> None:
        if self._pending is not None:  # a lesson asked for while the pictures were being built
            key, self._pending = self._pending, None
            self.position = self._position(key, 0, self._pending_digit)

    def _trained_changed(self, ready: ModelReady | None) -> None:
        """A model trained or loaded since: the lessons run on it from now on (the lesson restarts)."""
        self._model = None  # chosen again when a lesson needs it
        self._lessons.clear()
        pos = self.position
        self.position = self._position(pos.lesson, pos.step, pos.digit)

    # ------------------------------------------------------------------ state

    @property
    def model(self) -> Model:
        if self._model is None:
            self._model = choose_model(session_app(self))
        return self._model

    def _digit(self, index: int) -> Digit:
        if index not in self._digits:
            from ...data.mnist import DataError, bundled_digit

            try:
                image, label = bundled_digit(index)
            except DataError:
                image, label = bundled_digit(0)
            self._digits[index] = digit_from_uint8(image, label, f"test digit {index} (a {label})")
        return self._digits[index]

    def lesson(self, key: str, digit: int) -> Any:
        """The lesson object (built once per lesson and digit)."""
        at = (key, digit if key in _ON_A_DIGIT else 0)
        if at not in self._lessons:
            self._lessons[at] = self._build(key, digit)
        return self._lessons[at]

    def _build(self, key: str, digit: int) -> Any:
        if key == "pattern":
            return PatternLesson(session_app(self).examples)
        # each lesson's module is imported when the lesson is first built (the first key opens the first lesson)
        from ...lessons.dropout_lesson import DropoutLesson
        from ...lessons.hierarchy import HierarchyLesson
        from ...lessons.sparse import SparseLesson

        if key == "sparse":
            return SparseLesson(self.model.spec)
        d = self._digit(digit)  # read only for the lessons on a digit (the first lesson needs none)
        if key == "receptive":
            return ReceptiveLesson(self.model, d)
        if key == "sharing":
            return SharingLesson(self.model, d)
        if key == "hierarchy":
            return HierarchyLesson(self.model, d)
        return DropoutLesson(self.model, d)

    def _position(self, key: str, step: int, digit: int) -> Position:
        lesson = self.lesson(key, digit)
        step = max(0, min(step, lesson.steps - 1))
        return Position(key, step, lesson.start(step), digit)

    def show_lesson(self, key: str) -> None:
        """Open the lesson called ``key`` (``"sparse"``, …) at its first step."""
        if not self.built:  # shown once its picture is mounted
            self._pending, self._pending_digit = key, self.position.digit
            return
        self._pending = None
        self.position = self._position(key, 0, self.position.digit)

    def show_on(self, model: Model, digit: Digit, key: str) -> None:
        """Open the lesson called ``key`` on another screen's ``digit`` and ``model`` (the inspect screen's).

        The digit is digit ``INSPECTED`` (``[``/``]`` go on to the bundled ones); every lesson uses the
        model from now on, and the title names both.
        """
        self._model = model
        self._lessons.clear()
        self._digits[INSPECTED] = digit
        if not self.built:
            self._pending, self._pending_digit = key, INSPECTED
            return
        self.position = self._position(key, 0, INSPECTED)

    def watch_position(self, pos: Position) -> None:
        lesson = self.lesson(pos.lesson, pos.digit)
        frame = lesson.frame(pos.state)
        info = lesson_info(pos.lesson)
        number = lesson_entry(contents(session_app(self).examples), info.key).number
        self.query_one(ContentSwitcher).current = f"lesson-{pos.lesson}"
        view = self.query_one(f"#lesson-{pos.lesson}", BlocksView)
        view.frame = frame
        self.call_after_refresh(self._follow, view)
        title = Text()
        title.append(f"Lesson {number:02d} · {info.title}", style="bold")
        title.append(f"   {numbers.position(pos.step, lesson.steps, short=True)}\n")
        title.append(info.source, style="italic")
        if pos.lesson in _ON_A_DIGIT:
            # "Model: run 1, trained in this session", not "Model: model of run 1, …"
            model = self.model.label.removeprefix("model of ").removeprefix("model ")
            title.append(f"\nModel: {model} · {self._digit(pos.digit).name}")
        self.query_one("#lesson-title", Static).update(title)
        text = "\n".join(frame.lines)
        if isinstance(pos.state, (Selection, Shift)) and pos.state != lesson.start(pos.step):
            # moved off the step (a cell, a layer, a shift): say so, the step number alone would claim the step
            text = f"Your own choice, away from step {pos.step + 1} (←/→: back to the steps).\n" + text
        body = Text(text)
        if pos.lesson in _NAMES_LAYERS:  # the layers named as the slide does too: say why the names differ
            body.append(f"\n{KERAS_NAMES_NOTE}", style="dim")
        self.query_one("#lesson-text", Static).update(body)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = _LESSON_ACTIONS.get(action)
        return True if allowed is None else self.position.lesson in allowed

    # ------------------------------------------------------------------ actions

    def _follow(self, view: BlocksView) -> None:
        """Scroll the picture so that the part the narration names is on screen (at 80x24 it may be below);
        a picture without a current part is named as a whole: its top (a new lesson opened where the last
        one had been scrolled to)."""
        if not (view.is_mounted and view.display):
            return
        lines = view.focus_lines() or (0, 1)
        body = self.query_one("#lesson-body", VerticalScroll)
        top = self.query_one("#lesson-views", ContentSwitcher).virtual_region.y + view.virtual_region.y + lines[0]
        body.scroll_to_region(Region(0, top, 1, lines[1] - lines[0]), animate=False, immediate=True)

    def action_scroll_body(self, pages: int) -> None:
        body = self.query_one("#lesson-body", VerticalScroll)
        if pages > 0:
            body.scroll_page_down(animate=False)
        else:
            body.scroll_page_up(animate=False)

    def action_back(self) -> None:
        """Esc: back to the mode the lessons were opened from (the explorer when there is none)."""
        previous = session_app(self).previous_mode
        self.app.switch_mode(previous if previous and previous != "lessons" else "explorer")

    def action_step(self, delta: int) -> None:
        pos = self.position
        self.position = self._position(pos.lesson, pos.step + delta, pos.digit)

    def action_first(self) -> None:
        self.position = self._position(self.position.lesson, 0, self.position.digit)

    def action_last(self) -> None:
        pos = self.position
        self.position = self._position(pos.lesson, self.lesson(pos.lesson, pos.digit).steps - 1, pos.digit)

    @once_built
    def action_lesson(self, delta: int) -> None:
        keys = [info.key for info in LESSONS]
        if keys.index(self.position.lesson) + delta >= len(keys):
            # after the last lesson of this screen come the backpropagation lessons, on their own screens
            from ...lessons.catalog import BACKPROP_LESSONS
            from .backprop import lesson_screen

            self.app.push_screen(lesson_screen(BACKPROP_LESSONS[0].key))
            return
        key = keys[(keys.index(self.position.lesson) + delta) % len(keys)]
        self.position = self._position(key, 0, self.position.digit)

    def _update(self, state: Any) -> None:
        self.position = Position(self.position.lesson, self.position.step, state, self.position.digit)

    def action_move(self, d_row: int, d_col: int) -> None:
        pos = self.position
        lesson = self.lesson(pos.lesson, pos.digit)
        if isinstance(pos.state, (Selection, Shift)):
            self._update(lesson.move(pos.state, d_row, d_col))

    def action_layer(self, delta: int) -> None:
        pos = self.position
        if isinstance(pos.state, Selection):
            self._update(self.lesson("receptive", pos.digit).change_layer(pos.state, delta))

    def action_channel(self, delta: int) -> None:
        pos = self.position
        if isinstance(pos.state, Shift):
            self._update(self.lesson("sharing", pos.digit).change_channel(pos.state, delta))

    def action_rate(self, delta: int) -> None:
        pos = self.position
        if _is_dropout(pos.state):
            self._update(self.lesson("dropout", pos.digit).change_rate(pos.state, delta))

    def action_press(self) -> None:
        pos = self.position
        if _is_dropout(pos.state):
            self._update(self.lesson("dropout", pos.digit).press(pos.state))

    def action_mode(self) -> None:
        pos = self.position
        if _is_dropout(pos.state):
            self._update(self.lesson("dropout", pos.digit).toggle_mode(pos.state))

    def action_digit(self, delta: int) -> None:
        pos = self.position
        self.position = Position(pos.lesson, pos.step, pos.state, (pos.digit + delta) % DIGITS)

    def action_quiz(self) -> None:
        """A question on the lesson's idea: checked, then the arithmetic shown whether it was right or not."""
        from .quiz_key import ask_lesson_question

        ask_lesson_question(self, self.position.lesson, self.quiz_rng)

    def action_open_example(self) -> None:
        pos = self.position
        if pos.lesson == "pattern":
            frame = self.lesson("pattern", 0).frame(pos.state)
            self.app.post_message(OpenInExplorer(frame.example))
