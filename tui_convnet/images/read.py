"""Reading an image file as pixels: PNG, JPEG, WebP, BMP, Netpbm (PBM, PGM, PPM, PFM) and ``.npy``.

:func:`read_image` gives floats in [0, 1]: ``(H, W)`` grey, ``(H, W, 3)`` RGB
or ``(H, W, 4)`` RGBA. PNG, JPEG, WebP, BMP and Netpbm go through Pillow (its PPM reader
reads every Netpbm kind, PFM included); ``.npy`` files hold one 2-D array of
numbers (``allow_pickle=False``). The pixel count is capped *before* anything
is decoded: Pillow reads the size from the header, numpy from the ``.npy`` header.

One rule for every format: pixel values are finite numbers; a float image
(``.npy`` or PFM) holds values in [0, 1] or [0, 255]. Anything else is refused
with one :class:`ImageError` line naming the file.

With ``max_side``, a big picture is decoded small: JPEG at 1/2, 1/4 or 1/8
of its size by the decoder itself (Pillow's ``draft``), WebP straight to the small
size by libwebp's own scaling (:mod:`.webp`), others (an 8-bit PNG inflated by libdeflate
where the system has it, :mod:`.png`) reduced by whole-pixel blocks right after decoding
(a transparent one laid on white paper first),
then resized so the longer side is at most ``max_side``. Numbers (``.npy`` mapped
from the file, PFM, 16-bit PNG and PGM) are checked and averaged a strip of rows at
a time, never copied whole. A photo's EXIF orientation is applied (to the small
picture), so a phone's picture stands upright. At the cap (:data:`MAX_PIXELS`, a
5000x5000 picture) a read takes at most about 225 MiB (an RGBA PNG decoded whole by
Pillow before it is reduced; 125 MiB through libdeflate: the file and its rows); see
``docs/performance.md``. Data layer: numpy and Pillow; never imports training or ui.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..util.fileio import PathError, os_reason, user_path
from ..util.npy_header import read_npy_header

#: The largest image read, in pixels (width·height): 25 megapixels, a large phone photo.
MAX_PIXELS = 25_000_000
#: PPM is Pillow's reader for every Netpbm kind: PBM, PGM, PPM, PFM; WebP and BMP (a phone's or a browser's
#: export, a digit drawn in Paint) come in as 8-bit grey, RGB or RGBA.
PILLOW_FORMATS = ("PNG", "JPEG", "PPM", "WEBP", "BMP")
#: The formats read, as the messages name them.
FORMATS_READ = "PNG, JPEG, WebP, BMP, Netpbm (PBM, PGM, PPM, PFM) or a 2-D .npy array"


class ImageError(ValueError):
    """An image that cannot be used as a digit; the message says why (and names the file)."""


# --------------------------------------------------------------------------- reading


def _one_line(exc: BaseException) -> str:
    """A foreign error's text on one line (numpy's and Pillow's may hold several)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def _check_size(path: Path, height: int, width: int) -> None:
    if height <= 0 or width <= 0:
        raise ImageError(f"{path}: the image is empty. Received: size={width}x{height}")
    if height * width > MAX_PIXELS:
        raise ImageError(
            f"{path}: the image is too big ({width * height:,} pixels; at most {MAX_PIXELS:,}). "
            f"Received: size={width}x{height}"
        )


def _read_npy(path: Path, max_side: int | None = None) -> tuple[np.ndarray, tuple[int, int]]:
    try:
        with open(path, "rb") as f:
            shape, _, dtype = read_npy_header(f)  # a damaged header is a ValueError (was tokenize.TokenError)
    except (OSError, ValueError, EOFError) as exc:
        raise ImageError(f"{path}: cannot read it as a .npy array ({_one_line(exc)}).") from None
    if len(shape) != 2:
        raise ImageError(f"{path}: a .npy image must be a 2-D array (height, width). Received: shape={shape}")
    if dtype.kind not in "buif":
        raise ImageError(f"{path}: a .npy image must hold numbers. Received: dtype={dtype}")
    _check_size(path, shape[0], shape[1])
    try:  # mapped, not read: the checks and the shrinking go through it a strip at a time
        a = np.load(path, allow_pickle=False, mmap_mode="r")
    except (OSError, ValueError, EOFError) as exc:
        raise ImageError(f"{path}: cannot read it as a .npy array ({_one_line(exc)}).") from None
    return float_pixels(path, a, max_side), (int(shape[0]), int(shape[1]))


#: Big pictures are checked and shrunk this many rows at a time (a strip of a 25-megapixel picture:
#: a few MB), so no copy of the whole picture in floats is ever made.
STRIP_ROWS = 256


class _Rows:
    """A decoded Pillow image read into numpy a few rows at a time (``rows[r0:r1]``, ``rows[r0:r1, :c]``)."""

    def __init__(self, image: Any) -> None:
        self.image = image
        self.shape = (int(image.size[1]), int(image.size[0]))

    def __getitem__(self, index: slice | tuple[slice, slice]) -> np.ndarray:
        rows, cols = index if isinstance(index, tuple) else (index, slice(None))
        top, bottom, _ = rows.indices(self.shape[0])
        left, right, _ = cols.indices(self.shape[1])
        return np.asarray(self.image.crop((left, top, right, bottom)))


Pixels = np.ndarray | _Rows


def _strips(a: Pixels, rows: int = STRIP_ROWS) -> Iterator[np.ndarray]:
    """``a`` a strip of ``rows`` rows at a time (one strip in memory at once)."""
    for r in range(0, a.shape[0], rows):
        yield a[r : r + rows]


def float_pixels(path: Path | str, a: Pixels, max_side: int | None = None) -> np.ndarray:
    """The one rule for pixels stored as numbers (``.npy``, PFM): finite, in [0, 1] or [0, 255]; as floats in
    [0, 1], shrunk to ``max_side`` like :func:`block_mean`. Every value is checked as stored, a strip at a time."""
    bad = nan = 0
    low: Any = np.inf
    high: Any = -np.inf
    for strip in _strips(a):
        s = np.asarray(strip)  # checked in the stored type: a cast of a long double past float64 overflowed
        finite = np.isfinite(s)
        if not finite.all():
            bad += int((~finite).sum())
            nan += int(np.isnan(s).sum())
            continue
        low, high = min(low, s.min()), max(high, s.max())
    if bad:
        raise ImageError(
            f"{path}: pixel values must be finite numbers. Received: {bad:,} {'NaN' if nan else 'infinite'} value(s)"
        )
    if low < 0 or high > 255:
        raise ImageError(
            f"{path}: pixel values must be in [0, 1] or [0, 255]. Received: min={_shown(low)}, max={_shown(high)}"
        )
    return block_mean(a, max_side, 1.0 if high <= 1 else 255.0)


def _shown(value: Any) -> str:
    """A stored value as the messages show it: ``0.5``, ``3e+38``; a long double past float64 as it is (``1e+400``)."""
    largest = np.finfo(np.float64).max
    return f"{float(value):g}" if -largest <= value <= largest else str(value)


def block_mean(a: Pixels, max_side: int | None, scale: float) -> np.ndarray:
    """2-D ``a`` divided by ``scale`` as float32, its longer side brought to at most ``max_side``: the mean of
    whole ``k`` x ``k`` blocks first (a strip at a time; the last partial block is dropped), then resized."""
    h, w = a.shape
    k = max(h, w) // max_side if max_side else 1
    if k < 2:
        return _fit((np.asarray(a[0:h], dtype=np.float64) / scale).astype(np.float32), max_side)
    hh, ww = h // k, w // k
    out = np.empty((hh, ww), dtype=np.float32)
    step = max(1, STRIP_ROWS // k)
    for r in range(0, hh, step):
        block = np.asarray(a[r * k : min(r + step, hh) * k, : ww * k], dtype=np.float32)
        out[r : r + step] = block.reshape(-1, k, ww, k).mean(axis=(1, 3), dtype=np.float32)
    out /= scale
    return _fit(out, max_side)


def _numbers(path: Path, image: Any, max_side: int | None) -> np.ndarray:
    """A decoded PFM (``F``) or 16/32-bit grey (``I``) image as floats in [0, 1], shrunk to ``max_side``
    without a copy of the whole picture: read a strip of rows at a time."""
    a = _Rows(image)
    if image.mode == "F":
        return float_pixels(path, a, max_side)
    if image.mode.startswith("I;16"):  # 16-bit PNG or PGM: Pillow's extremes and block means, 2x faster
        high = int(image.getextrema()[1])
        return block_mean_16(image, max_side, 255.0 if high <= 255 else 65535.0)
    high = max((int(s.max()) for s in _strips(a)), default=0)
    return np.asarray(np.clip(block_mean(a, max_side, 255.0 if high <= 255 else 65535.0), 0.0, 1.0))


def block_mean_16(image: Any, max_side: int | None, scale: float) -> np.ndarray:
    """A 16-bit grey Pillow image as :func:`block_mean` makes it (whole ``k`` x ``k`` blocks averaged, divided
    by ``scale``, resized to ``max_side``), the blocks averaged by Pillow a strip at a time (as 32-bit
    integers: a strip, never the whole picture, is widened)."""
    width, height = image.size
    k = max(height, width) // max_side if max_side else 1
    if k < 2:
        return block_mean(_Rows(image), max_side, scale)
    hh, ww = height // k, width // k
    out = np.empty((hh, ww), dtype=np.float32)
    step = max(1, STRIP_ROWS // k)
    for r in range(0, hh, step):
        strip = image.crop((0, r * k, ww * k, min(r + step, hh) * k)).convert("I").reduce(k)
        out[r : r + step] = np.asarray(strip, dtype=np.float32)
    out /= scale
    return _fit(out, max_side)


def _pillow_pixels(path: Path, image: Any) -> np.ndarray:
    """A decoded Pillow image (not ``F`` or ``I``) as floats in [0, 1]: ``(H, W)`` grey, ``(H, W, 3)`` RGB or
    ``(H, W, 4)`` RGBA."""
    mode = image.mode
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


def _shrink(image: Any, max_side: int | None) -> Any:
    """``image`` (decoded) with its longer side at most ``max_side``: whole blocks averaged first, then resized.
    RGBA is laid on white paper first, as :func:`~.preprocess.grayscale` does, and shrunk as RGB (Pillow shrinks
    RGBA premultiplied, twice as slow); an RGBA picture that is opaque everywhere is simply RGB."""
    from PIL import Image

    if max_side is None or max(image.size) <= max_side or image.mode.startswith("I"):
        return image
    if image.mode == "1":
        image = image.convert("L")
    elif image.mode not in ("L", "RGB", "RGBA", "F"):
        image = image.convert("RGBA" if "A" in image.mode or "transparency" in image.info else "RGB")
    if image.mode == "RGBA":
        alpha = image.getchannel("A")
        if alpha.getextrema()[0] == 255:
            image = image.convert("RGB")
        else:
            paper = Image.new("RGB", image.size, (255, 255, 255))
            paper.paste(image, mask=alpha)
            image = paper
    factor = max(image.size) // max_side
    if factor >= 2:
        image = image.reduce(factor)
    if max(image.size) > max_side:
        image = image.resize(_small_size(image.size, max_side), Image.Resampling.BOX)
    return image


def _small_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """``(width, height)`` with the longer side ``max_side`` (at least 1 pixel each)."""
    scale = max_side / max(size)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _webp_small(path: Path, image: Any, max_side: int | None) -> np.ndarray | None:
    """A big WebP decoded straight to the small size by libwebp (see :mod:`.webp`), laid on white paper when
    it is transparent; ``None`` for any other picture, or when libwebp cannot do it (Pillow decodes it)."""
    if max_side is None or image.format != "WEBP" or max(image.size) <= max_side:
        return None
    from .webp import decode_small

    width, height = _small_size(image.size, max_side)
    rgb = decode_small(path.read_bytes(), width, height)
    if rgb is None:
        return None
    pixels = rgb.astype(np.float32) / 255.0
    if pixels.shape[2] == 4:
        alpha = pixels[..., 3:]
        pixels = pixels[..., :3] * alpha + (1.0 - alpha)
    return pixels


def _png_fast(path: Path, image: Any, max_side: int | None) -> tuple[np.ndarray | None, int | None]:
    """A big 8-bit PNG decoded by libdeflate and numpy (see :mod:`.png`) and shrunk like any picture, with its
    EXIF orientation (read from the file's own eXIf chunk: Pillow would decode the whole picture to find one
    after the pixels); ``(None, None)`` when Pillow must decode it."""
    from PIL import Image

    if max_side is None or image.format != "PNG" or max(image.size) <= max_side:
        return None, None
    from .png import decode

    with open(path, "rb") as f:
        data = bytearray(os.fstat(f.fileno()).st_size)  # read into it: no second copy of the file
        if f.readinto(data) != len(data):
            return None, None
    decoded = decode(data)
    del data
    if decoded is None:
        return None, None
    pixels = _reduced_rows(decoded.rows, decoded.pixels, image.size, max_side)
    exif = decoded.exif
    orientation = 1
    if exif is not None or "exif" in image.info:
        found = Image.Exif()
        try:
            found.load(image.info.get("exif") or b"Exif\x00\x00" + (exif or b""))
            orientation = found.get(0x0112, 1)
        except Exception:  # Pillow's EXIF parser raises many kinds on a damaged block
            orientation = 1
    return _pillow_pixels(path, _shrink(pixels, max_side)), orientation if orientation in ORIENTATIONS else 1


def _reduced_rows(rows: np.ndarray, flat: np.ndarray, size: tuple[int, int], max_side: int) -> Any:
    """Decoded PNG rows (``flat``: their pixels from the first row's first pixel) as a Pillow image reduced by
    whole blocks as :func:`_shrink` reduces, a strip of rows at a time (no copy of the whole picture in Pillow):
    grey or RGB as they are, RGBA opaque everywhere as its RGB, RGBA laid on white paper."""
    from PIL import Image

    width, height = size
    stride = rows.shape[1]
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[(stride - 1) // width]
    raw = mode
    if mode == "RGBA" and int(rows[:, 4::4].min()) == 255:  # opaque everywhere: its RGB, the alpha skipped
        mode, raw = "RGB", "RGBX"
    factor = max(1, max(size) // max_side)
    step = factor * max(1, STRIP_ROWS // factor)  # whole blocks per strip: the same blocks as the whole picture's
    out = Image.new("L" if mode == "L" else "RGB", (-(-width // factor), -(-height // factor)))
    for top in range(0, height, step):
        n = min(step, height - top)
        strip = Image.frombuffer(mode, (width, n), flat[top * stride : (top + n) * stride], "raw", raw, stride, 1)
        if mode == "RGBA":
            paper = Image.new("RGB", strip.size, (255, 255, 255))
            paper.paste(strip, mask=strip.getchannel("A"))
            strip = paper
        out.paste(strip.reduce(factor) if factor > 1 else strip, (0, top // factor))
    return out


#: EXIF orientation -> how the stored pixels are turned to stand upright (as Pillow's ``exif_transpose``).
ORIENTATIONS = {2: "mirror", 3: "turn 180", 4: "flip", 5: "transpose", 6: "turn right", 7: "transverse", 8: "turn left"}


def _orientation(image: Any) -> int:
    """The picture's EXIF orientation (1: upright); a damaged EXIF block counts as none, as viewers do."""
    try:
        value = image.getexif().get(0x0112, 1)
    except Exception:  # Pillow's EXIF parser raises many kinds on a damaged block
        return 1
    return value if value in ORIENTATIONS else 1


def upright(pixels: np.ndarray, orientation: int) -> np.ndarray:
    """``pixels`` (``(H, W)`` or ``(H, W, C)``) turned as EXIF ``orientation`` says: a phone's photo stands
    upright. Done on the small picture: the same pixels as turning the whole one first."""
    how = ORIENTATIONS.get(orientation)
    turned = {
        "mirror": lambda a: a[:, ::-1],
        "turn 180": lambda a: a[::-1, ::-1],
        "flip": lambda a: a[::-1],
        "transpose": lambda a: a.swapaxes(0, 1),
        "turn right": lambda a: np.rot90(a, -1),
        "transverse": lambda a: a.swapaxes(0, 1)[::-1, ::-1],
        "turn left": lambda a: np.rot90(a, 1),
    }
    return pixels if how is None else np.ascontiguousarray(turned[how](pixels))


def _read_pillow(path: Path, max_side: int | None = None) -> tuple[np.ndarray, tuple[int, int]]:
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
        raise ImageError(f"{path}: not an image convnet-tui can read ({FORMATS_READ}).") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageError(f"{path}: cannot read the image ({_one_line(exc)}).") from None
    with image:
        width, height = image.size
        _check_size(path, height, width)  # before a single pixel is decoded
        try:
            pixels, orientation = _webp_small(path, image, max_side), None
            if pixels is None:
                pixels, orientation = _png_fast(path, image, max_side)
            if pixels is None:
                pixels = _decoded(path, image, max_side)
            if orientation is None:
                orientation = _orientation(image)
            if orientation >= 5:  # turned a quarter: the picture stands the other way
                height, width = width, height
            return upright(pixels, orientation), (height, width)
        except ImageError:
            raise
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise ImageError(f"{path}: cannot decode the image ({_one_line(exc)}).") from None
        except MemoryError:  # a damaged chunk length: Pillow reads the length it is told
            raise ImageError(f"{path}: cannot decode the image (it asks for more memory than there is).") from None


def _decoded(path: Path, image: Any, max_side: int | None) -> np.ndarray:
    """An opened Pillow image decoded (a big JPEG by its decoder at 1/2, 1/4 or 1/8) and shrunk to floats."""
    width, height = image.size
    if max_side is not None and image.format == "JPEG" and max(width, height) > max_side:
        scale = max_side / max(width, height)  # the decoder skips detail: 1/2, 1/4 or 1/8 of the size
        image.draft(image.mode, (int(np.ceil(width * scale)), int(np.ceil(height * scale))))
    image.load()
    if image.mode == "F" or image.mode.startswith("I"):  # PFM, 16-bit PGM or PNG: checked as stored
        return _numbers(path, image, max_side)
    return _pillow_pixels(path, _shrink(image, max_side))


def read_image(path: str | os.PathLike[str], max_side: int | None = None) -> np.ndarray:
    """The pixels of an image file as floats in [0, 1] (see :func:`read_picture`)."""
    return read_picture(path, max_side)[0]


def read_picture(path: str | os.PathLike[str], max_side: int | None = None) -> tuple[np.ndarray, tuple[int, int]]:
    """The pixels of an image file as floats in [0, 1]: ``(H, W)``, ``(H, W, 3)`` or ``(H, W, 4)``;
    with ``max_side``, decoded or reduced so that the longer side is at most that; and the file's
    own ``(height, width)``.

    Raises :class:`ImageError` (one line, naming the file) for a missing or
    unreadable file, a file that is not an image, an empty (0x0) or a huge one,
    and pixel values that are not finite.
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
        return _read_npy(path, max_side)
    return _read_pillow(path, max_side)


def _fit(pixels: np.ndarray, max_side: int | None) -> np.ndarray:
    """2-D ``pixels`` (already checked) resized so the longer side is at most ``max_side``."""
    h, w = pixels.shape
    if max_side is None or max(h, w) <= max_side:
        return pixels
    from .filters import resize

    scale = max_side / max(h, w)
    return resize(pixels, max(1, round(h * scale)), max(1, round(w * scale)))
