"""Training digits made to look like what the preprocessing delivers from a real picture (``make bundled-model``).

The bundled model learns from the 5,000 training digits of the bundled MNIST
sample and from copies of them made here, seeded (copy ``k`` of digit ``i``
comes from its own generator, so the set does not depend on the order it is
made in):

- :func:`varied` — the digit turned, sheared, scaled and stretched, its pen
  thicker or thinner, blurred, then cropped, scaled and centred as the
  preprocessing's last stages do (the digit's own shape varies);
- :func:`photographed` — the digit drawn large on a picture of paper (its own
  paper and ink levels, a light gradient, blur, sensor noise, sometimes light
  ink on dark paper or a JPEG file) and the whole preprocessing run on it:
  exactly what the network gets from a photo.

numpy (and Pillow for the JPEG round trip) over :mod:`tui_convnet.images`; no
TensorFlow, so the quick tests can run it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from ..images import ImageError, centre_by_mass, filters, ink_box, preprocess, scale_to_box
from ..images.preprocess import thicken

FRAME = 28


@dataclass(frozen=True)
class Augmentation:
    """How many copies of each training digit, and how far they vary."""

    varied: int = 2  # copies by :func:`varied`
    photographed: int = 2  # copies by :func:`photographed`
    seed: int = 0
    max_turn: float = 15.0  # degrees either way
    max_shear: float = 0.25
    scale: tuple[float, float] = (0.85, 1.15)  # of the digit's size (and each side's, up to 10 % apart)

    def to_dict(self) -> dict[str, object]:
        return {
            "varied": self.varied,
            "photographed": self.photographed,
            "seed": self.seed,
            "max_turn": self.max_turn,
            "max_shear": self.max_shear,
            "scale": list(self.scale),
        }


def _check_digit(digit: np.ndarray) -> np.ndarray:
    a = np.asarray(digit)
    if a.shape != (FRAME, FRAME):
        raise ValueError(f"A digit must be a 28x28 array. Received: shape={a.shape}")
    if a.dtype == np.uint8:
        return a.astype(np.float32) / 255.0
    return np.clip(a.astype(np.float32), 0.0, 1.0)


def bilinear(image: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``image`` sampled at the (fractional) positions ``rows``, ``cols``; 0 outside it."""
    h, w = image.shape
    padded = np.pad(np.asarray(image, dtype=np.float32), 1)
    r = np.clip(np.asarray(rows, dtype=np.float32) + 1, 0, h + 1 - 1e-4)
    c = np.clip(np.asarray(cols, dtype=np.float32) + 1, 0, w + 1 - 1e-4)
    r0, c0 = np.floor(r).astype(np.intp), np.floor(c).astype(np.intp)
    fr, fc = r - r0, c - c0
    top = padded[r0, c0] * (1 - fc) + padded[r0, c0 + 1] * fc
    bottom = padded[r0 + 1, c0] * (1 - fc) + padded[r0 + 1, c0 + 1] * fc
    return np.asarray(top * (1 - fr) + bottom * fr, dtype=np.float32)


def warp(digit: np.ndarray, size: int, rng: np.random.Generator, aug: Augmentation) -> np.ndarray:
    """The 28x28 ``digit`` drawn ``size`` x ``size`` (``size / 28`` pixels per MNIST pixel), turned, sheared
    and scaled at random about its centre."""
    turn = np.deg2rad(rng.uniform(-aug.max_turn, aug.max_turn))
    shear = rng.uniform(-aug.max_shear, aug.max_shear)
    zoom = rng.uniform(*aug.scale) * size / FRAME
    aspect = rng.uniform(0.9, 1.1)
    cos, sin = np.cos(turn), np.sin(turn)
    forward = np.array([[cos, -sin], [sin, cos]]) @ np.array([[1.0, shear], [0.0, 1.0]])
    forward = forward @ np.diag([zoom * aspect, zoom / aspect])
    inverse = np.linalg.inv(forward)
    centre_out = (size - 1) / 2
    centre_in = (FRAME - 1) / 2
    rows, cols = np.mgrid[0:size, 0:size].astype(np.float32) - centre_out
    src_r = inverse[0, 0] * rows + inverse[0, 1] * cols + centre_in
    src_c = inverse[1, 0] * rows + inverse[1, 1] * cols + centre_in
    return bilinear(digit, src_r, src_c)


def pen(ink: np.ndarray, rng: np.random.Generator, pixel: float) -> np.ndarray:
    """The strokes of ``ink`` (drawn ``pixel`` pixels per MNIST pixel) made thicker or thinner at random, by up
    to about one MNIST pixel: a grey dilation or erosion."""
    change = rng.choice([-1, 0, 0, 1, 1, 2])
    size = int(np.round(abs(change) * pixel * rng.uniform(0.5, 1.0))) + 1
    if change == 0 or size < 2:
        return ink
    if change < 0:
        thinner = filters.minimum(ink, size)
        return thinner if thinner.max() > 0.3 else ink  # a pen so fine it would vanish stays as it was
    return filters.maximum(ink, size)


def finish(ink: np.ndarray) -> np.ndarray:
    """Stages 6-9 of the preprocessing on bright ``ink`` on black: stretched so the ink is 1, cropped to its box,
    a fine pen widened, the longer side scaled to 20 pixels, centred by mass in the 28x28 frame."""
    level = float(np.percentile(ink[ink > 0.05], 98)) if (ink > 0.05).any() else 1.0
    kept = np.clip(ink / max(level, 1e-6), 0.0, 1.0)
    top, left, bottom, right = ink_box(kept)
    return centre_by_mass(scale_to_box(thicken(kept[top:bottom, left:right])[0]))


def varied(digit: np.ndarray, rng: np.random.Generator, aug: Augmentation | None = None) -> np.ndarray:
    """A copy of the 28x28 ``digit`` (uint8 or floats in [0, 1]) as the preprocessing would deliver it from a
    clean picture of a differently written digit: turned, sheared, scaled, its pen changed, blurred; float32
    ``(28, 28)`` in [0, 1]."""
    aug = aug or Augmentation()
    a = _check_digit(digit)
    scale = 3
    ink = pen(warp(a, FRAME * scale, rng, aug), rng, scale)
    ink = filters.gaussian(ink, rng.uniform(0.0, 1.2) * scale)
    if ink.max() <= 0.05:
        return finish(a)
    return finish(ink)


def _jpeg(picture: np.ndarray, quality: int) -> np.ndarray:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray((np.clip(picture, 0, 1) * 255).round().astype(np.uint8), mode="L").save(
        buffer, format="JPEG", quality=quality
    )
    buffer.seek(0)
    with Image.open(buffer) as image:
        return np.asarray(image, dtype=np.float32) / 255.0


def ruling(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """How much light the paper's printed lines let through, ``(h, w)`` (1: plain paper): a third of the pages
    are ruled (lines across, 6-20 % of the height apart) and half of those squared (lines down too)."""
    out = np.ones((h, w), dtype=np.float32)
    if rng.random() >= 1 / 3:
        return out
    gap = max(4, round(rng.uniform(0.06, 0.2) * h))
    width = int(rng.integers(1, 3))
    shade = np.float32(1.0 - rng.uniform(0.1, 0.35))
    start = int(rng.integers(0, gap))
    for r in range(start, h, gap):
        out[r : r + width] = shade
    if rng.random() < 0.5:
        for c in range(int(rng.integers(0, gap)), w, gap):
            out[:, c : c + width] = shade
    return out


def photo(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A grey picture (floats in [0, 1]) of the square ``ink`` (its coverage, 0..1) written on paper and
    photographed: somewhere on a page up to about twice its size, paper and ink at their own grey levels
    (sometimes light ink on dark paper), sometimes ruled or squared paper, light falling off across the
    page, sometimes a shadow over part of it, the camera's blur and noise, sometimes saved as a JPEG."""
    side = ink.shape[0]
    h = side + int(rng.integers(4, side + 5))
    w = side + int(rng.integers(4, side + 5))
    coverage = np.zeros((h, w), dtype=np.float32)
    top, left = int(rng.integers(0, h - side + 1)), int(rng.integers(0, w - side + 1))
    coverage[top : top + side, left : left + side] = np.clip(ink, 0.0, 1.0)
    paper = rng.uniform(0.55, 1.0)
    dark = rng.uniform(0.0, max(0.0, paper - 0.3))
    sheet = np.full((h, w), paper, dtype=np.float32) * ruling(h, w, rng)
    page = sheet + (dark - sheet) * coverage
    angle = rng.uniform(0, 2 * np.pi)
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float32)
    across = (np.cos(angle) * rows / h + np.sin(angle) * cols / w).astype(np.float32)
    page = page * (1.0 - rng.uniform(0.0, 0.3) * (across - across.min()) / max(float(np.ptp(across)), 1e-6))
    if rng.random() < 0.3:  # a shadow over part of the page, its edge sharp or soft
        turn = rng.uniform(0, 2 * np.pi)
        side = np.cos(turn) * (rows - h / 2) + np.sin(turn) * (cols - w / 2) - rng.uniform(0.1, 0.45) * max(h, w)
        edge = filters.gaussian((side > 0).astype(np.float32), rng.uniform(0.0, 0.05) * max(h, w))
        page = page * (1.0 - rng.uniform(0.15, 0.5) * edge)
    if rng.random() < 0.15:
        page = 1.0 - page
    page = filters.gaussian(page, rng.uniform(0.0, 1.5))
    page = page + rng.normal(0.0, rng.uniform(0.0, 0.05), page.shape).astype(np.float32)
    page = np.clip(page, 0.0, 1.0)
    if rng.random() < 0.3:
        page = _jpeg(page, int(rng.integers(40, 95)))
    return np.asarray(page, dtype=np.float32)


def picture(digit: np.ndarray, rng: np.random.Generator, aug: Augmentation | None = None) -> np.ndarray:
    """A :func:`photo` of the 28x28 ``digit`` written 30-150 pixels high, turned, sheared and scaled, its pen
    changed, slightly out of focus."""
    aug = aug or Augmentation()
    a = _check_digit(digit)
    side = int(rng.integers(30, 151))
    ink = pen(warp(a, side, rng, aug), rng, side / FRAME)
    return photo(filters.gaussian(ink, rng.uniform(0.0, 0.04) * side), rng)


def photographed(digit: np.ndarray, rng: np.random.Generator, aug: Augmentation | None = None) -> np.ndarray:
    """What the preprocessing makes of a :func:`picture` of ``digit``: float32 ``(28, 28)`` in [0, 1]. When it
    finds no digit in the picture (the ink too faint for the noise), a :func:`varied` copy instead."""
    aug = aug or Augmentation()
    try:
        return preprocess(picture(digit, rng, aug)).digit
    except ImageError:
        return varied(digit, rng, aug)


#: The kinds of :func:`doodle`: shapes no digit has (five corners or more, many turns, marks apart).
DOODLES = ("star", "zigzag", "walk", "marks")


def doodle(rng: np.random.Generator, side: int) -> np.ndarray:
    """A pen drawing that is no digit, ``side`` x ``side`` (the ink's coverage, 0..1): a star of five to eight
    points, a zigzag of six or more strokes, a scribble of twelve or more, or three to six marks apart (no
    round outline: that is a 0). Drawn at twice the size and shrunk (smooth edges)."""
    from PIL import Image, ImageDraw

    big = 2 * side
    width = max(2, round(big * rng.uniform(0.02, 0.08)))
    image = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(image)
    kind = DOODLES[int(rng.integers(len(DOODLES)))]
    centre, radius = big / 2, big * rng.uniform(0.3, 0.45)
    turn = rng.uniform(0, 2 * np.pi)

    def ring(n: int, radii: np.ndarray) -> list[tuple[float, float]]:
        angles = turn + 2 * np.pi * np.arange(n) / n + rng.uniform(-0.15, 0.15, n)
        return [(centre + r * np.cos(a), centre + r * np.sin(a)) for r, a in zip(radii, angles, strict=True)]

    if kind == "star":
        n = int(rng.integers(5, 9))
        radii = np.where(np.arange(2 * n) % 2 == 0, radius, radius * rng.uniform(0.35, 0.6))
        points = ring(2 * n, radii)
        draw.line([*points, points[0]], fill=255, width=width, joint="curve")
    elif kind == "zigzag":
        n = int(rng.integers(7, 14))
        t = np.linspace(-radius, radius, n)
        offset = np.where(np.arange(n) % 2 == 0, 1, -1) * radius * rng.uniform(0.1, 0.4)
        c, s = np.cos(turn), np.sin(turn)
        draw.line([(centre + a * c - b * s, centre + a * s + b * c) for a, b in zip(t, offset, strict=True)],
                  fill=255, width=width, joint="curve")  # fmt: skip
    elif kind == "walk":
        steps = rng.normal(0, radius / 3, (int(rng.integers(12, 21)), 2))
        path = np.clip(centre + np.cumsum(steps, axis=0) - steps.sum(axis=0) / 2, width, big - width)
        draw.line([(float(x), float(y)) for x, y in path], fill=255, width=width, joint="curve")
    else:
        for _ in range(int(rng.integers(3, 7))):
            x, y = rng.uniform(0.15 * big, 0.85 * big, 2)
            r = big * rng.uniform(0.04, 0.1)
            if rng.random() < 0.5:
                draw.ellipse((x - r, y - r, x + r, y + r), outline=255, width=width)
            else:
                a = rng.uniform(0, np.pi)
                draw.line((x - r * np.cos(a), y - r * np.sin(a), x + r * np.cos(a), y + r * np.sin(a)), 255, width)
    return filters.resize(np.asarray(image, dtype=np.float32) / 255.0, side, side)


def non_digits(count: int, seed: int = 0) -> np.ndarray:
    """``count`` :func:`photo` s of :func:`doodle` s as the preprocessing delivers them (uint8 ``(N, 28, 28)``);
    the ones it already refuses ("no digit found") are drawn again. The bundled model learns to answer them with
    every class equally likely: it is sure of a digit only when it sees one."""
    out = np.empty((count, FRAME, FRAME), dtype=np.uint8)
    for i in range(count):
        for attempt in range(20):
            rng = np.random.default_rng([seed, i, attempt, 7])
            try:
                digit = preprocess(photo(doodle(rng, int(rng.integers(40, 151))), rng)).digit
            except ImageError:
                continue
            break
        else:  # pragma: no cover - twenty refusals in a row do not happen with these drawings
            digit = np.zeros((FRAME, FRAME), np.float32)
        out[i] = np.round(digit * 255).astype(np.uint8)
    return out


def augmented(x: np.ndarray, y: np.ndarray, aug: Augmentation | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The digits ``x`` (uint8 ``(N, 28, 28)``) and labels ``y`` with ``aug.varied`` + ``aug.photographed``
    copies of each after them, as uint8; the same arrays for the same ``x``, ``y`` and seed."""
    aug = aug or Augmentation()
    x = np.asarray(x)
    if x.ndim != 3 or x.shape[1:] != (FRAME, FRAME) or x.dtype != np.uint8:
        raise ValueError(f"The digits must be uint8 of shape (N, 28, 28). Received: x={x.shape} {x.dtype}")
    if len(y) != len(x):
        raise ValueError(f"There must be one label per digit. Received: x={len(x)}, y={len(y)}")
    makers = [varied] * aug.varied + [photographed] * aug.photographed
    copies = np.empty((len(makers), *x.shape), dtype=np.uint8)
    for i, digit in enumerate(x):
        for k, make in enumerate(makers):
            rng = np.random.default_rng([aug.seed, i, k])
            copies[k, i] = np.round(make(digit, rng, aug) * 255).astype(np.uint8)
    return np.concatenate([x, *copies]), np.concatenate([np.asarray(y)] * (1 + len(makers)))
