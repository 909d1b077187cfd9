"""Learned convolution kernels as coloured weight grids with their numbers.

One tile per kernel (output channel) for one input channel: ``kh`` lines of
``kw`` cells, each cell the weight printed on its colour (``ui/common/palette.py``: blue negative, red
positive, on a scale shared by the whole layer), under a label with the
kernel's number and learned bias.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style

from ...core import numbers
from ..common import palette
from ..common.heatmap import LEVELS, TileGrid, quantise, scale_for

CELL = 6  # characters per weight: " +0.12"


def weight_text(value: float, width: int = CELL - 1) -> str:
    """A weight in ``width`` characters with its sign (:func:`tui_convnet.core.numbers.signed`: ``+0.12``,
    ``-1e-3``, never ``-0.00``)."""
    return numbers.signed(value, width)


@cache
def _cell_style(rgb: tuple[int, int, int]) -> Style:
    """A weight's cell on its colour (the palette's convention: negative blue, positive red); one Style per
    colour level, shared by every cell of that level."""
    return Style(color=palette.text_on(rgb), bgcolor=Color.from_rgb(*rgb))


class KernelGrid(TileGrid):
    """The kernels ``(kh, kw, C_in, C_out)`` of one conv layer, for input channel ``channel``."""

    #: The weights' colour scale ``-m..m`` (one for the whole layer), as the legend states it.
    scale: tuple[float, float] = (-1.0, 1.0)

    def set_kernels(self, kernels: np.ndarray, bias: np.ndarray, channel: int = 0, dark: bool = True) -> None:
        """Show the slices of input ``channel``; ``dark``: the palette's colours for a dark or a light theme."""
        k = np.asarray(kernels, dtype=np.float64)
        if k.ndim != 4:
            raise ValueError(f"Kernels must be (kh, kw, C_in, C_out). Received: kernels.shape={k.shape}")
        if not 0 <= channel < k.shape[2]:
            raise ValueError(f"Input channel out of range 0..{k.shape[2] - 1}. Received: channel={channel}")
        b = np.asarray(bias, dtype=np.float64).reshape(-1)
        vmin, vmax = self.scale = scale_for(k, "diverging")  # one scale for the whole layer
        lut = palette.diverging_lut(LEVELS, dark)
        levels = quantise(k[:, :, channel, :], vmin, vmax, "diverging")
        tiles, labels = [], []
        for out in range(k.shape[3]):
            lines = []
            for r in range(k.shape[0]):
                lines.append(
                    [
                        Segment(
                            " " + weight_text(float(k[r, c, channel, out])),
                            _cell_style(lut[int(levels[r, c, out])]),
                        )
                        for c in range(k.shape[1])
                    ]
                )
            tiles.append(lines)
            labels.append(f"k{out} b{weight_text(float(b[out]))}" if out < len(b) else f"k{out}")
        self.set_tiles(tiles, labels)
