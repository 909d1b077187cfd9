"""Pictures without a digit, made on the spot from a seed: faces, textures, noise and blank paper.

The preprocessing must refuse them ("no digit found") or at least never hand the network a crop it
reads with confidence. They are made here, not read from files, so the tests can try many kinds and
sizes cheaply; a few of the same kinds are also in the photo set's ``no_digit`` folder.
Every function returns an ``(H, W, 3)`` float32 picture in [0, 1].
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

Rng = np.random.Generator


def _finish(img: Image.Image, rng: Rng, blur: float, noise: float) -> np.ndarray:
    if blur > 0:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    a = np.asarray(img, dtype=np.float32) / 255.0
    a = a + rng.normal(0, noise / 255, a.shape).astype(np.float32)
    out: np.ndarray = np.clip(a, 0, 1).astype(np.float32)
    return out


def _colour(rng: Rng, low: int, high: int) -> tuple[int, int, int]:
    c = rng.integers(low, high, 3)
    return int(c[0]), int(c[1]), int(c[2])


def face(rng: Rng, side: int | None = None) -> np.ndarray:
    """A face as a phone would see it: a shaded oval on a background, hair, eyes, brows, nose, mouth, shoulders."""
    side = side or int(rng.integers(120, 900))
    h, w = side, int(side * rng.uniform(0.75, 1.35))
    light_bg = rng.random() < 0.7
    bg = _colour(rng, 170, 250) if light_bg else _colour(rng, 10, 90)
    img = Image.new("RGB", (w, h), bg)
    draw = ImageDraw.Draw(img)
    skin = _colour(rng, 110, 235)
    hair = _colour(rng, 5, 110)
    cx, cy = w * rng.uniform(0.35, 0.65), h * rng.uniform(0.4, 0.6)
    rx, ry = w * rng.uniform(0.15, 0.35), h * rng.uniform(0.22, 0.4)
    if rng.random() < 0.85:  # hair: a cap, sometimes long down the sides
        down = rng.uniform(0.2, 1.1)
        draw.ellipse([cx - rx * 1.12, cy - ry * 1.18, cx + rx * 1.12, cy + ry * down], fill=hair)
    if rng.random() < 0.6:  # shoulders
        draw.ellipse([cx - rx * 2.2, cy + ry * 0.95, cx + rx * 2.2, cy + ry * 3.5], fill=_colour(rng, 20, 230))
    draw.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=skin)
    line = max(1, int(rx * rng.uniform(0.03, 0.09)))
    for s in (-1, 1):
        ex, ey = cx + s * rx * 0.4, cy - ry * 0.15
        draw.ellipse([ex - rx * 0.16, ey - ry * 0.07, ex + rx * 0.16, ey + ry * 0.07], fill=(240, 240, 240))
        draw.ellipse([ex - rx * 0.07, ey - ry * 0.07, ex + rx * 0.07, ey + ry * 0.07], fill=hair)
        if rng.random() < 0.7:  # brows: the most stroke-like part of a face
            draw.line([(ex - rx * 0.2, ey - ry * 0.16), (ex + rx * 0.2, ey - ry * 0.2)], fill=hair, width=line * 2)
    shade = tuple(int(v * 0.7) for v in skin)
    draw.line(
        [(cx, cy - ry * 0.05), (cx - rx * 0.1, cy + ry * 0.22), (cx + rx * 0.05, cy + ry * 0.25)],
        fill=shade,
        width=line,
    )
    mouth = _colour(rng, 90, 200)
    draw.arc([cx - rx * 0.4, cy + ry * 0.25, cx + rx * 0.4, cy + ry * 0.65], 20, 160, fill=mouth, width=line * 2)
    blur = float(rng.uniform(0, 3)) * side / 300
    return _finish(img, rng, blur, float(rng.uniform(1, 8)))


def texture(rng: Rng, side: int | None = None) -> np.ndarray:
    """A surface: blotches (smoothed noise), stripes, a checkerboard, wood grain, dots or bricks."""
    side = side or int(rng.integers(64, 800))
    h, w = side, int(side * rng.uniform(0.75, 1.35))
    kind = str(rng.choice(["blotches", "stripes", "checks", "wood", "dots", "bricks"]))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    period = float(rng.uniform(0.04, 0.25)) * side
    theta = float(rng.uniform(0, np.pi))
    u = np.cos(theta) * xx + np.sin(theta) * yy
    v = -np.sin(theta) * xx + np.cos(theta) * yy
    if kind == "blotches":
        small = rng.normal(0, 1, (max(2, int(h / period * 3)), max(2, int(w / period * 3)))).astype(np.float32)
        g = np.asarray(Image.fromarray(small, mode="F").resize((w, h), Image.Resampling.BICUBIC), dtype=np.float32)
        g = (g - g.min()) / max(float(np.ptp(g)), 1e-6)
        if rng.random() < 0.5:
            g = (g > rng.uniform(0.4, 0.7)).astype(np.float32)
    elif kind == "stripes":
        g = (np.sin(2 * np.pi * u / period) > rng.uniform(-0.5, 0.5)).astype(np.float32)
    elif kind == "checks":
        g = ((np.floor(u / period) + np.floor(v / period)) % 2).astype(np.float32)
    elif kind == "wood":
        warp = np.sin(2 * np.pi * v / (period * 7)) * period * rng.uniform(0.3, 1.5)
        g = 0.5 + 0.5 * np.sin(2 * np.pi * (u + warp) / period)
    elif kind == "dots":
        g = (np.mod(u, period) - period / 2) ** 2 + (np.mod(v, period) - period / 2) ** 2 < (period * 0.3) ** 2
        g = g.astype(np.float32)
    else:  # bricks: mortar lines on a flat wall
        row = np.floor(yy / period)
        g = (np.mod(yy, period) < period * 0.12) | (np.mod(xx + (row % 2) * period, 2 * period) < period * 0.12)
        g = g.astype(np.float32)
    a, b = np.asarray(_colour(rng, 0, 255), np.float32) / 255, np.asarray(_colour(rng, 0, 255), np.float32) / 255
    page = a + (b - a) * g[..., None]
    img = Image.fromarray((np.clip(page, 0, 1) * 255).astype(np.uint8), mode="RGB")
    return _finish(img, rng, float(rng.uniform(0, 2)), float(rng.uniform(1, 10)))


def noise(rng: Rng, side: int | None = None) -> np.ndarray:
    """Pure noise: uniform, Gaussian or salt-and-pepper, grey or per channel."""
    side = side or int(rng.choice([28, 48, 96, 200, 500]))
    h, w = side, int(side * rng.uniform(0.75, 1.35))
    kind = str(rng.choice(["uniform", "gaussian", "salt"]))
    channels = 3 if rng.random() < 0.5 else 1
    if kind == "uniform":
        a = rng.uniform(0, 1, (h, w, channels))
    elif kind == "gaussian":
        a = rng.normal(rng.uniform(0.3, 0.7), rng.uniform(0.05, 0.3), (h, w, channels))
    else:
        a = np.full((h, w, channels), rng.uniform(0.3, 0.8))
        density = rng.uniform(0.01, 0.2)
        a[rng.random((h, w, channels)) < density / 2] = 0.0
        a[rng.random((h, w, channels)) < density / 2] = 1.0
    return np.clip(np.broadcast_to(a, (h, w, 3)), 0, 1).astype(np.float32)


def blank(rng: Rng, side: int | None = None) -> np.ndarray:
    """Paper and nothing on it: a tint, uneven light, sometimes a shadow at one edge, the camera's noise."""
    side = side or int(rng.integers(28, 900))
    h, w = side, int(side * rng.uniform(0.75, 1.35))
    page = np.broadcast_to(np.asarray(_colour(rng, 170, 250), np.float32) / 255, (h, w, 3)).copy()
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    theta = rng.uniform(0, 2 * np.pi)
    g = np.cos(theta) * xx / w + np.sin(theta) * yy / h
    page *= (1 - rng.uniform(0, 0.4) * (g - g.min()) / max(float(np.ptp(g)), 1e-6))[..., None]
    if rng.random() < 0.4:
        edge = rng.uniform(0.1, 0.3) * w
        page[:, : int(edge)] *= rng.uniform(0.5, 0.8)
    img = Image.fromarray((np.clip(page, 0, 1) * 255).astype(np.uint8), mode="RGB")
    return _finish(img, rng, float(rng.uniform(0, 1.5)), float(rng.uniform(1, 10)))


KINDS = {"face": face, "texture": texture, "noise": noise, "blank": blank}


def picture(kind: str, seed: int, side: int | None = None) -> np.ndarray:
    """The ``seed``-th picture of ``kind`` (one of :data:`KINDS`)."""
    return KINDS[kind](np.random.default_rng([2512, list(KINDS).index(kind), seed]), side)
