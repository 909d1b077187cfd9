"""The quick ways a big picture is read give what the slow ways give: WebP decoded small by libwebp, 16-bit grey
averaged by Pillow, an opaque RGBA or a palette PNG, and a photo turned upright by its EXIF orientation.

No timing here: the speed is measured by ``benchmarks/bench_photos.py``."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from tui_convnet.data.mnist import bundled_digit
from tui_convnet.images import load_digit, read_picture, webp
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
