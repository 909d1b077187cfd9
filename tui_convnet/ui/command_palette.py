"""The command palette (Ctrl+P): Textual's, drawn over the dimmed screen at a fraction of the cost.

Textual's palette dims the screen under it by recomputing the tinted colours of every segment of that
screen each time the palette is drawn (its first frame, the frame with its commands, every redraw
behind the list): the explorer's grids are a few thousand segments in a few dozen styles, so most of
that work computed the same few dozen tints again. :class:`Backdrop` tints each distinct style once
(with Textual's own function, so every cell is exactly the colour Textual gives it) and reuses it.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.command import CommandPalette
from textual.renderables.background_screen import BackgroundScreen

#: How many tinted styles are kept per tint colour before the memo starts again (a screen has dozens).
STYLES_KEPT = 4096

_tints: dict[Color, dict[Style | None, Style]] = {}


def tinted(style: Style | None, color: Color) -> Style:
    """``style`` dimmed by ``color`` as Textual's palette dims it (links and meta removed), computed once."""
    memo = _tints.get(color)
    if memo is None:
        memo = _tints[color] = {}
    try:
        return memo[style]
    except KeyError:
        pass
    if len(memo) >= STYLES_KEPT:
        memo.clear()
    (segment,) = BackgroundScreen.process_segments([Segment(" ", style)], color)
    result = memo[style] = segment.style if segment.style is not None else Style()
    return result


class Backdrop(BackgroundScreen):
    """Textual's dimmed screen behind a modal, with each style's tint computed once (:func:`tinted`)."""

    @classmethod
    def process_segments(cls, segments: Iterable[Segment], color: Color) -> Iterable[Segment]:
        for segment in segments:
            text, style, control = segment
            yield segment if control else Segment(text, tinted(style, color), None)


class ConvnetPalette(CommandPalette):
    """Textual's command palette (same commands, keys and looks), dimming the screen below with :class:`Backdrop`."""

    def render(self) -> RenderableType:
        rendered = super().render()
        if type(rendered) is BackgroundScreen:
            return Backdrop(rendered.screen, rendered.color)
        return rendered
