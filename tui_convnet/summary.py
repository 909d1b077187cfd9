"""The model summary as a Rich table: Keras' ``model.summary()`` plus the arithmetic."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from .core import ModelSpec, infer_shapes


def summary_table(spec: ModelSpec, *, formulas: bool = True, highlight: int | None = None) -> Table:
    """Layer, output shape and parameter count, as Keras prints them.

    With ``formulas`` each row gets a second, dimmed line with the
    arithmetic: the output-size formula under the shape and the parameter
    formula under the count (the table then fits an 80-column terminal).
    """
    table = Table(title=f'Model: "{spec.name}"', title_justify="left", header_style="bold")
    table.add_column("Layer (type)", no_wrap=True)
    table.add_column("Output Shape", no_wrap=True)
    table.add_column("Param #", justify="right", no_wrap=True)
    rows = infer_shapes(spec)
    for info in rows:
        name, shape, params = Text(info.name), Text(info.shape_text), Text(f"{info.params:,}")
        if formulas:
            name.append(f"\n({info.type})", style="dim")
            shape.append(f"\n{info.shape_formula}", style="dim cyan")
            if info.param_formula:
                params.append("\n" + info.param_formula.rsplit(" = ", 1)[0], style="dim cyan")
        else:
            name.append(f" ({info.type})")
        table.add_row(name, shape, params, style="reverse" if highlight == info.index else None)
    total = sum(info.params for info in rows)
    table.caption = Text.assemble(
        ("Total params: ", "bold"), f"{total:,}\n",
        ("Trainable params: ", "bold"), f"{total:,}\n",
        ("Non-trainable params: ", "bold"), "0",
    )
    table.caption_justify = "left"
    return table
