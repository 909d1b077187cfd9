"""After training: the confusion matrix (with per-class accuracy) and a digit gallery."""

from __future__ import annotations

import math

import numpy as np
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from .digits import digit_text

CELL_WIDTH = 14  # a 28x28 digit shrunk by 2
GAP = 2


def _cell(count: int, share: float, diagonal: bool) -> Text:
    """One confusion-matrix count: correct in green, mistakes in red (bold from 5% of the row), zeros as dots."""
    if diagonal:
        return Text(f"{count:,}", style="bold green")
    if count == 0:
        return Text("·", style="dim")
    return Text(f"{count:,}", style="bold red" if share >= 0.05 else "red")


def _accuracy_cell(accuracy: float) -> Text:
    if math.isnan(accuracy):
        return Text("–", style="dim")
    colour = "green" if accuracy >= 0.95 else ("yellow" if accuracy >= 0.8 else "red")
    return Text(f"{accuracy:.1%}", style=colour)


def confusion_renderable(confusion: np.ndarray, per_class: np.ndarray) -> Table:
    """Rows: true digit; columns: predicted digit; last column: the digit's accuracy."""
    table = Table(
        title="Confusion matrix  (rows: true digit, columns: predicted)", title_justify="left",
        box=None, pad_edge=False, padding=(0, 1), header_style="bold", title_style="bold",
    )
    table.add_column("true", justify="right", style="bold")
    for c in range(confusion.shape[1]):
        table.add_column(str(c), justify="right")
    table.add_column("accuracy", justify="right")
    totals = confusion.sum(axis=1)
    for r, row in enumerate(confusion):
        shares = row / max(int(totals[r]), 1)
        table.add_row(
            str(r), *(_cell(int(n), float(f), r == c) for c, (n, f) in enumerate(zip(row, shares))),
            _accuracy_cell(float(per_class[r])),
        )
    return table


class DigitGallery(Widget):
    """Test digits with predicted and true labels, a page at a time (misclassified first)."""

    DEFAULT_CSS = """
    DigitGallery {
        height: auto;
        width: 1fr;
    }
    """

    PER_PAGE = 12
    page: reactive[int] = reactive(0, layout=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.images: np.ndarray | None = None
        self.labels = self.predicted = self.confidence = self.order = np.zeros(0, dtype=int)

    def show(self, images: np.ndarray, labels: np.ndarray, predicted: np.ndarray,
             confidence: np.ndarray, order: np.ndarray) -> None:
        self.images, self.labels, self.predicted = images, labels, predicted
        self.confidence, self.order = confidence, order
        self.page = 0
        self.refresh(layout=True)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.order) / self.PER_PAGE))

    @property
    def misclassified(self) -> int:
        return int(np.count_nonzero(self.labels != self.predicted))

    def turn(self, delta: int) -> None:
        self.page = (self.page + delta) % self.pages

    def _columns(self, width: int) -> int:
        return max(1, (width + GAP) // (CELL_WIDTH + GAP))

    def get_content_height(self, container, viewport, width: int) -> int:
        if self.images is None:
            return 1
        shown = len(self.order[self.page * self.PER_PAGE:(self.page + 1) * self.PER_PAGE])
        rows = math.ceil(shown / self._columns(width)) if shown else 0
        return 1 + rows * (7 + 2 + 1)

    def caption(self) -> Text:
        start = self.page * self.PER_PAGE
        end = min(start + self.PER_PAGE, len(self.order))
        return Text.assemble(
            ("Test digits", "bold"),
            f"  {start + 1:,}–{end:,} of {len(self.order):,} (page {self.page + 1}/{self.pages}), "
            f"{self.misclassified:,} misclassified shown first",
        )

    def render(self):
        if self.images is None or len(self.order) == 0:
            return Text("No test predictions yet.", style="dim")
        columns = self._columns(self.content_size.width or 80)
        grid = Table.grid(padding=(0, GAP, 1, 0))
        for _ in range(columns):
            grid.add_column(width=CELL_WIDTH, no_wrap=True)
        cells = []
        for i in self.order[self.page * self.PER_PAGE:(self.page + 1) * self.PER_PAGE]:
            i = int(i)
            wrong = self.predicted[i] != self.labels[i]
            cell = digit_text(self.images[i], shrink_by=2)
            cell.append("\n")
            cell.append(f"pred {self.predicted[i]} {self.confidence[i]:4.0%}\n", "bold red" if wrong else "bold green")
            cell.append(f"true {self.labels[i]}", "red" if wrong else "green")
            cell.append(f"  #{i}", "dim")
            cells.append(cell)
        for r in range(0, len(cells), columns):
            row = cells[r:r + columns]
            grid.add_row(*row, *([""] * (columns - len(row))))
        return Group(self.caption(), grid)
