"""The Training tab's live view of a run: its progress, the loss and accuracy curves, the epoch log.

:class:`RunView` holds the widgets the screen updates several times a second (looked up once) and
applies to them what :class:`~.run_state.RunTracker` made of a bundle of events; the curves are
redrawn at most every :data:`PLOT_INTERVAL` seconds, and at once at an epoch's end.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from rich.text import Text

from ..common.plot import LinePlot
from .progress import EpochLog, ProgressState, TrainingProgress
from .run_state import RunUpdate

#: Seconds between two redraws of the plots (they get every batch's point; at an epoch's end they redraw at once).
PLOT_INTERVAL = 1.5


class RunView:
    """The progress widget, the two plots and the epoch log of the Training tab, updated as a run goes."""

    def __init__(self, progress: TrainingProgress, loss_plot: LinePlot, acc_plot: LinePlot, log: EpochLog) -> None:
        self.progress, self.loss_plot, self.acc_plot, self.log = progress, loss_plot, acc_plot, log
        self._plots_drawn = 0.0

    @property
    def state(self) -> ProgressState:
        """What the progress widget shows."""
        return self.progress.state

    def show(self, **changes: Any) -> None:
        """Change some of the progress widget's fields (``status``, ``finished``, ``error``…)."""
        self.progress.state = replace(self.progress.state, **changes)

    def write_line(self, line: Text) -> None:
        """Add a line to the epoch log."""
        self.log.write_line(line)

    def reset(self, epochs: int, line: Text) -> None:
        """A new run of ``epochs`` epochs starts blank (no curve, no running numbers); ``line`` opens its log."""
        for plot in (self.loss_plot, self.acc_plot):
            plot.x_max = float(epochs)
            plot.changed()
        self.progress.state = ProgressState(status="Building the model…", epochs=epochs)
        self.progress.refresh()
        self.log.write_line(line)

    def apply(self, update: RunUpdate) -> None:
        """Show a bundle of events' update: its log lines, the progress, the curves (once per bundle at most)."""
        for line in update.log_lines:
            self.log.write_line(line)
        if update.changes:
            self.show(**update.changes)
        now = time.monotonic()
        if update.plots_changed and (update.epoch_ended or now - self._plots_drawn >= PLOT_INTERVAL):
            self._plots_drawn = now
            self.loss_plot.changed()
            self.acc_plot.changed()
