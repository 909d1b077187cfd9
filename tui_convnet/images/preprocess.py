"""The preprocessing: find the digit in a picture and make it look like an MNIST digit, stage by stage.

:func:`preprocess` runs the stages in order; each keeps what it made and what
it decided, so :mod:`tui_convnet.images.notes` can say in one sentence what it
did to this picture:

1. grey — colour to grey: the luma, or the colour channel where the ink stands
   out most (a blue or orange pen); a picture over :data:`WORK_SIDE` pixels is
   shrunk first;
2. background — which side is paper (the median is nearer the paper's end of
   the grey levels), the picture turned so ink is bright, and the paper's own
   level, estimated cell by cell (a grey opening over cells bigger than a pen
   stroke), taken away: uneven light and shadows go, the digit stays;
3. lines — ruled or squared paper's lines (thin, straight, across most of
   the picture, at least two of them: one alone is a digit's stroke) taken away;
4. threshold — smoothed (noise and JPEG blocks fade, strokes stay), then a
   pixel is ink above Otsu's threshold, never below five times the paper's grain;
5. blobs — connected ink: the blob with the most ink that is not a line, and the
   blobs near it with enough ink; specks, lines and far marks dropped; no digit
   when the mark has eyes around it, runs off the picture or encloses no paper;
6. crop — the box of the kept ink, its values stretched so the ink is 1;
7. pen — strokes thinner than MNIST's (a fine pen on a big picture) thickened;
8. scale — the longer side to 20 pixels; 9. centre — the centre of mass on
   pixel (14, 14) of the 28x28 frame, as MNIST's own digits.

A picture without a digit raises :class:`ImageError` starting "no digit found".
Data layer: numpy and Pillow only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import numbers
from . import filters
from .blobs import Choice, choose, describe
from .blobs import holes as hole_map
from .read import ImageError

FRAME = 28  # MNIST's frame
BOX = 20  # the longer side of the digit inside it
#: A picture is analysed with its longer side at most this many pixels.
WORK_SIDE = 768
#: A pixel is ink (for the crop's box) above this fraction of the brightest kept ink.
INK_THRESHOLD = 0.1
#: The strongest mark must stand this far above the paper (0..1) ...
MIN_CONTRAST = 0.1
#: ... and this many times the paper's grain (the noise after smoothing).
MIN_SNR = 6.0
#: The threshold is never below this many times the paper's grain.
NOISE_FLOOR = 5.0
#: A digit has at most two loops (an 8), and nothing inside them (a 0 with two marks inside is a smiley).
MAX_LOOPS = 2
MAX_INSIDE_LOOP = 2
#: A mark whose holes lie more than this far from the paper towards its ink is the rim of an area.
MAX_ENCLOSED = 0.6
#: MNIST's pen: the median stroke width is 0.13 of the digit's longer side (5 % of test digits under 0.10).
MNIST_PEN = 0.12
THIN_PEN = 0.085
#: The background is estimated in cells of 1/CELLS of the longer side, opened over OPEN x OPEN cells.
CELLS = 32
OPEN = 5
#: A picture smaller than this (a digit filling a thumbnail, the draw screen's canvas) has one paper level.
SMALL = 96
LUMA = np.asarray([0.299, 0.587, 0.114], dtype=np.float32)


# --------------------------------------------------------------------------- building blocks


def grayscale(pixels: np.ndarray) -> np.ndarray:
    """One grey level per pixel (0 black … 1 white): RGB by the ITU-R 601 luma (Pillow's ``L``);
    RGBA composited on white paper first, so a digit on a transparent background keeps its strokes."""
    a = np.asarray(pixels, dtype=np.float32)
    if a.ndim == 2:
        return a
    if a.ndim != 3 or a.shape[2] not in (3, 4):
        raise ImageError(f"An image must be (H, W), (H, W, 3) or (H, W, 4). Received: shape={a.shape}")
    return np.asarray(_rgb(a) @ LUMA, dtype=np.float32)


def _rgb(a: np.ndarray) -> np.ndarray:
    if a.shape[2] == 4:
        alpha = a[..., 3:]
        return np.asarray(a[..., :3] * alpha + (1.0 - alpha), dtype=np.float32)
    return a


def _extremes(g: np.ndarray) -> tuple[float, float, float]:
    """``(darkest, median, brightest)`` of ``g`` lightly smoothed: a speck of noise is not an extreme,
    a small digit's stroke is."""
    step = max(1, max(g.shape) // 160)
    smooth = filters.gaussian(g[::step, ::step], 1.0)
    return float(smooth.min()), float(np.median(smooth)), float(smooth.max())


def _spread(g: np.ndarray) -> float:
    low, mid, high = _extremes(g)
    return max(mid - low, high - mid)


def ink_channel(pixels: np.ndarray) -> tuple[np.ndarray, str]:
    """Stage 1: the grey picture in which the ink stands out most, and its name.

    The luma, unless one colour channel separates ink from paper by a fifth
    more (blue ink is darkest in the red channel, orange ink in the blue one).
    """
    a = np.asarray(pixels, dtype=np.float32)
    luma = grayscale(a)
    if a.ndim == 2:
        return luma, "grey levels"
    rgb = _rgb(a)
    best, name, spread = luma, "grey (luma)", _spread(luma)
    for i, channel in enumerate(("red", "green", "blue")):
        s = _spread(rgb[..., i])
        if s > 1.2 * spread:
            best, name, spread = np.ascontiguousarray(rgb[..., i]), f"the {channel} channel", s
    return best, name


def paper_is_light(gray: np.ndarray) -> tuple[bool, float]:
    """Whether the paper is the light side (its median level is nearer the bright end), and that median."""
    low, mid, high = _extremes(gray)
    return bool(mid - low > high - mid), mid


def background(ink: np.ndarray) -> tuple[np.ndarray, int]:
    """The paper's level under every pixel of ``ink`` (ink bright): the mean of each cell of
    1/:data:`CELLS` of the longer side, opened (minimum then maximum) over :data:`OPEN` cells so pen
    strokes vanish and light, shadows and sheet edges stay, then spread back over the pixels.
    Returns the estimate and the cell size (0: one level for the whole of a tiny picture)."""
    h, w = ink.shape
    cell = round(max(h, w) / CELLS)
    if max(h, w) < SMALL or min(h, w) < 2 * OPEN:
        return np.full_like(ink, float(np.median(ink))), 0
    gh, gw = -(-h // cell), -(-w // cell)
    padded = np.pad(ink, ((0, gh * cell - h), (0, gw * cell - w)), mode="edge")
    levels = padded.reshape(gh, cell, gw, cell).mean(axis=(1, 3), dtype=np.float32)
    opened = filters.maximum(filters.minimum(levels, OPEN), OPEN)
    return filters.resize(opened, gh * cell, gw * cell)[:h, :w], cell


def _grain(values: np.ndarray) -> float:
    """The paper's grain: the robust spread (1.4826 x the median absolute deviation) of ``values``."""
    sample = values[:: max(1, values.shape[0] // 300), :: max(1, values.shape[1] // 300)]
    return float(1.4826 * np.median(np.abs(sample - np.median(sample))))


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    d = np.diff(np.r_[0, flags.astype(np.int8), 0])
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))


def _remove_rows(a: np.ndarray, grain: float) -> tuple[np.ndarray, int]:
    """Horizontal lines of ``a`` taken away: rows that are ink in most segments of the width."""
    h, w = a.shape
    k = max(3, w // 64)
    seg = w // k
    every = max(1, seg // 16)  # the median of 16 samples per segment is enough for a line across it
    strength = np.median(a[:, : k * seg].reshape(h, k, seg)[:, :, ::every], axis=2)
    on = strength > max(4 * grain, 0.03)
    reach = max(1, round(0.008 * h))
    near = on.copy()
    for shift in range(1, reach + 1):
        near[shift:] |= on[:-shift]
        near[:-shift] |= on[shift:]
    rows = near.sum(axis=1) >= 0.6 * k
    thick = max(3, round(0.02 * h)) + 2 * reach
    lines = [(s, e) for s, e in _runs(rows) if e - s <= thick]
    if not lines:
        return a, 0
    keep = np.zeros(h, dtype=bool)
    for s, e in lines:
        keep[s:e] = True
    sub = np.where(on & keep[:, None], strength, 0.0).astype(np.float32)
    full = np.repeat(sub, seg, axis=1)
    full = np.pad(full, ((0, 0), (0, w - full.shape[1])), mode="edge")
    # Only the line's own pixels go: where ink crosses the line (much brighter than it) the ink stays.
    return np.where(a <= 2.5 * full, np.maximum(a - full, 0.0), a), len(lines)


def remove_lines(flat: np.ndarray, grain: float) -> tuple[np.ndarray, int, int]:
    """Stage 3: ruled and squared paper's lines taken away; ``(image, horizontal lines, vertical lines)``."""
    if min(flat.shape) < 64:
        return flat, 0, 0
    out, across = _remove_rows(flat, grain)
    out_t, down = _remove_rows(np.ascontiguousarray(out.T), grain)
    if across + down < 2:  # one straight stroke across the picture is a digit's (a fine 1's stem, a 7's bar),
        return flat, 0, 0  # not paper: ruled paper shows several lines (and its margin line comes with them)
    return np.ascontiguousarray(out_t.T), across, down


def ink_box(image: np.ndarray) -> tuple[int, int, int, int]:
    """The bounding box ``(top, left, bottom, right)`` (exclusive ends) of the pixels above
    :data:`INK_THRESHOLD` of the brightest one."""
    a = np.asarray(image, dtype=np.float32)
    peak = float(a.max()) if a.size else 0.0
    if not peak > 0:  # also NaN
        raise ImageError("no digit found: there is no ink to crop to.")
    ink = a > INK_THRESHOLD * peak
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def pen_width(image: np.ndarray) -> float:
    """The strokes' width in pixels: twice the inked area (above 0.5) over its outline."""
    m = np.asarray(image) > 0.5
    if not m.any():
        return 0.0
    p = np.pad(m, 1)
    inner = p[:-2, 1:-1] & p[2:, 1:-1] & p[1:-1, :-2] & p[1:-1, 2:]
    return float(2 * m.sum() / max(int((m & ~inner).sum()), 1))


def thicken(image: np.ndarray) -> tuple[np.ndarray, float, int]:
    """Stage 7: strokes thinner than :data:`THIN_PEN` of the longer side widened towards MNIST's pen
    (a grey dilation); ``(image, pen width, pixels added)``."""
    a = np.asarray(image, dtype=np.float32)
    pen = pen_width(a)
    longer = max(a.shape)
    if pen <= 0 or pen >= THIN_PEN * longer:
        return a, pen, 0
    grow = round(MNIST_PEN * longer - pen)
    if grow < 1:
        return a, pen, 0
    padded = np.pad(a, grow)  # room for the wider strokes at the box's edge
    return filters.maximum(padded, grow + 1), pen, grow


def scaled_size(height: int, width: int, box: int = BOX) -> tuple[int, int]:
    """``(height, width)`` with the longer side ``box`` and the aspect ratio kept (at least 1 pixel)."""
    if height <= 0 or width <= 0:
        raise ImageError(f"Cannot scale an empty image. Received: shape=({height}, {width})")
    longer = max(height, width)
    return max(1, round(height * box / longer)), max(1, round(width * box / longer))


def scale_to_box(image: np.ndarray, box: int = BOX) -> np.ndarray:
    """Stage 8: resize so the longer side is ``box`` pixels (bilinear, averaging when shrinking)."""
    a = np.asarray(image, dtype=np.float32)
    if a.ndim != 2:
        raise ImageError(f"Only a 2-D grey image can be scaled. Received: shape={a.shape}")
    height, width = scaled_size(a.shape[0], a.shape[1], box)
    return np.asarray(np.clip(filters.resize(a, height, width), 0.0, 1.0), dtype=np.float32)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """``(row, column)`` of the intensity-weighted mean position (pixel centres at whole numbers)."""
    a = np.asarray(image, dtype=np.float64)
    total = float(a.sum())
    if not total > 0:
        raise ImageError("no digit found: the image has no centre of mass.")
    rows, cols = np.indices(a.shape)
    return float((rows * a).sum() / total), float((cols * a).sum() / total)


def mass_offset(image: np.ndarray, frame: int = FRAME) -> tuple[int, int]:
    """Where ``image``'s top-left corner goes in the frame so its centre of mass lands on the
    pixel ``(frame / 2, frame / 2)`` as in MNIST; rounded to whole pixels and kept inside the frame."""
    h, w = np.asarray(image).shape
    if h > frame or w > frame:
        raise ImageError(f"The digit must fit the {frame}x{frame} frame. Received: shape=({h}, {w})")
    row, col = centre_of_mass(image)
    centre = frame / 2
    top = min(max(int(np.floor(centre - row + 0.5)), 0), frame - h)
    left = min(max(int(np.floor(centre - col + 0.5)), 0), frame - w)
    return top, left


def centre_by_mass(image: np.ndarray, frame: int = FRAME) -> np.ndarray:
    """Stage 9: paste ``image`` into a ``frame`` x ``frame`` black frame, centred on its centre of mass."""
    a = np.asarray(image, dtype=np.float32)
    top, left = mass_offset(a, frame)
    out = np.zeros((frame, frame), dtype=np.float32)
    out[top : top + a.shape[0], left : left + a.shape[1]] = a
    return out


def enclosed_level(region: np.ndarray, box: tuple[int, int, int, int], bg: np.ndarray, ink: np.ndarray) -> float:
    """How far the background estimated inside the holes of ``region`` (the loops of a 0, 6, 8, 9) lies from
    the paper around the mark towards the mark's ink: 0 when the holes are paper, 1 when they are as dark
    as the ink; 0 for a mark without holes.

    A pen stroke encloses paper. The rim of a large area (a light face on a dark background, seen as
    a thick ring once the background estimate has taken its middle for paper) encloses the area
    itself. On the photo set the digits with loops reach at most 0.35; generated faces 0.81-0.91.
    """
    top, left, bottom, right = box
    holes = hole_map(region[top:bottom, left:right])[0] >= 0
    if holes.sum() < 10:
        return 0.0
    h, w = region.shape
    pad = max(3, (bottom - top) // 6)
    around = np.zeros_like(region)
    around[max(0, top - pad) : min(h, bottom + pad), max(0, left - pad) : min(w, right + pad)] = True
    around[top:bottom, left:right] = False
    if around.sum() < 10:
        return 0.0
    paper = float(np.median(bg[around]))
    level = float(np.median(ink[region]))
    return float((np.median(bg[top:bottom, left:right][holes]) - paper) / max(level - paper, 1e-3))


def drawing_refusal(labels: np.ndarray, choice: Choice) -> str:
    """Why the kept mark is a drawing rather than a digit, from its loops ("" when it may be a digit): more
    loops than an 8's two, or marks inside the main stroke's loop (a smiley's eyes). Pictures under
    :data:`SMALL` pixels (a thumbnail, the draw screen's canvas) are left alone."""
    if max(labels.shape) < SMALL:
        return ""
    top, left, bottom, right = choice.box
    sub = labels[top:bottom, left:right]
    kept = [b.index for b in choice.kept]
    numbers, count = hole_map(np.isin(sub, kept))
    sizes = np.bincount(numbers[numbers >= 0], minlength=count)
    loops = int((sizes >= max(10, 0.01 * sub.size)).sum())
    if loops > MAX_LOOPS:
        return f"no digit found: the mark encloses {loops} separate areas (a digit at most two, an 8): a drawing."
    inner, _ = hole_map(sub == choice.kept[0].index)
    within = 0
    for b in choice.kept[1:]:
        rows, cols = np.nonzero(sub == b.index)
        within += bool(rows.size) and inner[rows[0], cols[0]] >= 0
    if within >= MAX_INSIDE_LOOP:
        return f"no digit found: {within} marks lie inside the main stroke's loop (eyes? a face?): a drawing."
    return ""


# --------------------------------------------------------------------------- all stages


@dataclass(frozen=True, eq=False)
class Preprocessed:
    """Every stage of the preprocessing, to show one by one; ``digit`` is what the network sees."""

    original: tuple[int, int]  # (height, width) of the picture as given
    gray: np.ndarray  # stage 1, at the working size
    channel: str
    inverted: bool  # stage 2: the paper was light, so black and white were swapped
    paper: float  # the paper's median grey level (before any inverting)
    cell: int  # the background's cell size in pixels (0: one level)
    background: np.ndarray  # in the ink-bright picture
    flat: np.ndarray  # ink bright, the paper's level taken away
    lines: tuple[int, int]  # stage 3: horizontal, vertical lines taken away
    cleaned: np.ndarray
    sigma: float  # stage 4: the smoothing, in pixels
    threshold: float
    otsu: float  # Otsu's own threshold (the threshold is never below the noise floor)
    grain: float  # the paper's grain after smoothing
    mask: np.ndarray
    choice: Choice  # stage 5
    kept: np.ndarray  # the kept blobs' ink, stretched so the ink is 1
    box: tuple[int, int, int, int]  # stage 6: (top, left, bottom, right) in ``gray``
    cropped: np.ndarray
    pen: float  # stage 7: the strokes' width in the crop, and the pixels added to it
    grown: int
    thickened: np.ndarray
    scaled: np.ndarray  # stage 8
    offset: tuple[int, int]  # stage 9: where ``scaled`` sits in the frame
    digit: np.ndarray  # (28, 28) float32 in [0, 1]

    @property
    def model_input(self) -> np.ndarray:
        """``(28, 28, 1)``, as the lecture's model takes it."""
        return self.digit[..., None]


def _checked(pixels: np.ndarray) -> np.ndarray:
    a = np.asarray(pixels, dtype=np.float32)
    if a.ndim not in (2, 3) or a.size == 0:
        raise ImageError(f"The image is empty or not a picture. Received: shape={a.shape}")
    if not np.isfinite(a).all():
        raise ImageError("pixel values must be finite numbers. Received: NaN or infinite values")
    return a


def _shrunk(a: np.ndarray) -> np.ndarray:
    h, w = a.shape[:2]
    if max(h, w) <= WORK_SIDE:
        return a
    scale = WORK_SIDE / max(h, w)
    size = max(1, round(h * scale)), max(1, round(w * scale))
    if a.ndim == 2:
        return filters.resize(a, *size)
    return np.stack([filters.resize(a[..., i], *size) for i in range(a.shape[2])], axis=2)


def preprocess(pixels: np.ndarray, original: tuple[int, int] | None = None) -> Preprocessed:
    """Every stage on ``pixels`` (``(H, W)`` grey or ``(H, W, 3|4)`` colour, floats in [0, 1]);
    ``original`` is the picture's size when ``pixels`` were read smaller.

    Raises :class:`ImageError` ("no digit found: …") when nothing in the picture is a digit.
    """
    a = _checked(pixels)
    original = original or (int(a.shape[0]), int(a.shape[1]))
    gray, channel = ink_channel(_shrunk(a))
    light, paper = paper_is_light(gray)
    ink = 1.0 - gray if light else gray
    bg, cell = background(ink)
    flat = ink - bg
    grain_raw = _grain(flat)
    cleaned, across, down = remove_lines(flat, grain_raw)
    sigma = float(np.clip(max(gray.shape) / 400, 0.7, 2.0))
    smooth = filters.gaussian(cleaned, sigma)
    grain = _grain(smooth)
    peak = float(smooth.max())
    if peak < MIN_CONTRAST or peak < MIN_SNR * grain:
        raise ImageError(
            f"no digit found: nothing stands out from the paper (the strongest mark is {max(peak, 0):.2f} "
            f"above it, the paper's grain {grain:.3f})."
        )
    positive = smooth[smooth > 0]
    otsu, _ = filters.otsu(positive if positive.size > 16 else smooth)
    threshold = float(min(max(otsu, NOISE_FLOOR * grain, 0.12 * peak), 0.6 * peak))
    mask = smooth > threshold
    blobs, labels, count = describe(mask, smooth)
    choice = choose(blobs, mask.shape, count)
    if choice.refusal:
        raise ImageError(choice.refusal)
    kept_ink = sum(b.ink for b in choice.kept)
    all_ink = float(smooth[mask].sum())
    if count > 12 and kept_ink < 0.35 * all_ink:
        raise ImageError(
            f"no digit found: the ink is scattered over {count:,} specks (the largest group holds "
            f"{numbers.percent(kept_ink / all_ink, 0)} of it), not one digit."
        )
    region = np.isin(labels, [b.index for b in choice.kept])
    drawing = drawing_refusal(labels, choice)
    if drawing:
        raise ImageError(drawing)
    inside = enclosed_level(region, choice.box, bg, ink)
    if inside > MAX_ENCLOSED:
        raise ImageError(
            f"no digit found: inside the largest mark the picture is {numbers.percent(inside, 0)} of the way "
            "from the paper to the ink: it is the rim of a large light or dark area (a face? an object?), "
            "not pen strokes around paper."
        )
    reach = 2 * int(np.ceil(sigma)) + 1
    around = filters.maximum(region.astype(np.float32), reach) > 0
    level = float(np.percentile(cleaned[region], 98)) if region.any() else peak
    floor = float(min(2 * grain_raw, 0.3 * level))
    kept = np.where(around, np.clip((cleaned - floor) / max(level - floor, 1e-6), 0.0, 1.0), 0.0).astype(np.float32)
    box = ink_box(kept)
    top, left, bottom, right = box
    cropped = kept[top:bottom, left:right]
    thickened, pen, grown = thicken(cropped)
    scaled = scale_to_box(thickened)
    offset = mass_offset(scaled)
    return Preprocessed(
        original, gray, channel, light, paper, cell, bg, flat, (across, down), cleaned, sigma, threshold,
        otsu, grain, mask, choice, kept, box, cropped, pen, grown, thickened, scaled, offset, centre_by_mass(scaled),
    )  # fmt: skip
