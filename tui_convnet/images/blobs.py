"""Blobs: the connected groups of ink pixels in a mask, what each looks like, and which of them are the digit.

:func:`label` finds 8-connected blobs from the runs of each row (no
pixel-by-pixel loop); :class:`Blob` describes one (size, box, ink, pen
width); :func:`choose` keeps the digit's blobs and says why the others went.
Data layer: numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import numbers

#: A blob counts for the digit when its ink is at least this share of the main blob's ...
KEEP_SHARE = 0.08
#: ... and it lies within this many of the main blob's sizes from its box.
KEEP_REACH = 0.35
#: A blob whose box is this many times longer than wide, across most of the picture, is a ruled line.
LINE_ASPECT = 8.0
#: Pictures smaller than this have no paper lines (a thumbnail of a digit, the draw screen's canvas).
SMALL_PICTURE = 96
#: A "digit" whose pen is wider than this share of its height is a filled shape, not strokes.
MAX_PEN_SHARE = 0.4
#: ... and which inks more than this share of its box (a disc inks 79 %, MNIST's boldest 8 about 60 %).
MAX_FILL = 0.7
#: A mark beside the digit counts (an eye, a nostril, a button) when it is compact (its pen at least
#: MARK_PEN of its length: not a stroke, not a line's remnant), at least MARK_SIZE of the digit's size
#: long and holds MARK_INK of the digit's ink (noise specks are smaller).
MARK_PEN = 0.25
MARK_SIZE = 0.05
MARK_INK = 0.005
#: A digit on paper has at most one such mark near it (a dot of dirt); a face or a scene has its eyes,
#: nostrils and mouth: this many marks, or this many inside the digit's own box, mean no digit.
MAX_MARKS = 3
MAX_MARKS_INSIDE = 2
#: A digit is at most this many pieces of similar ink (at least SIMILAR of the main one's): a digit cut by
#: squared paper's lines has up to 4 on the photo set; a line of writing, hatching or a scribble has more.
MAX_PIECES = 5
SIMILAR = 0.3
#: A digit's strokes together run at most about 3.6 times its longer side (an 8 or a 0 on squared paper);
#: writing, a scribble or a drawing of many lines run longer.
MAX_LENGTH = 4.2
#: A digit's outline touches the picture's edge little (at most 3 % on the photo set: a stroke's end); the
#: remnant of a shadow or of the sheet's edge lies along it.
MAX_BORDER = 0.15


def label(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """The blobs of a 2-D boolean ``mask`` (8-connected).

    Returns ``(flat, labels, count)``: the flat indices of the mask's pixels in
    row-major order, each one's blob number (0 .. count-1), and the count.
    """
    m = np.asarray(mask, dtype=bool)
    h, w = m.shape
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = m
    d = np.diff(padded, axis=1)
    rows_s, starts = np.nonzero(d == 1)
    rows_e, ends = np.nonzero(d == -1)  # exclusive ends; both in row-major order, paired
    n = len(starts)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), 0
    stride = w + 3
    start_key = rows_s * stride + starts
    end_key = rows_e * stride + ends
    # Runs of the next row that touch run i (8-connected): start < end_i + 1 and end > start_i - 1.
    lo = np.searchsorted(end_key, (rows_s + 1) * stride + starts - 1, side="right")
    hi = np.searchsorted(start_key, (rows_s + 1) * stride + ends + 1, side="left")
    counts = np.maximum(hi - lo, 0)
    a = np.repeat(np.arange(n), counts)
    b = (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)) + np.repeat(lo, counts)
    parent = np.arange(n)
    while True:  # hook each run to the smaller root of its neighbours, then jump pointers
        low = np.minimum(parent[a], parent[b])
        new = parent.copy()
        np.minimum.at(new, parent[a], low)
        np.minimum.at(new, parent[b], low)
        new = new[new]
        while True:
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, parent):
            break
        parent = new
    _, run_labels = np.unique(parent, return_inverse=True)
    lengths = ends - starts
    flat = np.repeat(rows_s * w + starts - np.cumsum(np.r_[0, lengths[:-1]]), lengths) + np.arange(lengths.sum())
    return flat, np.repeat(run_labels, lengths), int(run_labels.max()) + 1


def holes(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """The holes of a 2-D boolean ``mask``: the areas off the mask that do not reach its edge (the loops of
    a 0, 6, 8 or 9). Returns each pixel's hole number (``-1`` elsewhere) and the count."""
    outside = ~np.pad(np.asarray(mask, dtype=bool), 1)  # the surroundings join along the padded border
    flat, labels, count = label(outside)
    numbers = np.full(outside.size, -1, dtype=np.int64)
    numbers[flat] = labels
    numbers = numbers.reshape(outside.shape)[1:-1, 1:-1]
    around = int(labels[0])  # the first pixel (a padded corner) is outside
    numbers[numbers == around] = -1
    numbers[numbers > around] -= 1
    return numbers, max(count - 1, 0)


@dataclass(frozen=True)
class Blob:
    """One blob: its pixel count, its box ``(top, left, bottom, right)`` (exclusive ends), its ink
    (the sum of the picture's values over it) and its pen width (twice its area over its outline)."""

    index: int
    area: int
    box: tuple[int, int, int, int]
    ink: float
    pen: float
    border: float  # the share of its outline on the picture's edge

    @property
    def height(self) -> int:
        return self.box[2] - self.box[0]

    @property
    def width(self) -> int:
        return self.box[3] - self.box[1]


#: Only this many blobs (those with the most ink) are described one by one; the rest are specks.
MAX_BLOBS = 64


def describe(mask: np.ndarray, values: np.ndarray) -> tuple[list[Blob], np.ndarray, int]:
    """The blobs of ``mask`` with the most ink (at most :data:`MAX_BLOBS`, most ink first), the blob
    number of each mask pixel (``-1`` off the mask) as an ``(H, W)`` int array, and how many blobs there are."""
    m = np.asarray(mask, dtype=bool)
    h, w = m.shape
    flat, labels, count = label(m)
    image = np.full(h * w, -1, dtype=np.int64)
    image[flat] = labels
    image = image.reshape(h, w)
    if count == 0:
        return [], image, 0
    rows, cols = flat // w, flat % w
    area = np.bincount(labels, minlength=count)
    ink = np.bincount(labels, weights=np.asarray(values, dtype=np.float64).reshape(-1)[flat], minlength=count)
    top = np.full(count, h)
    left = np.full(count, w)
    bottom = np.zeros(count, np.int64)
    right = np.zeros(count, np.int64)
    np.minimum.at(top, labels, rows)
    np.minimum.at(left, labels, cols)
    np.maximum.at(bottom, labels, rows + 1)
    np.maximum.at(right, labels, cols + 1)
    # The outline: mask pixels with a 4-neighbour off the mask (or off the picture).
    p = np.pad(m, 1)
    inner = p[:-2, 1:-1] & p[2:, 1:-1] & p[1:-1, :-2] & p[1:-1, 2:]
    on_outline = ~inner.reshape(-1)[flat]
    outline = np.bincount(labels, weights=on_outline, minlength=count)
    edge = (rows == 0) | (rows == h - 1) | (cols == 0) | (cols == w - 1)
    on_edge = np.bincount(labels, weights=edge, minlength=count)
    order = np.argsort(-ink, kind="stable")[:MAX_BLOBS]
    blobs = [
        Blob(
            i,
            int(area[i]),
            (int(top[i]), int(left[i]), int(bottom[i]), int(right[i])),
            float(ink[i]),
            float(2 * area[i] / max(outline[i], 1.0)),
            float(on_edge[i] / max(outline[i], 1.0)),
        )
        for i in order.tolist()
    ]
    return blobs, image, count


def is_line(blob: Blob, shape: tuple[int, int]) -> bool:
    """A long thin blob across the picture: a ruled line (across most of the width), a margin line or a
    sheet's edge (from the top edge to the bottom one). A pen stroke is wider than 3 % of its length,
    and a written 1 rarely runs the picture's whole height, so neither counts."""
    h, w = shape
    if max(h, w) < SMALL_PICTURE:
        return False
    if blob.width >= blob.height:
        across = blob.width >= 0.6 * w
        long_side, short_side = blob.width, blob.height
    else:
        across = blob.box[0] <= 0.05 * h and blob.box[2] >= 0.95 * h
        long_side, short_side = blob.height, blob.width
    return across and long_side >= LINE_ASPECT * short_side and blob.pen <= 0.03 * long_side


def near(blob: Blob, box: tuple[int, int, int, int], reach: float) -> bool:
    """Whether ``blob``'s box comes within ``reach`` pixels of ``box``."""
    top, left, bottom, right = box
    t, lft, b, r = blob.box
    gap_y = max(0, t - bottom, top - b)
    gap_x = max(0, lft - right, left - r)
    return max(gap_x, gap_y) <= reach


@dataclass(frozen=True)
class Choice:
    """Which blobs are the digit and why: ``kept`` (main first), the ones dropped by reason, the refusal if any."""

    kept: tuple[Blob, ...]
    lines: int  # dropped: ruled lines, sheet edges
    specks: int  # dropped: too little ink to count
    far: int  # dropped: big enough, but away from the digit
    total: int
    refusal: str = ""

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (
            min(b.box[0] for b in self.kept),
            min(b.box[1] for b in self.kept),
            max(b.box[2] for b in self.kept),
            max(b.box[3] for b in self.kept),
        )


def choose(blobs: list[Blob], shape: tuple[int, int], total: int) -> Choice:
    """The digit's blobs: the one with the most ink that is not a line, and every blob with at least
    :data:`KEEP_SHARE` of its ink within :data:`KEEP_REACH` of the digit's size (growing as blobs join).

    ``refusal`` is set (and nothing kept) when there is no digit: no blob, only
    lines, or a main blob that is a filled shape rather than pen strokes.
    """
    lines = [b for b in blobs if is_line(b, shape)]
    rest = [b for b in blobs if not is_line(b, shape)]
    if not rest:
        why = f"only {len(lines)} line{'s' if len(lines) != 1 else ''} across the page" if lines else "no ink at all"
        return Choice((), len(lines), 0, 0, total, f"no digit found: {why}.")
    main = rest[0]
    kept = [main]
    box = main.box
    pending = [b for b in rest[1:] if b.ink >= KEEP_SHARE * main.ink]
    specks = total - len(lines) - 1 - len(pending)
    grew = True
    while grew:
        grew = False
        size = max(box[2] - box[0], box[3] - box[1])
        for b in list(pending):
            if near(b, box, KEEP_REACH * size):
                kept.append(b)
                pending.remove(b)
                box = (min(box[0], b.box[0]), min(box[1], b.box[1]), max(box[2], b.box[2]), max(box[3], b.box[3]))
                grew = True
    choice = Choice(tuple(kept), len(lines), specks, len(pending), total)
    height = box[2] - box[0]
    pen = sum(b.pen * b.area for b in kept) / sum(b.area for b in kept)
    area = sum(b.area for b in kept)
    fill = area / max(1, height * (box[3] - box[1]))
    if pen > MAX_PEN_SHARE * max(height, box[3] - box[1]) and fill > MAX_FILL and max(height, box[3] - box[1]) > 12:
        return Choice(
            (), len(lines), specks, len(pending), total,
            f"no digit found: the largest mark is a filled shape ({numbers.percent(fill, 0)} of its box inked, "
            f"pen {pen:.0f} px wide for a {height} px mark), not pen strokes.",
        )  # fmt: skip
    refusal = _scene(kept, [b for b in rest if b not in kept], box, shape)
    if refusal:
        return Choice((), len(lines), specks, len(pending), total, refusal)
    big_far = [b for b in pending if b.ink >= 0.5 * sum(k.ink for k in kept)]
    if len(big_far) >= 2:
        return Choice(
            (),
            len(lines),
            specks,
            len(pending),
            total,
            f"no digit found: {len(big_far) + 1} separate marks of similar size, not one digit.",
        )
    return choice


def _inside(blob: Blob, box: tuple[int, int, int, int]) -> bool:
    return blob.box[0] >= box[0] and blob.box[1] >= box[1] and blob.box[2] <= box[2] and blob.box[3] <= box[3]


def _scene(kept: list[Blob], others: list[Blob], box: tuple[int, int, int, int], shape: tuple[int, int]) -> str:
    """Why the kept mark is not a digit on paper but part of a scene or a pattern ("" when it may be one).

    Measured on the photo set (470 pictures of digits) against generated faces and textures: the
    digits' pictures have at most one compact mark beside the digit (two when it is taller than
    wide), none twice inside its box, and their digit never runs off three sides of a picture; a
    face has eyes, nostrils and a mouth around or inside its largest mark (the hair, the chin's
    outline), a texture runs off every side. The digits' main mark has at most 3 % of its outline on
    the picture's edge (a shadow's remnant lies along it), at most 4 pieces of similar ink (a line of
    writing, hatching or a scribble has more) and strokes at most 3.6 times its longer side long.
    Pictures under :data:`SMALL_PICTURE` pixels are left alone (a digit's thumbnail, the draw
    screen's canvas: its pieces are the digit's).
    """
    h, w = shape
    if max(h, w) < SMALL_PICTURE:  # a thumbnail of one digit, the draw screen's canvas: pieces of a digit
        return ""  # (6 of the 10,000 official test digits have 2-3 compact pieces; no face fits in it)
    top, left, bottom, right = box
    height, width = bottom - top, right - left
    size = max(height, width)
    ink = sum(b.ink for b in kept)
    marks = [
        b
        for b in others
        if max(b.height, b.width) >= MARK_SIZE * size
        and b.ink >= MARK_INK * ink
        and b.pen >= MARK_PEN * max(b.height, b.width)
        and b.border == 0  # eyes are not cut by the picture's edge; a shadow's or a sheet's remnants are
    ]
    inside = sum(_inside(b, box) for b in marks)
    if inside >= MAX_MARKS_INSIDE or len(marks) >= MAX_MARKS or (len(marks) >= 2 and width >= 0.9 * height):
        where = f", {inside} of them inside its outline" if inside else ""
        return (
            f"no digit found: the largest mark has {len(marks)} separate marks around it{where} "
            "(eyes? a pattern?): a picture of something, not one digit on paper."
        )
    sides = (top == 0) + (left == 0) + (bottom == h) + (right == w)
    if sides >= 3:
        return f"no digit found: the largest mark runs off {sides} sides of the picture: a pattern, not a digit."
    if kept[0].border > MAX_BORDER:
        return (
            f"no digit found: the largest mark lies along the picture's edge ({numbers.percent(kept[0].border, 0)} "
            "of its outline on it): the rest of a shadow or of the sheet's edge, not a digit."
        )
    pieces = sum(b.ink >= SIMILAR * kept[0].ink for b in kept)
    if pieces > MAX_PIECES:
        return (
            f"no digit found: the mark is {pieces} separate pieces of similar size side by side "
            "(writing? hatching? a pattern?), not one digit."
        )
    length = sum(b.area / max(b.pen, 1.0) for b in kept) / size
    if length > MAX_LENGTH:
        return (
            f"no digit found: its strokes run {length:.1f} times its height or width together "
            "(a digit's 1 to 3.6 times): writing, a scribble or a drawing, not one digit."
        )
    return ""
