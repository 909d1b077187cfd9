"""The training screen's widgets, without TensorFlow: digits, braille plot, progress, log, gallery."""

from __future__ import annotations

import numpy as np
import pytest
from rich.color import Color
from rich.style import Style
from textual.app import ComposeResult

from tui_convnet.model.summary import confusion_table
from tui_convnet.training.evaluate import evaluation_from_probabilities
from tui_convnet.ui.common.digits import UPPER_HALF, digit_text, shrink
from tui_convnet.ui.common.plot import LinePlot, Series, braille_plot, braille_rows
from tui_convnet.ui.training.progress import EpochLog, ProgressState, TrainingProgress, format_eta
from tui_convnet.ui.training.results import DigitGallery


def test_digit_text_puts_two_pixel_rows_in_one_text_row() -> None:
    image = np.zeros((28, 28), dtype=np.uint8)
    image[0, 0], image[1, 0] = 255, 100  # first cell: top white, bottom grey
    image[27, 27] = 50
    text = digit_text(image)
    lines = text.plain.split("\n")
    assert len(lines) == 14 and all(line == UPPER_HALF * 28 for line in lines)
    first = text.spans[0].style
    assert isinstance(first, Style)
    assert first.color == Color.from_rgb(255, 255, 255) and first.bgcolor == Color.from_rgb(100, 100, 100)
    last = text.spans[-1].style  # row 13, column 27: top pixel (26, 27) black, bottom (27, 27) = 50
    assert isinstance(last, Style)
    assert last.color == Color.from_rgb(0, 0, 0) and last.bgcolor == Color.from_rgb(50, 50, 50)


def test_digit_text_accepts_model_inputs_and_shrinks() -> None:
    image = np.zeros((28, 28, 1), dtype=np.float32)
    image[:2, :2, 0] = 1.0
    assert shrink(image, 2)[0, 0] == 255 and shrink(image, 2).shape == (14, 14)
    small = digit_text(image, shrink_by=2)
    assert [len(line) for line in small.plain.split("\n")] == [14] * 7
    with pytest.raises(ValueError, match=r"Received: image\.shape=\(3,\)"):
        digit_text(np.zeros(3))
    with pytest.raises(ValueError, match="Received: factor=0"):
        shrink(np.zeros((4, 4)), 0)


def test_braille_plot_draws_a_line_from_corner_to_corner() -> None:
    rising = Series("up", "green", [(0.0, 0.0), (1.0, 1.0)])
    rows = braille_rows([rising], width=27, height=5, x_range=(0, 1), y_range=(0, 1))
    assert len(rows) == 5
    plot = ["".join(text for text, _ in row) for row in rows]
    body = [line[7:] for line in plot[:4]]  # after the 6-character label and the axis
    assert all(len(line) == 20 for line in body)
    # The line starts bottom-left and ends top-right: dots in the first and last columns.
    assert body[3][0] != " " and body[0][-1] != " "
    assert body[0][0] == " " and body[3][-1] == " "
    assert plot[0].startswith("  1.00┤") and plot[3].startswith("     0┤")
    assert plot[4].startswith("      └0") and plot[4].rstrip().endswith("1")


def test_braille_plot_leaves_a_gap_at_non_finite_points() -> None:
    finite = Series("f", "red", [(0, 0.5), (0.5, 0.5), (1, 0.5)])
    gapped = Series("n", "red", [(0, 0.5), (0.5, float("nan")), (1, 0.5), (1, float("inf"))])
    whole = [line[7:] for line in braille_plot([finite], 27, 5, (0, 1), (0, 1)).plain.split("\n")[:4]]
    cut = [line[7:] for line in braille_plot([gapped], 27, 5, (0, 1), (0, 1)).plain.split("\n")[:4]]
    row = next(r for r, line in enumerate(whole) if line.strip())
    assert all(ch != " " for ch in whole[row])  # without NaN: one unbroken line across the plot
    # With a NaN in the middle: a dot at each end and nothing drawn between them (no line through the gap).
    assert cut[row][0] != " " and cut[row][-1] != " " and cut[row][1:-1].strip() == ""
    assert all(not line.strip() for r, line in enumerate(cut) if r != row)  # inf is not drawn on an edge


def test_progress_lines_show_bars_rates_and_eta() -> None:
    widget = TrainingProgress()
    widget.state = ProgressState(
        status="Training",
        epoch=2,
        epochs=5,
        epochs_done=1,
        batch=39,
        steps=78,
        samples_per_second=2500.0,
        epoch_eta=1.2,
        total_eta=65.0,
        loss=0.25,
        accuracy=0.93,
    )
    rows = ["".join(text for text, _ in row) for row in widget.lines(80)]
    assert rows[0] == "Training"
    assert rows[2].startswith("Epoch 2/5") and "20 %" in rows[2] and "ETA 1:05 for all epochs" in rows[2]
    assert rows[3].startswith("Batch 39/78") and "50 %" in rows[3] and "2,500 samples/s · ETA 0:01" in rows[3]
    assert rows[5] == "This epoch so far: loss 0.2500  accuracy 93.0 %"
    assert format_eta(3725) == "1:02:05" and format_eta(None) == "--:--" and format_eta(float("inf")) == "--:--"


async def test_epoch_log_keeps_earlier_runs_scrolls_and_drops_only_the_oldest_lines() -> None:
    from rich.text import Text
    from textual.app import App

    class LogApp(App[None]):
        def compose(self) -> ComposeResult:
            yield EpochLog()

    app = LogApp()
    async with app.run_test(size=(60, 8)) as pilot:
        log = app.query_one(EpochLog)
        log.write_line(Text("Run 1: 5 epochs [/] literal"))
        for i in range(EpochLog.MAX_LINES + 4):
            log.write_line(Text(f"Epoch {i}"))
        await pilot.pause()
        kept = log.plain.splitlines()
        assert len(kept) == len(log.lines) == EpochLog.MAX_LINES
        # 1,005 lines written: the 5 oldest (the run line, epochs 0-3) are dropped
        assert kept[0] == "Epoch 4" and kept[-1] == f"Epoch {EpochLog.MAX_LINES + 3}"
        assert log.max_scroll_y > 0 and log.scroll_y == log.max_scroll_y  # scrollable, at the newest line
        log.scroll_home(animate=False)
        await pilot.pause()
        assert log.scroll_y == 0  # the earlier lines can be scrolled back to

    short = EpochLog()
    short.write_line(Text("Run 1: [b]x"))
    short.write_line(Text("Run 2: 3 epochs"))
    assert short.plain.splitlines() == ["Run 1: [b]x", "Run 2: 3 epochs"]  # earlier runs stay, text literal


def test_confusion_and_gallery_from_an_evaluation() -> None:
    labels = np.array([0, 1, 1, 2])
    p = np.eye(10)[[0, 2, 1, 2]] * 0.9 + 0.01
    ev = evaluation_from_probabilities(p, labels)
    table = confusion_table(ev.confusion)
    assert len(table.columns) == 12 and table.row_count == 10
    gallery = DigitGallery()
    gallery.show(np.zeros((4, 28, 28), dtype=np.uint8), ev.labels, ev.predicted, ev.confidence, ev.order)
    assert gallery.order[0] == 1 and gallery.misclassified == 1  # the wrong one first
    assert "1–4 of 4 (page 1/1), 1 misclassified shown first" in gallery.caption().plain


def test_a_plot_legend_gives_each_series_its_own_line() -> None:
    """Side by side, the training screen's legends did not fit over a plot: "val loss" was cut off."""
    plot = LinePlot([Series("train loss (per batch, mean of 20)", "dodger_blue1"), Series("val loss", "orange1")])
    assert plot.legend().plain.split("\n") == ["━━ train loss (per batch, mean of 20)", "━━ val loss"]


def test_the_last_x_label_ends_at_the_edge_instead_of_being_cut() -> None:
    """The learn-a-kernel plot at 80 columns ended its x axis with "1" for 10."""
    line = Series("loss", "blue", [(0.0, 1.0), (10.0, 0.5)])
    axis = "".join(text for text, _ in braille_rows([line], width=40, height=5, x_range=(0, 10))[-1])
    assert len(axis) == 40 and axis.endswith("10") and axis.startswith("      └0")
