"""The explorer's title bar: the example's title on the left, where the explorer is on the right."""

from __future__ import annotations

from rich.console import RenderableType
from rich.segment import Segment
from rich.text import Text
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from ...core import numbers
from ...explore import ConvState, ExplorerState


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
            right.append(
                ("s: settings, formulas, notes" if level == 0 else "s: settings") + "  ", "italic"
            )  # not dim: 4.5:1
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

    def show(
        self, state: ExplorerState, example: tuple[int, int] | None, *, playing: bool, speed: float, hint: bool
    ) -> None:
        """Show ``state``: ``example`` is its number and the number of examples (None for one opened from
        another screen), ``speed`` in steps per second, ``hint`` whether the settings panel is hidden."""
        where = ""
        if example is not None:
            where = f"{numbers.position(example[0] - 1, example[1], 'example', short=True)} · "
        if state.label:
            where += (
                f"{state.label} · {numbers.position(state.step - state.steps.start, len(state.steps), short=True)} · "
            )
        else:
            where += f"{numbers.position(state.step, state.num_steps, short=True)} · "
        self.title = state.example.title
        self.note = "modified: r resets" if isinstance(state, ConvState) and state.modified else ""
        self.where = where.rstrip(" ·")
        self.play = "▶ playing" if playing else "paused"
        self.speed = f"{speed:g} steps/s"
        self.hint = hint
