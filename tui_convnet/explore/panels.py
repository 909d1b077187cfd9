"""The grids the explorer shows, as plain data: typed panel keys, panels, highlights, and how they flow.

A *volume* (the input, the kernel bank, the output, the pooled output, the
current step's products) is a list of :class:`Panel` s, each one 2-D grid
with a title, named by a :class:`PanelKey`.  A step of the explorer marks
cells of those panels (:class:`Highlights`).  Nothing here knows about
Textual: the ``VolumeView`` widget draws what these describe.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

import numpy as np

from ..core import numbers

#: How a cell can be marked (each has a component class in the TCSS).
Mark = Literal["window", "window-pad", "current", "argmax", "done"]
MARKS: tuple[Mark, ...] = ("window", "window-pad", "current", "argmax", "done")
Cell = tuple[int, int]

GAP_IN_GROUP = 2
GAP_BETWEEN_GROUPS = 4


class Volume(Enum):
    """The explorer's grids, one view each."""

    INPUT = "input"
    KERNELS = "kernels"
    OUTPUT = "output"
    POOL = "pool"
    PRODUCTS = "products"


class Part(Enum):
    """What a panel of a volume shows."""

    NUMBERS = "numbers"
    LETTERS = "letters"  # the symbolic example's letters (aw + bx …)
    BIAS = "bias"
    BEFORE = "before"  # the output before the activation


@dataclass(frozen=True)
class PanelKey:
    """Names one panel: ``PanelKey(Volume.KERNELS, 1, 2)`` is kernel W1's slice over input channel 2.

    ``index`` is the channel of the input, the kernel of the kernel bank, the
    output or pooled channel; ``channel`` the kernel's input channel.
    """

    volume: Volume
    index: int = 0
    channel: int = 0
    part: Part = Part.NUMBERS


def input_key(channel: int) -> PanelKey:
    return PanelKey(Volume.INPUT, channel)


def kernel_key(kernel: int, channel: int) -> PanelKey:
    return PanelKey(Volume.KERNELS, kernel, channel)


def bias_key(kernel: int) -> PanelKey:
    return PanelKey(Volume.KERNELS, kernel, part=Part.BIAS)


def output_key(kernel: int) -> PanelKey:
    return PanelKey(Volume.OUTPUT, kernel)


def pool_key(channel: int) -> PanelKey:
    return PanelKey(Volume.POOL, channel)


@dataclass(frozen=True, eq=False)
class Panel:
    """One 2-D grid of a volume, with its title.

    ``texts`` replaces the numbers (the letters of the symbolic example);
    ``pad`` marks padding cells; ``progressive`` panels are filled in step by
    step (see :attr:`Highlights.fill`); ``group`` keeps panels together on a
    line (a kernel's slices and its bias); ``diverging`` colours negative and
    positive values apart, on a scale from ``-scale`` to ``scale``.
    """

    key: PanelKey
    title: str
    values: np.ndarray
    texts: tuple[tuple[str, ...], ...] | None = None
    pad: np.ndarray | None = None
    group: str = ""
    editable: bool = False
    progressive: bool = False
    diverging: bool = True
    scale: float = 1.0
    coloured: bool = True

    @property
    def shape(self) -> tuple[int, int]:
        h, w = self.values.shape
        return int(h), int(w)


@dataclass(frozen=True)
class Follow:
    """Keep these cells of panel ``key`` in view (``rows``/``cols`` empty: the whole panel)."""

    key: PanelKey
    rows: tuple[int, ...] = ()
    cols: tuple[int, ...] = ()


@dataclass(frozen=True)
class Highlights:
    """One step's marks on one volume: marked cells, highlighted titles, how far outputs are filled in."""

    marks: Mapping[PanelKey, Mapping[Cell, Mark]] = field(default_factory=dict)
    active: frozenset[PanelKey] = frozenset()
    fill: Mapping[PanelKey, int] = field(default_factory=dict)
    follow: tuple[Follow, ...] = ()


NO_HIGHLIGHTS = Highlights()


# --------------------------------------------------------------------------- sizes and flow


def all_integral(arrays: Iterable[np.ndarray]) -> bool:
    """True when every finite value is a whole number (then no decimals are shown anywhere)."""
    for a in arrays:
        finite = a[np.isfinite(a)] if a.dtype.kind == "f" else a
        if finite.size and not np.all(np.equal(np.mod(finite, 1), 0)):
            return False
    return True


def text_width(text: str) -> int:
    """Cells a title or a letter takes (the explorer's text is narrow: one cell per character)."""
    return len(text)


@dataclass(frozen=True)
class Sizing:
    """How wide each panel's cells are: number panels share one width so the grids line up."""

    integral: bool
    number_width: int
    widths: tuple[int, ...]  # per panel


def sizing(panels: Sequence[Panel], compact: bool) -> Sizing:
    integral = all_integral(p.values for p in panels if p.texts is None)
    widest = 1
    for p in panels:
        if p.texts is None:
            finite = p.values[np.isfinite(p.values)]
            if finite.size:
                sample = (finite.min(), finite.max()) if integral else np.unique(np.round(finite, 2))
                nonzero = np.abs(finite[finite != 0])
                if not integral and nonzero.size:
                    # the faintest value is written with more decimals than the rounded sample shows (1/255: .004)
                    sample = np.append(sample, [nonzero.min(), -nonzero.min() if (finite < 0).any() else 0.0])
                widest = max(widest, max(len(numbers.cell(float(v), integral)) for v in sample))
    number_width = 2 if compact else max(widest + 1, 3)
    widths = []
    for p in panels:
        if p.texts is not None and not compact:
            widths.append(max((text_width(t) for row in p.texts for t in row), default=1) + 1)
        else:
            widths.append(number_width)
    return Sizing(integral, number_width, tuple(widths))


@dataclass(frozen=True)
class Placed:
    panel: Panel
    x: int
    width: int
    cell_width: int


@dataclass(frozen=True)
class Band:
    """A line of panels: the title row at ``y``, then the grid rows."""

    y: int
    height: int
    items: tuple[Placed, ...]


def flow(panels: Sequence[Panel], cell_widths: Sequence[int], width: int) -> list[Band]:
    """Place the panels left to right in bands no wider than ``width`` (a group's panels stay together)."""
    bands: list[Band] = []
    items: list[Placed] = []
    x, y = 0, 0

    def close() -> None:
        nonlocal items, x, y
        if items:
            height = 1 + max(it.panel.shape[0] for it in items)
            bands.append(Band(y, height, tuple(items)))
            y += height + 1
        items, x = [], 0

    groups: list[list[tuple[Panel, int]]] = []
    for p, cw in zip(panels, cell_widths, strict=True):
        if groups and groups[-1][0][0].group and groups[-1][0][0].group == p.group:
            groups[-1].append((p, cw))
        else:
            groups.append([(p, cw)])
    for group in groups:
        widths = [max(p.shape[1] * cw, text_width(p.title)) for p, cw in group]
        total = sum(widths) + GAP_IN_GROUP * (len(widths) - 1)
        lead = GAP_BETWEEN_GROUPS if items else 0
        if items and x + lead + total > width:
            close()
            lead = 0
        x += lead
        for i, ((p, cw), w) in enumerate(zip(group, widths, strict=True)):
            if i:
                x += GAP_IN_GROUP
            if items and x + w > width and total > width:
                close()
            items.append(Placed(p, x, w, cw))
            x += w
    close()
    return bands


def natural_height(panels: Sequence[Panel], compact: bool, width: int) -> int:
    """Lines the panels need at this width (plus one for a horizontal scrollbar when too wide)."""
    bands = flow(panels, sizing(panels, compact).widths, width)
    if not bands:
        return 0
    wide = max(it.x + it.width for b in bands for it in b.items) > width
    return bands[-1].y + bands[-1].height + (1 if wide else 0)


def natural_width(panels: Sequence[Panel], compact: bool, group: str | None = None) -> int:
    """Width of the widest group of panels (or of ``group``) laid out on one line."""
    widths = sizing(panels, compact).widths
    groups: dict[str, int] = {}
    for p, cw in zip(panels, widths, strict=True):
        if group is not None and p.group != group:
            continue
        w = max(p.shape[1] * cw, text_width(p.title))
        key = p.group or str(id(p))
        groups[key] = groups.get(key, -GAP_IN_GROUP) + GAP_IN_GROUP + w
    return max(groups.values(), default=0)
