"""Your own image as an MNIST digit: read it, then the MNIST preprocessing, stage by stage.

Reading (:func:`read_image`): PNG and JPEG through Pillow, PGM (Pillow's PPM
reader), and ``.npy`` files holding one 2-D array (``allow_pickle=False``).
The pixel count is capped *before* anything is decoded: Pillow reads the size
from the header, numpy from the ``.npy`` header.

The preprocessing is five pure functions a student can follow (and the
screens can show one by one); :func:`preprocess` runs them in order:

1. :func:`grayscale` — colour to grey (ITU-R 601 luma, as Pillow's ``L``),
   transparent pixels count as white paper;
2. :func:`white_on_black` — MNIST digits are white ink on black: the
   background (the median of the border pixels) is made 0 and the brightest
   ink 1, inverting first when the background is light;
3. :func:`crop_to_digit` — cut to the bounding box of the ink;
4. :func:`scale_to_box` — scale so the longer side is 20 pixels (aspect ratio kept);
5. :func:`centre_by_mass` — paste into a 28x28 frame so that the centre of
   mass lands on pixel (14, 14), rounded to whole pixels: where MNIST's own
   digits have it (the mean over the test set is 13.99, 14.01).

Every value is a float in [0, 1]. Data layer: numpy and Pillow; never imports
training or ui.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .fileio import PathError, os_reason, user_path
from .npy_header import read_npy_header

#: The largest image read, in pixels (width·height): 25 megapixels, a large phone photo.
MAX_PIXELS = 25_000_000
FRAME = 28  # MNIST's frame
BOX = 20  # the longer side of the digit inside it
#: A pixel is ink (for the bounding box) above this fraction of the brightest ink.
INK_THRESHOLD = 0.1
#: Below this contrast (brightest ink minus background) the image is blank.
MIN_CONTRAST = 0.1
PILLOW_FORMATS = ("PNG", "JPEG", "PPM")  # PPM is Pillow's reader for PGM (and PPM/PBM)


class ImageError(ValueError):
    """An image that cannot be used as a digit; the message says why (and names the file)."""


# --------------------------------------------------------------------------- reading


def _check_size(path: Path, height: int, width: int) -> None:
    if height <= 0 or width <= 0:
        raise ImageError(f"{path}: the image is empty. Received: size={width}x{height}")
    if height * width > MAX_PIXELS:
        raise ImageError(
            f"{path}: the image is too big ({width * height:,} pixels; at most {MAX_PIXELS:,}). "
            f"Received: size={width}x{height}"
        )


def _read_npy(path: Path) -> np.ndarray:
    try:
        with open(path, "rb") as f:
            shape, _, dtype = read_npy_header(f)  # a damaged header is a ValueError (was tokenize.TokenError)
    except (OSError, ValueError, EOFError) as exc:
        raise ImageError(f"{path}: cannot read it as a .npy array ({exc}).") from None
    if len(shape) != 2:
        raise ImageError(f"{path}: a .npy image must be a 2-D array (height, width). Received: shape={shape}")
    if dtype.kind not in "buif":
        raise ImageError(f"{path}: a .npy image must hold numbers. Received: dtype={dtype}")
    _check_size(path, shape[0], shape[1])
    try:
        a = np.asarray(np.load(path, allow_pickle=False), dtype=np.float64)
    except (OSError, ValueError, EOFError) as exc:
        raise ImageError(f"{path}: cannot read it as a .npy array ({exc}).") from None
    if not np.all(np.isfinite(a)):
        raise ImageError(f"{path}: the array holds NaN or infinite values.")
    low, high = float(a.min()), float(a.max())
    if low < 0 or high > 255:
        raise ImageError(f"{path}: pixel values must be in [0, 1] or [0, 255]. Received: min={low:g}, max={high:g}")
    scale = 1.0 if high <= 1 else 255.0
    return (a / scale).astype(np.float32)


def _pillow_pixels(image: Any) -> np.ndarray:
    """A decoded Pillow image as floats in [0, 1]: ``(H, W)`` grey, ``(H, W, 3)`` RGB or ``(H, W, 4)`` RGBA."""
    mode = image.mode
    if mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        a = np.asarray(image, dtype=np.float64)
        high = float(a.max()) if a.size else 0.0
        scale = 1.0 if mode == "F" and high <= 1 else 255.0 if high <= 255 else 65535.0
        return np.clip(a / scale, 0, 1).astype(np.float32)
    if "A" in mode or (mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
    elif mode not in ("L", "RGB"):
        image = image.convert("L" if mode in ("1", "LA", "La") else "RGB")
    return np.asarray(image, dtype=np.float32) / 255.0


def _declared_size(head: bytes) -> tuple[int, int] | None:
    """``(width, height)`` from a PNG's IHDR or a PGM/PPM/PBM header (Pillow refuses 0x0 files
    without saying why; this lets the message say it)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24:
        return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if head[:1] == b"P" and head[1:2] in b"123456":
        fields = head[2:].split(maxsplit=2)
        if len(fields) >= 2 and fields[0].isdigit() and fields[1].isdigit():
            return int(fields[0]), int(fields[1])
    return None


def _read_pillow(path: Path) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning: we apply our own, smaller cap
            image = Image.open(path, formats=PILLOW_FORMATS)
    except Image.DecompressionBombError:
        raise ImageError(f"{path}: the image is too big (at most {MAX_PIXELS:,} pixels).") from None
    except UnidentifiedImageError:
        try:
            with open(path, "rb") as f:
                size = _declared_size(f.read(64))
        except OSError:
            size = None
        if size is not None and 0 in size:
            raise ImageError(f"{path}: the image is empty. Received: size={size[0]}x{size[1]}") from None
        raise ImageError(f"{path}: not an image convnet-tui can read (PNG, JPEG, PGM or a 2-D .npy array).") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageError(f"{path}: cannot read the image ({exc}).") from None
    with image:
        width, height = image.size
        _check_size(path, height, width)  # before a single pixel is decoded
        try:
            image.load()
            return _pillow_pixels(image)
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise ImageError(f"{path}: cannot decode the image ({exc}).") from None


def read_image(path: str | os.PathLike[str]) -> np.ndarray:
    """The pixels of an image file as floats in [0, 1]: ``(H, W)``, ``(H, W, 3)`` or ``(H, W, 4)``.

    Raises :class:`ImageError` (one line, naming the file) for a missing or
    unreadable file, a file that is not an image, an empty (0x0) or a huge one.
    """
    try:
        path = user_path(path, "image path", "--image")  # ~nouser: one line (was RuntimeError)
        if not path.exists():
            raise ImageError(f"No such image file: {path}")
        if not path.is_file():
            raise ImageError(f"Not a file: {path}")
    except PathError as exc:
        raise ImageError(str(exc)) from None
    except OSError as exc:  # a folder that cannot be searched, a name too long: was exit 1 without the name
        raise ImageError(f"{path}: cannot read it ({os_reason(exc)}).") from None
    if path.suffix.lower() == ".npy":
        return _read_npy(path)
    return _read_pillow(path)


# --------------------------------------------------------------------------- the stages


def grayscale(pixels: np.ndarray) -> np.ndarray:
    """Stage 1: one grey level per pixel (0 black … 1 white).

    RGB: ``0.299 R + 0.587 G + 0.114 B`` (ITU-R 601, Pillow's ``L``). RGBA:
    composited on white paper first, so a digit drawn on a transparent
    background keeps its strokes.
    """
    a = np.asarray(pixels, dtype=np.float32)
    if a.ndim == 2:
        return a
    if a.ndim != 3 or a.shape[2] not in (3, 4):
        raise ImageError(f"An image must be (H, W), (H, W, 3) or (H, W, 4). Received: shape={a.shape}")
    rgb = a[..., :3]
    if a.shape[2] == 4:
        alpha = a[..., 3:]
        rgb = rgb * alpha + (1.0 - alpha)
    luma = np.asarray([0.299, 0.587, 0.114], dtype=np.float32)
    return np.asarray(rgb @ luma, dtype=np.float32)


def border_level(gray: np.ndarray) -> float:
    """The background's grey level: the median of the outermost ring of pixels."""
    ring = np.concatenate([gray[0], gray[-1], gray[1:-1, 0], gray[1:-1, -1]])
    return float(np.median(ring))


@dataclass(frozen=True, eq=False)
class Contrast:
    """Stage 2's result: the image as white ink on black, and what was done to get there."""

    image: np.ndarray
    inverted: bool  # the background was light, so black and white were swapped
    background: float  # the background's grey level as read (before any inverting)
    peak: float  # the brightest ink before stretching


def white_on_black(gray: np.ndarray) -> Contrast:
    """Stage 2: white digit on black. Invert when the background is light (above 0.5),
    then stretch so the background is 0 and the brightest ink 1.

    A blank image (contrast below :data:`MIN_CONTRAST`) raises :class:`ImageError`.
    """
    g = np.asarray(gray, dtype=np.float32)
    if g.ndim != 2 or g.size == 0:
        raise ImageError(f"The image is empty. Received: shape={g.shape}")
    border = border_level(g)
    inverted = border > 0.5
    background = 1.0 - border if inverted else border
    if inverted:
        g = 1.0 - g
    peak = float(g.max())
    if peak - background < MIN_CONTRAST:
        raise ImageError(
            f"The image is blank: no digit stands out from the background. "
            f"Received: contrast={max(peak - background, 0):.3f}"
        )
    out = np.clip((g - background) / (peak - background), 0.0, 1.0).astype(np.float32)
    return Contrast(out, inverted, border, peak)


def ink_box(image: np.ndarray) -> tuple[int, int, int, int]:
    """The bounding box ``(top, left, bottom, right)`` (exclusive ends) of the pixels above
    :data:`INK_THRESHOLD` of the brightest one."""
    a = np.asarray(image)
    peak = float(a.max()) if a.size else 0.0
    if peak <= 0:
        raise ImageError("The image is blank: there is no ink to crop to.")
    ink = a > INK_THRESHOLD * peak
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def crop_to_digit(image: np.ndarray) -> np.ndarray:
    """Stage 3: the bounding box of the ink (see :func:`ink_box`)."""
    top, left, bottom, right = ink_box(image)
    return np.asarray(image, dtype=np.float32)[top:bottom, left:right]


def scaled_size(height: int, width: int, box: int = BOX) -> tuple[int, int]:
    """``(height, width)`` with the longer side ``box`` and the aspect ratio kept (at least 1 pixel)."""
    if height <= 0 or width <= 0:
        raise ImageError(f"Cannot scale an empty image. Received: shape=({height}, {width})")
    longer = max(height, width)
    return max(1, round(height * box / longer)), max(1, round(width * box / longer))


def scale_to_box(image: np.ndarray, box: int = BOX) -> np.ndarray:
    """Stage 4: resize so the longer side is ``box`` pixels (bilinear, antialiased when shrinking)."""
    from PIL import Image

    a = np.asarray(image, dtype=np.float32)
    if a.ndim != 2:
        raise ImageError(f"Only a 2-D grey image can be scaled. Received: shape={a.shape}")
    height, width = scaled_size(a.shape[0], a.shape[1], box)
    if (height, width) == a.shape:
        return a.copy()
    resized = Image.fromarray(a, mode="F").resize((width, height), Image.Resampling.BILINEAR)
    return np.clip(np.asarray(resized, dtype=np.float32), 0.0, 1.0)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """``(row, column)`` of the intensity-weighted mean position (pixel centres at whole numbers)."""
    a = np.asarray(image, dtype=np.float64)
    total = float(a.sum())
    if total <= 0:
        raise ImageError("The image is blank: it has no centre of mass.")
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
    """Stage 5: paste ``image`` into a ``frame`` x ``frame`` black frame, centred on its centre of mass."""
    a = np.asarray(image, dtype=np.float32)
    top, left = mass_offset(a, frame)
    out = np.zeros((frame, frame), dtype=np.float32)
    out[top : top + a.shape[0], left : left + a.shape[1]] = a
    return out


# --------------------------------------------------------------------------- all stages


@dataclass(frozen=True, eq=False)
class Preprocessed:
    """Every stage of the MNIST preprocessing, to show one by one; ``digit`` is what the network sees."""

    gray: np.ndarray  # stage 1
    contrast: Contrast  # stage 2
    box: tuple[int, int, int, int]  # stage 3: (top, left, bottom, right) in ``gray``
    cropped: np.ndarray
    scaled: np.ndarray  # stage 4
    offset: tuple[int, int]  # stage 5: where ``scaled`` sits in the frame
    digit: np.ndarray  # (28, 28) float32 in [0, 1]

    @property
    def model_input(self) -> np.ndarray:
        """``(28, 28, 1)``, as the lecture's model takes it."""
        return self.digit[..., None]


def preprocess(pixels: np.ndarray) -> Preprocessed:
    """Run the five stages on ``pixels`` (``(H, W)`` grey or ``(H, W, 3|4)`` colour, floats in [0, 1])."""
    gray = grayscale(pixels)
    if gray.size == 0:
        raise ImageError(f"The image is empty. Received: shape={gray.shape}")
    contrast = white_on_black(gray)
    box = ink_box(contrast.image)
    top, left, bottom, right = box
    cropped = contrast.image[top:bottom, left:right]
    scaled = scale_to_box(cropped)
    offset = mass_offset(scaled)
    return Preprocessed(gray, contrast, box, cropped, scaled, offset, centre_by_mass(scaled))


def load_digit(path: str | os.PathLike[str]) -> Preprocessed:
    """Read an image file and preprocess it; every failure is an :class:`ImageError` naming the file."""
    pixels = read_image(path)
    try:
        return preprocess(pixels)
    except ImageError as exc:
        raise ImageError(f"{user_path(path)}: {exc}") from None


@dataclass(frozen=True, eq=False)
class Stage:
    """One stage of the preprocessing, to show: its name, its image and what it did."""

    title: str
    image: np.ndarray
    note: str


def stages(p: Preprocessed) -> list[Stage]:
    """The five stages of ``p``, each with a sentence saying what it did to this image."""
    h, w = p.gray.shape
    c = p.contrast
    top, left, bottom, right = p.box
    row, col = centre_of_mass(p.scaled)
    top_at, left_at = p.offset
    flip = "light, so inverted" if c.inverted else "dark, kept"
    return [
        Stage("1 grayscale", p.gray, f"{h}×{w} grey levels, 0 black … 1 white"),
        Stage(
            "2 white on black",
            c.image,
            f"background {c.background:.2f} ({flip}); stretched so it is 0 and the brightest ink {c.peak:.2f} is 1",
        ),
        Stage(
            "3 crop to the ink",
            p.cropped,
            f"rows {top}–{bottom - 1}, columns {left}–{right - 1} → {bottom - top}×{right - left}",
        ),
        Stage(
            "4 longer side to 20", p.scaled, f"{bottom - top}×{right - left} → {p.scaled.shape[0]}×{p.scaled.shape[1]}"
        ),
        Stage(
            "5 centre by mass",
            p.digit,
            f"centre of mass ({row:.1f}, {col:.1f}) → pixel (14, 14): placed at row {top_at}, column {left_at}",
        ),
    ]
