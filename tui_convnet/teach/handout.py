"""A handout of one example: every step written out, as Markdown (here) or HTML (:mod:`.handout_html`).

:func:`handout_blocks` lays the example out as plain blocks, in the explorer's order and with the
explorer's own arithmetic (:mod:`tui_convnet.explore.narration`): the description and the notes where
the slide is corrected, the settings and their formulas, the input, the kernels, each step's window and
arithmetic, and the output volume. A model example gets its ``model.summary()`` (with the slide's
Keras 2 layer names) and each layer's shape and parameter arithmetic. The renderers only format.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..core import ConvExample, Example, ExampleError, ModelExample, infer_shapes, load_example, numbers
from ..explore import ConvState, open_example
from ..explore.narration import Line, conv_lines, formula_lines, model_lines, pool_lines
from ..model.layer_names import KERAS_NAMES_NOTE, keras2_names
from .keras_code import model_code
from .output import OutputError, check_output, emit, fail

PROG = "convnet-tui handout"


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    role: str = ""  # "" | "note" (where the slide is corrected) | "dim"


@dataclass(frozen=True)
class Grid:
    """A 2-D grid of numbers; ``marks`` are the cells to frame (the window), ``pad`` the padding cells."""

    caption: str
    values: np.ndarray
    integral: bool
    marks: frozenset[tuple[int, int]] = frozenset()
    pad: frozenset[tuple[int, int]] = frozenset()

    def text(self, r: int, c: int) -> str:
        return numbers.plain(float(self.values[r, c]), self.integral, 3)


@dataclass(frozen=True)
class Grids:
    """Grids shown side by side (a volume's channels, a kernel's channels)."""

    grids: tuple[Grid, ...]


@dataclass(frozen=True)
class Arithmetic:
    """Lines of ``(text, role)`` pieces, the explorer's narration (roles give the screen's colours)."""

    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Para | Grids | Arithmetic | Table


@dataclass(frozen=True)
class Handout:
    title: str
    blocks: tuple[Block, ...] = field(default=())


def _volume(name: str, vol: np.ndarray, integral: bool, names: Sequence[str] = ()) -> Grids:
    return Grids(
        tuple(
            Grid(f"{name}[:,:,{c}]" + _also(names, c, f"{name}[:,:,{c}]"), vol[:, :, c], integral)
            for c in range(vol.shape[2])
        )
    )


def _also(names: Sequence[str], c: int, caption: str) -> str:
    return f" ({names[c]})" if c < len(names) and names[c] and names[c] != caption else ""


def _padding_cells(shape: tuple[int, ...], top: int, left: int, h: int, w: int) -> frozenset[tuple[int, int]]:
    return frozenset(
        (r, c) for r in range(shape[0]) for c in range(shape[1]) if not (top <= r < top + h and left <= c < left + w)
    )


def _conv_blocks(state: ConvState) -> list[Block]:
    comp, s = state.comp, state.settings
    integral = comp.integral
    out: list[Block] = [Heading(2, "Settings and formulas"), Arithmetic(tuple(formula_lines(state)))]
    out += [Heading(2, "Input"), _volume("x", s.x, integral, state.channel_names())]
    top, left = comp.pad_offset
    if top or left or comp.padded.shape[:2] != s.x.shape[:2]:
        pad = _padding_cells(comp.padded.shape, top, left, *s.x.shape[:2])
        padded = [
            Grid(f"padded x[:,:,{c}]", np.nan_to_num(comp.padded[:, :, c]), integral, pad=pad)
            for c in range(s.x.shape[2])
        ]
        out += [Para("With its padding (the zeros around it):", "dim"), Grids(tuple(padded))]
    conv = comp.conv
    if conv is not None and isinstance(state.example, ConvExample):
        out.append(Heading(2, "Kernels"))
        for k, kname in enumerate(state.kernel_names()):
            grids = tuple(
                Grid(f"{kname}[:,:,{c}]", conv.kernels[:, :, c, k], integral) for c in range(conv.kernels.shape[2])
            )
            out += [Grids(grids), Para(f"bias b{k} = {numbers.plain(float(conv.bias[k]), integral)}")]
        out.append(Heading(2, f"The {conv.num_steps} steps of the convolution"))
        for i in range(conv.num_steps):
            step = conv.step(i)
            lines = conv_lines(state, step)
            out += [Heading(3, "".join(t for t, _ in lines[0]))]
            pad = frozenset(
                (i, j)
                for i, r in enumerate(step.rows)
                for j, c in enumerate(step.cols)
                if conv.geometry.is_padding(r, c)
            )
            windows = tuple(
                Grid(f"window {state.channel_names()[c]}", step.window[c], integral, pad=pad)
                for c in range(step.window.shape[0])
            )
            out += [Grids(windows), Arithmetic(tuple(lines[1:]))]
        out += [
            Heading(2, "The output volume"),
            _volume("o", conv.output, integral and conv.activation in ("linear", "relu")),
        ]
    pool = comp.pool
    if pool is not None:
        out.append(Heading(2, f"The {pool.num_steps} steps of the pooling"))
        for i in range(pool.num_steps):
            lines = pool_lines(state, pool.step(i))
            out += [Heading(3, "".join(t for t, _ in lines[0])), Arithmetic(tuple(lines[1:]))]
        pooled_integral = integral and pool.mode == "max" and (conv is None or conv.activation in ("linear", "relu"))
        out += [Heading(2, "The pooled output"), _volume("p", pool.output, pooled_integral)]
    return out + _expected_blocks(state)


def _expected_blocks(state: ConvState) -> list[Block]:
    """Where the example records what the slide prints and it differs from the arithmetic."""
    ex = state.example
    slide = ex.expected.get("slide_output")
    comp = state.comp
    final = comp.pool.output if comp.pool is not None else (comp.conv.output if comp.conv is not None else None)
    if slide is None or final is None:
        return []
    mine = np.transpose(final, (2, 0, 1))
    cells = [tuple(int(i) for i in idx) for idx in zip(*np.nonzero(~np.isclose(mine, slide)), strict=True)]
    if not cells:
        return []
    listed = ", ".join(
        f"[{r},{c},{k}]: slide {numbers.plain(float(slide[k, r, c]))}, arithmetic {numbers.plain(float(mine[k, r, c]))}"
        for k, r, c in cells
    )
    return [Heading(2, "Where the slide differs"), Para(f"The slide's output differs at {listed}.", "note")]


def _model_blocks(example: ModelExample) -> list[Block]:
    spec = example.model
    infos = infer_shapes(spec)
    old = keras2_names(spec)
    rows = tuple(
        (f"{info.name} ({info.type})", old[i], info.shape_text, f"{info.params:,}", info.param_formula or "—")
        for i, info in enumerate(infos)
    )
    total = sum(info.params for info in infos)
    out: list[Block] = [
        Heading(2, "model.summary()"),
        Table(("Layer (type), Keras 3", "On the slide (Keras 2)", "Output shape", "Param #", "Arithmetic"), rows),
        Para(f"Total params: {total:,}"),
        Para(KERAS_NAMES_NOTE, "dim"),
        Heading(2, "The lecture's Keras code"),
        Arithmetic(tuple([(line.text, "")] for line in model_code(spec))),
        Heading(2, "Layer by layer"),
    ]
    for i in range(len(spec.layers)):
        out.append(Arithmetic(tuple(model_lines(example, i))))
    return out


def handout_blocks(example: Example) -> Handout:
    out: list[Block] = []
    if example.description:
        out.append(Para(" ".join(example.description.split())))
    for note in example.notes:
        out.append(Para(note, "note"))
    if example.source:
        out.append(Para(f"Source: {example.source}", "dim"))
    state = open_example(example)
    if isinstance(example, ModelExample):
        out += _model_blocks(example)
    elif isinstance(state, ConvState):
        out += _conv_blocks(state)
    else:  # the kernel gradient, the transposed convolution's entries: stepped in the explorer only
        raise ValueError(
            f"it is stepped in the explorer only (handouts are of the examples). Received: example={example.key!r}"
        )
    return Handout(example.title, tuple(out))


# --------------------------------------------------------------------------- Markdown


def _grid_md(grid: Grid) -> list[str]:
    h, w = grid.values.shape
    cells = [[grid.text(r, c) for c in range(w)] for r in range(h)]
    width = max(len(t) for row in cells for t in row)
    lines = []
    for r in range(h):
        parts = []
        for c in range(w):
            t = cells[r][c].rjust(width)
            parts.append(f"[{t}]" if (r, c) in grid.marks else (f"({t})" if (r, c) in grid.pad else f" {t} "))
        lines.append("".join(parts).rstrip())
    return lines


def _grids_md(block: Grids) -> list[str]:
    columns = [[g.caption, *_grid_md(g)] for g in block.grids]
    out = ["```"]
    for i in range(0, len(columns), 4):
        group = columns[i : i + 4]
        widths = [max(len(line) for line in col) for col in group]
        for r in range(max(len(col) for col in group)):
            out.append(
                "   ".join(
                    (col[r] if r < len(col) else "").ljust(wd) for col, wd in zip(group, widths, strict=True)
                ).rstrip()
            )
        out.append("")
    out[-1] = "```"
    return out


def handout_markdown(handout: Handout) -> str:
    out = [f"# {handout.title}", ""]
    for block in handout.blocks:
        if isinstance(block, Heading):
            out += [f"{'#' * block.level} {block.text}", ""]
        elif isinstance(block, Para):
            text = f"**Note (the slide corrected):** {block.text}" if block.role == "note" else block.text
            out += [f"*{text}*" if block.role == "dim" else text, ""]
        elif isinstance(block, Grids):
            out += [*_grids_md(block), ""]
        elif isinstance(block, Arithmetic):
            out += ["```", *("".join(t for t, _ in line) for line in block.lines), "```", ""]
        else:
            out += ["| " + " | ".join(block.headers) + " |", "|" + "---|" * len(block.headers)]
            out += ["| " + " | ".join(row) + " |" for row in block.rows] + [""]
    out.append("Padding cells are in parentheses. Made with convnet-tui.")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- the command


def find_example(name: str) -> Example:
    """A built-in example by number or name, or an example file (``.toml``)."""
    if name.endswith(".toml"):
        return load_example(Path(name).expanduser())
    from ..core import load_examples

    examples = load_examples()
    wanted = name.strip().lower()
    for ex in examples:
        number = ex.key.split("_", 1)[0]
        if wanted in (ex.key.lower(), number, number.lstrip("0")):
            return ex
    matches = [ex for ex in examples if wanted in ex.key.lower() or wanted in ex.title.lower()]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(ex.key for ex in examples)
    raise ExampleError(
        f"{name!r} is not a built-in example. Choose one of: {known}, or a .toml file. Received: example={name!r}"
    )


def run_handout(args: argparse.Namespace) -> int:
    try:
        output = check_output(args.output)
        example = find_example(args.example)
    except (OutputError, ExampleError) as exc:
        return fail(PROG, str(exc))
    handout = handout_blocks(example)
    if args.format == "html":
        from .handout_html import handout_html

        return emit(handout_html(handout), output, PROG)
    return emit(handout_markdown(handout), output, PROG)
