"""The live part of the training screen: status, epoch and batch progress bars, rates, ETAs.

One widget, one immutable state: every update is a single repaint (no
re-layout of the screen), which keeps the UI's share of the CPU small while
the model trains on the same cores.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import RichLog

from ...core import numbers

BAR_WIDTH = 24


def format_eta(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "--:--"
    seconds = round(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


@dataclass(frozen=True)
class ProgressState:
    status: str = "Press s (or Start) to train."
    epoch: int = 0  # the epoch running (1-based), 0 before the first
    epochs: int = 0
    epochs_done: int = 0
    batch: int = 0
    steps: int = 0
    samples_per_second: float | None = None
    epoch_eta: float | None = None
    total_eta: float | None = None
    loss: float | None = None  # running mean over the current epoch
    accuracy: float | None = None
    finished: str = ""  # "done" | "cancelled" | "stopped: NaN loss" once the run ended
    error: bool = False  # the status is an error (NaN loss, a failure): shown in red


class TrainingProgress(Widget):
    """Status line, epoch bar, batch bar (samples/s, ETA) and the running loss/accuracy.

    Drawn with the Line API from a cached list of strips: a state change
    costs a few hundred microseconds, not a Rich layout pass.
    """

    DEFAULT_CSS = """
    TrainingProgress {
        height: 7;
    }
    """

    state: reactive[ProgressState] = reactive(ProgressState, layout=False, repaint=False)

    BAR_DONE = Style(color="green3")
    BAR_TODO = Style(color="grey35")
    LABEL = Style(bold=True)
    DIM = Style(dim=True)
    ERROR = Style(color="red", bold=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cache: dict[tuple[ProgressState, int, Style], list[Strip]] = {}
        self._style: Style | None = None

    @property
    def status_text(self) -> str:
        return self.state.status

    def lines(self, width: int, state: ProgressState | None = None) -> list[list[tuple[str, Style | None]]]:
        """The rows for ``state`` (default: the current one) as ``(text, style)`` spans."""
        s = self.state if state is None else state
        epoch_total, batch_total = max(s.epochs, 1), max(s.steps, 1)
        rate = f"{s.samples_per_second:,.0f} samples/s" if s.samples_per_second else ""
        if s.finished:
            epoch_info, batch_info = s.finished, (f"{rate} on average" if rate else "")
        else:
            epoch_info = f"ETA {format_eta(s.total_eta)} for all epochs" if s.total_eta is not None else ""
            batch_info = f"{rate} · ETA {format_eta(s.epoch_eta)}" if rate else ""

        bar_width = max(8, min(BAR_WIDTH, width - 46))  # narrower bars leave room for the rates

        def bar_row(label: str, done: float, total: float, info: str) -> list[tuple[str, Style | None]]:
            filled = round(bar_width * min(done / total, 1.0))
            return [
                (f"{label:<13} ", self.LABEL),
                ("━" * filled, self.BAR_DONE),
                ("━" * (bar_width - filled), self.BAR_TODO),
                (f" {numbers.percent(done / total, 0):>5} ", None),
                (info, self.DIM if s.finished else None),
            ]

        status = textwrap.wrap(s.status, max(width, 10))[:2] or [""]
        if len(textwrap.wrap(s.status, max(width, 10))) > 2:
            status[1] = status[1][: max(0, width - 1)] + "…"
        status_style = self.ERROR if s.error else None
        rows: list[list[tuple[str, Style | None]]] = [[(line, status_style)] for line in status]
        rows += [[]] * (2 - len(status))
        rows.append(
            bar_row(f"Epoch {s.epoch}/{s.epochs}" if s.epochs else "Epoch", s.epochs_done, epoch_total, epoch_info)
        )
        rows.append(bar_row(f"Batch {s.batch}/{s.steps}" if s.steps else "Batch", s.batch, batch_total, batch_info))
        rows.append([])
        if s.loss is not None:
            rows.append(
                [
                    ("This epoch so far: loss ", None),
                    (numbers.metric(s.loss), self.LABEL),
                    ("  accuracy ", None),
                    ("-" if s.accuracy is None else numbers.percent(s.accuracy), self.LABEL),
                ]
            )
        return rows

    def watch_state(self, old: ProgressState, new: ProgressState) -> None:
        """Repaint only the rows that changed (usually the two bars and the running metrics)."""
        width = self.size.width
        if not width:
            return
        before, after = self._strips_for(old), self._strips_for(new)
        rows = max(len(before), len(after))
        changed = [y for y in range(rows) if y >= len(before) or y >= len(after) or before[y] != after[y]]
        if changed:
            self.refresh(Region(0, changed[0], width, changed[-1] - changed[0] + 1))

    def _strips_for(self, state: ProgressState) -> list[Strip]:
        """The rows for ``state`` as strips (the last few states are cached)."""
        width, base = self.size.width, self._base_style()
        key = (state, width, base)
        strips = self._cache.get(key)
        if strips is None:
            strips = [
                Strip([Segment(text, base + style if style else base) for text, style in row]).adjust_cell_length(
                    width, base
                )
                for row in self.lines(width, state)
            ]
            self._cache[key] = strips
            while len(self._cache) > 4:
                del self._cache[next(iter(self._cache))]
        return strips

    def render_line(self, y: int) -> Strip:
        strips = self._strips_for(self.state)
        if y < len(strips):
            return strips[y]
        return Strip.blank(self.size.width, self._base_style())

    def _base_style(self) -> Style:
        """The widget's Rich style, looked up once until the styles change: the lookup walks the DOM,
        and the progress repaints twice a second while the model trains on the same cores."""
        if self._style is None:
            self._style = self.rich_style
        return self._style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style = None


class EpochLog(RichLog):
    """The log of runs and epoch results, one line each, scrollable, keeping earlier runs for comparison.

    Written once per epoch (not per batch), so its re-layout costs nothing that
    matters while the model trains.  The newest :attr:`MAX_LINES` lines are kept.
    """

    DEFAULT_CSS = """
    EpochLog {
        height: 1fr;
    }
    """

    MAX_LINES = 1000

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_lines=self.MAX_LINES, wrap=False, markup=False, highlight=False, **kwargs)
        self.kept: list[Text] = []  # what the log holds (RichLog renders lazily, once it has a size)

    def write_line(self, line: Text) -> None:
        """Add one line (a Rich ``Text``: user text in it is never parsed as markup)."""
        line = line.copy()
        line.no_wrap, line.overflow, line.end = True, "ellipsis", ""
        self.kept.append(line)
        del self.kept[: -self.MAX_LINES]
        self.write(line, scroll_end=True)

    @property
    def plain(self) -> str:
        return "\n".join(line.plain for line in self.kept)
