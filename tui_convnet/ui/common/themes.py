"""Textual's two built-in themes with every text colour readable: at least 4.5:1 (WCAG AA) on its background.

``textual-dark`` and ``textual-light`` as Textual ships them, re-registered under the same names (Textual's
public ``App.register_theme`` replaces a theme of that name) with the text colours that fell short
changed: on the light theme the orange, green and blue text and the footer's keys were 1.4 to 3.5:1 on
the light greys, so they are deeper shades of the same hues; the muted text is a fixed grey instead of
"60 % of the text colour".  Backgrounds are unchanged.

Rich text coloured by name (``"green"``, ``"red"``: the training log, the confusion matrix) is drawn in
the colours of the app's ANSI theme; :data:`ANSI_DARK` and :data:`ANSI_LIGHT` are Textual's (Monokai,
Alabaster) with the names that fell short deepened or lightened the same way.

``tests/ui/test_contrast.py`` checks every text of every snapshot against its background.
"""

from __future__ import annotations

from dataclasses import replace

from rich.terminal_theme import TerminalTheme
from textual.theme import BUILTIN_THEMES, Theme

__all__ = ["ANSI_DARK", "ANSI_LIGHT", "READABLE", "readable_themes"]

#: The variables each built-in theme gets on top of its own (textual's design variables).
READABLE: dict[str, dict[str, str]] = {
    "textual-light": {
        "text-warning": "#7A4A00",
        "text-accent": "#7A4A00",
        "text-success": "#17652D",
        "text-primary": "#004F8B",
        "text-secondary": "#004F8B",
        "text-error": "#7A273C",
        "text-muted": "#404040",
        "footer-key-foreground": "#004F8B",
    },
    "textual-dark": {
        "text-muted": "#B4B4B4",
        "block-cursor-foreground": "#FFFFFF",  # on the blue highlight: 87 % white was 3.8:1
    },
}


def readable_themes() -> list[Theme]:
    """The built-in themes named in :data:`READABLE`, with its variables over their own."""
    return [
        replace(BUILTIN_THEMES[name], variables={**BUILTIN_THEMES[name].variables, **variables})
        for name, variables in READABLE.items()
    ]


#: Monokai as Textual draws it, with red, magenta, blue and the greys light enough for 4.5:1 on the dark panels.
_DARK_NORMAL = [
    (26, 26, 26),
    (255, 95, 135),
    (152, 224, 36),
    (253, 151, 31),
    (175, 135, 255),
    (255, 95, 135),
    (88, 209, 235),
    (196, 197, 181),
]
ANSI_DARK = TerminalTheme(
    (12, 12, 12),
    (217, 217, 217),
    _DARK_NORMAL,
    [(150, 145, 125), *_DARK_NORMAL[1:3], (224, 213, 97), *_DARK_NORMAL[4:7], (246, 246, 239)],
)

#: Alabaster as Textual draws it, with every colour deep enough for 4.5:1 on the light greys.
_LIGHT_NORMAL = [
    (0, 0, 0),
    (150, 40, 35),
    (30, 95, 15),
    (115, 78, 0),
    (40, 75, 170),
    (110, 50, 140),
    (0, 90, 125),
    (247, 247, 247),
]
ANSI_LIGHT = TerminalTheme((247, 247, 247), (0, 0, 0), _LIGHT_NORMAL, [(85, 85, 85), *_LIGHT_NORMAL[1:]])
