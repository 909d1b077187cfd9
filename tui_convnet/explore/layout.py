"""How the explorer arranges its grids for a terminal size: a pure decision, applied as TCSS classes.

The screen asks :func:`choose_layout` on every change of example, settings,
terminal size or focus, and sets the classes of the returned :class:`Layout`
(nothing is styled inline, so no choice leaks from one example to the next).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .frames import Stage
from .panels import Volume, natural_height, natural_width

#: Narrower terminals hide the settings panel until s shows it.
SIDE_MIN_WIDTH = 110
#: Width of the settings panel (as in explorer.tcss): wide, and narrow below SIDE_MIN_WIDTH.
SIDEBAR_WIDTH = 38
NARROW_SIDEBAR_WIDTH = 30
#: Grids taller than this are laid out side by side (input | kernels | output).
TALL_ROWS = 12
#: The product grid is shown beside the arithmetic from this width on.
PRODUCTS_MIN_WIDTH = 100
#: Lines the step arithmetic takes at most (heading, 6 channels, the sum, the activation).
ARITHMETIC_LINES = 9

KernelColumn = Literal["tiny", "narrow", "medium", "wide"]
KERNEL_COLUMNS: dict[KernelColumn, int] = {"tiny": 14, "narrow": 24, "medium": 36, "wide": 48}


@dataclass(frozen=True)
class Layout:
    """``side_by_side``: input | kernels | output | pooling in columns, each scrolling; else stacked."""

    side_by_side: bool
    side_panel: bool
    narrow_side: bool
    kernel_column: KernelColumn
    products: bool

    @property
    def classes(self) -> dict[str, bool]:
        """The screen's TCSS classes for this layout."""
        return {
            "-tall": self.side_by_side,
            "-no-side": not self.side_panel,
            "-narrow-side": self.side_panel and self.narrow_side,
            "-kernels-tiny": self.kernel_column == "tiny",
            "-kernels-narrow": self.kernel_column == "narrow",
            "-kernels-medium": self.kernel_column == "medium",
            "-kernels-wide": self.kernel_column == "wide",
            "-products": self.products,
        }


def _side(width: int, auto: bool, choice: bool | None, side_has_focus: bool) -> bool:
    """Shown when the student asked for it, or automatically when there is room; never hidden while focused."""
    shown = auto if choice is None else choice
    return shown or side_has_focus


def choose_layout(
    stage: Stage,
    *,
    width: int,
    height: int,
    compact: bool,
    side_choice: bool | None,
    side_has_focus: bool = False,
    arithmetic_lines: int = 5,
    has_products: bool = False,
) -> Layout:
    """The layout of ``stage`` in a ``width`` × ``height`` terminal.

    ``side_choice`` is the student's s (None: automatic); ``side_has_focus``
    keeps the settings panel on screen while a setting in it is focused.
    """
    inputs = stage.of(Volume.INPUT)
    if not inputs:  # the model example: its table and the notes
        side = _side(width, width >= SIDE_MIN_WIDTH, side_choice, side_has_focus)
        return Layout(False, side, width < SIDE_MIN_WIDTH, "narrow", False)
    big = max(p.shape[0] for vol in stage.panels.values() for p in vol) > TALL_ROWS
    side = _side(width, width >= SIDE_MIN_WIDTH and not big, side_choice, side_has_focus)
    narrow_side = width < SIDE_MIN_WIDTH
    stage_width = width - (((NARROW_SIDEBAR_WIDTH if narrow_side else SIDEBAR_WIDTH) + 1) if side else 0) - 2
    products = has_products and width >= PRODUCTS_MIN_WIDTH
    stacked = sum(2 + natural_height(list(stage.of(v)), compact, stage_width) for v in stage.panels)
    room = height - 2 - 1 - min(arithmetic_lines, ARITHMETIC_LINES)  # title bar, footer, the rule
    tall = big or stacked > room
    column: KernelColumn = "narrow"
    kernels = stage.of(Volume.KERNELS)
    if tall and kernels:
        need = natural_width(list(kernels), compact, kernels[0].group) + 2
        room_for_kernels = max(stage_width // 3, KERNEL_COLUMNS["tiny"])
        order: tuple[KernelColumn, ...] = ("tiny", "narrow", "medium", "wide")
        for name in order:  # the narrowest column that holds one kernel, if the stage has room for it
            if KERNEL_COLUMNS[name] <= room_for_kernels:
                column = name
                if KERNEL_COLUMNS[name] >= need:
                    break
    return Layout(tall, side, narrow_side, column, products)
