"""After training: a gallery of test digits with predicted and true labels (the confusion matrix is
:func:`tui_convnet.summary.confusion_table`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from .digits import digit_text

CELL_WIDTH = 14  # a 28x28 digit shrunk by 2
GAP = 2


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

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.images: np.ndarray | None = None
        self.labels = self.predicted = self.confidence = self.order = np.zeros(0, dtype=int)

    def show(
        self,
        images: np.ndarray,
        labels: np.ndarray,
        predicted: np.ndarray,
        confidence: np.ndarray,
        order: np.ndarray,
    ) -> None:
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

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if self.images is None:
            return 1
        shown = len(self.order[self.page * self.PER_PAGE : (self.page + 1) * self.PER_PAGE])
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

    def render(self) -> RenderableType:
        if self.images is None or len(self.order) == 0:
            return Text("No test predictions yet.", style="dim")
        columns = self._columns(self.content_size.width or 80)
        grid = Table.grid(padding=(0, GAP, 1, 0))
        for _ in range(columns):
            grid.add_column(width=CELL_WIDTH, no_wrap=True)
        cells = []
        for i in self.order[self.page * self.PER_PAGE : (self.page + 1) * self.PER_PAGE]:
            i = int(i)
            wrong = self.predicted[i] != self.labels[i]
            cell = digit_text(self.images[i], shrink_by=2)
            cell.append("\n")
            cell.append(f"pred {self.predicted[i]} {self.confidence[i]:4.0%}\n", "bold red" if wrong else "bold green")
            cell.append(f"true {self.labels[i]}", "red" if wrong else "green")
            cell.append(f"  #{i}", "dim")
            cells.append(cell)
        for r in range(0, len(cells), columns):
            row = cells[r : r + columns]
            grid.add_row(*row, *([""] * (columns - len(row))))
        return Group(self.caption(), grid)
