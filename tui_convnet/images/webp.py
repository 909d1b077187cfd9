"""A big WebP decoded small: libwebp's own scaling, through the libwebp that Pillow already loaded.

Pillow decodes a WebP whole (as RGBA, then copied twice: 185 MiB and about 400 ms for a
4000x3000 photo) and has no reduced decoding. libwebp has one: its advanced API
(``WebPDecode`` with ``options.use_scaling``) rescales each row as it is decoded, by area
averaging like Pillow's ``reduce`` and ``BOX`` resize, into a buffer of the small size.
:func:`decode_small` calls it with ``ctypes`` on the very library Pillow's ``_webp`` module
is linked to (found in ``/proc/self/maps``; elsewhere the system's ``libwebp``), into a
numpy array it owns, whose size libwebp checks before it writes.

Anything unusual gives ``None`` and the caller decodes with Pillow as before: no libwebp
found, another ABI, an animation, a picture libwebp refuses (Pillow then says why). The
structures below are libwebp's ``decode.h`` (ABI 2.x, stable since libwebp 0.5), with spare
room at the end of the configuration in case a later libwebp is larger.
Data layer: numpy, ctypes and Pillow (to load the library); never imports training or ui.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from typing import Any

import numpy as np

#: The ABI asked for: libwebp accepts any 2.x (it compares the major byte only).
ABI_VERSION = 0x0209
#: The oldest libwebp whose options hold every field below (``alpha_dithering_strength``: 0.5.0).
MIN_VERSION = 0x000500
MODE_RGB, MODE_RGBA = 0, 1
STATUS_OK = 0


class _Features(ctypes.Structure):
    _fields_ = [
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("has_alpha", ctypes.c_int),
        ("has_animation", ctypes.c_int),
        ("format", ctypes.c_int),
        ("pad", ctypes.c_uint32 * 5),
    ]


class _RGBABuffer(ctypes.Structure):
    _fields_ = [("rgba", ctypes.c_void_p), ("stride", ctypes.c_int), ("size", ctypes.c_size_t)]


class _YUVABuffer(ctypes.Structure):  # only for the union's size
    _fields_ = [
        *((name, ctypes.c_void_p) for name in ("y", "u", "v", "a")),
        *((name, ctypes.c_int) for name in ("y_stride", "u_stride", "v_stride", "a_stride")),
        *((name, ctypes.c_size_t) for name in ("y_size", "u_size", "v_size", "a_size")),
    ]


class _Planes(ctypes.Union):
    _fields_ = [("RGBA", _RGBABuffer), ("YUVA", _YUVABuffer)]


class _DecBuffer(ctypes.Structure):
    _fields_ = [
        ("colorspace", ctypes.c_int),
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("is_external_memory", ctypes.c_int),
        ("u", _Planes),
        ("pad", ctypes.c_uint32 * 4),
        ("private_memory", ctypes.c_void_p),
    ]


_OPTIONS = (
    "bypass_filtering", "no_fancy_upsampling", "use_cropping", "crop_left", "crop_top", "crop_width",
    "crop_height", "use_scaling", "scaled_width", "scaled_height", "use_threads", "dithering_strength",
    "flip", "alpha_dithering_strength",
)  # fmt: skip


class _Options(ctypes.Structure):
    _fields_ = [*((name, ctypes.c_int) for name in _OPTIONS), ("pad", ctypes.c_uint32 * 5)]


class _Config(ctypes.Structure):
    _fields_ = [("input", _Features), ("output", _DecBuffer), ("options", _Options), ("spare", ctypes.c_uint8 * 256)]


def _library_path() -> str | None:
    """The file of the libwebp Pillow's ``_webp`` module is linked to, or the system's."""
    try:
        from PIL import _webp  # noqa: F401  (loads Pillow's libwebp, so it shows in the process's map)
    except ImportError:
        return None
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split(maxsplit=5)[-1].strip()
                name = path.rsplit("/", 1)[-1]
                if name.startswith(("libwebp.so", "libwebp-")) and ".so" in name:
                    return path
    except OSError:
        pass
    return ctypes.util.find_library("webp")


@functools.cache
def _library() -> Any:
    """libwebp's decoder with its argument types, or None when there is none to use."""
    path = _library_path()
    if path is None:
        return None
    try:
        lib = ctypes.CDLL(path)
        if lib.WebPGetDecoderVersion() < MIN_VERSION:
            return None
        lib.WebPInitDecoderConfigInternal.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.WebPGetFeaturesInternal.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_int]
        lib.WebPDecode.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p]
        lib.WebPFreeDecBuffer.argtypes = [ctypes.c_void_p]
    except (OSError, AttributeError):
        return None
    return lib


def decode_small(data: bytes, width: int, height: int) -> np.ndarray | None:
    """The WebP picture in ``data`` decoded straight to ``width`` x ``height`` pixels: ``(H, W, 3)`` uint8, or
    ``(H, W, 4)`` when it has transparency; ``None`` when libwebp cannot be used for it (decode it otherwise)."""
    lib = _library()
    if lib is None or width <= 0 or height <= 0:
        return None
    config = _Config()
    if not lib.WebPInitDecoderConfigInternal(ctypes.byref(config), ABI_VERSION):
        return None
    if lib.WebPGetFeaturesInternal(data, len(data), ctypes.byref(config.input), ABI_VERSION) != STATUS_OK:
        return None
    if config.input.has_animation:
        return None  # Pillow reads an animation's first frame
    channels = 4 if config.input.has_alpha else 3
    out = np.empty((height, width, channels), dtype=np.uint8)
    config.output.colorspace = MODE_RGBA if channels == 4 else MODE_RGB
    config.output.is_external_memory = 1
    config.output.u.RGBA.rgba = out.ctypes.data
    config.output.u.RGBA.stride = width * channels
    config.output.u.RGBA.size = out.nbytes
    config.options.use_scaling = 1
    config.options.scaled_width, config.options.scaled_height = width, height
    status = lib.WebPDecode(data, len(data), ctypes.byref(config))
    lib.WebPFreeDecBuffer(ctypes.byref(config.output))  # nothing of ours: it frees only what libwebp allocated
    return out if status == STATUS_OK else None
