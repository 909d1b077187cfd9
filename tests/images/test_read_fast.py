"""The quick ways a big picture is read give what the slow ways give: WebP decoded small by libwebp, an 8-bit PNG
decoded by libdeflate and numpy, 16-bit grey averaged by Pillow, an opaque RGBA or a palette PNG, and a photo turned
upright by its EXIF orientation.

No timing here: the speed is measured by ``benchmarks/bench_photos.py``."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from tui_convnet.data.mnist import bundled_digit
from tui_convnet.images import ImageError, load_digit, png, read_picture, webp
from tui_convnet.images import read as read_module

SIDE = 120  # the small size asked for: a 480x360 picture is read at 120x90


@functools.cache
def _page(size: tuple[int, int]) -> Image.Image:
    """A digit (a 7, in blue-black ink) on light, unevenly lit paper with noise: not symmetric, so a turn shows."""
    digit, _ = bundled_digit(0)
    w, h = size
    rng = np.random.default_rng(1)
    light = np.linspace(0.85, 1.0, w, dtype=np.float32)[None, :, None]
    paper = np.full((h, w, 3), 235, np.float32) * light + rng.normal(0, 4, (h, w, 3)).astype(np.float32)
    ink = np.asarray(Image.fromarray(digit).resize((h // 2, h // 2), Image.Resampling.BICUBIC), np.float32) / 255
    top, left = h // 5, w // 6
    region = paper[top : top + h // 2, left : left + h // 2]
    region[:] = region * (1 - ink[..., None]) + np.array([20, 20, 90], np.float32) * ink[..., None]
    image = Image.fromarray(np.clip(paper, 0, 255).astype(np.uint8), "RGB")
    return image


def page(mode: str = "RGB", size: tuple[int, int] = (480, 360)) -> Image.Image:
    return _page(size).convert(mode)


def slow(path: Path, monkeypatch: pytest.MonkeyPatch) -> np.ndarray:
    """``path`` read the slow way: Pillow decodes it whole (no libwebp scaling)."""
    with monkeypatch.context() as m:
        m.setattr(webp, "decode_small", lambda *_: None)
        return read_picture(path, max_side=SIDE)[0]


@pytest.mark.parametrize("kind", ["lossy", "lossless", "lossless with alpha"])
def test_a_big_webp_decoded_small_by_libwebp_is_what_pillow_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    image = page("RGBA" if "alpha" in kind else "RGB")
    if "alpha" in kind:  # the paper half transparent, its hidden colour black (as drawing programs leave it)
        a = np.asarray(image).copy()
        a[:, 240:, 3] = 0
        a[:, 240:, :3] = 0
        image = Image.fromarray(a, "RGBA")
    path = tmp_path / "big.webp"
    image.save(path, lossless=kind != "lossy", quality=90, method=0)
    assert webp.decode_small(path.read_bytes(), SIDE, 90) is not None  # the quick way is taken here
    quick, size = read_picture(path, max_side=SIDE)
    reference = slow(path, monkeypatch)
    assert size == (360, 480) and quick.shape == reference.shape == (90, SIDE, 3)
    assert float(np.abs(quick - reference).mean()) < 0.01
    assert float(np.abs(quick - reference).max()) < 0.25  # area averages on slightly different grids
    with monkeypatch.context() as m:
        m.setattr(webp, "decode_small", lambda *_: None)
        reference_digit = load_digit(path)
    digit = load_digit(path)
    assert all(abs(a - b) <= 1 for a, b in zip(digit.box, reference_digit.box, strict=True))
    assert within_a_pixel(digit.digit, reference_digit.digit) < 0.01


def within_a_pixel(a: np.ndarray, b: np.ndarray) -> float:
    """The mean difference of two 28x28 digits, the better of their alignments within one pixel (a crop's box one
    pixel wider moves the centre of mass by a pixel, as a rounding does)."""
    shifts = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    return min(float(np.abs(np.roll(a, shift, (0, 1)) - b).mean()) for shift in shifts)


def test_without_libwebp_or_for_an_animation_pillow_decodes_the_webp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames = [page(), page().transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    frames[0].save(tmp_path / "moving.webp", save_all=True, append_images=frames[1:], quality=80)
    data = (tmp_path / "moving.webp").read_bytes()
    assert webp.decode_small(data, SIDE, 90) is None  # an animation: its first frame, by Pillow
    assert read_picture(tmp_path / "moving.webp", max_side=SIDE)[0].shape == (90, SIDE, 3)
    page().save(tmp_path / "still.webp", quality=90)
    monkeypatch.setattr(webp, "_library", lambda: None)
    assert webp.decode_small((tmp_path / "still.webp").read_bytes(), SIDE, 90) is None
    assert read_picture(tmp_path / "still.webp", max_side=SIDE)[0].shape == (90, SIDE, 3)


@pytest.mark.parametrize("high", [255, 65535])
def test_16_bit_grey_averaged_by_pillow_is_the_block_mean(tmp_path: Path, high: int) -> None:
    """The strips averaged by Pillow (as 32-bit integers) equal the numpy block means within rounding."""
    grey = np.asarray(page("L"), np.uint16).astype(np.uint32) * high // 255
    Image.fromarray(grey.astype(np.uint16)).save(tmp_path / "g16.png")
    with Image.open(tmp_path / "g16.png") as image:
        image.load()
        assert image.mode.startswith("I;16")
        slow_way = read_module.block_mean(read_module._Rows(image), SIDE, 255.0 if high == 255 else 65535.0)
    quick, _ = read_picture(tmp_path / "g16.png", max_side=SIDE)
    assert quick.shape == slow_way.shape == (90, SIDE)
    np.testing.assert_allclose(quick, slow_way, atol=1e-5 if high > 255 else 2e-3)


def test_an_opaque_rgba_png_and_a_palette_png_read_as_the_rgb_picture(tmp_path: Path) -> None:
    image = page()
    image.save(tmp_path / "rgb.png")
    image.convert("RGBA").save(tmp_path / "rgba.png")
    quantized = image.quantize(255, method=Image.Quantize.FASTOCTREE)  # entry 255 unused
    quantized.save(tmp_path / "palette.png")
    rgb = read_picture(tmp_path / "rgb.png", max_side=SIDE)[0]
    np.testing.assert_array_equal(read_picture(tmp_path / "rgba.png", max_side=SIDE)[0], rgb)
    palette = read_picture(tmp_path / "palette.png", max_side=SIDE)[0]
    assert palette.shape == rgb.shape and float(np.abs(palette - rgb).mean()) < 0.02  # 255 colours of the page
    quantized.save(tmp_path / "palette_t.png", transparency=255)  # the unused entry transparent: read as RGBA
    with Image.open(tmp_path / "palette_t.png") as opened:
        assert "transparency" in opened.info
    np.testing.assert_allclose(read_picture(tmp_path / "palette_t.png", max_side=SIDE)[0], palette, atol=1 / 255)


def test_a_photo_is_turned_upright_by_its_exif_orientation(tmp_path: Path) -> None:
    """Stored as a phone stores it (the pixels as the sensor saw them, the turn in EXIF): read as Pillow's
    ``exif_transpose`` shows it, the size too; turned on the small picture."""
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        page().save(tmp_path / "photo.png", exif=exif, compress_level=0)
        upright = ImageOps.exif_transpose(Image.open(tmp_path / "photo.png"))
        upright.save(tmp_path / "upright.png", compress_level=0)
        pixels, size = read_picture(tmp_path / "photo.png", max_side=SIDE)
        expected, expected_size = read_picture(tmp_path / "upright.png", max_side=SIDE)
        assert size == expected_size == (upright.size[1], upright.size[0]), orientation
        np.testing.assert_allclose(pixels, expected, atol=1e-6, err_msg=f"orientation {orientation}")


def test_a_turned_jpeg_is_read_upright_and_its_digit_found(tmp_path: Path) -> None:
    stored = page().transpose(Image.Transpose.ROTATE_90)  # the camera held sideways
    exif = Image.Exif()
    exif[0x0112] = 6  # "turn right to show"
    stored.save(tmp_path / "photo.jpg", quality=92, exif=exif)
    page().save(tmp_path / "upright.jpg", quality=92)
    turned, upright = load_digit(tmp_path / "photo.jpg"), load_digit(tmp_path / "upright.jpg")
    assert turned.original == upright.original == (360, 480)
    assert float(np.abs(turned.digit - upright.digit).mean()) < 0.03


def png_bytes(pixels: np.ndarray, filters: list[int], exif_after_pixels: bytes | None = None) -> bytes:
    """A PNG of ``pixels`` (``(H, W)`` grey, ``(H, W, 3)`` or ``(H, W, 4)`` uint8) whose row ``r`` is filtered
    with ``filters[r]`` (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth: made here by the PNG rules, not by Pillow),
    and an eXIf chunk after the pixels if given."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    h, w = pixels.shape[:2]
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    flat = pixels.reshape(h, w * channels).astype(np.int32)
    rows = []
    for r, kind in enumerate(filters):
        above = flat[r - 1] if r else np.zeros(w * channels, np.int32)
        left = np.concatenate([np.zeros(channels, np.int32), flat[r, :-channels]])
        upper_left = np.concatenate([np.zeros(channels, np.int32), above[:-channels]])
        if kind == 4:  # Paeth: the neighbour nearest to left + above - upper left
            p = left + above - upper_left
            pa, pb, pc = np.abs(p - left), np.abs(p - above), np.abs(p - upper_left)
            predicted = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, above, upper_left))
        else:
            predicted = [0 * left, left, above, (left + above) // 2][kind]
        rows.append(bytes([kind]) + ((flat[r] - predicted) % 256).astype(np.uint8).tobytes())
    colour = {1: 0, 3: 2, 4: 6}[channels]
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0))
    out += chunk(b"IDAT", zlib.compress(b"".join(rows)))
    if exif_after_pixels is not None:
        out += chunk(b"eXIf", exif_after_pixels)
    return out + chunk(b"IEND", b"")


needs_libdeflate = pytest.mark.skipif(png._libdeflate() is None, reason="no libdeflate on this machine")


@needs_libdeflate
@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA"])
def test_a_png_with_every_filter_is_undone_exactly(tmp_path: Path, mode: str) -> None:
    """None, Sub, Up (numpy), Average and Paeth (Pillow, a run at a time), mixed, in runs, and first."""
    pixels = np.asarray(page(mode))
    filters = [(r * 7) % 3 for r in range(pixels.shape[0])]
    filters[0:3] = [4, 3, 4]  # a run of Average and Paeth rows on the first row (the row above it is zeros)
    filters[10:20] = [2] * 10
    filters[30:35] = [3, 4, 4, 3, 4]
    filters[100:200] = [(r * 7) % 5 for r in range(100)]  # later rows any filter, runs of Average and Paeth too
    decoded = png.decode(png_bytes(pixels, filters))
    assert decoded is not None
    np.testing.assert_array_equal(decoded.rows[:, 1:], pixels.reshape(pixels.shape[0], -1))


@needs_libdeflate
@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "RGBA with transparent paper"])
def test_a_big_png_decoded_by_libdeflate_reads_as_pillow_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    image = page(mode.split()[0])
    if "transparent" in mode:
        a = np.asarray(image).copy()
        a[:, 240:] = 0  # the hidden colour black too
        image = Image.fromarray(a, "RGBA")
    image.save(tmp_path / "big.png")  # Pillow's own filters: Sub and Up
    assert png.decode((tmp_path / "big.png").read_bytes()) is not None  # the quick way is taken
    quick, size = read_picture(tmp_path / "big.png", max_side=SIDE)
    with monkeypatch.context() as m:
        m.setattr(png, "decode", lambda _: None)
        reference, _ = read_picture(tmp_path / "big.png", max_side=SIDE)
    assert size == (360, 480)
    np.testing.assert_array_equal(quick, reference)


@needs_libdeflate
def test_a_png_mostly_predicted_by_paeth_is_left_to_pillow(tmp_path: Path) -> None:
    """Pillow undoes Paeth rows itself faster than they can be handed to it a run at a time."""
    pixels = np.asarray(page())
    data = png_bytes(pixels, [4, 4, 1] * 120)  # two rows in three Paeth
    assert png.decode(data) is None
    (tmp_path / "paeth.png").write_bytes(data)
    np.testing.assert_array_equal(read_picture(tmp_path / "paeth.png")[0] * 255, pixels.astype(np.float32))


@pytest.mark.parametrize("kind", ["no libdeflate", "cut short", "interlaced"])
def test_a_png_this_way_cannot_read_goes_to_pillow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    pixels = np.asarray(page())
    data = png_bytes(pixels, [1] * pixels.shape[0])
    if kind == "interlaced":  # the header says Adam7 (the rows are not one after another): not read this way
        data = data[:28] + b"\x01" + data[29:]
        assert png.decode(data) is None
        return
    if kind == "no libdeflate":
        monkeypatch.setattr(png, "_libdeflate", lambda: None)
    if kind == "cut short":
        data = data[: len(data) // 2]
    (tmp_path / "big.png").write_bytes(data)
    assert png.decode(data) is None
    if kind == "cut short":  # Pillow says what is wrong
        with pytest.raises(ImageError, match="cannot decode the image"):
            read_picture(tmp_path / "big.png", max_side=SIDE)
    else:
        np.testing.assert_array_equal(read_picture(tmp_path / "big.png")[0] * 255, pixels.astype(np.float32))
        assert read_picture(tmp_path / "big.png", max_side=SIDE)[0].shape == (90, SIDE, 3)


@needs_libdeflate
def test_an_exif_orientation_after_the_pixels_turns_the_png_without_pillow_decoding_it(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    pixels = np.asarray(page())
    (tmp_path / "turned.png").write_bytes(png_bytes(pixels, [1] * 360, exif.tobytes()[6:]))  # without "Exif\0\0"
    Image.fromarray(np.rot90(pixels, -1).copy()).save(tmp_path / "upright.png")
    turned, size = read_picture(tmp_path / "turned.png", max_side=SIDE)
    upright, upright_size = read_picture(tmp_path / "upright.png", max_side=SIDE)
    assert size == upright_size == (480, 360)
    np.testing.assert_allclose(turned, upright, atol=1e-6)
