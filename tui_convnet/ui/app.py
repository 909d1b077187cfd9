"""The Textual application and its factory (shared by the CLI and the tests)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, ScreenStackError, SystemCommand
from textual.binding import Binding
from textual.command import Provider
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import AwaitMount

from ..core import Example
from ..teach.quiz import Score
from ._textual_internals import CachedStylesheet, mark_styled
from .common import heap
from .common.messages import ModelReady, OpenHierarchy, OpenInExplorer, TrainModel
from .common.themes import ANSI_DARK, ANSI_LIGHT, readable_themes
from .examples import builtin_examples
from .examples import find_example as find_example

if TYPE_CHECKING:  # the lessons (their catalog, their models) are imported when the student opens them
    import numpy as np
    from rich.console import RenderableType

    from ..data.image_sets import ImageSet
    from ..images import Preprocessed
    from ..lessons.catalog import ContentsEntry
    from .common.session import SessionApp
    from .training.screen import TrainingScreen

STYLES = Path(__file__).parent  # app.tcss sits beside the app

#: The mode screens' own stylesheets (each scoped to its screen), read with the app's as the app starts.
#: Read when a screen was first shown, each made Textual reparse the stylesheet and restyle every widget of
#: every screen made so far (the explorer's included): most of the CPU of a first t, i, d or L.
SCREEN_STYLES = [
    STYLES.resolve() / folder / f"{name}.tcss"  # as the screens name them (``Path(__file__).resolve()``)
    for folder, name in (
        ("training", "training"),
        ("inspect", "inspect"),
        ("draw", "draw"),
        ("lessons", "lessons"),
        ("architect", "architect"),
    )
]


def _palette_commands() -> type[Provider]:
    from .command_palette import ConvnetCommands

    return ConvnetCommands


def _explorer_screen() -> Screen[Any]:
    from .explorer.screen import ExplorerScreen

    return ExplorerScreen()


def _training_screen() -> Screen[Any]:
    from .training.screen import TrainingScreen

    return TrainingScreen()


def _draw_screen() -> Screen[Any]:
    from .draw.screen import DrawScreen

    return DrawScreen()


def _lessons_screen() -> Screen[Any]:
    from .lessons.screen import LessonsScreen

    return LessonsScreen()


def _architect_screen() -> Screen[Any]:
    from .architect.screen import ArchitectScreen

    return ArchitectScreen()


def _inspect_screen() -> Screen[Any]:
    from .inspect.screen import InspectScreen

    return InspectScreen()


#: The app's modes (one screen each, built the first time it is shown), by the names the command line
#: and the bindings use for them.
SCREENS: dict[str, tuple[str, Callable[[], Screen[Any]]]] = {
    "explorer": ("explorer", _explorer_screen),
    "train": ("training", _training_screen),
    "inspect": ("inspect", _inspect_screen),
    "draw": ("draw", _draw_screen),
    "lessons": ("lessons", _lessons_screen),
    "architect": ("architect", _architect_screen),
}


#: Seconds after the first frame before the other screens' modules are imported in the background.
PRELOAD_AFTER = 2.0
#: The modules :func:`_import_screens` imports: the screens a student opens first, most used first.
SCREEN_MODULES = (
    "tui_convnet.ui.training.screen",
    "tui_convnet.ui.inspect.screen",
    "tui_convnet.ui.draw.screen",
    "tui_convnet.ui.lessons.screen",
    "tui_convnet.ui.explorer.screen",
)


def _import_screens() -> None:
    """Import the screens' modules (in a thread worker; one that fails is left for its key to report)."""
    import importlib

    for module in SCREEN_MODULES:
        with contextlib.suppress(Exception):
            importlib.import_module(module)
    heap.settle()  # the modules' objects live as long as the app


#: How long a mode switch holds the screen's updates (seconds; Textual's default is 0.05; a timer needs > 0).
UPDATE_HOLD = 0.001


class ConvnetApp(App[int]):
    """convnet-tui: the explorer, the training screen and the inspect screen, as modes."""

    TITLE = "convnet-tui"
    #: Textual's system commands, handed to the palette as it opens (:mod:`.command_palette`).
    COMMANDS = {_palette_commands}
    CSS_PATH = [STYLES / "app.tcss", *SCREEN_STYLES]
    #: The first screen (the explorer unless the app is made to open on another, see ``__init__``): Textual
    #: builds it as the app starts (no default screen made and then replaced by a mode switch, which parses
    #: and applies the whole stylesheet twice more). The modes are added in ``__init__``.
    DEFAULT_MODE = "explorer"
    BINDINGS = [
        Binding("e", "switch_mode('explorer')", "Explorer", tooltip="The convolution explorer"),
        Binding("t", "switch_mode('training')", "Train", tooltip="Train the lecture's ConvNet on MNIST"),
        Binding("i", "switch_mode('inspect')", "Inspect", tooltip="Look inside the trained network"),
        Binding("d", "switch_mode('draw')", "Draw", tooltip="Draw a digit and watch the network think"),
        Binding("L", "switch_mode('lessons')", "Lessons", tooltip="The lecture's big ideas as lessons"),
        Binding(
            "A",
            "switch_mode('architect')",
            "Architect",
            show=False,
            system=True,
            tooltip="Build your own ConvNet, layer by layer",
        ),
        Binding(
            "F",
            "filter_gallery",
            "Filters",
            show=False,
            system=True,
            tooltip="What each filter of the model looks for",
        ),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    #: The trained or loaded model, shared by the screens (set from :class:`ModelReady`).
    trained: reactive[ModelReady | None] = reactive(None, init=False)

    def __init__(
        self,
        examples: Sequence[Example],
        initial: int = 0,
        *,
        screen: str = "explorer",
        on_first_frame: Callable[[], object] | None = None,
        **kwargs: Any,
    ) -> None:
        if screen not in SCREENS:
            raise ValueError(f"Unknown screen. Choose one of: {', '.join(SCREENS)}. Received: screen={screen!r}")
        # The mode shown first: Textual reads it (from the instance) as the app is made, so this app opens on
        # that screen and builds no other (the explorer is built when the student first goes there).
        self.DEFAULT_MODE = SCREENS[screen][0]  # type: ignore[misc]  # Textual's ClassVar, set for this app
        super().__init__(**kwargs)
        for theme in readable_themes():  # every text at least 4.5:1 on its background
            self.register_theme(theme)
        self.ansi_theme_dark, self.ansi_theme_light = ANSI_DARK, ANSI_LIGHT
        #: The mode shown before the current one (Esc on the lessons screen goes back to it).
        self.previous_mode: str | None = None
        self.made_screens = []
        for mode, make in SCREENS.values():
            self.add_mode(mode, partial(self._new_screen, make))
        self.stylesheet = CachedStylesheet(variables=self.get_css_variables())
        self.examples: list[Example] = list(examples)
        self.initial_example = initial
        self._on_first_frame = on_first_frame
        #: The quiz score of the session: the explorer's quiz mode and the lessons' quiz add to it.
        self.quiz_score = Score()

    def _new_screen(self, make: Callable[[], Screen[Any]]) -> Screen[Any]:
        """A mode's screen, made the first time the mode is shown, marked as styled by the current stylesheet.

        Without the mark, the first t, i, d or L restyled every widget of the screen being left (the
        explorer, twice) and laid it out again, for nothing (see :func:`mark_styled`).
        """
        screen = make()
        mark_styled(screen, self)
        self.made_screens.append(screen)
        return screen

    #: The screens made so far (one per mode visited): the quit path asks the training screen what would be lost.
    made_screens: list[Screen[Any]]
    #: Set by a first SIGINT: a quit it asked for ends with 128 + SIGINT, and a second SIGINT ends the app at once.
    signal_return_code: int | None = None

    def _training_screen(self) -> TrainingScreen | None:
        """The training screen, if it was made: it knows whether quitting would lose a run or a model."""
        if "tui_convnet.ui.training.screen" not in sys.modules:  # never shown: not imported to quit
            return None
        from .training.screen import TrainingScreen

        return next((screen for screen in self.made_screens if isinstance(screen, TrainingScreen)), None)

    async def action_quit(self) -> None:
        """``q`` and ``ctrl+q`` on any screen: quit, but ask first where the training screen would lose a run
        or an unsaved model (its own question; it quits at once when nothing would be lost)."""
        self.quit_or_ask()

    def quit_or_ask(self) -> None:
        training = self._training_screen()
        if training is None:
            self.exit(return_code=self.signal_return_code or 0)
        elif type(self.screen).__name__ != "ConfirmQuit":  # not asked twice
            training.action_request_quit()

    def interrupt(self, signum: int) -> None:
        """SIGINT: like ``q`` (asks first where a run or a model would be lost); a second SIGINT ends the app at once.

        Either way the return code is 128 + ``signum`` (130): an interrupted app never exits 0."""
        if self.signal_return_code is not None:
            self.exit(return_code=self.signal_return_code)
            return
        self.signal_return_code = 128 + signum
        self.quit_or_ask()

    def exit(self, result: int | None = None, return_code: int = 0, message: RenderableType | None = None) -> None:
        """Textual's exit, with the return code of a signal that asked for it (a confirmed quit after SIGINT)."""
        super().exit(result, return_code or self.signal_return_code or 0, message)

    #: An image to open the draw screen on (``convnet-tui --image``): its preprocessing and its path; the
    #: draw screen shows it when it mounts (and forgets it).
    draw_image: tuple[Preprocessed, str] | None = None
    #: A picture for a model of 32x32 RGB images (``convnet-tui --data RGBSET --image``): ``(32, 32, 3)`` uint8
    #: and its path; the draw screen keeps it until such a model is trained or loaded, then shows it through it.
    draw_colour: tuple[np.ndarray, str] | None = None
    #: Another image set the app trains on (``convnet-tui --data PATH [--classes FILE]``); None: MNIST.
    image_set: ImageSet | None = None

    def clear_selection(self) -> None:
        """Clear the text selection of the active screen; nothing to clear while no screen is on the stack yet.

        From Python 3.12 Textual runs its tasks eagerly, so the first screen is composed before it is on the
        stack. An ``Input`` made with a value (the training screen's fields) clears the selection as it is
        made, and Textual's ``clear_selection`` lets ``ScreenStackError`` through: the app died before its
        first frame when it opened on the training screen.
        """
        with contextlib.suppress(ScreenStackError):
            super().clear_selection()

    def on_ready(self) -> None:
        """The first frame is on the terminal (Textual's Ready): run ``on_first_frame`` once it is written."""
        if self._on_first_frame is not None:
            self.call_after_refresh(self._on_first_frame)
            self._on_first_frame = None
        self.call_after_refresh(heap.settle)
        self.set_timer(PRELOAD_AFTER, self._preload_screens)

    def _preload_screens(self) -> None:
        """Import the other screens' modules in a thread while the student reads the first one: their first key
        then only builds the screen (importing it was a third of that key's time). No TensorFlow: the screens
        import it nowhere."""
        self.run_worker(_import_screens, name="preload", group="preload", thread=True, exit_on_error=False)

    #: Problems of the lecturer's example file (``convnet-tui --example PATH.toml``), shown once the app is up.
    startup_problems: list[str] = []

    #: Where the student's choices are kept between runs (the CLI sets it; tests and embedders leave it None).
    settings_path: Path | None = None

    def _restore_theme(self) -> None:
        """The theme chosen in an earlier run (remembered from now on, whenever the student picks one)."""
        if self.settings_path is None:
            return
        from ..util.settings import load_settings

        theme = load_settings(self.settings_path).get("theme")
        if theme in self.available_themes:
            self.theme = theme
        self.watch(self, "theme", self._remember_theme, init=False)

    def _remember_theme(self, theme: str) -> None:
        from ..util.settings import save_setting

        if self.settings_path is not None and (problem := save_setting(self.settings_path, "theme", theme)):
            self.notify(f"The theme could not be remembered: {problem}", severity="warning", markup=False)

    async def on_mount(self) -> None:
        self._restore_theme()
        if self.startup_problems:
            problems = "\n".join(self.startup_problems)
            self.notify(f"Your example file cannot be used:\n{problems}", severity="error", timeout=30, markup=False)
        if (self.draw_image is not None or self.draw_colour is not None) and self.current_mode != "draw":
            await self.switch_mode("draw")  # the draw screen shows the image as it mounts

    def delay_update(self, delay: float = UPDATE_HOLD) -> None:
        """Textual's hold on screen updates while a mode switch or the palette's command swaps screens, for a
        millisecond: the messages of the swap itself, not Textual's 50 ms, which every switch waited for before
        its first frame (the screens made by a key draw a light frame of their own)."""
        super().delay_update(min(delay, UPDATE_HOLD))

    def switch_mode(self, mode: str) -> AwaitMount:
        """Textual's mode switch, remembering the mode left (Esc on the lessons screen goes back to it)."""
        if mode != self.current_mode:
            self.previous_mode = self.current_mode
        return super().switch_mode(mode)

    def action_filter_gallery(self) -> None:
        """Every filter of the current model (the session's, else the bundled one): the input it looks for."""
        from ..data.labels import labels_of
        from .filters.screen import FiltersScreen

        if isinstance(self.screen, FiltersScreen):
            return
        try:
            if self.trained is None:
                from ..model.bundled import load_bundled_model

                model = load_bundled_model()
            else:
                from .common.session_model import runnable

                model = runnable(self.trained)
        except ValueError as exc:
            self.notify(str(exc), title="Filter gallery", severity="error", timeout=8, markup=False)
            return
        self.push_screen(FiltersScreen(model.spec, list(model.weights), model.label, labels=labels_of(model)))

    def action_help(self) -> None:
        from .common.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def on_train_model(self, message: TrainModel) -> None:
        self.switch_mode("training")
        from .training.screen import TrainingScreen

        if isinstance(self.screen, TrainingScreen):
            self.screen.use_model(message.spec)

    def on_open_in_explorer(self, message: OpenInExplorer) -> None:
        self.switch_mode("explorer")
        from .explorer.screen import ExplorerScreen

        if isinstance(self.screen, ExplorerScreen):
            self.screen.open(message.request)

    @property
    def contents(self) -> tuple[ContentsEntry, ...]:
        """Everything the student can open, numbered in one list: the examples, then the lessons."""
        from ..lessons.catalog import contents

        return contents(self.examples)

    def action_open_contents(self) -> None:
        """The numbered contents (a modal): the chosen example or lesson opens."""
        from .contents.screen import ContentsScreen

        if isinstance(self.screen, ContentsScreen):
            return
        self.push_screen(ContentsScreen(self.contents, self._current_number()), self._contents_chosen)

    def _current_number(self) -> int | None:
        """The contents number of what the current screen shows (an example or a lesson), if any."""
        from ..lessons.catalog import ExampleEntry, lesson_entry
        from .explorer.screen import ExplorerScreen
        from .lessons.screen import LessonsScreen

        screen = self.screen
        if isinstance(screen, ExplorerScreen) and screen.state is not None:
            index = screen._builtin_index(screen.state.example)
            numbers = [e.number for e in self.contents if isinstance(e, ExampleEntry) and e.index == index]
            return numbers[0] if numbers else None
        if isinstance(screen, LessonsScreen):
            return lesson_entry(self.contents, screen.position.lesson).number
        return None

    def _contents_chosen(self, entry: ContentsEntry | None) -> None:
        if entry is not None:
            self.open_entry(entry)

    def open_entry(self, entry: ContentsEntry) -> None:
        """Open an entry of the contents: an example in the explorer, a lesson on its screen."""
        from ..lessons import LESSONS
        from ..lessons.catalog import TEACH_LESSONS, ExampleEntry

        if isinstance(entry, ExampleEntry):
            self.post_message(OpenInExplorer(self.examples[entry.index]))
        elif entry.info in LESSONS:
            self.open_lesson(entry.info.key)
        elif entry.info in TEACH_LESSONS:
            from .contents.data_prep import DataPrepScreen

            self.push_screen(DataPrepScreen())
        else:
            from .lessons.backprop import lesson_screen

            self.push_screen(lesson_screen(entry.info.key))

    def open_lesson(self, key: str) -> None:
        """Show the lesson called ``key`` (one of :data:`~tui_convnet.lessons.LESSONS`) on the lessons screen."""
        from .lessons.screen import LessonsScreen

        self.switch_mode("lessons")
        if isinstance(self.screen, LessonsScreen):
            self.screen.show_lesson(key)

    def on_open_hierarchy(self, message: OpenHierarchy) -> None:
        from ..lessons import digit_from_uint8
        from ..model.model import checked_model
        from .lessons.screen import LessonsScreen

        try:
            given = message.model
            model = checked_model(given.spec, given.weights, message.model_label, given.provenance)
            digit = digit_from_uint8(message.image, message.label, message.name)
        except ValueError as exc:
            self.notify(str(exc), title="Hierarchy lesson", severity="error", markup=False)
            return
        self.switch_mode("lessons")
        if isinstance(self.screen, LessonsScreen):
            self.screen.show_on(model, digit, "hierarchy")

    def on_model_ready(self, message: ModelReady) -> None:
        self.trained = message

    def use_bundled_model(self) -> None:
        """Every screen goes back to the bundled model (the session's model stays on the training screen)."""
        self.trained = None
        self.notify("Every screen uses the bundled model again.", title="Model")

    def on_unmount(self) -> None:
        """The app ends: so does its TensorFlow worker process, if one was started (nothing is left running)."""
        client = sys.modules.get("tui_convnet.training.worker_client")
        if client is not None:
            client.close_shared()

    def action_command_palette(self) -> None:
        """Ctrl+P: Textual's command palette, its commands listed in its first frame (see :mod:`.command_palette`)."""
        from .command_palette import ConvnetPalette, discovery_hits

        if self.use_command_palette and not self.screen.has_class("--textual-command-palette"):  # as is_open asks
            self.push_screen(ConvnetPalette(discovery_hits(self, self.screen), id="--command-palette"))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from .command_palette import app_commands

        yield from super().get_system_commands(screen)
        yield from app_commands(self)


def create_app(
    example: str | None = None,
    *,
    examples: Sequence[Example] | None = None,
    screen: str = "explorer",
    on_first_frame: Callable[[], object] | None = None,
) -> ConvnetApp:
    """Build the app, as the CLI and the tests do: it opens on ``screen`` (a name of :data:`SCREENS`), and the
    explorer on ``example`` (default: the first). ``on_first_frame`` is called once the first frame is drawn."""
    if examples is None:
        examples = builtin_examples()
    initial = 0 if example is None else find_example(examples, example)
    return ConvnetApp(examples, initial, screen=screen, on_first_frame=on_first_frame)


if TYPE_CHECKING:

    def _provides_what_screens_read(app: ConvnetApp) -> SessionApp:
        return app  # mypy checks that the app is the SessionApp the screens read
