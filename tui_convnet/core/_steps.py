"""Step indexing shared by :class:`~.conv.ConvTrace` and :class:`~.pooling.PoolTrace`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, Protocol, TypeVar

from ._validate import fail, is_int


class StepIndexError(IndexError, ValueError):
    """A step index outside ``0 .. num_steps − 1``.

    An ``IndexError`` (as for any sequence) and a ``ValueError`` (as every
    other refusal of the core), so callers catching either see it.
    """


class _Geometry(Protocol):
    @property
    def out_shape(self) -> tuple[int, int, int]: ...


G = TypeVar("G", bound=_Geometry)


class SteppedTrace(Generic[G]):
    """Random access to the steps of an operation whose output is ``geometry.out_shape = (H', W', C)``.

    Steps play one output channel (kernel) after another, and within a channel
    row-major over the output: step ``i`` is channel ``i // (H'·W')``, cell
    ``divmod(i % (H'·W'), W')``.  Subclasses set ``geometry`` and define ``step``.
    """

    geometry: G

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
        if not is_int(index):
            raise fail("A step index must be an integer", index=index)
        if not 0 <= index < self.num_steps:
            raise StepIndexError(f"step {index} is out of range 0..{self.num_steps - 1}. Received: index={index}")
        channel, cell = divmod(int(index), oh * ow)
        row, col = divmod(cell, ow)
        return channel, row, col

    def index_of(self, channel: int, out_row: int, out_col: int) -> int:
        """The step that computes output cell ``[out_row, out_col, channel]``."""
        oh, ow, oc = self.geometry.out_shape
        for name, value, size in (("channel", channel, oc), ("out_row", out_row, oh), ("out_col", out_col, ow)):
            if not is_int(value) or not 0 <= value < size:
                raise fail(f"`{name}` must be an integer in 0..{size - 1}", **{name: value})
        return int(channel) * oh * ow + int(out_row) * ow + int(out_col)

    def __iter__(self) -> Iterator[Any]:
        return (self.step(i) for i in range(self.num_steps))
