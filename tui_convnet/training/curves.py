"""Honest training curves: each batch's own loss, recovered from Keras' running means, then smoothed.

Keras logs, after every batch, the *mean over the epoch so far* (weighted by
batch size).  Plotted as they are, those means fall off a cliff at every epoch
boundary (the mean restarts from the newest, lower losses) although the loss
of the batches themselves is continuous.  :func:`batch_value` undoes the
running mean; :class:`TrailingMean` smooths the noisy per-batch values for
the plot (the legend says so).  Plain numpy, no Keras.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence

import numpy as np

#: Batches averaged for each point of the smoothed per-batch curves.
SMOOTHING_BATCHES = 20


def batch_value(mean: float, samples: int, previous_mean: float, previous_samples: int) -> float:
    """The value of the newest batch, from the running means before and after it.

    ``mean`` covers the first ``samples`` digits of the epoch, ``previous_mean`` the
    first ``previous_samples`` (0 at the epoch's first batch); the batch holds the
    difference, so its value is ``(mean·samples − previous_mean·previous_samples) / batch size``.
    """
    size = samples - previous_samples
    if size < 1:
        raise ValueError(
            f"A batch must add at least one sample. Received: samples={samples}, previous_samples={previous_samples}"
        )
    if previous_samples == 0:
        return float(mean)
    return float((mean * samples - previous_mean * previous_samples) / size)


def batch_values(means: Sequence[float] | np.ndarray, samples: Sequence[int] | np.ndarray) -> np.ndarray:
    """Every batch's own value for one epoch: running means and cumulative sample counts, batch by batch."""
    m = np.asarray(means, dtype=np.float64)
    n = np.asarray(samples, dtype=np.float64)
    if m.shape != n.shape or m.ndim != 1:
        raise ValueError(f"One running mean per sample count is needed. Received: means={m.shape}, samples={n.shape}")
    if len(n) and (n[0] < 1 or np.any(np.diff(n) < 1)):
        raise ValueError(f"Sample counts must grow by at least 1 per batch. Received: samples={list(samples)[:5]}…")
    totals = m * n
    previous = np.concatenate([[0.0], totals[:-1]])
    sizes = np.diff(np.concatenate([[0.0], n]))
    return np.asarray((totals - previous) / sizes)


class TrailingMean:
    """The mean of the last ``window`` finite values (a NaN or inf is kept out of the mean)."""

    def __init__(self, window: int = SMOOTHING_BATCHES) -> None:
        if window < 1:
            raise ValueError(f"The window must hold at least one value. Received: window={window}")
        self.window = window
        self._values: deque[float] = deque(maxlen=window)

    def add(self, value: float) -> float:
        """Add a value; returns the mean of the window (NaN while it holds no finite value)."""
        if math.isfinite(value):
            self._values.append(float(value))
        return math.fsum(self._values) / len(self._values) if self._values else math.nan

    def reset(self) -> None:
        self._values.clear()
