"""The inspect screen's widgets on their own: heatmaps, tile grids, kernels, bars."""

from __future__ import annotations

import numpy as np
import pytest
from rich.color import Color
from rich.style import Style
from textual.app import App, ComposeResult

from tui_convnet.ui.common.bars import ActivationStrip, ProbabilityBars, bar_text
from tui_convnet.ui.common.heatmap import (
    LEVELS,
    PALETTES,
    UPPER_HALF,
    Heatmap,
    HeatmapGrid,
    layer_strips,
    quantise,
    scale_for,
    sparkline,
)
from tui_convnet.ui.inspect.kernels import KernelGrid, weight_text


def rgb(color: Color | None) -> tuple[int, int, int]:
    assert color is not None and color.triplet is not None
    t = color.triplet
    return (t.red, t.green, t.blue)


def test_quantise_and_scales() -> None:
    assert scale_for(np.array([0.0, 2.0]), "sequential") == (0.0, 2.0)
    assert scale_for(np.array([-3.0, 1.0]), "diverging") == (-3.0, 3.0)
    assert scale_for(np.zeros(4), "sequential") == (0.0, 1.0)  # a flat map still has a scale
    q = quantise(np.array([-1.0, 0.0, 1.0, 2.0, np.nan]), 0.0, 1.0)
    assert q.tolist() == [0, 0, LEVELS - 1, LEVELS - 1, 0]


def test_layer_strips_pair_rows_and_merge_runs() -> None:
    levels = np.zeros((3, 4, 2), dtype=int)  # odd height: the last row is paired with blank
    levels[0, :, 0] = [5, 5, 9, 9]
    levels[1, :, 0] = [1, 1, 1, 2]
    tiles = layer_strips(levels, "sequential")
    assert len(tiles) == 2 and all(len(t) == 2 for t in tiles)
    first = tiles[0][0]
    assert [s.text for s in first] == [UPPER_HALF * 2, UPPER_HALF, UPPER_HALF]
    lut = PALETTES["sequential"]
    styles = [s.style if s.style is not None else Style() for s in first]
    assert rgb(styles[0].color) == lut[5] and rgb(styles[0].bgcolor) == lut[1]
    assert rgb(styles[2].color) == lut[9] and rgb(styles[2].bgcolor) == lut[2]
    assert [s.text for s in tiles[1][0]] == [UPPER_HALF * 4]  # one run for a flat line


def test_text_helpers() -> None:
    assert weight_text(0.123) == "+0.12" and weight_text(-1.5) == "-1.50" and weight_text(12.34) == "+12.3"
    assert len(weight_text(-123456.0)) <= 5
    # A small weight is never a signed zero: -0.001 reads as -1e-3 (as the bias -0.001 in the arithmetic).
    assert weight_text(-0.001) == "-1e-3" and weight_text(0.004) == "+4e-3" and weight_text(0.0) == "+0.00"
    assert weight_text(-0.006) == "-0.01"
    assert bar_text(0.5, 4) == "██  " and bar_text(0.5, 1) == "▌" and bar_text(2.0, 3) == "███"
    assert sparkline([0, 1, 2]) == " ▄█" and sparkline([]) == ""


class Widgets(App[None]):
    def compose(self) -> ComposeResult:
        yield Heatmap(np.arange(16, dtype=float).reshape(4, 4), id="one")
        yield HeatmapGrid(np.random.default_rng(0).random((26, 26, 32)), id="grid")
        yield KernelGrid(id="kernels")
        yield ProbabilityBars(id="bars")
        yield ActivationStrip(id="strip")


async def test_widgets_render_and_lay_out() -> None:
    app = Widgets()
    async with app.run_test(size=(100, 60)) as pilot:
        one = app.query_one("#one", Heatmap)
        assert (one.size.width, one.size.height) == (4, 2)
        line = one.render_line(0)
        assert line.text == UPPER_HALF * 4
        grid = app.query_one("#grid", HeatmapGrid)
        cols = grid.columns_for(100)
        assert cols == (100 + 2) // (26 + 2) == 3
        rows = -(-32 // cols)
        assert grid.size.height == rows * (13 + 2) - 1
        assert grid.tile_at(0, 0) == 0 and grid.tile_at(28, 5) == 1 and grid.tile_at(27, 5) is None
        assert grid.tile_at(0, 15) == cols  # second row of tiles
        assert grid.render_line(0).text.startswith("#0 ")
        assert not grid.render_line(13 + 1).text.strip()  # the line under the first row: nothing selected
        grid.selected = 1
        marker = grid.render_line(13 + 1).text
        assert marker[:28].strip() == "" and marker[28 : 28 + 26] == "▔" * 26  # a bar under tile 1 only
        assert marker[28 + 26 :].strip() == ""
        k = np.arange(3 * 3 * 2 * 4, dtype=float).reshape(3, 3, 2, 4) / 10 - 3
        kernels = app.query_one("#kernels", KernelGrid)
        kernels.set_kernels(k, np.array([0.5, -0.25, 0, 1]), channel=1)
        await pilot.pause()
        assert kernels.count == 4
        assert kernels.render_line(0).text.startswith("k0 b+0.50")
        assert kernels.render_line(1).text.startswith(f" {weight_text(k[0, 0, 1, 0])} {weight_text(k[0, 1, 1, 0])}")
        with pytest.raises(ValueError, match="Received: channel=2"):
            kernels.set_kernels(k, np.zeros(4), channel=2)
        bars = app.query_one("#bars", ProbabilityBars)
        p = np.full(10, 0.05)
        p[3] = 0.55
        bars.set_probabilities(p, label=8)
        await pilot.pause()
        text = bars.render().plain.splitlines()
        assert len(text) == 10 and text[3].startswith("3 ███") and "55.0 %" in text[3]
        assert text[8].endswith("◀ true") and bars.predicted == 3
        strip = app.query_one("#strip", ActivationStrip)
        strip.set_values(np.linspace(0, 1, 250))
        await pilot.pause()
        assert strip.size.height == -(-250 // strip.size.width)
