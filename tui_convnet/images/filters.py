"""Small image filters in numpy for the preprocessing: blur, minimum and maximum filters, resizing, Otsu's threshold.

Every function takes and returns 2-D float32 arrays (edges repeat the border
pixel); nothing here knows about digits. Data layer: numpy and Pillow.
"""

from __future__ import annotations

import numpy as np


def gaussian(a: np.ndarray, sigma: float) -> np.ndarray:
    """``a`` blurred by a Gaussian of standard deviation ``sigma`` pixels (separable, radius 3σ)."""
    a = np.asarray(a, dtype=np.float32)
    if sigma <= 0:
        return a.copy()
    radius = max(1, int(np.ceil(3 * sigma)))
    x = np.arange(-radius, radius + 1, dtype=np.float32)
    kernel = np.exp(-0.5 * (x / sigma) ** 2)
    kernel /= kernel.sum()
    out = a
    for axis in (0, 1):
        n = out.shape[axis]
        padded = np.pad(out, [(radius, radius) if i == axis else (0, 0) for i in range(2)], mode="edge")
        acc = np.zeros_like(out)
        for k, weight in enumerate(kernel):
            acc += weight * (padded[k : k + n] if axis == 0 else padded[:, k : k + n])
        out = acc
    return out


def _rank(a: np.ndarray, size: int, pick: np.ufunc) -> np.ndarray:
    a = np.asarray(a, dtype=np.float32)
    if size <= 1:
        return a.copy()
    before, after = (size - 1) // 2, size // 2
    out = a
    for axis in (0, 1):
        n = out.shape[axis]
        padded = np.pad(out, [(before, after) if i == axis else (0, 0) for i in range(2)], mode="edge")
        acc = padded[:n] if axis == 0 else padded[:, :n]
        acc = acc.copy()
        for k in range(1, size):
            pick(acc, padded[k : k + n] if axis == 0 else padded[:, k : k + n], out=acc)
        out = acc
    return out


def minimum(a: np.ndarray, size: int) -> np.ndarray:
    """The smallest value in the ``size`` x ``size`` square around each pixel (grey erosion)."""
    return _rank(a, size, np.minimum)


def maximum(a: np.ndarray, size: int) -> np.ndarray:
    """The largest value in the ``size`` x ``size`` square around each pixel (grey dilation)."""
    return _rank(a, size, np.maximum)


def resize(a: np.ndarray, height: int, width: int) -> np.ndarray:
    """``a`` resized to ``height`` x ``width``: bilinear, averaging over the covered pixels when shrinking."""
    from PIL import Image

    a = np.asarray(a, dtype=np.float32)
    if a.shape == (height, width):
        return a.copy()
    image = Image.fromarray(np.ascontiguousarray(a), mode="F")
    return np.asarray(image.resize((width, height), Image.Resampling.BILINEAR), dtype=np.float32)


def otsu(values: np.ndarray, bins: int = 256) -> tuple[float, float]:
    """Otsu's threshold of ``values`` and its effectiveness (between-class variance over total variance, 0..1).

    The threshold maximises the variance between the two classes it makes; the
    effectiveness is near 1 for two well separated groups (ink and paper) and
    about 0.6-0.75 for one bell-shaped group (noise alone).
    """
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    low, high = float(v.min()), float(v.max())
    if high - low < 1e-9:
        return high, 0.0
    hist, edges = np.histogram(v, bins=bins, range=(low, high))
    p = hist / hist.sum()
    centres = (edges[:-1] + edges[1:]) / 2
    w0 = np.cumsum(p)
    m = np.cumsum(p * centres)
    total_mean = m[-1]
    w1 = 1.0 - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (total_mean * w0 - m) ** 2 / (w0 * w1)
    between = np.nan_to_num(between[:-1])
    k = int(np.argmax(between))
    variance = float(np.sum(p * (centres - total_mean) ** 2))
    return float(edges[k + 1]), float(between[k] / variance) if variance > 0 else 0.0
