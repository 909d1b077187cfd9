"""What the explorer writes for a step, as plain data: lines of ``(text, role)`` pieces.

Pure functions of a state and a step: the dot product per channel, the sum
with the bias, the activation, the pooling of a window, a layer's shape and
parameter formulas, the symbolic terms (``aw + bx + ey + fz``), the side
panel's formulas and notes.  The ``Arithmetic`` widget gives each role its
look (from the TCSS); tests read the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from ..core import ConvExample, ConvGeometry, ConvStep, PoolStep, infer_shapes, numbers
from ..core.activations import ACTIVATION_FORMULAS
from ..core.examples import ModelExample, PoolExample
from .gradient_example import GradientExample
from .state import NEW_WEIGHTS_NOTE, ConvSettings, ConvState, keras_refuses

Role = Literal["", "label", "value", "weight", "pad", "sum", "total", "dim", "error", "symbol", "heading", "note"]
ROLES: tuple[Role, ...] = (
    "label",
    "value",
    "weight",
    "pad",
    "sum",
    "total",
    "dim",
    "error",
    "symbol",
    "heading",
    "note",
)
Piece = tuple[str, Role]
Line = list[Piece]

#: At most this many channel lines; the rest are summed on one line.
MAX_CHANNEL_LINES = 6


def plain_text(lines: Sequence[Sequence[Piece]]) -> str:
    """The lines as text, without roles."""
    return "\n".join("".join(t for t, _ in line) for line in lines)


def span(singular: str, plural: str, indices: Sequence[int]) -> str:
    """``row 27`` for one index, ``rows 26–27`` for several."""
    if len(indices) == 1:
        return f"{singular} {indices[0]}"
    return f"{plural} {indices[0]}–{indices[-1]}"


def where_text(rows: Sequence[int], cols: Sequence[int]) -> str:
    return f"{span('row', 'rows', rows)}, {span('column', 'columns', cols)}"


def step_heading(index: int, total: int, state: ConvState | None = None) -> Line:
    """``Step 165 of 676: `` — counted as the title bar counts (within a labelled range, the whole too)."""
    if state is not None and state.label and len(state.steps) != total:
        inside = numbers.position(index - state.steps.start, len(state.steps), "Step")
        whole = numbers.position(index, total, "step")
        return [(inside, "label"), (f" of {state.label} ({whole} in all): ", "label")]
    return [("Step ", "label"), (numbers.count(index + 1), "total"), (f" of {numbers.count(total)}: ", "label")]


# --------------------------------------------------------------------------- convolution


def products(step: ConvStep, geometry: ConvGeometry, channel: int, integral: bool) -> Line:
    """``0·0 + 0·1 + …``: each window value times its weight (padding values styled apart)."""
    out: Line = []
    win, wts = step.window[channel], step.weights[channel]
    for i in range(win.shape[0]):
        for j in range(win.shape[1]):
            if out:
                out.append((" + ", ""))
            is_pad = geometry.is_padding(step.rows[i], step.cols[j])
            out.append((numbers.term(float(win[i, j]), integral), "pad" if is_pad else "value"))
            out.append(("·", "dim"))
            out.append((numbers.term(float(wts[i, j]), integral), "weight"))
    return out


def _pairs(step: ConvStep, channel: int) -> list[tuple[float, float]]:
    """The window's values with their weights, as :func:`products` writes them."""
    return [(float(a), float(b)) for a, b in zip(step.window[channel].flat, step.weights[channel].flat, strict=True)]


def symbol_terms(
    example: ConvExample, geometry: ConvGeometry, rows: Sequence[int], cols: Sequence[int], compact: bool = False
) -> list[str]:
    """The window's letters times the kernel's (``a·w``, or ``aw`` when compact); padding is ``0``."""
    assert example.input_symbols is not None and example.kernel_symbols is not None
    letters, weights = example.input_symbols, example.kernel_symbols
    terms = []
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            rr, cc = r - geometry.pad_top, c - geometry.pad_left
            k = weights[i][j]
            inside = 0 <= rr < len(letters) and 0 <= cc < len(letters[0])
            x = letters[rr][cc] if inside else "0"
            terms.append(f"{x}{k}" if compact else f"{x}·{k}")
    return terms


def symbol_grid(example: ConvExample, geometry: ConvGeometry) -> tuple[tuple[str, ...], ...]:
    """Every output cell written in letters (``aw + bx + ey + fz``)."""
    oh, ow, _ = geometry.out_shape
    return tuple(
        tuple(
            " + ".join(symbol_terms(example, geometry, geometry.window_rows(r), geometry.window_cols(c), True))
            for c in range(ow)
        )
        for r in range(oh)
    )


def conv_lines(state: ConvState, step: ConvStep) -> list[Line]:
    """One convolution step written out: the window, the dot product per channel, the sum, the activation."""
    comp, s = state.comp, state.settings
    assert comp.conv is not None and isinstance(s, ConvSettings)
    geometry = comp.conv.geometry
    integral = comp.integral
    cin = s.kernels.shape[2]
    kname = state.kernel_names()[step.kernel]
    where = f"o[{step.out_row},{step.out_col},{step.kernel}]"
    padded = (
        " (padded input)" if geometry.pad_top + geometry.pad_bottom + geometry.pad_left + geometry.pad_right else ""
    )
    lines: list[Line] = [
        [
            *step_heading(step.index, comp.num_steps, state),
            (f"{kname} on {where_text(step.rows, step.cols)}{padded} → {where}", "dim"),
        ]
    ]
    if state.symbolic and isinstance(state.example, ConvExample):
        terms = symbol_terms(state.example, geometry, step.rows, step.cols)
        line: Line = [(f"{where} = ", "label"), (" + ".join(t.replace("·", "") for t in terms), "symbol"), (" = ", "")]
        line += products(step, geometry, 0, integral)
        eq = numbers.equals([*_pairs(step, 0), (step.bias, 1.0)], step.total, integral)
        line += [(f" {eq} ", ""), (numbers.plain(step.total, integral), "total")]
        lines.append(line)
    else:
        for c in range(cin):
            if c == MAX_CHANNEL_LINES - 1 and cin > MAX_CHANNEL_LINES:
                rest = step.channel_sums[c:]
                lines.append(
                    [
                        (f"ch{c}–ch{cin - 1}: ", "label"),
                        (" + ".join(numbers.term(float(v), integral) for v in rest), ""),
                        (f" {numbers.equals(((float(v), 1.0) for v in rest), float(rest.sum()), integral)} ", ""),
                        (numbers.plain(float(rest.sum()), integral), "sum"),
                    ]
                )
                break
            line = [(f"ch{c}: ", "label"), *products(step, geometry, c, integral)]
            eq = numbers.equals(_pairs(step, c), float(step.channel_sums[c]), integral)
            line += [(f" {eq} ", ""), (numbers.plain(float(step.channel_sums[c]), integral), "sum")]
            lines.append(line)
        total: Line = [(f"{where} = ", "label")]
        for c in range(cin):
            if c:
                total.append((" + ", ""))
            total.append((numbers.term(float(step.channel_sums[c]), integral), "sum"))
        relation = numbers.equals(
            [*((float(v), 1.0) for v in step.channel_sums), (step.bias, 1.0)], step.total, integral
        )
        total += [
            (" + ", ""),
            (f"b{step.kernel} ", "label"),
            (numbers.term(step.bias, integral), "weight"),
            (f" {relation} ", ""),
            (numbers.plain(step.total, integral), "total"),
        ]
        lines.append(total)
    if step.activation != "linear":
        formula = ACTIVATION_FORMULAS[step.activation].format(x=numbers.plain(step.total, integral))
        lines.append(
            [
                (f"{step.activation}: ", "label"),
                (formula, ""),
                (" = ", ""),
                (numbers.plain(step.activated, integral and step.activation == "relu"), "total"),
            ]
        )
    return lines


# --------------------------------------------------------------------------- pooling


def pool_lines(state: ConvState, step: PoolStep) -> list[Line]:
    """One pooling window written out: ``max(…)`` or ``(… + …) / n``."""
    comp = state.comp
    assert comp.pool is not None
    integral = comp.integral and (comp.conv is None or comp.conv.activation in ("linear", "relu"))
    values = [float(v) for v in step.window.ravel() if v == v]  # NaN: padding of a 'same' window
    source = "o" if comp.conv is not None else "x"
    where = f"p[{step.out_row},{step.out_col},{step.channel}]"
    rows = span("row", "rows", step.rows).split(" ", 1)[1]
    cols = span("column", "columns", step.cols).split(" ", 1)[1]
    mode = "max" if step.mode == "max" else "average"
    lines: list[Line] = [
        [
            *step_heading(step.index + comp.conv_steps, comp.num_steps, state),
            (f"{mode} pooling of {source}[{rows}, {cols}, {step.channel}] → {where}", "dim"),
        ]
    ]
    if step.mode == "max":
        shown = ", ".join(numbers.plain(v, integral) for v in values)
        body: Line = [(f"max({shown})", ""), (" = ", ""), (numbers.plain(step.value, integral), "total")]
    else:
        terms = " + ".join(numbers.term(v, integral) for v in values)
        body = [(f"({terms}) / {len(values)}", ""), (" = ", ""), (numbers.plain(step.value, False), "total")]
    lines.append([(f"{where} = ", "label"), *body])
    return lines


# --------------------------------------------------------------------------- the model example


def model_lines(example: ModelExample, index: int) -> list[Line]:
    """Layer ``index`` of the model: its shapes, the output-size formula and the parameter count."""
    spec = example.model
    info = infer_shapes(spec)[index]
    return [
        [
            ("Layer ", "label"),
            (f"{index + 1}", "total"),
            (f" of {len(spec.layers)}: ", "label"),
            (f"{info.name} ({info.type})", "symbol"),
            (f"  {info.input_shape} → {info.output_shape}", "dim"),
        ],
        [("output shape: ", "label"), (info.shape_formula or "—", ""), ("  → ", "dim"), (info.shape_text, "total")],
        [
            ("parameters:   ", "label"),
            (info.param_formula or "0 (this layer has no weights)", "sum" if info.param_formula else "dim"),
        ],
    ]


# --------------------------------------------------------------------------- the side panel


def formula_lines(state: ConvState) -> list[Line]:
    """The output-size and parameter formulas of the current settings (and a note when Keras refuses them)."""
    comp = state.comp
    lines: list[Line] = []
    if comp.conv is not None:
        g = comp.conv.geometry
        fr, fc = g.output_formulas()
        oh, ow, oc = g.out_shape
        lines.append([("Output size ", "heading"), ("(n − k + 2p) / s + 1", "dim")])
        if fr == fc:
            lines += [[("rows = cols:", "")], [(f"  {fr}", "")]]
        else:
            lines += [[("rows:", "")], [(f"  {fr}", "")], [("cols:", "")], [(f"  {fc}", "")]]
        if g.pad_top != g.pad_bottom or g.pad_left != g.pad_right:
            # "0 + 1" alone does not say which side gets the extra row
            lines.append(
                [(f"  p = {g.pad_top} top + {g.pad_bottom} bottom, {g.pad_left} left + {g.pad_right} right", "dim")]
            )
        lines.append([(f"depth = kernels = {oc}  → {oh}×{ow}×{oc}", "")])
        lines.append([("Parameters ", "heading"), ("K·(kh·kw·C) + K", "dim")])
        lines.append([(g.param_formula, "")])
    if comp.pool is not None:
        pg = comp.pool.geometry
        fr, fc = pg.output_formulas()
        ph, pw, pc = pg.out_shape
        lines.append([(f"Pooling {pg.size[0]}×{pg.size[1]}, stride {pg.stride[0]}", "heading")])
        if fr == fc:
            lines += [[("rows = cols:", "")], [(f"  {fr}", "")]]
        else:
            lines += [[("rows:", "")], [(f"  {fr}", "")], [("cols:", "")], [(f"  {fc}", "")]]
        lines.append([(f"→ {ph}×{pw}×{pc}, no parameters", "")])
    refusal = keras_refuses(state)
    if refusal:
        lines.append([("Keras: ", "heading"), (refusal, "error")])
    return lines


def note_lines(example: ConvExample | PoolExample | ModelExample) -> list[Line]:
    """The example's description, its notes (where the slides are wrong) and its source."""
    lines: list[Line] = []
    if example.description:
        lines.append([(" ".join(example.description.split()), "")])
    for note in example.notes:
        lines += [[], [("Note: ", "note"), (note, "")]]
    if example.source:
        lines += [[], [(f"Source: {example.source}", "dim")]]
    if isinstance(example, ConvExample) and not isinstance(example, GradientExample) and not example.after_lessons:
        # a lesson, and the entries after the lessons, have no kernel settings
        lines += [[], [(NEW_WEIGHTS_NOTE, "dim")]]
    return lines


__all__ = [
    "ROLES",
    "Line",
    "Piece",
    "Role",
    "conv_lines",
    "formula_lines",
    "model_lines",
    "note_lines",
    "plain_text",
    "pool_lines",
    "products",
    "span",
    "symbol_grid",
    "symbol_terms",
    "where_text",
]
