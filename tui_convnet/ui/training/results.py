"""After training: the Results tab (the headline, the confusion matrix as a grid of focusable cells, and a
gallery of test digits with predicted and true labels: all of them, or the digits of one cell)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Button, DataTable, Static

from ...core import numbers
from ...data.labels import MNIST_LABELS, ClassLabels
from ..common.digits import digit_text
from ..common.heatmap import no_color
from ..common.image_set import class_cell

if TYPE_CHECKING:
    from ...data.mnist import MnistData
    from ...training.evaluate import Evaluation

CELL_WIDTH = 14  # a 28x28 digit shrunk by 2
GAP = 2


def _count_cell(count: int, share: float, diagonal: bool) -> Text:
    """Correct counts in green, mistakes in red (bold from 5% of the row), zeros as dots."""
    if diagonal:
        return Text(f"{count:,}", style="bold green", justify="right")
    if count == 0:
        return Text("·", style="dim", justify="right")
    return Text(f"{count:,}", style="bold red" if share >= 0.05 else "red", justify="right")


def _accuracy_cell(accuracy: float) -> Text:
    if math.isnan(accuracy):
        return Text("–", style="dim", justify="right")
    colour = "green" if accuracy >= 0.95 else ("yellow" if accuracy >= 0.8 else "red")
    return Text(numbers.percent(accuracy), style=colour, justify="right")


class ConfusionTable(DataTable[Text]):
    """Rows: true digit; columns: predicted digit, then the digit's accuracy.  Selecting a cell
    (Enter or a click) posts ``DataTable.CellSelected``; the screen shows that cell's digits."""

    DEFAULT_CSS = """
    ConfusionTable {
        height: auto;
        width: auto;
        max-width: 100%;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="cell", zebra_stripes=False, fixed_columns=1, **kwargs)

    def show(self, confusion: np.ndarray, per_class_accuracy: np.ndarray, labels: ClassLabels = MNIST_LABELS) -> None:
        m = np.asarray(confusion)
        self.clear(columns=True)
        self.add_column(Text("true", style="bold"), key="true")
        for c in range(m.shape[1]):
            self.add_column(Text(class_cell(labels, c, 5), style="bold", justify="right"), key=str(c), width=5)
        self.add_column(Text("accuracy", style="bold", justify="right"), key="accuracy")
        for r, row in enumerate(m):
            shares = row / max(int(row.sum()), 1)
            self.add_row(
                Text(labels.numbered(r), style="bold", justify="right" if labels.mnist else "left"),
                *(_count_cell(int(n), float(f), r == c) for c, (n, f) in enumerate(zip(row, shares, strict=True))),
                _accuracy_cell(float(per_class_accuracy[r])),
                key=str(r),
            )
        self.move_cursor(row=0, column=1, scroll=False)


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
        #: What the images and their classes are called (MNIST's digits, or another set's names).
        self.words = MNIST_LABELS
        self.title = ""  # what the digits shown are, when not all of them (a confusion-matrix cell)

    def show(
        self,
        images: np.ndarray,
        labels: np.ndarray,
        predicted: np.ndarray,
        confidence: np.ndarray,
        order: np.ndarray,
        *,
        title: str = "",
    ) -> None:
        """Show the test digits ``order`` (indices into ``images``), a page at a time."""
        self.images, self.labels, self.predicted = images, labels, predicted
        self.confidence, self.order, self.title = confidence, order, title
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

    @property
    def cell_width(self) -> int:
        """A 28x28 digit shrunk by 2 (14 columns); a 32x32 image: 16."""
        return CELL_WIDTH if self.images is None else max(CELL_WIDTH, int(self.images.shape[2]) // 2)

    def _columns(self, width: int) -> int:
        return max(1, (width + GAP) // (self.cell_width + GAP))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if self.images is None:
            return 1
        shown = len(self.order[self.page * self.PER_PAGE : (self.page + 1) * self.PER_PAGE])
        rows = math.ceil(shown / self._columns(width)) if shown else 0
        return 1 + rows * ((int(self.images.shape[1]) // 2 + 1) // 2 + 2 + 1)

    def caption(self) -> Text:
        start = self.page * self.PER_PAGE
        end = min(start + self.PER_PAGE, len(self.order))
        shown = f"  {start + 1:,}–{end:,} of {len(self.order):,} (page {self.page + 1}/{self.pages})"
        if self.title:
            return Text.assemble((self.words.say("Test digits, "), "bold"), (self.title, "bold"), shown)
        return Text.assemble(
            (self.words.say("Test digits"), "bold"),
            f"{shown}, {self.misclassified:,} misclassified shown first (n/p: pages)",
        )

    def render(self) -> RenderableType:
        if self.images is None:
            return Text("No test predictions yet.", style="dim")
        if len(self.order) == 0:
            return Group(self.caption(), Text(self.words.say("No test digit in this cell."), style="dim"))
        columns = self._columns(self.content_size.width or 80)
        grid = Table.grid(padding=(0, GAP, 1, 0))
        for _ in range(columns):
            grid.add_column(width=self.cell_width, no_wrap=True)
        cells = []
        for i in self.order[self.page * self.PER_PAGE : (self.page + 1) * self.PER_PAGE]:
            i = int(i)
            wrong = self.predicted[i] != self.labels[i]
            cell = digit_text(self.images[i], shrink_by=2, glyphs=no_color(self))
            cell.append("\n")
            if self.words.mnist:
                cell.append(
                    f"pred {self.predicted[i]} {numbers.percent(float(self.confidence[i]), 0):>5}\n",
                    "bold red" if wrong else "bold green",
                )
                cell.append(f"true {self.labels[i]}", "red" if wrong else "green")
            else:  # the predicted class's name after the confidence, the true one's after "true", cut to the cell
                confidence = numbers.percent(float(self.confidence[i]), 0)
                pred = self.words.short(int(self.predicted[i]), self.cell_width - len(f"{confidence:>4} "))
                cell.append(f"{confidence:>4} {pred}\n", "bold red" if wrong else "bold green")
                true = f"true {self.words.short(int(self.labels[i]), self.cell_width - 5)}"
                cell.append(true, "red" if wrong else "green")
                if len(true) + len(f"  #{i}") > self.cell_width:
                    cells.append(cell)
                    continue
            cell.append(f"  #{i}", "dim")
            cells.append(cell)
        for r in range(0, len(cells), columns):
            row = cells[r : r + columns]
            grid.add_row(*row, *([""] * (columns - len(row))))
        return Group(self.caption(), grid)


class ResultsPane(VerticalScroll):
    """The Results tab: what the model scores on the test digits, its confusion matrix and the digits."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.evaluation: Evaluation | None = None  # what is shown (None: no results yet)
        #: What the images and their classes are called (the training screen sets another set's).
        self.labels = MNIST_LABELS
        self.data: MnistData | None = None  # the test digits it was computed on

    def compose(self) -> ComposeResult:
        yield Static("No results yet: train the model or load a saved one.", id="results-headline")
        yield Button("Use this model on every screen  u", id="use", disabled=True, compact=True)
        yield Static("", id="confusion-title")
        yield ConfusionTable(id="confusion")
        yield DigitGallery(id="gallery")

    def show(self, evaluation: Evaluation, data: MnistData, what: str, note: str = "") -> None:
        """The test results of the model named ``what`` (``note``: a line about it, in italics)."""
        self.evaluation, self.data = evaluation, data
        headline = Text.assemble(
            ("Test accuracy ", "bold"),
            (numbers.percent(evaluation.accuracy), "bold green"),
            ("   test loss ", "bold"),
            numbers.metric(evaluation.loss),
            self.labels.say(f"   on {evaluation.samples:,} test digits ({evaluation.misclassified:,} misclassified)\n"),
            ("Model: ", "bold"),
            what,
            ("\n" + note if note else "", "italic"),
        )
        self.query_one("#results-headline", Static).update(headline)
        self.query_one("#confusion-title", Static).update(
            Text.assemble(
                ("Confusion matrix", "bold"),
                self.labels.say(" rows: true, columns: predicted · Enter on a cell: its digits"),
            )
        )
        self.query_one(ConfusionTable).show(evaluation.confusion, evaluation.per_class_accuracy, self.labels)
        self.query_one(DigitGallery).words = self.labels
        self.show_gallery()

    def headline(self, text: Text) -> None:
        self.query_one("#results-headline", Static).update(text)

    def show_use(self, offered: bool) -> None:
        """The Use button, only while a model is offered to the other screens."""
        button = self.query_one("#use", Button)
        button.disabled = not offered
        button.set_class(not offered, "-hidden")

    def show_cell(self, true: int, predicted: int) -> None:
        """The test digits of a confusion-matrix cell (the label or the accuracy column: nothing to filter)."""
        if self.evaluation is not None and 0 <= predicted < len(self.evaluation.confusion):
            self.show_gallery(true, predicted)

    def show_gallery(self, true: int | None = None, predicted: int | None = None) -> None:
        """Every test digit, mistakes first; or, with ``true`` and ``predicted``, the digits of that cell."""
        ev, data, gallery = self.evaluation, self.data, self.query_one(DigitGallery)
        if ev is None or data is None:
            return
        if true is None or predicted is None:
            gallery.show(data.x_test, ev.labels, ev.predicted, ev.confidence, ev.order)
            return
        cell = ev.indices(true, predicted)
        true_name, predicted_name = self.labels.name(true), self.labels.name(predicted)  # MNIST: the digits
        plural = "s" if len(cell) != 1 else ""
        title = self.labels.say(f"true {true_name}, predicted {predicted_name}: {len(cell):,} digit{plural} (a: all)")
        gallery.show(data.x_test, ev.labels, ev.predicted, ev.confidence, cell, title=title)
