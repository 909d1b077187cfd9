"""The class probabilities as bars, and a layer of activations as a coloured sparkline."""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from ...core import numbers
from ...data.labels import MNIST_LABELS, ClassLabels
from .heatmap import PALETTES, quantise, scale_for, sparkline

EIGHTHS = " ▏▎▍▌▋▊▉█"


def bar_text(fraction: float, width: int) -> str:
    """A horizontal bar ``fraction`` (0..1) of ``width`` cells, in eighths of a cell."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (EIGHTHS[part] if part else "")
    return text.ljust(width)


class ProbabilityBars(Widget):
    """Ten bars, one per digit: the predicted class highlighted, the true label marked."""

    DEFAULT_CSS = """
    ProbabilityBars { width: 1fr; height: auto; }
    ProbabilityBars > .probability-bars--bar { color: $primary; }
    ProbabilityBars > .probability-bars--predicted { color: $text-success; text-style: bold; }
    ProbabilityBars > .probability-bars--wrong { color: $text-error; text-style: bold; }
    ProbabilityBars > .probability-bars--true { color: $text-warning; text-style: bold; }
    """
    COMPONENT_CLASSES = {
        "probability-bars--bar",
        "probability-bars--predicted",
        "probability-bars--wrong",
        "probability-bars--true",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.probabilities: np.ndarray | None = None
        self.label: int | None = None
        #: The classes' names (another image set's: a column of names before the bars; set before the probabilities).
        self.labels: ClassLabels = MNIST_LABELS

    def set_probabilities(self, probabilities: np.ndarray, label: int | None) -> None:
        p = np.asarray(probabilities, dtype=np.float64).reshape(-1)
        if p.size == 0:
            raise ValueError("There must be at least one class probability. Received: probabilities.size=0")
        self.probabilities, self.label = p, label
        self.refresh(layout=True)

    @property
    def predicted(self) -> int | None:
        return None if self.probabilities is None else int(np.argmax(self.probabilities))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 0 if self.probabilities is None else len(self.probabilities)

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop", end="")
        if self.probabilities is None:
            return text
        pred = self.predicted
        marks = 7  # " ◀ true"
        names = 1 if self.labels.mnist else min(max(map(len, self.labels.names)), 12)
        bar_w = max(4, self.size.width - 1 - names - (7 if self.labels.mnist else 8) - marks)
        bar = self.get_component_rich_style("probability-bars--bar")
        for c, p in enumerate(self.probabilities):
            if c:
                text.append("\n")
            if c == pred:
                style = self.get_component_rich_style(
                    "probability-bars--predicted"
                    if self.label is None or pred == self.label
                    else "probability-bars--wrong"
                )
            else:
                style = bar
            name = str(c) if self.labels.mnist else self.labels.short(c, names).ljust(names)
            text.append(f"{name} ", style if c == pred else Style())
            text.append(bar_text(float(p), bar_w), style)
            text.append(numbers.percent(float(p)).rjust(8), style if c == pred else Style())
            if c == self.label:
                text.append(" ◀ true", self.get_component_rich_style("probability-bars--true"))
        return text


class ActivationStrip(Widget):
    """A vector of activations as one bar character per value, coloured by size, wrapped to the width."""

    DEFAULT_CSS = """
    ActivationStrip { width: 1fr; height: auto; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.values = np.zeros(0)

    def set_values(self, values: np.ndarray) -> None:
        self.values = np.asarray(values, dtype=np.float64).reshape(-1)
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return -(-len(self.values) // max(1, width)) if len(self.values) else 0

    def render(self) -> Text:
        text = Text(no_wrap=False, overflow="fold", end="")
        if not len(self.values):
            return text
        vmin, vmax = scale_for(self.values, "sequential")
        chars = sparkline(self.values, vmin, vmax)
        levels = quantise(self.values, vmin, vmax)
        lut = PALETTES["sequential"]
        width = max(1, self.size.width)
        for i, (ch, lv) in enumerate(zip(chars, levels.tolist(), strict=False)):
            if i and i % width == 0:
                text.append("\n")
            # Dark colours vanish on a dark background: keep a floor of brightness.
            r, g, b = lut[max(lv, 12)]
            text.append(ch if ch != " " else "·", Style(color=Color.from_rgb(r, g, b)))
        return text
