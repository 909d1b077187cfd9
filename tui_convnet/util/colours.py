"""The one colour convention for values, as plain RGB: negative blue, zero neutral, positive orange-red.

Pure Python (no Rich, no Textual): the screens' palette (:mod:`tui_convnet.ui.common.palette`) builds its
styles from it, and the printable handout (:mod:`tui_convnet.teach.handout_html`) colours its cells with it,
so a value has the same colour on screen and on paper.
"""

from __future__ import annotations

RGB = tuple[int, int, int]

ZERO_DARK: RGB = (20, 20, 28)
ZERO_LIGHT: RGB = (244, 244, 240)

#: Five anchors, most negative to most positive: blue, dark blue, zero, dark red, orange-red.
#: On a light theme zero is near-white and the ends are deeper, so that both read on the background.
DIVERGING_ANCHORS_DARK: tuple[RGB, ...] = ((80, 160, 255), (40, 80, 170), ZERO_DARK, (170, 50, 40), (255, 120, 70))
DIVERGING_ANCHORS_LIGHT: tuple[RGB, ...] = ((20, 80, 200), (120, 165, 235), ZERO_LIGHT, (240, 150, 110), (200, 60, 20))


def blend(a: RGB, b: RGB, t: float) -> RGB:
    r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return r, g, bl


def diverging_rgb(t: float, dark: bool = True) -> RGB:
    """The colour of ``t`` in [-1, 1] (−1 most negative, 0 zero, 1 most positive), through the anchors."""
    anchors = DIVERGING_ANCHORS_DARK if dark else DIVERGING_ANCHORS_LIGHT
    t = min(max(t, -1.0), 1.0)
    if t == 0:
        return anchors[2]
    # a small step away from zero already shows the sign
    u = (0.12 + 0.88 * abs(t)) * (1 if t > 0 else -1)
    x = (u + 1) / 2 * (len(anchors) - 1)
    i = min(int(x), len(anchors) - 2)
    return blend(anchors[i], anchors[i + 1], x - i)
