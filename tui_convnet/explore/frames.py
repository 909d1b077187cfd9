"""Frames: what the explorer shows for a state (a :class:`Stage`, its grids) and for each step (a
:class:`Frame`: marks and narration), and the :class:`Stepper` protocol that makes them.

A :class:`Stepper` is anything with ``num_steps``, a :meth:`~Stepper.stage`
(the panels of every volume, built once per computation) and a
:meth:`~Stepper.frame` per step (which cells to mark, how far outputs are
filled in, the lines of arithmetic).  The explorer screen only draws frames,
so a lesson can wrap a stepper and change what a step says or shows::

    class Lesson:
        def __init__(self, base: Stepper) -> None:
            self.base, self.num_steps = base, base.num_steps
        def stage(self) -> Stage:
            return self.base.stage()
        def frame(self, index: int) -> Frame:
            frame = self.base.frame(index)
            return replace(frame, lines=(*frame.lines, [("Notice the padding.", "note")]))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from .narration import Line
from .panels import NO_HIGHLIGHTS, Highlights, Panel, Volume


@dataclass(frozen=True)
class Stage:
    """The panels of every volume for one computation, with each volume's label."""

    panels: Mapping[Volume, tuple[Panel, ...]] = field(default_factory=dict)
    labels: Mapping[Volume, str] = field(default_factory=dict)

    def of(self, volume: Volume) -> tuple[Panel, ...]:
        return self.panels.get(volume, ())


@dataclass(frozen=True)
class Frame:
    """One step as the explorer shows it.

    ``highlights`` per volume; ``products`` the element-wise product grids of
    the current window and kernel (empty when the step has none); ``layer``
    the highlighted row of a model summary.
    """

    index: int
    total: int
    lines: tuple[Line, ...]
    highlights: Mapping[Volume, Highlights] = field(default_factory=dict)
    products: tuple[Panel, ...] = ()
    products_label: str = ""
    layer: int | None = None

    def of(self, volume: Volume) -> Highlights:
        return self.highlights.get(volume, NO_HIGHLIGHTS)


class Stepper(Protocol):
    """What the explorer steps through."""

    @property
    def num_steps(self) -> int: ...

    def stage(self) -> Stage: ...

    def frame(self, index: int) -> Frame: ...
