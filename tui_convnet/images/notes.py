"""What each stage of the preprocessing did to this picture, in one sentence, and what the network's answer means.

:func:`stages` gives every stage's title, image and note for the draw screen
and ``predict --image``; :func:`verdict` the one line about the answer (saying
so when the top class is under 50 %). Data layer: numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..core import numbers
from .preprocess import FRAME, Preprocessed, centre_of_mass

#: Under this probability the top class is called a guess.
UNSURE = 0.5
#: How many stages :func:`stages` shows (the last is what the network sees).
STAGE_COUNT = 9


@dataclass(frozen=True, eq=False)
class Stage:
    """One stage of the preprocessing, to show: its name, its image and what it did."""

    title: str
    image: np.ndarray
    note: str


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _grey_note(p: Preprocessed) -> str:
    h, w = p.gray.shape
    oh, ow = p.original
    size = f"{ow}×{oh} read at {w}×{h}" if (oh, ow) != (h, w) else f"{w}×{h}"
    return f"{size}; {p.channel}, 0 black … 1 white"


def _background_note(p: Preprocessed) -> str:
    side = "light, so inverted to white ink on black" if p.inverted else "dark, ink already bright"
    if p.cell == 0:
        return f"paper {p.paper:.2f} ({side}); one paper level for this small picture, taken away"
    low, high = float(p.background.min()), float(p.background.max())
    return (
        f"paper {p.paper:.2f} ({side}); its level estimated in {p.cell}-pixel cells "
        f"({low:.2f} to {high:.2f} across the picture) and taken away"
    )


def _lines_note(p: Preprocessed) -> str:
    across, down = p.lines
    if not across and not down:
        return "no ruled or squared lines found"
    return f"took away {_plural(across, 'horizontal line')} and {_plural(down, 'vertical line')} of the paper"


def _threshold_note(p: Preprocessed) -> str:
    share = float(p.mask.mean())
    why = "Otsu's threshold" if p.threshold <= p.otsu + 1e-6 else "raised above Otsu's for the paper's grain"
    return (
        f"smoothed over {p.sigma:.1f} px; ink above {p.threshold:.2f} ({why}, grain {p.grain:.3f}): "
        f"{numbers.percent(share)} of the pixels"
    )


def _blobs_note(p: Preprocessed) -> str:
    c = p.choice
    main = c.kept[0]
    kept = f"kept {_plural(len(c.kept), 'blob')} of {c.total:,} (the largest, {main.area:,} px"
    kept += f", and {len(c.kept) - 1} near it)" if len(c.kept) > 1 else ")"
    dropped = []
    if c.specks:
        dropped.append(f"{_plural(c.specks, 'speck')} with too little ink")
    if c.lines:
        dropped.append(f"{_plural(c.lines, 'line')} across the page")
    if c.far:
        dropped.append(f"{c.far} away from the digit")
    return kept + ("; dropped " + ", ".join(dropped) if dropped else "")


def _pen_note(p: Preprocessed) -> str:
    if p.grown:
        return f"strokes {p.pen:.1f} px wide, thinner than MNIST's pen: widened by {p.grown} px"
    return f"strokes {p.pen:.1f} px wide for a {max(p.cropped.shape)} px digit: left as they are"


def stages(p: Preprocessed) -> list[Stage]:
    """Every stage of ``p``, each with a sentence saying what it did to this picture."""
    top, left, bottom, right = p.box
    row, col = centre_of_mass(p.scaled)
    top_at, left_at = p.offset
    th, tw = p.thickened.shape
    return [
        Stage("1 grey", p.gray, _grey_note(p)),
        Stage("2 background", np.clip(p.flat, 0, 1), _background_note(p)),
        Stage("3 paper lines", np.clip(p.cleaned, 0, 1), _lines_note(p)),
        Stage("4 threshold", p.mask.astype(np.float32), _threshold_note(p)),
        Stage("5 blobs", p.kept, _blobs_note(p)),
        Stage(
            "6 crop to the digit",
            p.cropped,
            f"rows {top}–{bottom - 1}, columns {left}–{right - 1} → {bottom - top}×{right - left}",
        ),
        Stage("7 pen width", p.thickened, _pen_note(p)),
        Stage("8 longer side to 20", p.scaled, f"{th}×{tw} → {p.scaled.shape[0]}×{p.scaled.shape[1]}"),
        Stage(
            "9 centre by mass",
            p.digit,
            f"centre of mass ({row:.1f}, {col:.1f}) → pixel ({FRAME // 2}, {FRAME // 2}): "
            f"placed at row {top_at}, column {left_at}",
        ),
    ]


def verdict(probabilities: Sequence[float] | np.ndarray) -> str:
    """One line: the top class and its probability, called a guess when it is under :data:`UNSURE`."""
    p = np.asarray(probabilities, dtype=np.float64).reshape(-1)
    top = int(np.argmax(p))
    if p[top] < UNSURE:
        second = int(np.argsort(p)[-2])
        return (
            f"unsure: {top} at {numbers.percent(p[top])} is under 50 % "
            f"(then {second} at {numbers.percent(p[second])}); it may not be a digit"
        )
    return f"the network says {top} ({numbers.percent(p[top])})"
