"""Every text in every snapshot reads against its background: WCAG 2 contrast of at least 4.5:1.

The snapshots (tests/ui/__snapshots__, dark and light, 80x24 and 130x42) are Rich SVGs: each run of
text is a ``<text>`` with a class whose ``fill`` is its colour, laid over a ``<rect>`` that is its
background.  For every run holding a letter or a digit, the ratio of the two colours' relative
luminances is checked.  Not checked, as WCAG 1.4.3 allows: glyphs that are pictures rather than
text (block elements, box drawing, the heatmaps' half blocks: no letter or digit), the faded screen
behind a modal (the help, the contents: inactive, outside the modal's box) and disabled controls
(:data:`DISABLED`).
"""

from __future__ import annotations

import collections
import html
import re
from pathlib import Path

import pytest

from tui_convnet.ui.common.palette import contrast_ratio, relative_luminance

SNAPSHOTS = Path(__file__).parent / "__snapshots__"
MINIMUM = 4.5
CELL_WIDTH = 12.2
LINE_HEIGHT = 24.4

#: Labels of buttons and fields that are disabled in a snapshot (WCAG exempts inactive controls): (folder, text).
DISABLED = {
    # the fields' placeholders during a run (the settings are disabled while a model trains)
    ("test_training_snapshots", "all 10,000"),
    ("test_training_snapshots", "all 5,000"),
    ("test_training_snapshots", "default 0.001"),
    ("test_training_snapshots", "Cancel  c"),  # before a run, after it
    ("test_training_snapshots", "Start  s"),  # during a run
    ("test_training_snapshots", "Save  w"),  # before a run
    ("test_training_snapshots", "Load  l"),  # during a run
}

_CLASS = re.compile(r"\.([\w-]+-r\d+) \{ fill: (#[0-9a-f]{6})")
_RECT = re.compile(r'<rect fill="(#[0-9a-f]{6})" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"')
_TEXT = re.compile(
    r'<text class="([\w-]+)" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#[\w-]+-line-(\d+)\)">(.*?)</text>'
)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _modal_box(runs: list[tuple[int, int, str]]) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right) of a modal's tall border (``█▀▀▀…█`` … ``█▄▄▄…█``), if the screen shows one."""
    top = bottom = left = right = None
    for row, col, text in runs:
        if "█▀▀▀▀" in text and top is None:
            top, left = row, col + text.index("█▀")
            right = col + text.rindex("▀█") + 1
        if "▄▄▄▄█" in text:
            bottom = row
    if None in (top, bottom, left, right):
        return None
    return top, bottom, left, right  # type: ignore[return-value]


def low_contrast(svg: str, folder: str = "") -> list[tuple[float, str, str, int, str]]:
    """Every run of text below :data:`MINIMUM`: (ratio, colour, background, row, text)."""
    classes = dict(_CLASS.findall(svg))
    frame = re.search(r'<rect fill="(#[0-9a-f]{6})" stroke', svg)
    default = frame.group(1) if frame else "#000000"
    rects: dict[int, list[tuple[float, float, str]]] = collections.defaultdict(list)
    for fill, x, y, width in _RECT.findall(svg):
        rects[round((float(y) - 1.5) / LINE_HEIGHT)].append((float(x), float(width), fill))
    runs = []
    for cls, x, line, raw in _TEXT.findall(svg):
        runs.append((int(line), round(float(x) / CELL_WIDTH), html.unescape(raw).replace("\xa0", " "), cls, float(x)))
    box = _modal_box([(row, col, text) for row, col, text, _, _ in runs])
    found = []
    for row, col, text, cls, x in runs:
        if not any(c.isalnum() for c in text) or cls not in classes:
            continue
        if box is not None and not (box[0] <= row <= box[1] and box[2] <= col < box[3]):
            continue  # the faded screen behind the modal
        if (folder, text.strip()) in DISABLED:
            continue
        background = next((fill for rx, w, fill in rects[row] if rx <= x + 0.01 < rx + w), default)
        ratio = contrast_ratio(_rgb(classes[cls]), _rgb(background))
        if ratio < MINIMUM:
            found.append((ratio, classes[cls], background, row, text.strip()))
    return found


def test_the_contrast_formula_is_wcags() -> None:
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)  # #777 fails on white
    assert relative_luminance((255, 0, 0)) == pytest.approx(0.2126)


def test_the_checker_finds_a_dark_title_on_blue_and_skips_pictures() -> None:
    svg = (
        "<style>.t-r1 { fill: #1f1f1f }\n.t-r2 { fill: #ffffff }</style>"
        '<rect fill="#292929" stroke="x"/>'
        '<rect fill="#004578" x="0" y="1.5" width="122" height="24.65"/>'
        '<text class="t-r1" x="0" y="20" textLength="122" clip-path="url(#t-line-0)">&#160;Title</text>'
        '<text class="t-r2" x="0" y="44" textLength="122" clip-path="url(#t-line-1)">▀▀▀▀</text>'
    )
    [(ratio, colour, background, row, text)] = low_contrast(svg)
    assert (colour, background, row, text) == ("#1f1f1f", "#004578", 0, "Title")
    assert ratio == pytest.approx(1.67, abs=0.01)


@pytest.mark.parametrize("path", sorted(SNAPSHOTS.glob("*/*.svg")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_text_reads_against_its_background(path: Path) -> None:
    found = low_contrast(path.read_text(encoding="utf-8"), path.parent.name)
    shown = sorted({(round(r, 2), fg, bg): (row, text) for r, fg, bg, row, text in found}.items())
    assert not found, f"{len(found)} runs of text below {MINIMUM}:1, e.g.\n" + "\n".join(
        f"  {r}:1  {fg} on {bg}  row {row}: {text[:50]!r}" for (r, fg, bg), (row, text) in shown
    )
