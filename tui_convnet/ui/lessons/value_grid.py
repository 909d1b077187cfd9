"""``ValueGrid``: a small 2-D array as coloured numbers, with one cell that can be selected.

Colours follow the app's one value convention (:mod:`tui_convnet.ui.common.palette`:
negative blue, zero neutral, positive orange-red) on a scale shared with
whatever the caller passes; the selected cell is drawn with the
``value-grid--selected`` component style (theme variables, in the TCSS) and
in brackets, so it stays visible without colour.
"""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from ...core import numbers
from ..common import palette


class ValueGrid(Widget):
    """A titled grid of numbers; ``selected`` marks one cell."""

    DEFAULT_CSS = """
    ValueGrid { width: auto; height: auto; }
    ValueGrid > .value-grid--title { color: $text-muted; }
    ValueGrid > .value-grid--selected { text-style: bold reverse; }
    """
    COMPONENT_CLASSES = {"value-grid--title", "value-grid--selected"}

    selected: reactive[tuple[int, int] | None] = reactive(None, layout=False)

    def __init__(self, title: str = "", *, width: int = 7, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.title = title
        self.cell_width = width
        self._values = np.zeros((0, 0))
        self._scale = 1.0

    def set_values(self, values: np.ndarray, *, scale: float | None = None, title: str | None = None) -> None:
        a = np.asarray(values, dtype=np.float64)
        if a.ndim != 2:
            raise ValueError(f"A value grid needs a 2-D array. Received: values.shape={a.shape}")
        finite = a[np.isfinite(a)]
        self._values = a
        self._scale = scale if scale is not None else (float(np.max(np.abs(finite))) if finite.size else 1.0)
        if title is not None:
            self.title = title
        self.refresh(layout=True)

    @property
    def values(self) -> np.ndarray:
        return self._values

    def render(self) -> Text:
        dark = bool(self.app.current_theme.dark) if self.app.current_theme else True
        text = Text(no_wrap=True, overflow="crop", end="")
        text.append(self.title, self.get_component_rich_style("value-grid--title", partial=True))
        selected_style = self.get_component_rich_style("value-grid--selected", partial=True)
        lv = palette.levels(self._values, self._scale, diverging=True)
        w = self.cell_width
        for r in range(self._values.shape[0]):
            text.append("\n")
            for c in range(self._values.shape[1]):
                label = numbers.signed(float(self._values[r, c]), w - 2).rjust(w - 2)
                style: Style = palette.level_style(int(lv[r, c]), True, dark)
                if self.selected == (r, c):
                    text.append(f"[{label}]", style + selected_style)
                else:
                    text.append(f" {label} ", style)
        return text

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max(len(self.title), self._values.shape[1] * self.cell_width if self._values.size else 0)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1 + self._values.shape[0]
