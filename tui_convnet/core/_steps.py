"""Step indexing shared by :class:`~.conv.ConvTrace` and :class:`~.pooling.PoolTrace`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class SteppedTrace:
    """Random access to the steps of an operation whose output is ``geometry.out_shape = (H', W', C)``.

    Steps play one output channel (kernel) after another, and within a channel
    row-major over the output: step ``i`` is channel ``i // (H'·W')``, cell
    ``divmod(i % (H'·W'), W')``.  Subclasses set ``geometry`` and define ``step``.
    """

    geometry: Any

    def step(self, index: int) -> Any:  # pragma: no cover - defined by subclasses
        raise NotImplementedError

    @property
    def num_steps(self) -> int:
        oh, ow, oc = self.geometry.out_shape
        return oh * ow * oc

    def __len__(self) -> int:
        return self.num_steps

    def position(self, index: int) -> tuple[int, int, int]:
        """``(channel, out_row, out_col)`` of step ``index``."""
        oh, ow, _ = self.geometry.out_shape
        if not 0 <= index < self.num_steps:
            raise IndexError(f"step {index} is out of range 0..{self.num_steps - 1}")
        channel, cell = divmod(index, oh * ow)
        return (channel, *divmod(cell, ow))

    def index_of(self, channel: int, out_row: int, out_col: int) -> int:
        """The step that computes output cell ``[out_row, out_col, channel]``."""
        oh, ow, _ = self.geometry.out_shape
        return channel * oh * ow + out_row * ow + out_col

    def __iter__(self) -> Iterator[Any]:
        return (self.step(i) for i in range(self.num_steps))
