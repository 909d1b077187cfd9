"""Rich tables shared by the command line and the app: the model summary and the confusion matrix."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from ..core import ModelSpec, infer_shapes, numbers


class FittedSummary:
    """The summary table in the most detailed form that fits the width it is drawn at, decided each time
    it is drawn (so it follows the terminal and the panels): with the formula lines, as Keras prints it,
    or compact (shapes as 26×26×32, the type under the name) — at 80 columns beside the training form
    only the compact one fits."""

    def __init__(
        self, spec: ModelSpec, *, highlight: int | None = None, slide_names: bool = False, formulas: bool = True
    ) -> None:
        self.spec = spec
        self.highlight = highlight
        self.slide_names = slide_names  # the lecture slide's (Keras 2) names: a column, or a line under the table
        self.formulas = formulas  # False: never the form with the formula lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        forms: list[dict[str, bool]] = [{"formulas": True}, {"formulas": False}, {"formulas": False, "compact": True}]
        if not self.formulas:
            forms = forms[1:]
        if self.slide_names:  # each form first with the slide's names beside Keras 3's, then without them
            forms = [named for form in forms for named in ({**form, "slide_names": True}, form)]
        unbounded = options.update_width(10_000)  # Measurement.get clamps to the width it is given
        for form in forms:
            table = summary_table(self.spec, highlight=self.highlight, **form)
            if Measurement.get(console, unbounded, table).maximum <= options.max_width:
                break
        yield table
        if self.slide_names and not form.get("slide_names"):  # no room for the column: the names under it
            yield slide_names_line(self.spec)


def slide_names_line(spec: ModelSpec) -> Text:
    """The slide's (Keras 2) layer names in order, and why they differ from Keras 3's, as one dim line."""
    from .layer_names import KERAS_NAMES_NOTE, keras2_names

    return Text(f"On the slide (Keras 2): {', '.join(keras2_names(spec))}. {KERAS_NAMES_NOTE}", style="dim")


def summary_table(
    spec: ModelSpec,
    *,
    formulas: bool = True,
    highlight: int | None = None,
    compact: bool = False,
    slide_names: bool = False,
) -> Table:
    """Layer, output shape and parameter count, as Keras prints them.

    With ``formulas`` each row gets a second, dimmed line with the
    arithmetic: the output-size formula under the shape and the parameter
    formula under the count (the table then fits an 80-column terminal).
    ``compact`` (without formulas): the type under the name and the shape
    without the batch dimension (``26×26×32``), for a narrow panel.
    ``slide_names``: a column with each layer's name on the lecture's slide
    (Keras 2: ``conv2d_1`` for Keras 3's ``conv2d``), and why they differ.
    """
    from .layer_names import KERAS_NAMES_NOTE, keras2_names

    table = Table(title=f'Model: "{spec.name}"', title_justify="left", header_style="bold")
    table.add_column("Layer (type)", no_wrap=True)
    if slide_names:
        table.add_column("Slide (Keras 2)", no_wrap=True, style="dim")
    old_names = keras2_names(spec)
    table.add_column("Output" if compact else "Output Shape", no_wrap=True)
    table.add_column("Params" if compact else "Param #", justify="right", no_wrap=True)
    rows = infer_shapes(spec)
    for info in rows:
        marked = highlight == info.index
        dim = "" if marked else "dim"  # the marked row is reversed: dim text would fade into it
        shape_text = "×".join(str(d) for d in info.output_shape) if compact else info.shape_text
        name, shape = Text(info.name), Text(shape_text)
        params = Text(f"{info.params:,}", justify="right")
        if compact and not formulas:
            name.append(f"\n({info.type})", style=dim)
        elif formulas:
            name.append(f"\n({info.type})", style=dim)
            shape.append(f"\n{info.shape_formula}", style="italic")
            if info.param_formula:
                params.append("\n" + info.param_formula.rsplit(" = ", 1)[0], style="italic")
        else:
            name.append(f" ({info.type})")
        cells = (name, Text(old_names[info.index]), shape, params) if slide_names else (name, shape, params)
        # reversed, not a fixed colour: the text's own colour on its own background swapped reads on every theme
        table.add_row(*cells, style="bold reverse" if marked else None)
    total = sum(info.params for info in rows)
    table.caption = Text.assemble(
        ("Total params: ", "bold"),
        f"{total:,}\n",
        ("Trainable params: ", "bold"),
        f"{total:,}\n",
        ("Non-trainable params: ", "bold"),
        "0",
        ("\n" + KERAS_NAMES_NOTE if slide_names else "", "dim"),
    )
    table.caption_justify = "left"
    return table


def _confusion_cell(count: int, share: float, diagonal: bool) -> Text:
    """Correct counts in green, mistakes in red (bold from 5% of the row), zeros as dots."""
    if diagonal:
        return Text(f"{count:,}", style="bold green")
    if count == 0:
        return Text("·", style="dim")
    return Text(f"{count:,}", style="bold red" if share >= 0.05 else "red")


def _accuracy_cell(accuracy: float) -> Text:
    if math.isnan(accuracy):
        return Text("–", style="dim")
    colour = "green" if accuracy >= 0.95 else ("yellow" if accuracy >= 0.8 else "red")
    return Text(numbers.percent(accuracy), style=colour)


def confusion_table(confusion: np.ndarray, names: Sequence[str] = ()) -> Table:
    """Rows: true digit; columns: predicted digit; last column: the digit's accuracy (fits 80 columns). Another
    image set's class ``names``: each row named, each column's header the name cut to 5 characters."""
    confusion = np.asarray(confusion)
    table = Table(
        title=f"Confusion matrix  (rows: true {'class' if names else 'digit'}, columns: predicted)",
        title_justify="left",
        box=None,
        pad_edge=False,
        padding=(0, 1),
        header_style="bold",
        title_style="bold",
    )
    table.add_column("true", justify="right", style="bold")
    for c in range(confusion.shape[1]):
        name = names[c] if c < len(names) else str(c)  # a class name is the user's text: never markup
        table.add_column(Text(name if len(name) <= 5 else name[:4] + "…") if names else name, justify="right")
    table.add_column("accuracy", justify="right")
    for r, row in enumerate(confusion):
        total = int(row.sum())
        shares = row / max(total, 1)
        accuracy = row[r] / total if total else math.nan
        table.add_row(
            Text(f"{r} {names[r]}") if r < len(names) else str(r),
            *(_confusion_cell(int(n), float(f), r == c) for c, (n, f) in enumerate(zip(row, shares, strict=False))),
            _accuracy_cell(float(accuracy)),
        )
    return table
