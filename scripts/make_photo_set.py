"""Write the photo test set: official MNIST test digits turned into pictures a student would take.

``tests/images/photos/`` gets one folder per condition, each picture named
``<number>_<label>.<ext>``, and ``manifest.csv`` (condition, file, label, the
digit's box ``top left bottom right`` in the picture's pixels and the index of
the MNIST test digit it shows; the label ``-`` for the pictures without a digit). Everything is drawn from seeded
generators, so a rerun with the same numpy and Pillow writes the same files:

    .venv/bin/python scripts/make_photo_set.py [--per-condition 30] [--output DIR]

A picture is paper (a slightly tinted near-white, or a dark board) with the
digit's strokes as ink: the 28x28 digit scaled up smoothly to the digit's
size, made thinner or bolder (a pen is thinner than MNIST's strokes), turned
a little and placed anywhere. Each condition then adds what a phone or a
scanner adds (see :data:`CONDITIONS`); ``combined`` adds several at once.
``drawn`` are digits drawn here as pen strokes (hand-typed pen paths, not MNIST);
``no_digit`` are blank paper, ruled paper, pure noise, face-like pictures and textures.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "tests" / "images" / "photos"
SEED = 25

Rng = np.random.Generator


# --------------------------------------------------------------------------- pieces


def digit_alpha(digit: np.ndarray, size: int, rng: Rng, *, stroke: float = 1.0, angle: float = 0.0) -> np.ndarray:
    """The digit's ink coverage (0..1), ``size`` pixels high: scaled up smoothly, strokes made
    thinner (``stroke`` < 1) or bolder (> 1), turned by ``angle`` degrees."""
    img = Image.fromarray(digit.astype(np.uint8), mode="L")
    if angle:
        img = img.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=0)
    big = np.asarray(img.resize((size, size), Image.Resampling.BICUBIC), dtype=np.float32) / 255.0
    # MNIST's anti-aliased edge at 0.5 marks the stroke's edge; moving the cut makes the stroke thinner or bolder.
    cut = float(np.clip(0.5 - 0.35 * (stroke - 1.0), 0.12, 0.92))
    soft = 0.06 + 0.6 / max(size, 28)
    return np.asarray(np.clip((big - cut) / soft + 0.5, 0.0, 1.0), dtype=np.float32)


def paper(h: int, w: int, rng: Rng, *, dark: bool = False) -> np.ndarray:
    """``(h, w, 3)`` paper colour: near-white with a slight tint, or a dark board."""
    if dark:
        base = rng.uniform(0.05, 0.25) + rng.uniform(-0.03, 0.03, 3)
    else:
        base = rng.uniform(0.78, 0.97) - rng.uniform(0.0, 0.06, 3)
    return np.broadcast_to(np.clip(base, 0, 1).astype(np.float32), (h, w, 3)).copy()


def ink_colour(rng: Rng, kind: str) -> np.ndarray:
    if kind == "black":
        return np.full(3, rng.uniform(0.0, 0.18), np.float32)
    if kind == "grey":
        return np.full(3, rng.uniform(0.35, 0.55), np.float32)
    if kind == "white":
        return np.full(3, rng.uniform(0.8, 1.0), np.float32)
    colours = {
        "blue": (0.1, 0.2, 0.75),
        "red": (0.8, 0.1, 0.1),
        "green": (0.1, 0.55, 0.2),
        "violet": (0.45, 0.15, 0.6),
        "orange": (0.9, 0.45, 0.05),
    }
    name = str(rng.choice(sorted(colours)))
    return np.clip(np.asarray(colours[name]) + rng.uniform(-0.08, 0.08, 3), 0, 1).astype(np.float32)


Box = tuple[int, int, int, int]


def ink_box(alpha: np.ndarray, top: int, left: int) -> Box:
    """``(top, left, bottom, right)`` (exclusive ends) of the pixels at least half inked, on the page."""
    rows, cols = np.flatnonzero((alpha >= 0.5).any(axis=1)), np.flatnonzero((alpha >= 0.5).any(axis=0))
    if not rows.size:
        return (top, left, top, left)
    return (top + int(rows[0]), left + int(cols[0]), top + int(rows[-1]) + 1, left + int(cols[-1]) + 1)


def place(canvas: np.ndarray, alpha: np.ndarray, ink: np.ndarray, top: int, left: int) -> Box:
    """Lay ``ink`` on ``canvas`` with coverage ``alpha`` at ``(top, left)`` (in place); the digit's box on it."""
    h, w = alpha.shape
    region = canvas[top : top + h, left : left + w]
    a = alpha[: region.shape[0], : region.shape[1], None]
    region[...] = region * (1 - a) + ink * a
    return ink_box(a[..., 0], top, left)


def lighting(h: int, w: int, rng: Rng, strength: float) -> np.ndarray:
    """A brightness field: a linear gradient in a random direction plus a soft spot, ``1 - strength`` at its darkest."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    theta = rng.uniform(0, 2 * np.pi)
    g = (np.cos(theta) * xx / w + np.sin(theta) * yy / h).astype(np.float32)
    g = (g - g.min()) / max(float(np.ptp(g)), 1e-6)
    cy, cx = rng.uniform(0, h), rng.uniform(0, w)
    spot = np.exp(-(((yy - cy) / (0.6 * h)) ** 2 + ((xx - cx) / (0.6 * w)) ** 2))
    field = 0.7 * g + 0.3 * (1 - spot)
    field = (field - field.min()) / max(float(np.ptp(field)), 1e-6)
    return np.asarray((1.0 - strength * field), dtype=np.float32)


def shadow(h: int, w: int, rng: Rng) -> np.ndarray:
    """A shadow across one edge (a hand or the phone): a darker band with a soft border."""
    depth = rng.uniform(0.35, 0.6)
    reach = rng.uniform(0.15, 0.35)
    soft = rng.uniform(0.01, 0.06)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    side = int(rng.integers(4))
    t = [xx / w, 1 - xx / w, yy / h, 1 - yy / h][side]
    tilt = rng.uniform(-0.1, 0.1) * ([yy / h, yy / h, xx / w, xx / w][side] - 0.5)
    inside = np.clip((reach + tilt - t) / soft + 0.5, 0, 1)
    return np.asarray((1.0 - depth * inside), dtype=np.float32)


def ruled(canvas: np.ndarray, rng: Rng, *, squared: bool) -> None:
    """Light blue (or grey) lines, as on ruled or squared paper; a red margin line on some."""
    h, w, _ = canvas.shape
    img = Image.fromarray((canvas * 255).astype(np.uint8), mode="RGB")
    draw = ImageDraw.Draw(img)
    spacing = rng.uniform(0.06, 0.14) * max(h, w) if not squared else rng.uniform(0.04, 0.09) * max(h, w)
    spacing = max(spacing, 6.0)
    colour = tuple(int(c) for c in rng.choice([(150, 180, 230), (120, 160, 220), (160, 160, 170), (100, 140, 200)]))
    width = int(rng.integers(1, 3 if min(h, w) < 400 else 4))
    slope = rng.uniform(-0.015, 0.015)
    y = rng.uniform(0, spacing)
    while y < h + w * abs(slope):
        draw.line([(0, y), (w, y + slope * w)], fill=colour, width=width)
        y += spacing
    if squared:
        x = rng.uniform(0, spacing)
        while x < w + h * abs(slope):
            draw.line([(x, 0), (x - slope * h, h)], fill=colour, width=width)
            x += spacing
    elif rng.random() < 0.5:
        x = rng.uniform(0.05, 0.15) * w
        draw.line([(x, 0), (x, h)], fill=(220, 90, 90), width=width)
    canvas[...] = np.asarray(img, dtype=np.float32) / 255.0


def blur(canvas: np.ndarray, radius: float) -> np.ndarray:
    if radius <= 0:
        return canvas
    img = Image.fromarray((np.clip(canvas, 0, 1) * 255).astype(np.uint8), mode="RGB")
    img = img.filter(ImageFilter.GaussianBlur(radius))
    return np.asarray(img, dtype=np.float32) / 255.0


def encode(canvas: np.ndarray, rng: Rng, *, quality: int | None, grey: bool) -> tuple[bytes, str]:
    """The picture as file bytes: JPEG at ``quality`` (or PNG when None), grey or RGB."""
    img = Image.fromarray((np.clip(canvas, 0, 1) * 255 + 0.5).astype(np.uint8), mode="RGB")
    if grey:
        img = img.convert("L")
    buffer = io.BytesIO()
    if quality is None:
        img.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue(), "png"
    img.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue(), "jpg"


# --------------------------------------------------------------------------- one picture


def picture(
    digit: np.ndarray, rng: Rng, condition: str, inks: list[np.ndarray] | None = None
) -> tuple[bytes, str, Box]:
    """One picture of ``digit`` under ``condition``, and where the digit is on it; ``inks`` gets the digit's
    own ink (its coverage, before the paper, the light and the camera)."""
    c = condition
    combo = c == "combined"
    pick = (lambda p: rng.random() < p) if combo else (lambda p: False)
    # The page and the digit on it.
    if c == "size":
        side = int(np.exp(rng.uniform(np.log(28), np.log(1600))))
        h = side
        w = int(side * rng.uniform(1.0, 1.4))
        size = int(h * rng.uniform(0.75, 1.0))
    elif c == "position":
        h, w = int(rng.integers(240, 480)), int(rng.integers(240, 480))
        size = int(rng.integers(28, max(29, min(h, w) // 3)))
    else:
        h, w = int(rng.integers(120, 300)), int(rng.integers(120, 320))
        size = int(min(h, w) * rng.uniform(0.45, 0.95))
    dark = c == "white_on_black" or pick(0.2)
    page = paper(h, w, rng, dark=dark)
    if c == "ruled" or pick(0.25):
        ruled(page, rng, squared=False)
    elif c == "squared" or pick(0.2):
        ruled(page, rng, squared=True)
    if dark:
        kind = "white"
    elif c == "grey_ink" or pick(0.3):
        kind = "grey"
    elif c == "colour_ink" or pick(0.3):
        kind = "colour"
    else:
        kind = "black"
    stroke = rng.uniform(0.6, 1.5) if c in ("stroke", "size") or combo else rng.uniform(0.85, 1.2)
    angle = rng.uniform(-15, 15) if c == "blur_rotate" or combo else rng.uniform(-4, 4)
    alpha = digit_alpha(digit, size, rng, stroke=stroke, angle=angle)
    if kind == "grey" or (c == "grey_ink"):
        alpha *= rng.uniform(0.75, 1.0)  # pencil: not even full coverage
    top = int(rng.integers(0, max(1, h - size + 1)))
    left = int(rng.integers(0, max(1, w - size + 1)))
    box = place(page, alpha, ink_colour(rng, kind), top, left)
    if inks is not None:
        inks.append(alpha)
    # What the camera adds.
    if c == "lighting" or pick(0.5):
        page *= lighting(h, w, rng, rng.uniform(0.25, 0.5))[..., None]
    if c == "shadow" or pick(0.25):
        page *= shadow(h, w, rng)[..., None]
    radius = rng.uniform(0.8, 2.0) * max(size, 28) / 100 if c == "blur_rotate" or pick(0.5) else 0.0
    page = blur(page, radius)
    if c == "noise" or combo:
        sigma = rng.uniform(5, 15) / 255 if c == "noise" else rng.uniform(2, 10) / 255
        page = page + rng.normal(0, sigma, (h, w, 1)).astype(np.float32) * (1 if rng.random() < 0.5 else 0)
        page = page + rng.normal(0, sigma, page.shape).astype(np.float32) * 0.5
    if c == "jpeg":
        quality: int | None = int(rng.integers(10, 35))
    elif combo:
        quality = int(rng.integers(25, 90)) if rng.random() < 0.6 else None
    elif c == "size" and h * w > 200_000:
        quality = 85
    else:
        quality = 92
    grey = c == "grey_ink" or (combo and rng.random() < 0.3)
    return (*encode(page, rng, quality=quality, grey=grey), box)


# --------------------------------------------------------------------------- drawn digits

#: Digits drawn here as pen strokes (x, y in a unit box; strokes separated), two hands each.
DRAWN: dict[int, list[list[list[tuple[float, float]]]]] = {
    0: [
        [
            [
                (0.5, 0.05),
                (0.25, 0.15),
                (0.15, 0.5),
                (0.25, 0.85),
                (0.5, 0.95),
                (0.75, 0.85),
                (0.85, 0.5),
                (0.75, 0.15),
                (0.5, 0.05),
            ]
        ],
        [[(0.55, 0.1), (0.3, 0.2), (0.2, 0.55), (0.35, 0.9), (0.6, 0.9), (0.8, 0.6), (0.75, 0.2), (0.5, 0.08)]],
    ],
    1: [
        [[(0.35, 0.25), (0.55, 0.05), (0.55, 0.95)]],
        [[(0.45, 0.05), (0.5, 0.5), (0.55, 0.95)]],
    ],
    2: [
        [[(0.2, 0.25), (0.35, 0.08), (0.6, 0.05), (0.78, 0.2), (0.75, 0.4), (0.2, 0.92), (0.85, 0.92)]],
        [[(0.25, 0.2), (0.5, 0.05), (0.75, 0.2), (0.7, 0.45), (0.4, 0.7), (0.2, 0.9), (0.5, 0.85), (0.85, 0.9)]],
    ],
    3: [
        [
            [
                (0.2, 0.15),
                (0.5, 0.05),
                (0.75, 0.2),
                (0.7, 0.4),
                (0.45, 0.5),
                (0.75, 0.62),
                (0.78, 0.82),
                (0.5, 0.95),
                (0.2, 0.85),
            ]
        ],
        [[(0.25, 0.1), (0.75, 0.1), (0.45, 0.45), (0.7, 0.55), (0.75, 0.8), (0.5, 0.95), (0.25, 0.88)]],
    ],
    4: [
        [[(0.6, 0.05), (0.15, 0.65), (0.85, 0.65)], [(0.62, 0.35), (0.62, 0.95)]],
        [[(0.25, 0.05), (0.2, 0.55), (0.8, 0.55)], [(0.7, 0.05), (0.7, 0.95)]],
    ],
    5: [
        [[(0.75, 0.05), (0.3, 0.05), (0.25, 0.45), (0.55, 0.4), (0.75, 0.6), (0.7, 0.85), (0.45, 0.95), (0.2, 0.85)]],
        [[(0.3, 0.08), (0.25, 0.45), (0.6, 0.42), (0.78, 0.65), (0.6, 0.92), (0.25, 0.9)], [(0.3, 0.08), (0.8, 0.06)]],
    ],
    6: [
        [[(0.7, 0.05), (0.4, 0.3), (0.22, 0.65), (0.35, 0.92), (0.65, 0.92), (0.75, 0.7), (0.55, 0.52), (0.25, 0.65)]],
        [[(0.65, 0.08), (0.3, 0.45), (0.25, 0.8), (0.5, 0.95), (0.75, 0.78), (0.6, 0.55), (0.3, 0.62)]],
    ],
    7: [
        [[(0.15, 0.08), (0.85, 0.08), (0.45, 0.95)]],
        [[(0.2, 0.12), (0.8, 0.08), (0.6, 0.5), (0.5, 0.95)], [(0.4, 0.5), (0.75, 0.5)]],
    ],
    8: [
        [
            [
                (0.5, 0.5),
                (0.25, 0.3),
                (0.5, 0.05),
                (0.75, 0.3),
                (0.5, 0.5),
                (0.22, 0.72),
                (0.5, 0.95),
                (0.78, 0.72),
                (0.5, 0.5),
            ]
        ],
        [[(0.7, 0.15), (0.5, 0.05), (0.3, 0.2), (0.7, 0.7), (0.5, 0.95), (0.3, 0.75), (0.7, 0.3), (0.7, 0.15)]],
    ],
    9: [
        [[(0.75, 0.3), (0.5, 0.05), (0.25, 0.25), (0.4, 0.5), (0.75, 0.35), (0.7, 0.95)]],
        [[(0.72, 0.25), (0.5, 0.08), (0.28, 0.3), (0.5, 0.48), (0.72, 0.3), (0.72, 0.6), (0.6, 0.95)]],
    ],
}


def drawn_picture(label: int, hand: int, rng: Rng) -> tuple[bytes, str, Box]:
    """A digit drawn as pen strokes on paper, photographed: a pen of random width, a little lighting and noise;
    and where the digit is on it."""
    h, w = int(rng.integers(150, 400)), int(rng.integers(150, 400))
    size = int(min(h, w) * rng.uniform(0.4, 0.85))
    top = int(rng.integers(0, h - size + 1))
    left = int(rng.integers(0, w - size + 1))
    dark = rng.random() < 0.2
    page = paper(h, w, rng, dark=dark)
    if rng.random() < 0.4:
        ruled(page, rng, squared=rng.random() < 0.5)
    paper_page = page
    img = Image.fromarray((page * 255).astype(np.uint8), mode="RGB")
    draw = ImageDraw.Draw(img)
    ink = ink_colour(rng, "white" if dark else str(rng.choice(["black", "colour", "grey"])))
    colour = tuple(int(v * 255) for v in ink)
    pen = max(1, int(size * rng.uniform(0.03, 0.12)))
    for stroke in DRAWN[label][hand]:
        jitter = rng.normal(0, 0.015, (len(stroke), 2))
        points = [
            (left + (x + jx) * size, top + (y + jy) * size) for (x, y), (jx, jy) in zip(stroke, jitter, strict=True)
        ]
        draw.line(points, fill=colour, width=pen, joint="curve")
        for x, y in (points[0], points[-1]):
            draw.ellipse([x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2], fill=colour)
    page = np.asarray(img, dtype=np.float32) / 255.0
    ink = np.abs(page - np.asarray(Image.fromarray((paper_page * 255).astype(np.uint8)), np.float32) / 255)
    box = ink_box(ink.max(axis=2) * 2, 0, 0)
    page *= lighting(h, w, rng, rng.uniform(0.0, 0.4))[..., None]
    page = blur(page, rng.uniform(0, 1.2))
    page = page + rng.normal(0, rng.uniform(1, 8) / 255, page.shape).astype(np.float32)
    return (*encode(page, rng, quality=int(rng.integers(60, 95)), grey=False), box)


# --------------------------------------------------------------------------- no digit


def no_digit_picture(kind: str, rng: Rng) -> tuple[bytes, str]:
    """Blank paper, empty ruled paper, pure noise, a face-like picture (shaded oval, eyes, mouth, hair), or a
    surface (stripes, checks, wood, bricks, blotches: the generator the tests use, ``tests/images/_non_digits.py``)."""
    if kind == "texture":
        sys.path.insert(0, str(ROOT / "tests" / "images"))
        from _non_digits import texture

        return encode(texture(rng, int(rng.integers(150, 400))), rng, quality=int(rng.integers(50, 92)), grey=False)
    h, w = int(rng.integers(150, 400)), int(rng.integers(150, 400))
    if kind == "noise":
        page = rng.uniform(0, 1, (h, w, 1)).astype(np.float32).repeat(3, axis=2)
        if rng.random() < 0.5:
            page = rng.normal(0.5, 0.2, (h, w, 3)).astype(np.float32)
        return encode(page, rng, quality=90, grey=False)
    page = paper(h, w, rng)
    if kind == "ruled":
        ruled(page, rng, squared=rng.random() < 0.5)
    if kind == "face":
        img = Image.fromarray((page * 255).astype(np.uint8), mode="RGB")
        draw = ImageDraw.Draw(img)
        skin = tuple(int(v) for v in rng.integers(120, 230, 3))
        cx, cy = w * rng.uniform(0.4, 0.6), h * rng.uniform(0.45, 0.6)
        rx, ry = w * rng.uniform(0.22, 0.32), h * rng.uniform(0.3, 0.4)
        hair = tuple(int(v) for v in rng.integers(10, 90, 3))
        draw.ellipse([cx - rx * 1.1, cy - ry * 1.15, cx + rx * 1.1, cy + ry * 0.3], fill=hair)
        draw.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=skin)
        for side in (-1, 1):
            ex, ey = cx + side * rx * 0.4, cy - ry * 0.15
            draw.ellipse([ex - rx * 0.15, ey - ry * 0.07, ex + rx * 0.15, ey + ry * 0.07], fill=(245, 245, 245))
            draw.ellipse([ex - rx * 0.07, ey - ry * 0.07, ex + rx * 0.07, ey + ry * 0.07], fill=hair)
        draw.arc([cx - rx * 0.4, cy + ry * 0.2, cx + rx * 0.4, cy + ry * 0.6], 20, 160, fill=(120, 40, 40), width=3)
        draw.line(
            [(cx, cy - ry * 0.05), (cx - rx * 0.1, cy + ry * 0.2)], fill=tuple(int(v * 0.7) for v in skin), width=2
        )
        draw.rectangle([0, int(cy + ry * 1.0), w, h], fill=tuple(int(v) for v in rng.integers(30, 200, 3)))
        page = np.asarray(img, dtype=np.float32) / 255.0
        page = blur(page, rng.uniform(1, 3))
    page *= lighting(h, w, rng, rng.uniform(0.0, 0.4))[..., None]
    page = page + rng.normal(0, rng.uniform(2, 10) / 255, page.shape).astype(np.float32)
    return encode(page, rng, quality=int(rng.integers(50, 92)), grey=False)


# --------------------------------------------------------------------------- the set

#: The conditions, each a change from a clean picture (dark ink on light paper, larger than MNIST, off-centre).
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
)
NO_DIGIT_KINDS = ("blank", "ruled", "noise", "face", "texture")


def build(
    out: Path,
    per_condition: int,
    test_digits: Callable[[], tuple[np.ndarray, np.ndarray]],
    inks: dict[str, np.ndarray] | None = None,
) -> int:
    """Write the set into ``out``; ``inks`` gets each MNIST picture's digit as drawn on it, by file name."""
    x_test, y_test = test_digits()
    rows: list[tuple[str, str, str, str, str]] = []
    out.mkdir(parents=True, exist_ok=True)
    for ci, condition in enumerate(CONDITIONS):
        rng = np.random.default_rng([SEED, ci])
        indices = rng.choice(len(x_test), per_condition, replace=False)
        folder = out / condition
        folder.mkdir(exist_ok=True)
        for n, i in enumerate(indices):
            drawn: list[np.ndarray] = []
            data, ext, box = picture(x_test[i], rng, condition, drawn)
            name = f"{n:03d}_{int(y_test[i])}.{ext}"
            if inks is not None:
                inks[f"{condition}/{name}"] = drawn[0]
            (folder / name).write_bytes(data)
            rows.append((condition, f"{condition}/{name}", str(int(y_test[i])), " ".join(map(str, box)), str(i)))
    rng = np.random.default_rng([SEED, 100])
    (out / "drawn").mkdir(exist_ok=True)
    for label in range(10):
        for hand in range(2):
            data, ext, box = drawn_picture(label, hand, rng)
            name = f"{label}{hand}_{label}.{ext}"
            (out / "drawn" / name).write_bytes(data)
            rows.append(("drawn", f"drawn/{name}", str(label), " ".join(map(str, box)), ""))
    rng = np.random.default_rng([SEED, 200])
    (out / "no_digit").mkdir(exist_ok=True)
    for kind in NO_DIGIT_KINDS:
        for n in range(5):
            data, ext = no_digit_picture(kind, rng)
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
    parser.add_argument("--per-condition", type=int, default=30)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)

    def test_digits() -> tuple[np.ndarray, np.ndarray]:
        with np.load(ROOT / "assets" / "mnist" / "mnist-sample.npz", allow_pickle=False) as f:
            return f["x_test"], f["y_test"]

    n = build(args.output, args.per_condition, test_digits)
    size = sum(p.stat().st_size for p in args.output.rglob("*") if p.is_file())
    print(f"Wrote {n} pictures to {args.output} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
