"""The command palette (Ctrl+P): the app's commands, and Textual's palette shown complete in its first frame.

Textual's palette opens in steps: a first frame of the dimmed screen alone; then its providers are asked
for their commands (a worker, a queue); then the commands are listed, the palette restyled (``-ready``)
and laid out again, and a second full frame drawn. Each full frame also dimmed the screen below by
recomputing the tint of every one of its segments (the explorer's grids: a few thousand, in a few dozen
styles). Here:

- the app's commands are asked for before the palette is made (:func:`discovery_hits`, what Textual's
  provider discovers, in its order), and the palette composes with them listed and shown
  (:class:`ConvnetPalette`): its first frame is the finished palette, and Textual's first gathering,
  which would list the same commands again, is skipped. Typing searches as in Textual;
- :class:`Backdrop` tints each distinct style once (with Textual's own function, so every cell is
  exactly the colour Textual gives it) and reuses it; and the dimmed screen is kept while the palette is
  open, drawn again only when the screen below changes (it then refreshes its regions of the palette).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from inspect import isclass
from typing import TYPE_CHECKING, Any, Self, cast

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.color import Color
from textual.command import (
    Command,
    CommandInput,
    CommandList,
    DiscoveryHit,
    SearchIcon,
)
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Region
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import Screen
from textual.style import Style as ContentStyle
from textual.system_commands import SystemCommandsProvider
from textual.widgets import LoadingIndicator

from ._textual_internals import FirstListGiven

if TYPE_CHECKING:
    from .app import ConvnetApp

#: How many tinted styles are kept per tint colour before the memo starts again (a screen has dozens).
STYLES_KEPT = 4096
#: Textual's placeholder of the palette's search field.
PLACEHOLDER = "Search for commands…"

_tints: dict[Color, dict[Style | None, Style]] = {}


def tinted(style: Style | None, color: Color) -> Style:
    """``style`` dimmed by ``color`` as Textual's palette dims it (links and meta removed), computed once."""
    memo = _tints.get(color)
    if memo is None:
        memo = _tints[color] = {}
    try:
        return memo[style]
    except KeyError:
        pass
    if len(memo) >= STYLES_KEPT:
        memo.clear()
    (segment,) = BackgroundScreen.process_segments([Segment(" ", style)], color)
    result = memo[style] = segment.style if segment.style is not None else Style()
    return result


class Backdrop(BackgroundScreen):
    """Textual's dimmed screen behind a modal, with each style's tint computed once (:func:`tinted`), and the
    dimmed screen itself kept in ``kept`` (by size and tint) until its owner empties it."""

    def __init__(self, screen: Screen[Any], color: Color, kept: dict[tuple[object, ...], list[Segment]]) -> None:
        super().__init__(screen, color)
        self.kept = kept

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        key = (options.size, options.max_height, self.color)
        segments = self.kept.get(key)
        if segments is None:
            self.kept.clear()
            segments = self.kept[key] = cast(list[Segment], list(super().__rich_console__(console, options)))
        return segments

    @classmethod
    def process_segments(cls, segments: Iterable[Segment], color: Color) -> Iterable[Segment]:
        for segment in segments:
            text, style, control = segment
            yield segment if control else Segment(text, tinted(style, color), None)


class ConvnetCommands(SystemCommandsProvider):
    """Textual's system commands provider (the app's commands; :func:`discovery_hits` lists them as it does)."""


def app_commands(app: ConvnetApp) -> Iterator[SystemCommand]:
    """The app's own commands (after Textual's): the screens, the filter gallery, the bundled model again, and
    everything in the contents ("Example 01: …", then "Lesson 13: …": one numbering, in order)."""
    from ..lessons.catalog import LessonEntry

    yield SystemCommand(
        "Explorer", "Step through the lecture's convolution examples", lambda: app.switch_mode("explorer")
    )
    yield SystemCommand("Train", "Train the lecture's ConvNet on MNIST", lambda: app.switch_mode("training"))
    yield SystemCommand(
        "Inspect", "Feature maps and learned filters of the trained network", lambda: app.switch_mode("inspect")
    )
    yield SystemCommand("Draw", "Draw a digit and watch the network think", lambda: app.switch_mode("draw"))
    yield SystemCommand("Architecture", "Build your own ConvNet, layer by layer", lambda: app.switch_mode("architect"))
    yield SystemCommand(
        "Filter gallery", "What each filter of the model looks for, layer by layer", app.action_filter_gallery
    )
    if app.trained is not None:
        yield SystemCommand(
            "Use the bundled model",
            f"Every screen goes back to the bundled trained model (now: the {app.trained.model.label})",
            app.use_bundled_model,
        )
    for entry in app.contents:
        summary = entry.info.summary if isinstance(entry, LessonEntry) else entry.title
        yield SystemCommand(entry.label, f"{entry.source} — {summary}", lambda entry=entry: app.open_entry(entry))


def discovery_hits(app: App[Any], screen: Screen[Any]) -> list[DiscoveryHit] | None:
    """What Textual's palette lists before anything is typed, in its order: ``app``'s system commands on
    ``screen`` (as ``SystemCommandsProvider.discover`` yields them). None when other providers add commands."""
    providers = {provider if isclass(provider) else provider() for provider in app.COMMANDS}
    if providers != {ConvnetCommands} or screen.COMMANDS:
        return None
    commands = sorted(app.get_system_commands(screen), key=lambda command: command[0])
    return [DiscoveryHit(name, callback, help=text) for name, text, callback, discover in commands if discover]


#: The prompts made so far, by text, help and style: the same objects at every opening, each with its height at
#: the palette's width worked out once (Textual keeps it in the object).
_prompts: dict[tuple[str, str | None, ContentStyle], Content] = {}


def prompt(hit: DiscoveryHit, help_style: ContentStyle) -> Content:
    """A command's prompt as Textual's palette makes it: its name, then its help in ``help_style``."""
    text = hit.prompt
    key = (text, hit.help, help_style) if isinstance(text, str) else None
    made = _prompts.get(key) if key is not None else None
    if made is None:
        parts = [Content.from_rich_text(text) if isinstance(text, Text) else Content.from_markup(text)]  # type: ignore[arg-type]
        if hit.help:
            parts.append(Content.from_markup(hit.help).stylize_before(help_style))
        made = Content("\n").join(parts)
        if key is not None:
            if len(_prompts) >= STYLES_KEPT:
                _prompts.clear()
            _prompts[key] = made
    return made


class ConvnetPalette(FirstListGiven):
    """Textual's command palette (same commands, keys and looks), shown complete in its first frame (``hits``:
    :func:`discovery_hits`, or None to gather them as Textual does), dimming the screen with :class:`Backdrop`."""

    def __init__(self, hits: Sequence[DiscoveryHit] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id, placeholder=PLACEHOLDER)
        self.hits = None if not hits else list(hits)
        #: The screen below, dimmed (:class:`Backdrop`): drawn once while it stays the same, not on every repaint.
        self.backdrop: dict[tuple[object, ...], list[Segment]] = {}
        if self.hits:
            self.add_class("-ready")  # Textual shows the palette once its commands are listed: they already are
            self.first_list_given = True

    def compose(self) -> ComposeResult:
        """Textual's palette (``CommandPalette.compose``), its list filled and shown when ``hits`` were given."""
        listed = self.hits is not None
        with Vertical(id="--container"):
            with Horizontal(id="--input", classes="--list-visible" if listed else ""):
                yield SearchIcon()
                yield CommandInput(placeholder=PLACEHOLDER, select_on_focus=False)
            with Vertical(id="--results"):
                yield CommandList(*self._commands(), classes="--visible" if listed else "")
                yield LoadingIndicator()

    def _commands(self) -> list[Command]:
        """``hits`` as the options Textual's palette lists for them (the same prompt: the name, then its help)."""
        if self.hits is None:
            return []
        help_style = ContentStyle.from_styles(self.get_component_styles("command-palette--help-text"))
        return [Command(prompt(hit, help_style), hit, id=str(number)) for number, hit in enumerate(self.hits)]

    def on_mount(self) -> None:
        if self.hits:
            self.query_one(CommandList).highlighted = 0  # as Textual highlights the first command it lists

    def render(self) -> RenderableType:
        rendered = super().render()
        if type(rendered) is BackgroundScreen:
            return Backdrop(rendered.screen, rendered.color, self.backdrop)
        return rendered

    def refresh(self, *regions: Region, **kwargs: Any) -> Self:
        """Textual's refresh; a refresh of regions (what the screen below does when it changes) dims it again."""
        if regions:
            self.backdrop.clear()
        return super().refresh(*regions, **kwargs)
