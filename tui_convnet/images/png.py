"""A big 8-bit PNG decoded fast: libdeflate inflates its rows, numpy undoes their filters.

Decoding dominates reading a PNG photo: Pillow inflates with the zlib it is linked to (the
system's 1.2.13 here: 175 ms of CPU for a 4000x3000 photo's 36 MB of rows) and undoes the rows'
filters byte by byte. libdeflate, where the system has it (found by ``ctypes.util``), inflates the
whole stream in one call into a buffer of the size the header gives, 1.5-2.3 times faster. The
filters Sub and Up (most of what Pillow writes) are undone in numpy: the Sub rows together by a
running sum along each row, the Up rows one after another by adding the row above; a run of
Average or Paeth rows (each pixel's prediction needs the one before it, a loop numpy cannot run
fast) is handed to Pillow's own decoder, uncompressed, with the row above it; a PNG whose first
rows are mostly Average or Paeth (what libpng's adaptive filtering often picks for a photo) is
left to Pillow whole.

:func:`decode` returns ``None``, and Pillow decodes the file as before, for anything else: no
libdeflate, an interlaced PNG, a bit depth other than 8, a palette, a transparent colour key, an
animation, or a stream libdeflate refuses (then Pillow says what is wrong with it).
Data layer: numpy and ctypes; never imports training or ui.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import struct
import zlib
from typing import Any, NamedTuple

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Channels per colour type read here: grey, RGB, RGBA (palettes and grey with alpha go to Pillow).
CHANNELS = {0: 1, 2: 3, 6: 4}
SUCCESS = 0
#: Sub rows undone together (their copies, not the whole picture's, are what numpy's running sum needs).
SUB_ROWS = 64
#: Rows whose filters are looked at first (inflated by Python's zlib: a few ms) ...
SAMPLED_ROWS = 64
#: ... and the largest share of them filtered by Average or Paeth for this way to be faster than Pillow's
#: (a run of such rows goes through Pillow anyway, copied twice; a PNG of Paeth rows only: 860 ms against 520).
MAX_PREDICTED = 0.25


@functools.cache
def _libdeflate() -> Any:
    """libdeflate's zlib decompressor with its argument types, or None when the system has none."""
    name = ctypes.util.find_library("deflate")
    if name is None:
        return None
    try:
        lib = ctypes.CDLL(name)
        lib.libdeflate_alloc_decompressor.restype = ctypes.c_void_p
        lib.libdeflate_free_decompressor.argtypes = [ctypes.c_void_p]
        lib.libdeflate_zlib_decompress.argtypes = [
            ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t,
            ctypes.POINTER(ctypes.c_size_t),
        ]  # fmt: skip
    except (OSError, AttributeError):
        return None
    return lib


class Decoded(NamedTuple):
    """A PNG's rows with their filters undone, as :func:`decode` gives them."""

    rows: np.ndarray  # (H, 1 + W * C) uint8: each row's filter byte, then its pixels
    pixels: np.ndarray  # the same memory from the first row's first pixel on, H strides long (for frombuffer)
    exif: bytes | None  # the eXIf chunk's data, if there is one


def _chunks(data: np.ndarray) -> tuple[bytes, list[tuple[int, int]], set[bytes], bytes | None] | None:
    """``(IHDR, (start, length) of each IDAT chunk's data, every chunk type seen, the eXIf chunk)``, or None for
    a file cut short."""
    header, idat, kinds, exif = b"", [], set(), None
    pos = len(SIGNATURE)
    while pos + 8 <= data.size:
        length, kind = struct.unpack(">I4s", data[pos : pos + 8].tobytes())
        if pos + 8 + length > data.size:
            return None
        kinds.add(kind)
        if kind == b"IHDR":
            header = data[pos + 8 : pos + 8 + length].tobytes()
        elif kind == b"IDAT":
            idat.append((pos + 8, length))
        elif kind == b"eXIf":
            exif = data[pos + 8 : pos + 8 + length].tobytes()
        elif kind == b"IEND":
            return header, idat, kinds, exif
        pos += 12 + length
    return None


def decode(data: bytes | bytearray) -> Decoded | None:
    """The PNG file ``data`` decoded, or ``None`` when this way cannot read it. A ``bytearray`` is reused (the
    compressed stream is gathered in it), ``bytes`` copied first."""
    lib = _libdeflate()
    if lib is None or not data.startswith(SIGNATURE):
        return None
    file = np.frombuffer(data if isinstance(data, bytearray) else bytearray(data), dtype=np.uint8)
    parsed = _chunks(file)
    if parsed is None:
        return None
    header, idat, kinds, exif = parsed
    if len(header) != 13 or not idat or kinds & {b"tRNS", b"acTL"}:
        return None
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or colour not in CHANNELS or interlace or width == 0 or height == 0:
        return None
    stride = 1 + width * CHANNELS[colour]
    end = 0
    for start, length in idat:  # the IDAT chunks' data moved together to the front: one stream, no copy
        file[end : end + length] = file[start : start + length]
        end += length
    stream = file[:end]
    try:  # the first rows' filters: a PNG predicted mostly by Average or Paeth is Pillow's to decode
        first = zlib.decompressobj().decompress(stream[: 1 << 20].tobytes(), SAMPLED_ROWS * stride)
    except zlib.error:
        return None
    sampled = first[::stride]
    if sum(f >= 3 for f in sampled) > MAX_PREDICTED * len(sampled):
        return None
    buffer = np.empty(height * stride + 1, dtype=np.uint8)  # one byte more: the pixels from byte 1 fill H strides
    rows = buffer[:-1].reshape(height, stride)
    written = ctypes.c_size_t()
    decompressor = lib.libdeflate_alloc_decompressor()
    if not decompressor:
        return None
    try:
        status = lib.libdeflate_zlib_decompress(
            decompressor, stream.ctypes.data, end, rows.ctypes.data, rows.nbytes, ctypes.byref(written)
        )
    finally:
        lib.libdeflate_free_decompressor(decompressor)
    if status != SUCCESS or written.value != rows.nbytes or not unfilter(rows, CHANNELS[colour]):
        return None
    return Decoded(rows, buffer[1:], exif)


def unfilter(rows: np.ndarray, channels: int) -> bool:
    """Undo the filters of ``rows`` (``(H, 1 + W * C)``, each row's filter byte first) in place, in row order:
    the Sub rows first, all together (they need nothing from the rows above), then each Up row by adding the
    row above, and each run of Average or Paeth rows by Pillow (:func:`_by_pillow`). False when a filter byte
    is not a PNG filter (the rows are then left half done)."""
    filters = rows[:, 0]
    if int(filters.max()) > 4:
        return False
    pixels = rows[:, 1:]
    sub = np.flatnonzero(filters == 1)
    width = pixels.shape[1] // channels
    for i in range(0, sub.size, SUB_ROWS):  # each byte plus the same channel's byte one pixel to its left: a sum
        some = sub[i : i + SUB_ROWS]
        pixels[some] = np.cumsum(pixels[some].reshape(-1, width, channels), axis=1, dtype=np.uint8).reshape(
            some.size, -1
        )
    r, height = 0, rows.shape[0]
    for r in np.flatnonzero(filters >= 2).tolist():
        if filters[r] == 2:  # each byte plus the byte above it (row -1 is zeros)
            if r:
                np.add(pixels[r], pixels[r - 1], out=pixels[r])
        elif r == 0 or filters[r - 1] < 3:  # the first row of a run of Average or Paeth rows
            end = r + 1
            while end < height and filters[end] >= 3:
                end += 1
            _by_pillow(rows, r, end, channels)
    return True


def _by_pillow(rows: np.ndarray, start: int, end: int, channels: int) -> None:
    """Rows ``start:end`` (Average or Paeth: each pixel predicted from the one before it, a loop numpy cannot
    run fast) undone by Pillow's own decoder: a small PNG of the row above (as it is) and these rows (as
    stored), its data not compressed, decoded, and copied back."""
    from io import BytesIO

    from PIL import Image

    width = (rows.shape[1] - 1) // channels
    above = rows[start - 1, 1:] if start else np.zeros(rows.shape[1] - 1, dtype=np.uint8)
    data = b"\x00" + above.tobytes() + rows[start:end].tobytes()
    header = struct.pack(">IIBBBBB", width, end - start + 1, 8, {1: 0, 3: 2, 4: 6}[channels], 0, 0, 0)
    small = SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(data, 0)) + _chunk(b"IEND", b"")
    with Image.open(BytesIO(small)) as image:
        rows[start:end, 1:] = np.asarray(image).reshape(end - start + 1, -1)[1:]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
