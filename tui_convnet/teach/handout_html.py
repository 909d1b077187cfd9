"""A handout (:mod:`.handout`) as one self-contained HTML page that prints well.

No script, no web font, no image: inline CSS only. Grid cells take the screen's colours (the palette's
light-theme diverging scale: negative blue, zero white, positive orange-red), softened so that black
text reads on every one of them; the arithmetic takes the explorer's roles (values amber, weights blue,
totals bold and underlined, padding in italics). In black and white the signs stay readable: every
negative number is written with a true minus sign and in bold, and padding cells are dashed.
"""

from __future__ import annotations

from html import escape

import numpy as np

from ..util.colours import blend, diverging_rgb
from .handout import Arithmetic, Grid, Grids, Handout, Heading, Para, Table

_SOFTEN = 0.45  # how far each colour is blended toward white, so that black text reads on it

_CSS = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em auto; max-width: 60em; color: #111; }
h1 { font-size: 1.5em; border-bottom: 2px solid #333; }
h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #999; }
h3 { font-size: 1em; margin: 1.2em 0 0.3em; }
p.note { border-left: 4px solid #b35900; padding-left: 0.6em; font-weight: bold; }
p.dim { color: #555; font-style: italic; }
.grids { display: flex; flex-wrap: wrap; gap: 1.2em; margin: 0.4em 0; }
figure { margin: 0; }
figcaption { font-size: 0.85em; color: #333; margin-bottom: 0.2em; font-family: monospace; }
table.grid { border-collapse: collapse; font-family: "DejaVu Sans Mono", monospace; font-size: 0.85em; }
table.grid td { border: 1px solid #888; min-width: 2.2em; padding: 0.1em 0.3em; text-align: right; color: #000; }
table.grid td.neg { font-weight: bold; }
table.grid td.pad { border-style: dashed; color: #555; font-style: italic; }
table.grid td.mark { outline: 2px solid #000; outline-offset: -2px; }
pre.arith { font-family: "DejaVu Sans Mono", monospace; font-size: 0.85em; white-space: pre-wrap; margin: 0.3em 0;
  background: #f6f6f2; padding: 0.4em 0.6em; border: 1px solid #ddd; }
.r-label, .r-dim { color: #555; }
.r-value { color: #8a4b00; }
.r-weight { color: #1a4fb0; font-style: italic; }
.r-pad { color: #666; font-style: italic; }
.r-sum { font-weight: bold; }
.r-total { color: #8a4b00; font-weight: bold; text-decoration: underline; }
.r-heading { font-weight: bold; }
.r-note { color: #8a4b00; font-weight: bold; }
.r-error { color: #b00020; font-weight: bold; }
.r-symbol { color: #6a1b9a; }
table.summary { border-collapse: collapse; font-size: 0.9em; }
table.summary th, table.summary td { border: 1px solid #999; padding: 0.2em 0.5em; text-align: left; }
.legend span.sw { display: inline-block; width: 1.4em; border: 1px solid #888; text-align: center; }
footer { margin-top: 2em; font-size: 0.8em; color: #555; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  h3, .grids, pre.arith, figure { break-inside: avoid; }
}
"""


def cell_colour(t: float) -> str:
    """The screen's colour for ``t`` in [-1, 1] (light theme), softened toward white; ``#rrggbb``."""
    rgb = blend(diverging_rgb(t, dark=False), (255, 255, 255), _SOFTEN)
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def signed_text(text: str) -> str:
    """``-3`` → ``−3`` (the true minus sign, wider and clearer in print)."""
    return "−" + text[1:] if text.startswith("-") else text


def _grid_html(grid: Grid, scale: float) -> str:
    rows = []
    h, w = grid.values.shape
    for r in range(h):
        cells = []
        for c in range(w):
            value = float(grid.values[r, c])
            classes = []
            if value < 0:
                classes.append("neg")
            if (r, c) in grid.pad:
                classes.append("pad")
            if (r, c) in grid.marks:
                classes.append("mark")
            colour = cell_colour(value / scale if scale else 0.0)
            cls = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f'<td{cls} style="background:{colour}">{escape(signed_text(grid.text(r, c)))}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    caption = f"<figcaption>{escape(grid.caption)}</figcaption>"
    return f'<figure>{caption}<table class="grid">{"".join(rows)}</table></figure>'


def _grids_html(block: Grids) -> str:
    finite = [np.nan_to_num(g.values) for g in block.grids]
    scale = max((float(np.max(np.abs(v))) for v in finite if v.size), default=0.0)
    return '<div class="grids">' + "".join(_grid_html(g, scale) for g in block.grids) + "</div>"


def _arith_html(block: Arithmetic) -> str:
    lines = []
    for line in block.lines:
        parts = []
        for text, role in line:
            shown = escape(signed_text(text) if role in ("value", "weight", "sum", "total", "pad") else text)
            parts.append(f'<span class="r-{role}">{shown}</span>' if role else shown)
        lines.append("".join(parts))
    return '<pre class="arith">' + "\n".join(lines) + "</pre>"


def _table_html(block: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in block.headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in block.rows)
    return f'<table class="summary"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _legend() -> str:
    swatches = "".join(
        f'<span class="sw" style="background:{cell_colour(t)}">{sign}</span> {label} &nbsp; '
        for t, sign, label in ((-1.0, "−", "negative"), (0.0, "0", "zero"), (1.0, "+", "positive"))
    )
    return (
        f'<p class="legend">{swatches} Negative numbers are in <b>bold</b> with a minus sign (readable in black and '
        'white); padding cells are dashed and in italics. In the arithmetic: <span class="r-value">input values'
        '</span>, <span class="r-weight">weights</span>, <span class="r-total">results</span>.</p>'
    )


def handout_html(handout: Handout) -> str:
    body = [f"<h1>{escape(handout.title)}</h1>", _legend()]
    for block in handout.blocks:
        if isinstance(block, Heading):
            body.append(f"<h{block.level}>{escape(block.text)}</h{block.level}>")
        elif isinstance(block, Para):
            label = "<b>The slide corrected:</b> " if block.role == "note" else ""
            cls = f' class="{block.role}"' if block.role else ""
            body.append(f"<p{cls}>{label}{escape(block.text)}</p>")
        elif isinstance(block, Grids):
            body.append(_grids_html(block))
        elif isinstance(block, Arithmetic):
            body.append(_arith_html(block))
        else:
            body.append(_table_html(block))
    body.append("<footer>Made with convnet-tui.</footer>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(handout.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
