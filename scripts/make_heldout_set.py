"""Write the held-out photo set: pictures made independently of the photo set, to check (never to tune) on.

``tests/images/heldout/`` gets one folder per condition and ``manifest.csv``
(condition, file, label, the digit's box ``top left bottom right``, the MNIST test digit's index; the
label ``-`` for no digit), like ``scripts/make_photo_set.py``
writes the photo set, but with another generator, other seeds and other kinds
of picture, so a rule tuned on the photo set is checked on pictures it has
never seen:

    .venv/bin/python scripts/make_heldout_set.py [--per-condition 16] [--output DIR]

Digits: official MNIST test digits under other transforms (an upscale by
Lanczos, a random shear and squeeze, an elastic warp, the stroke made bolder or
finer by a grey dilation or erosion), and digits drawn with the draw screen's
own pen (:func:`tui_convnet.images.drawing.polyline`) along skeletons written here from
arcs and lines. The paper is fibrous and tinted, lit by a vignette or a lamp,
photographed with signal-dependent noise and saved as JPEG with chroma
subsampling (sometimes twice) or PNG.

No digit: blank paper under uneven light and JPEG, pure noise at several
sigmas, outline drawings (smileys, houses, stars, cars, suns, hearts, cups),
scribbles and hatching, textures (wood grain, fabric, gravel, cork), lines of
text-like marks, and ruled, squared or dotted paper with nothing on it.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "tests" / "images" / "heldout"
SEED = 8128

Rng = np.random.Generator
Points = list[tuple[float, float]]


# --------------------------------------------------------------------------- the digit's ink


def _smooth_field(h: int, w: int, rng: Rng, cells: int) -> np.ndarray:
    small = rng.normal(0, 1, (cells, cells)).astype(np.float32)
    return np.asarray(Image.fromarray(small, mode="F").resize((w, h), Image.Resampling.BICUBIC), dtype=np.float32)


def mnist_alpha(digit: np.ndarray, size: int, rng: Rng, *, stroke: float = 0.0, warp: float = 1.0) -> np.ndarray:
    """A 28x28 test digit as ink coverage ``size`` pixels high: sheared and squeezed, upscaled by Lanczos,
    warped elastically, its stroke grown (``stroke`` > 0) or shrunk (< 0) by that share of the size."""
    img = Image.fromarray(digit.astype(np.uint8), mode="L").resize((size, size), Image.Resampling.LANCZOS)
    shear = rng.uniform(-0.25, 0.25) * warp
    squeeze = rng.uniform(0.8, 1.1)
    cx = size / 2
    img = img.transform(
        (size, size),
        Image.Transform.AFFINE,
        (1 / squeeze, shear, cx - cx / squeeze - shear * cx, 0, 1, 0),
        resample=Image.Resampling.BILINEAR,
    )
    a = np.asarray(img, dtype=np.float32) / 255.0
    if warp > 0:  # an elastic warp: a smooth random displacement of a few per cent of the size
        dy = _smooth_field(size, size, rng, 4) * 0.025 * size * warp
        dx = _smooth_field(size, size, rng, 4) * 0.025 * size * warp
        yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
        ys = np.clip(np.round(yy + dy), 0, size - 1).astype(np.int64)
        xs = np.clip(np.round(xx + dx), 0, size - 1).astype(np.int64)
        a = a[ys, xs]
    k = round(abs(stroke) * size) | 1
    if k > 1:
        pil = Image.fromarray((a * 255).astype(np.uint8), mode="L")
        pil = pil.filter(ImageFilter.MaxFilter(k) if stroke > 0 else ImageFilter.MinFilter(k))
        a = np.asarray(pil, dtype=np.float32) / 255.0
    cut = rng.uniform(0.3, 0.6)
    return np.asarray(np.clip((a - cut) / 0.15 + 0.5, 0.0, 1.0), dtype=np.float32)


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float, n: int = 14) -> Points:
    t = np.radians(np.linspace(start, end, n))
    return [(float(cx + rx * np.cos(a)), float(cy + ry * np.sin(a))) for a in t]


#: Each digit as strokes (x, y in a unit box, y down), written from arcs and lines: not the photo set's hands.
SKELETONS: dict[int, Callable[[Rng], list[Points]]] = {
    0: lambda r: [_arc(0.5, 0.5, r.uniform(0.22, 0.32), 0.42, -90, 275, 20)],
    1: lambda r: [[(0.38, 0.22), (0.55, 0.08), (0.55, 0.92)]] if r.random() < 0.5 else [[(0.52, 0.08), (0.47, 0.92)]],
    2: lambda r: [[*_arc(0.5, 0.32, 0.26, 0.22, 190, 395), (0.2, 0.9), (0.84, 0.9)]],
    3: lambda r: [[*_arc(0.47, 0.29, 0.24, 0.2, 200, 450), *_arc(0.47, 0.71, 0.28, 0.21, -90, 160)]],
    4: lambda r: (
        [[(0.66, 0.92), (0.66, 0.08), (0.18, 0.66), (0.84, 0.66)]]
        if r.random() < 0.5
        else [[(0.3, 0.08), (0.24, 0.58), (0.82, 0.58)], [(0.68, 0.2), (0.66, 0.92)]]
    ),
    5: lambda r: [[(0.76, 0.1), (0.33, 0.1), (0.29, 0.46), *_arc(0.48, 0.67, 0.29, 0.24, -125, 150)]],
    6: lambda r: [[(0.7, 0.08), (0.46, 0.24), (0.3, 0.5), *_arc(0.5, 0.71, 0.22, 0.2, 180, 545)]],
    7: lambda r: (
        [[(0.16, 0.1), (0.84, 0.1), (0.42, 0.92)]]
        if r.random() < 0.6
        else [[(0.16, 0.1), (0.84, 0.1), (0.42, 0.92)], [(0.34, 0.5), (0.72, 0.5)]]
    ),
    8: lambda r: [[*_arc(0.5, 0.28, 0.19, 0.19, 90, 450), *_arc(0.5, 0.7, 0.25, 0.22, -90, 270)]],
    9: lambda r: [[*_arc(0.5, 0.3, 0.23, 0.21, 0, 365), (0.72, 0.3), (0.64, 0.92)]],
}


def pen_digit(label: int, rng: Rng) -> np.ndarray:
    """A digit drawn on the draw screen's 28x28 canvas with its own pen (0..255, ink bright): the skeleton turned,
    sheared and squeezed at random, each point nudged."""
    from tui_convnet.images.drawing import blank, polyline

    angle = np.radians(rng.uniform(-12, 12))
    shear = rng.uniform(-0.2, 0.2)
    sx, sy = rng.uniform(0.7, 1.05), rng.uniform(0.9, 1.05)
    canvas = blank()
    for stroke in SKELETONS[label](rng):
        points = []
        for x, y in stroke:
            u, v = (x - 0.5) * sx + shear * (y - 0.5), (y - 0.5) * sy
            u, v = u * np.cos(angle) - v * np.sin(angle), u * np.sin(angle) + v * np.cos(angle)
            u, v = u + rng.normal(0, 0.012), v + rng.normal(0, 0.012)
            points.append((float(14 + 19 * v), float(14 + 19 * u)))  # (row, column) on the canvas
        canvas = polyline(points, canvas)
    return np.asarray(np.clip(canvas, 0, 1) * 255, dtype=np.float32)


# --------------------------------------------------------------------------- the page and the camera


def page(h: int, w: int, rng: Rng, *, dark: bool = False) -> np.ndarray:
    """``(h, w, 3)`` paper: a white-balance tint and fibres (smooth noise of a few grey levels), or a dark board."""
    if dark:
        base = np.asarray([0.1, 0.16, 0.12]) * rng.uniform(0.6, 1.6) + rng.uniform(-0.02, 0.02, 3)
    else:
        base = rng.uniform(0.72, 0.95) * np.asarray([1.0, rng.uniform(0.95, 1.0), rng.uniform(0.85, 1.02)])
    fibre = _smooth_field(h, w, rng, int(rng.integers(8, 40))) * rng.uniform(0.005, 0.02)
    return np.clip(base[None, None, :] + fibre[..., None], 0, 1).astype(np.float32)


def vignette(h: int, w: int, rng: Rng, strength: float) -> np.ndarray:
    """A lamp off to one side: bright around a point (maybe off the page), falling off with the distance."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cy, cx = rng.uniform(-0.3, 1.3) * h, rng.uniform(-0.3, 1.3) * w
    d = np.sqrt(((yy - cy) / h) ** 2 + ((xx - cx) / w) ** 2)
    d = d / max(float(d.max()), 1e-6)
    return np.asarray((1.0 - strength * d**1.5), dtype=np.float32)


def curved_shadow(h: int, w: int, rng: Rng) -> np.ndarray:
    """The phone's or a hand's shadow: a dark disc partly over the page, its edge soft."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    side = int(rng.integers(4))
    r = rng.uniform(0.5, 0.9) * max(h, w)
    cy, cx = [(-r * 0.7, w / 2), (h + r * 0.7, w / 2), (h / 2, -r * 0.7), (h / 2, w + r * 0.7)][side]
    cx += rng.uniform(-0.3, 0.3) * w
    d = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2)
    soft = rng.uniform(0.02, 0.08) * max(h, w)
    inside = np.clip((r - d) / soft + 0.5, 0, 1)
    return np.asarray((1.0 - rng.uniform(0.3, 0.55) * inside), dtype=np.float32)


def camera_noise(canvas: np.ndarray, rng: Rng, sigma: float) -> np.ndarray:
    """Shot noise (stronger where the picture is bright) plus read noise, per channel, ``sigma`` grey levels."""
    shot = rng.normal(0, 1, canvas.shape).astype(np.float32) * np.sqrt(np.clip(canvas, 0.01, 1)) * sigma / 255
    read = rng.normal(0, 0.4 * sigma / 255, canvas.shape).astype(np.float32)
    return np.asarray(canvas + shot + read)


def lay(canvas: np.ndarray, alpha: np.ndarray, ink: np.ndarray, top: int, left: int) -> tuple[int, int, int, int]:
    """Lay ``ink`` with coverage ``alpha`` at ``(top, left)``; the box of the pixels at least half inked."""
    h, w = alpha.shape
    region = canvas[top : top + h, left : left + w]
    a = alpha[: region.shape[0], : region.shape[1], None]
    region[...] = region * (1 - a) + ink * a
    rows, cols = np.flatnonzero((a[..., 0] >= 0.5).any(axis=1)), np.flatnonzero((a[..., 0] >= 0.5).any(axis=0))
    if not rows.size:
        return (top, left, top, left)
    return (top + int(rows[0]), left + int(cols[0]), top + int(rows[-1]) + 1, left + int(cols[-1]) + 1)


def lines_on(canvas: np.ndarray, rng: Rng, kind: str) -> None:
    """Ruled, squared or dotted paper: thin lines (grey, blue or green), a spacing of 4-12 % of the page."""
    h, w, _ = canvas.shape
    img = Image.fromarray((np.clip(canvas, 0, 1) * 255).astype(np.uint8), mode="RGB")
    draw = ImageDraw.Draw(img)
    gap = max(7.0, rng.uniform(0.04, 0.12) * max(h, w))
    colour = tuple(int(c) for c in rng.choice([(170, 170, 175), (140, 175, 210), (150, 200, 170), (190, 190, 220)]))
    width = 1 if min(h, w) < 300 else int(rng.integers(1, 3))
    offset = rng.uniform(0, gap)
    if kind == "dotted":
        dot = max(1.0, gap * 0.06)
        for y in np.arange(offset, h, gap):
            for x in np.arange(offset, w, gap):
                draw.ellipse([x - dot, y - dot, x + dot, y + dot], fill=colour)
    else:
        for y in np.arange(offset, h, gap):
            draw.line([(0, y), (w, y + rng.uniform(-1, 1))], fill=colour, width=width)
        if kind == "squared":
            for x in np.arange(offset, w, gap):
                draw.line([(x, 0), (x + rng.uniform(-1, 1), h)], fill=colour, width=width)
    canvas[...] = np.asarray(img, dtype=np.float32) / 255.0


def save(
    canvas: np.ndarray, rng: Rng, *, quality: int | None, grey: bool = False, twice: bool = False
) -> tuple[bytes, str]:
    """JPEG at ``quality`` with 4:2:0 chroma (``twice``: re-saved at another quality, as a messenger does), or PNG."""
    img = Image.fromarray((np.clip(canvas, 0, 1) * 255 + 0.5).astype(np.uint8), mode="RGB")
    if grey:
        img = img.convert("L")
    buffer = io.BytesIO()
    if quality is None:
        img.save(buffer, format="PNG")
        return buffer.getvalue(), "png"
    if twice:
        first = io.BytesIO()
        img.save(first, format="JPEG", quality=int(rng.integers(60, 95)), subsampling=2)
        img = Image.open(io.BytesIO(first.getvalue()))
    img.save(buffer, format="JPEG", quality=quality, subsampling=2)
    return buffer.getvalue(), "jpg"


# --------------------------------------------------------------------------- one picture of a digit

INKS = {
    "black": (0.08, 0.08, 0.1),
    "navy": (0.1, 0.12, 0.45),
    "blue": (0.15, 0.3, 0.85),
    "red": (0.75, 0.12, 0.15),
    "green": (0.1, 0.45, 0.25),
    "brown": (0.4, 0.25, 0.1),
    "magenta": (0.7, 0.1, 0.55),
}


def digit_picture(
    digit: np.ndarray, rng: Rng, condition: str, inks: list[np.ndarray] | None = None
) -> tuple[bytes, str, str]:
    """One picture of ``digit`` (28x28, 0..255, ink bright) under ``condition``, and the digit's box on it
    (``top left bottom right``); ``inks`` gets the digit's own ink (before the paper, the light, the camera)."""
    c = condition
    combo = c == "combined"

    def maybe(p: float) -> bool:
        return combo and bool(rng.random() < p)

    if c == "size":
        h = int(np.exp(rng.uniform(np.log(32), np.log(1400))))
        w = int(h * rng.uniform(0.8, 1.3))
        size = int(min(h, w) * rng.uniform(0.7, 0.95))
    elif c == "position":
        h, w = int(rng.integers(260, 560)), int(rng.integers(260, 560))
        size = int(rng.integers(30, max(31, min(h, w) // 3)))
    else:
        h, w = int(rng.integers(140, 340)), int(rng.integers(140, 340))
        size = int(min(h, w) * rng.uniform(0.4, 0.9))
    dark = c == "white_on_black" or maybe(0.15)
    canvas = page(h, w, rng, dark=dark)
    if c in ("ruled", "squared") or maybe(0.35):
        lines_on(canvas, rng, c if c in ("ruled", "squared") else str(rng.choice(["ruled", "squared", "dotted"])))
    stroke = rng.uniform(-0.04, 0.08) if c in ("stroke", "size") or combo else rng.uniform(-0.01, 0.03)
    warp = rng.uniform(1.0, 2.0) if c == "blur_rotate" or combo else rng.uniform(0.3, 1.0)
    if c == "pen":
        alpha = np.asarray(Image.fromarray(digit.astype(np.uint8)).resize((size, size), Image.Resampling.BICUBIC))
        alpha = np.clip((alpha.astype(np.float32) / 255 - 0.35) / 0.2 + 0.5, 0, 1)
    else:
        alpha = mnist_alpha(digit, size, rng, stroke=stroke, warp=warp)
    if c == "blur_rotate" or maybe(0.3):
        turned = Image.fromarray((alpha * 255).astype(np.uint8)).rotate(rng.uniform(-18, 18), Image.Resampling.BILINEAR)
        alpha = np.asarray(turned, dtype=np.float32) / 255
    if dark:
        ink = np.full(3, rng.uniform(0.75, 0.95), np.float32)
    elif c == "grey_ink" or maybe(0.3):  # pencil: grey, its coverage grainy
        ink = np.full(3, rng.uniform(0.3, 0.5), np.float32)
        alpha = alpha * np.clip(rng.uniform(0.6, 1.0, alpha.shape), 0, 1).astype(np.float32)
    elif c in ("colour_ink", "pen") or maybe(0.3):
        ink = np.asarray(INKS[str(rng.choice(sorted(INKS)))], np.float32)
    else:
        ink = np.asarray(INKS["black"], np.float32) + rng.uniform(0, 0.1)
    top = int(rng.integers(0, max(1, h - size + 1)))
    left = int(rng.integers(0, max(1, w - size + 1)))
    box = " ".join(map(str, lay(canvas, alpha, ink, top, left)))
    if inks is not None:
        inks.append(alpha)
    if c == "lighting" or maybe(0.5):
        canvas *= vignette(h, w, rng, rng.uniform(0.25, 0.55))[..., None]
    if c == "shadow" or maybe(0.3):
        canvas *= curved_shadow(h, w, rng)[..., None]
    if c == "blur_rotate" or maybe(0.4):  # out of focus, or moved: a Gaussian or a box blur
        radius = rng.uniform(0.6, 1.8) * max(size, 30) / 100
        img = Image.fromarray((np.clip(canvas, 0, 1) * 255).astype(np.uint8), mode="RGB")
        blur = ImageFilter.GaussianBlur(radius) if rng.random() < 0.5 else ImageFilter.BoxBlur(radius)
        canvas = np.asarray(img.filter(blur), dtype=np.float32) / 255
    sigma = rng.uniform(6, 20) if c == "noise" else rng.uniform(2, 12) if combo else rng.uniform(0.5, 3)
    canvas = camera_noise(canvas, rng, sigma)
    if c == "jpeg":
        return (*save(canvas, rng, quality=int(rng.integers(8, 30)), twice=rng.random() < 0.5), box)
    quality = int(rng.integers(20, 85)) if combo and rng.random() < 0.7 else None if combo else 90
    return (*save(canvas, rng, quality=quality, grey=maybe(0.3), twice=maybe(0.3)), box)


# --------------------------------------------------------------------------- pictures without a digit


def _outline(draw: ImageDraw.ImageDraw, rng: Rng, w: int, h: int, colour: tuple[int, ...], width: int) -> None:
    """One outline drawing: a smiley, a house, a star, a car, a sun, a heart or a cup."""
    kind = str(rng.choice(["smiley", "house", "star", "car", "sun", "heart", "cup"]))
    cx, cy = w * rng.uniform(0.35, 0.65), h * rng.uniform(0.35, 0.65)
    r = min(w, h) * rng.uniform(0.25, 0.42)
    if kind == "smiley":
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=colour, width=width)
        for s in (-1, 1):
            e = r * rng.uniform(0.08, 0.14)
            ex, ey = cx + s * r * 0.38, cy - r * 0.3
            draw.ellipse([ex - e, ey - e, ex + e, ey + e], fill=colour if rng.random() < 0.7 else None, outline=colour)
        draw.arc([cx - r * 0.55, cy - r * 0.2, cx + r * 0.55, cy + r * 0.6], 20, 160, fill=colour, width=width)
    elif kind == "house":
        draw.rectangle([cx - r, cy - r * 0.2, cx + r, cy + r], outline=colour, width=width)
        draw.line(
            [(cx - r * 1.15, cy - r * 0.2), (cx, cy - r), (cx + r * 1.15, cy - r * 0.2)], fill=colour, width=width
        )
        draw.rectangle([cx - r * 0.2, cy + r * 0.3, cx + r * 0.2, cy + r], outline=colour, width=width)
        draw.rectangle([cx + r * 0.4, cy + r * 0.05, cx + r * 0.75, cy + r * 0.4], outline=colour, width=width)
    elif kind == "star":
        t = np.radians(np.arange(11) * 36 - 90)
        rad = np.where(np.arange(11) % 2 == 0, r, r * 0.42)
        draw.line(
            [(cx + q * np.cos(a), cy + q * np.sin(a)) for q, a in zip(rad, t, strict=True)], fill=colour, width=width
        )
    elif kind == "car":
        draw.rectangle([cx - r, cy - r * 0.1, cx + r, cy + r * 0.35], outline=colour, width=width)
        draw.line([(cx - r * 0.55, cy - r * 0.1), (cx - r * 0.3, cy - r * 0.5), (cx + r * 0.35, cy - r * 0.5),
                   (cx + r * 0.6, cy - r * 0.1)], fill=colour, width=width)  # fmt: skip
        for s in (-1, 1):
            q = r * 0.22
            draw.ellipse([cx + s * r * 0.55 - q, cy + r * 0.35 - q, cx + s * r * 0.55 + q, cy + r * 0.35 + q],
                         outline=colour, width=width)  # fmt: skip
    elif kind == "sun":
        q = r * 0.45
        draw.ellipse([cx - q, cy - q, cx + q, cy + q], outline=colour, width=width)
        for a in np.radians(np.arange(0, 360, rng.choice([30, 45]))):
            draw.line([(cx + q * 1.3 * np.cos(a), cy + q * 1.3 * np.sin(a)), (cx + r * np.cos(a), cy + r * np.sin(a))],
                      fill=colour, width=width)  # fmt: skip
    elif kind == "heart":
        t = np.linspace(0, 2 * np.pi, 60)
        x = 16 * np.sin(t) ** 3
        y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
        draw.line([(cx + r * u / 17, cy + r * v / 17) for u, v in zip(x, y, strict=True)], fill=colour, width=width)
    else:  # a cup: a body, a handle, steam
        draw.rectangle([cx - r * 0.6, cy - r * 0.4, cx + r * 0.4, cy + r * 0.7], outline=colour, width=width)
        draw.arc([cx + r * 0.2, cy - r * 0.2, cx + r * 0.85, cy + r * 0.4], -90, 90, fill=colour, width=width)
        for o in (-0.3, 0.0, 0.3):
            draw.line([(cx + o * r, cy - r * 0.5), (cx + o * r + r * 0.1, cy - r * 0.7), (cx + o * r, cy - r * 0.9)],
                      fill=colour, width=width)  # fmt: skip


def _scribble(draw: ImageDraw.ImageDraw, rng: Rng, w: int, h: int, colour: tuple[int, ...], width: int) -> None:
    """A scribble (a long wandering stroke with many turns) or hatching (parallel strokes in a patch)."""
    if rng.random() < 0.5:
        n = int(rng.integers(25, 60))
        steps = rng.normal(0, 1, (n, 2)).cumsum(axis=0)
        steps = (steps - steps.min(axis=0)) / max(float(np.ptp(steps)), 1e-6)
        pts = [(w * (0.1 + 0.8 * x), h * (0.1 + 0.8 * y)) for x, y in steps]
        draw.line(pts, fill=colour, width=width, joint="curve")
    else:
        x0, y0 = w * rng.uniform(0.1, 0.4), h * rng.uniform(0.1, 0.4)
        x1, y1 = w * rng.uniform(0.6, 0.9), h * rng.uniform(0.6, 0.9)
        gap = max(3.0, (x1 - x0) / rng.uniform(6, 14))
        for x in np.arange(x0, x1, gap):
            draw.line([(x, y1), (x + (y1 - y0) * 0.5, y0)], fill=colour, width=width)


def _text(draw: ImageDraw.ImageDraw, rng: Rng, w: int, h: int, colour: tuple[int, ...]) -> None:
    """Lines of words (letters only, no digits) in the default font at a random size."""
    size = float(rng.uniform(0.05, 0.12) * min(w, h))
    font = ImageFont.load_default(size)
    letters = "abcdefghijkmnopqrstuvwxyzACEFHKMNPRTUVWXY"
    y = h * rng.uniform(0.05, 0.2)
    while y < h * 0.85:
        words = ["".join(rng.choice(list(letters), int(rng.integers(2, 8)))) for _ in range(int(rng.integers(2, 6)))]
        draw.text((w * rng.uniform(0.03, 0.12), y), " ".join(words), fill=colour, font=font)
        y += size * rng.uniform(1.4, 2.2)


def _texture(h: int, w: int, rng: Rng) -> np.ndarray:
    """Wood grain, woven fabric, gravel or cork, as an ``(h, w, 3)`` picture."""
    kind = str(rng.choice(["wood", "fabric", "gravel", "cork"]))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":  # rings around a far centre, bent by smooth noise
        cy, cx = rng.uniform(-2, 3) * h, rng.uniform(-2, 3) * w
        d = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2) + _smooth_field(h, w, rng, 6) * 0.05 * max(h, w)
        g = 0.5 + 0.5 * np.sin(2 * np.pi * d / (rng.uniform(0.02, 0.06) * max(h, w))) ** 3
        a, b = np.asarray([0.55, 0.35, 0.18]), np.asarray([0.8, 0.6, 0.38])
    elif kind == "fabric":  # threads over and under
        p = rng.uniform(4, 12)
        g = (
            0.5
            + 0.25 * np.sin(2 * np.pi * xx / p) * np.sign(np.sin(np.pi * yy / p))
            + 0.25 * np.sin(2 * np.pi * yy / p)
        )
        c = rng.uniform(0.2, 0.8, 3)
        a, b = c * 0.6, np.clip(c * 1.2, 0, 1)
    elif kind == "gravel":  # many stones of random grey
        img = Image.new("L", (w, h), int(rng.integers(60, 140)))
        draw = ImageDraw.Draw(img)
        for _ in range(int(h * w / rng.uniform(80, 300))):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(2, 0.04 * max(h, w) + 3)
            draw.ellipse([x - r, y - r * rng.uniform(0.6, 1), x + r, y + r], fill=int(rng.integers(40, 230)))
        g = np.asarray(img, dtype=np.float32) / 255
        a, b = np.zeros(3), np.ones(3)
    else:  # cork: fine blotches
        g = np.clip(_smooth_field(h, w, rng, int(max(h, w) / rng.uniform(3, 8))) * 0.3 + 0.5, 0, 1)
        a, b = np.asarray([0.45, 0.3, 0.15]), np.asarray([0.85, 0.68, 0.45])
    return np.asarray((a[None, None, :] + (b - a)[None, None, :] * g[..., None]), dtype=np.float32)


NO_DIGIT_KINDS = ("blank", "noise", "outline", "scribble", "texture", "text", "paper")


def no_digit_picture(kind: str, n: int, rng: Rng) -> tuple[bytes, str]:
    h, w = int(rng.integers(160, 420)), int(rng.integers(160, 420))
    if kind == "blank" and n % 3 == 0:
        h, w = h * 3, w * 3  # some bigger: a whole sheet photographed
    if kind == "noise":  # around mid grey or on paper, sigma from a few to many grey levels
        sigma = [3, 6, 12, 25, 40, 70, 100, 128][n % 8]
        mean = rng.uniform(0.3, 0.85)
        shape = (h, w, 3) if rng.random() < 0.5 else (h, w, 1)
        canvas = np.broadcast_to(mean + rng.normal(0, sigma / 255, shape), (h, w, 3)).astype(np.float32)
        return save(canvas, rng, quality=None if n % 2 else int(rng.integers(60, 95)))
    if kind == "texture":
        canvas = _texture(h, w, rng)
    else:
        canvas = page(h, w, rng, dark=kind == "outline" and rng.random() < 0.2)
    if kind == "paper":
        lines_on(canvas, rng, ["ruled", "squared", "dotted"][n % 3])
    if kind in ("outline", "scribble", "text"):
        img = Image.fromarray((np.clip(canvas, 0, 1) * 255).astype(np.uint8), mode="RGB")
        draw = ImageDraw.Draw(img)
        light = float(canvas.mean()) > 0.5
        colour = tuple(int(v * 255) for v in (INKS[str(rng.choice(sorted(INKS)))] if light else (0.9, 0.9, 0.85)))
        width = max(1, int(min(h, w) * rng.uniform(0.006, 0.04)))
        if kind == "outline":
            _outline(draw, rng, w, h, colour, width)
        elif kind == "scribble":
            _scribble(draw, rng, w, h, colour, width)
        else:
            _text(draw, rng, w, h, colour)
        canvas = np.asarray(img, dtype=np.float32) / np.float32(255)
    height, width = canvas.shape[:2]
    canvas *= vignette(height, width, rng, rng.uniform(0.0, 0.5))[..., None]
    if rng.random() < 0.3:
        canvas *= curved_shadow(height, width, rng)[..., None]
    canvas = camera_noise(canvas, rng, rng.uniform(1, 10))
    return save(canvas, rng, quality=int(rng.integers(25, 92)), twice=rng.random() < 0.3)


# --------------------------------------------------------------------------- the set

CONDITIONS = (
    "clean",
    "noise",
    "lighting",
    "grey_ink",
    "colour_ink",
    "ruled",
    "squared",
    "shadow",
    "jpeg",
    "position",
    "size",
    "stroke",
    "blur_rotate",
    "white_on_black",
    "combined",
    "pen",
)


def build(out: Path, per_condition: int, per_kind: int, inks: dict[str, np.ndarray] | None = None) -> int:
    """Write the set into ``out``; ``inks`` gets each picture's digit as drawn on it, by file name."""
    with np.load(ROOT / "assets" / "mnist" / "mnist-sample.npz", allow_pickle=False) as f:
        x_test, y_test = f["x_test"], f["y_test"]
    rows: list[tuple[str, str, str, str, str]] = []
    out.mkdir(parents=True, exist_ok=True)
    for ci, condition in enumerate(CONDITIONS):
        rng = np.random.default_rng([SEED, ci])
        folder = out / condition
        folder.mkdir(exist_ok=True)
        indices = rng.choice(len(x_test), per_condition, replace=False)
        for n, i in enumerate(indices):
            label = n % 10 if condition == "pen" else int(y_test[i])
            digit = pen_digit(label, rng) if condition == "pen" else x_test[i].astype(np.float32)
            drawn: list[np.ndarray] = []
            data, ext, box = digit_picture(digit, rng, condition, drawn)
            name = f"{n:03d}_{label}.{ext}"
            if inks is not None:
                inks[f"{condition}/{name}"] = drawn[0]
            (folder / name).write_bytes(data)
            rows.append((condition, f"{condition}/{name}", str(label), box, "" if condition == "pen" else str(i)))
    rng = np.random.default_rng([SEED, 100])
    (out / "no_digit").mkdir(exist_ok=True)
    for kind in NO_DIGIT_KINDS:
        for n in range(per_kind):
            data, ext = no_digit_picture(kind, n, rng)
            name = f"{kind}_{n}.{ext}"
            (out / "no_digit" / name).write_bytes(data)
            rows.append(("no_digit", f"no_digit/{name}", "-", "", ""))
    with open(out / "manifest.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(("condition", "file", "label", "box", "mnist"))
        writer.writerows(rows)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-condition", type=int, default=20)
    parser.add_argument("--per-kind", type=int, default=8)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    n = build(args.output, args.per_condition, args.per_kind)
    size = sum(p.stat().st_size for p in args.output.rglob("*") if p.is_file())
    print(f"Wrote {n} pictures to {args.output} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
