"""Reading images: PNG, JPEG, WebP, BMP, PGM and .npy copies of bundled test digits, and every bad file refused
with one clear ImageError naming the file (never a traceback, never a huge allocation)."""

from __future__ import annotations

import re
import struct
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PIL import Image

from tui_convnet.core import forward
from tui_convnet.data.mnist import bundled_digit
from tui_convnet.images import MAX_PIXELS, ImageError, load_digit, preprocess, read_image, read_picture
from tui_convnet.images.preprocess import Preprocessed
from tui_convnet.model.bundled import load_bundled_model

if TYPE_CHECKING:
    from tui_convnet.model.model import Model

DIGITS = range(12)


@pytest.fixture(scope="module")
def model() -> Model:
    return load_bundled_model()


def predicted(model: Model, digit28: np.ndarray) -> int:
    return int(np.argmax(forward(model.spec, model.weights, digit28[..., None])))


def save_copies(folder: Path, index: int) -> dict[str, Path]:
    digit, _ = bundled_digit(index)
    paths = {kind: folder / f"{index}.{kind}" for kind in ("png", "pgm", "npy", "bmp", "webp")}
    Image.fromarray(digit).save(paths["png"])
    Image.fromarray(digit).save(paths["pgm"])
    Image.fromarray(digit).save(paths["bmp"])
    Image.fromarray(digit).save(paths["webp"], lossless=True)
    np.save(paths["npy"], digit)
    return paths


@pytest.mark.parametrize("index", DIGITS)
def test_png_pgm_and_npy_copies_give_the_class_of_the_digit_array(tmp_path: Path, model: Model, index: int) -> None:
    digit, _ = bundled_digit(index)
    expected = predicted(model, digit / 255.0)
    paths = save_copies(tmp_path, index)
    frames = {kind: load_digit(path).digit for kind, path in paths.items()}
    np.testing.assert_array_equal(frames["png"], frames["pgm"])  # lossless formats: the same pixels
    np.testing.assert_array_equal(frames["png"], frames["npy"])
    np.testing.assert_array_equal(frames["png"], frames["bmp"])
    np.testing.assert_allclose(frames["png"], frames["webp"], atol=1e-6)  # WebP is RGB: grey through the luma
    np.testing.assert_array_equal(frames["png"], preprocess(digit / 255.0).digit)
    assert predicted(model, frames["png"]) == expected


def test_a_black_on_white_jpeg_in_colour_gives_the_same_class(tmp_path: Path, model: Model) -> None:
    digit, label = bundled_digit(0)  # a 7
    big = Image.fromarray(255 - digit).resize((280, 280), Image.Resampling.BILINEAR).convert("RGB")
    big.save(tmp_path / "seven.jpg", quality=85)
    p = load_digit(tmp_path / "seven.jpg")
    assert p.inverted and p.gray.shape == (280, 280)
    assert predicted(model, p.digit) == label == 7


def test_a_float_npy_in_0_1_and_a_16_bit_png(tmp_path: Path) -> None:
    digit, _ = bundled_digit(3)
    np.save(tmp_path / "f.npy", digit.astype(np.float64) / 255.0)
    Image.fromarray(digit.astype(np.uint16) * 257).save(tmp_path / "d16.png")
    a = read_image(tmp_path / "f.npy")
    b = read_image(tmp_path / "d16.png")
    np.testing.assert_allclose(a, digit / 255.0, atol=1e-6)
    np.testing.assert_allclose(b, digit / 255.0, atol=1e-6)


def test_a_transparent_png_with_black_strokes(tmp_path: Path) -> None:
    rgba = np.zeros((40, 40, 4), np.uint8)
    rgba[10:30, 18:22] = (0, 0, 0, 255)  # a black bar; the rest transparent
    Image.fromarray(rgba, "RGBA").save(tmp_path / "t.png")
    p = load_digit(tmp_path / "t.png")
    assert p.inverted and p.box == (10, 18, 30, 22)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims ``width`` x ``height`` and that has no pixel data at all."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def npy_header_only(shape: tuple[int, ...], dtype: str = "<u1") -> bytes:
    header = repr({"descr": dtype, "fortran_order": False, "shape": shape}).encode()
    header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header


BAD = {
    "text.png": (b"hello, not an image\n", "not an image convnet-tui can read"),
    "empty.png": (b"", "not an image convnet-tui can read"),
    "huge.png": (png_header_only(6000, 5000), r"too big \(30,000,000 pixels; at most 25,000,000\)"),
    "bomb.png": (png_header_only(100_000, 100_000), "too big"),
    "huge.npy": (npy_header_only((6000, 5000)), "too big"),
    "zero.npy": (npy_header_only((0, 0)), r"empty. Received: size=0x0"),
    "cube.npy": (npy_header_only((2, 28, 28)), r"2-D array .* Received: shape=\(2, 28, 28\)"),
    "objects.npy": (npy_header_only((2, 2), "|O"), "must hold numbers"),
    "garbage.npy": (b"\x93NUMPY garbage", "cannot read it as a .npy array"),
    "zero.png": (png_header_only(0, 0), r"empty. Received: size=0x0"),
    "zero.pgm": (b"P5\n0 0\n255\n", r"empty. Received: size=0x0"),
    "flat.pgm": (b"P5\n3 0\n255\n", r"empty. Received: size=3x0"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_are_refused_with_one_line(tmp_path: Path, name: str) -> None:
    content, pattern = BAD[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImageError, match=pattern) as info:
        read_image(path)
    message = str(info.value)
    assert str(path) in message and "\n" not in message


def test_the_pixel_cap_is_checked_before_decoding() -> None:
    # 30 million pixels claimed by a 45-byte file: refused from the header alone.
    assert len(png_header_only(6000, 5000)) < 100 and MAX_PIXELS < 6000 * 5000


def test_a_truncated_png_is_refused(tmp_path: Path) -> None:
    digit, _ = bundled_digit(0)
    Image.fromarray(digit).save(tmp_path / "full.png")
    data = (tmp_path / "full.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageError, match=r"cut\.png: cannot"):
        read_image(tmp_path / "cut.png")


def test_a_gif_is_not_a_format_we_read(tmp_path: Path) -> None:
    Image.new("L", (8, 8)).save(tmp_path / "a.gif")
    with pytest.raises(ImageError, match="not an image convnet-tui can read"):
        read_image(tmp_path / "a.gif")


def test_missing_file_folder_and_out_of_range_npy(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="No such image file"):
        read_image(tmp_path / "nope.png")
    with pytest.raises(ImageError, match="Not a file"):
        read_image(tmp_path)
    np.save(tmp_path / "neg.npy", np.full((4, 4), -1.0))
    with pytest.raises(ImageError, match=r"Received: min=-1, max=-1"):
        read_image(tmp_path / "neg.npy")
    np.save(tmp_path / "nan.npy", np.full((4, 4), np.nan))
    with pytest.raises(ImageError, match="NaN"):
        read_image(tmp_path / "nan.npy")


def test_a_blank_image_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    Image.new("L", (30, 30), 255).save(tmp_path / "white.png")
    with pytest.raises(ImageError, match=r"white.png: no digit found"):
        load_digit(tmp_path / "white.png")


def pfm(a: np.ndarray) -> bytes:
    """A grey PFM file of ``a`` (little-endian floats, rows bottom to top)."""
    h, w = a.shape
    return f"Pf\n{w} {h}\n-1.0\n".encode() + np.ascontiguousarray(a[::-1], dtype="<f4").tobytes()


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("kind", ["pfm", "pgm-named pfm", "npy"])
def test_one_rule_for_values_that_are_not_finite_in_every_format(tmp_path: Path, kind: str, bad: float) -> None:
    a = np.zeros((28, 28), np.float32)
    a[8:20, 12:15] = 1.0
    a[0, 0] = bad
    if kind == "npy":
        path = tmp_path / "d.npy"
        np.save(path, a)
    else:
        path = tmp_path / ("d.pfm" if kind == "pfm" else "d.pgm")
        path.write_bytes(pfm(a))
    with pytest.raises(
        ImageError, match=r"pixel values must be finite numbers. Received: 1 (NaN|infinite) value"
    ) as info:
        load_digit(path)
    assert str(path) in str(info.value)


def test_a_pfm_is_read_like_a_float_npy(tmp_path: Path) -> None:
    digit, _ = bundled_digit(5)
    a = digit.astype(np.float32) / 255.0
    (tmp_path / "d.pfm").write_bytes(pfm(a))
    np.save(tmp_path / "d.npy", a)
    np.testing.assert_array_equal(read_image(tmp_path / "d.pfm"), read_image(tmp_path / "d.npy"))
    (tmp_path / "big.pfm").write_bytes(pfm(a * 300))
    with pytest.raises(ImageError, match=r"must be in \[0, 1\] or \[0, 255\]. Received: min=0, max=29\d"):
        read_image(tmp_path / "big.pfm")


def test_the_formats_read_are_named_when_a_file_is_not_one(tmp_path: Path) -> None:
    (tmp_path / "x.png").write_bytes(b"hello")
    with pytest.raises(
        ImageError, match=r"\(PNG, JPEG, WebP, BMP, Netpbm \(PBM, PGM, PPM, PFM\) or a 2-D .npy array\)"
    ):
        read_image(tmp_path / "x.png")


@pytest.mark.parametrize("ext", ["jpg", "png", "webp", "bmp"])
def test_a_big_picture_is_decoded_small_and_still_read(tmp_path: Path, ext: str) -> None:
    from tui_convnet.images import WORK_SIDE, read_picture

    digit, _label = bundled_digit(0)
    page = Image.fromarray(255 - digit).resize((1500, 1500), Image.Resampling.BICUBIC)
    canvas = Image.new("L", (3000, 2000), 235)
    canvas.paste(page, (800, 300))
    canvas.save(tmp_path / f"big.{ext}")
    pixels, size = read_picture(tmp_path / f"big.{ext}", max_side=WORK_SIDE)
    assert size == (2000, 3000) and max(pixels.shape) == WORK_SIDE
    p = load_digit(tmp_path / f"big.{ext}")
    assert p.original == (2000, 3000) and p.gray.shape == pixels.shape[:2]
    assert images_stage_note(p).startswith(f"3000×2000 read at {WORK_SIDE}×512")


def test_a_big_transparent_png_is_laid_on_white_paper_before_it_is_shrunk(tmp_path: Path, model: Model) -> None:
    """Black strokes on a transparent background whose hidden colour is black too (as drawing programs save
    it): shrunk as RGB after it is laid on white, the paper is white and the digit is read."""
    from tui_convnet.images import WORK_SIDE, read_picture

    digit, label = bundled_digit(0)
    rgba = np.zeros((1500, 2000, 4), np.uint8)
    rgba[200:1320, 400:1520, 3] = np.asarray(Image.fromarray(digit).resize((1120, 1120), Image.Resampling.BICUBIC))
    Image.fromarray(rgba, "RGBA").save(tmp_path / "strokes.png")
    pixels, _ = read_picture(tmp_path / "strokes.png", max_side=WORK_SIDE)
    assert pixels.shape == (576, WORK_SIDE, 3) and float(np.median(pixels)) == 1.0  # white paper, not black
    assert predicted(model, load_digit(tmp_path / "strokes.png").digit) == label


def images_stage_note(p: Preprocessed) -> str:
    from tui_convnet.images import stages

    return stages(p)[0].note


@pytest.mark.parametrize(
    ("bad", "said"),
    [(np.nan, "16 NaN value(s)"), (np.inf, "16 infinite value(s)"), (3e38, "min=0.5, max=3e+38")],
)
@pytest.mark.parametrize("kind", ["pfm", "npy"])
def test_bad_values_of_a_big_picture_are_reported_as_stored_and_without_a_warning(
    tmp_path: Path, kind: str, bad: float, said: str
) -> None:
    """A big PFM was shrunk before its values were checked: 16 infinite pixels were reported as 1 (or 9),
    and 3e38 became "infinite" once averaged; every size read now says what the file holds."""
    a = np.full((1000, 900), 0.5, np.float32)
    a[5:9, 5:9] = bad
    path = tmp_path / f"big.{kind}"
    if kind == "npy":
        np.save(path, a)
    else:
        path.write_bytes(pfm(a))
    messages = set()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for max_side in (None, 768, 100):
            with pytest.raises(ImageError) as info:
                read_picture(path, max_side=max_side)
            messages.add(str(info.value))
    assert [str(w.message) for w in caught] == []
    assert len(messages) == 1 and said in messages.pop()


def test_a_big_16_bit_or_float_picture_is_shrunk_by_block_means_a_strip_at_a_time(tmp_path: Path) -> None:
    """16-bit PNG/PGM were not shrunk at all (returned whole, then copied as float64: 621 MB at the cap);
    a .npy and a PFM were copied whole in float64 before shrinking (501 MB and 409 MB at the cap)."""
    import tracemalloc

    rng = np.random.default_rng(0)
    a = rng.integers(0, 65536, (2003, 1407)).astype(np.uint16)  # not a multiple of the block
    Image.fromarray(a).save(tmp_path / "g16.png", compress_level=0)
    np.save(tmp_path / "f.npy", a / 65535.0)
    k = 2003 // 200
    expected = a[: 2003 // k * k, : 1407 // k * k].reshape(2003 // k, k, 1407 // k, k).mean(axis=(1, 3)) / 65535
    for name in ("g16.png", "f.npy"):
        tracemalloc.start()
        try:
            pixels, size = read_picture(tmp_path / name, max_side=200)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert size == (2003, 1407) and pixels.shape == (200, 140) and pixels.dtype == np.float32
        np.testing.assert_allclose(pixels, expected, atol=1e-5)
        assert peak < 12e6, (name, peak)  # a float64 copy of the whole picture alone is 22.5 MB


def _odd_files(tmp_path: Path) -> list[Path]:
    """Files with values at the edges of every numeric type read: name -> path."""
    a = np.full((40, 40), 0.5, np.float32)
    a[5, 5] = np.nan
    (tmp_path / "nan.pfm").write_bytes(pfm(a))
    (tmp_path / "huge.pfm").write_bytes(pfm(np.full((40, 40), 3e38, np.float32)))
    (tmp_path / "over.pgm").write_bytes(b"P5 40 40 1000\n" + np.full((40, 40), 65535, ">u2").tobytes())
    arrays: dict[str, np.ndarray] = {
        "longdouble.npy": np.full((40, 40), np.longdouble("1e400")),  # past float64: "overflow encountered in cast"
        "longdouble_nan.npy": np.full((40, 40), np.longdouble("nan")),
        "half_inf.npy": np.full((40, 40), np.float16(np.inf)),
        "uint64.npy": np.full((40, 40), 2**64 - 1, np.uint64),
        "int8.npy": np.full((40, 40), -128, np.int8),
        "bool.npy": np.eye(40, dtype=bool),
    }
    for name, values in arrays.items():
        np.save(tmp_path / name, values)
    return sorted(tmp_path.iterdir())


def test_no_bad_input_makes_a_warning_and_a_long_double_is_shown_as_stored(tmp_path: Path) -> None:
    for path in _odd_files(tmp_path):
        for max_side in (None, 16):
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # -W error: any warning fails the read
                try:
                    read_picture(path, max_side=max_side)
                except ImageError as exc:
                    assert str(path) in str(exc)
    with pytest.raises(ImageError, match=r"must be in \[0, 1\] or \[0, 255\]. Received: min=1e\+400, max=1e\+400"):
        read_picture(tmp_path / "longdouble.npy")


def _npy_with_header_length(length: int, version: bytes = b"\x02\x00") -> bytes:
    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (28, 28), }\n"
    size = struct.pack("<H", length) if version == b"\x01\x00" else struct.pack("<I", length)
    return b"\x93NUMPY" + version + size + header + bytes(28 * 28 * 8)


@pytest.mark.parametrize(
    ("length", "version"), [(2**32 - 1, b"\x02\x00"), (10_058, b"\x02\x00"), (65_535, b"\x01\x00")]
)
def test_a_npy_header_claiming_too_many_bytes_is_one_line_before_anything_is_read(
    tmp_path: Path, length: int, version: bytes
) -> None:
    """numpy read the length it was told first (4 GiB: a MemoryError under a memory limit), then refused
    lengths over 10,000 in a message of two lines."""
    from tui_convnet.data.mnist import DataError, load_mnist

    (tmp_path / "d.npy").write_bytes(_npy_with_header_length(length, version))
    with pytest.raises(ImageError) as info:
        read_image(tmp_path / "d.npy")
    said = str(info.value)
    assert "\n" not in said and f"the .npy header claims {length:,} bytes, more than the limit of 10,000" in said
    with zipfile.ZipFile(tmp_path / "m.npz", "w") as z:
        for key in ("x_train", "y_train", "x_test", "y_test"):
            z.writestr(f"{key}.npy", _npy_with_header_length(length, version))
    with pytest.raises(DataError, match=rf"the .npy header claims {length:,} bytes"):
        load_mnist(tmp_path / "m.npz")


def test_a_decoder_out_of_memory_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PNG whose chunk length was damaged made Pillow read gigabytes: a MemoryError (exit 1, a crash
    report) where memory is limited."""
    from PIL import PngImagePlugin

    def out_of_memory(self: object) -> None:
        raise MemoryError

    Image.fromarray(np.zeros((28, 28), np.uint8)).save(tmp_path / "d.png")
    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load_end", out_of_memory)
    with pytest.raises(ImageError, match=r"d.png: cannot decode the image \(it asks for more memory than there is\)"):
        read_image(tmp_path / "d.png")


def _npy_with_header(header: str) -> bytes:
    encoded = header.encode("latin1") + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(encoded)) + encoded + bytes(1600)


@pytest.mark.parametrize(
    ("header", "said"),
    [
        ("{'a': 1, " * 500, "the .npy header is damaged: MemoryError"),  # was MemoryError: exit 1, a crash report
        ("{'descr': '|b1', 'fortran_order': True, 'shape': (True, 40), }", "shape must hold whole numbers from 0"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (-1, 40), }", "shape must hold whole numbers from 0"),
    ],
)
def test_a_npy_header_numpy_cannot_parse_or_lets_through_is_one_line(tmp_path: Path, header: str, said: str) -> None:
    """Found by fuzzing the headers: a few hundred nested brackets made Python's parser raise MemoryError;
    a shape of (True, 40) passed numpy's check and failed later with TypeError ("an integer is required")."""
    from tui_convnet.data.mnist import DataError, load_mnist

    (tmp_path / "d.npy").write_bytes(_npy_with_header(header))
    with pytest.raises(ImageError, match=re.escape(said)):
        read_image(tmp_path / "d.npy")
    with zipfile.ZipFile(tmp_path / "m.npz", "w") as z:
        for key in ("x_train", "y_train", "x_test", "y_test"):
            z.writestr(f"{key}.npy", _npy_with_header(header))
    with pytest.raises(DataError, match=re.escape(said)):
        load_mnist(tmp_path / "m.npz")


def _encrypted(archive: bytes) -> bytes:
    """``archive`` with every member marked encrypted (bit 0 of the general purpose flags)."""
    data = bytearray(archive)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            data[start + offset] |= 1
            start = data.find(signature, start + 4)
    return bytes(data)


def test_an_encrypted_npz_member_is_one_line(tmp_path: Path) -> None:
    """Found by fuzzing a .npz: zipfile raises RuntimeError ("… is encrypted, password required"): exit 1."""
    import io
    import shutil

    from tui_convnet.data.mnist import DataError, load_mnist
    from tui_convnet.model.bundled import WEIGHTS_NAME, ModelAssetError, load_bundled_model, model_dir

    buffer = io.BytesIO()
    digits = np.zeros((4, 28, 28), np.uint8)
    np.savez(buffer, x_train=digits, y_train=np.zeros(4, np.uint8), x_test=digits, y_test=np.zeros(4, np.uint8))
    (tmp_path / "m.npz").write_bytes(_encrypted(buffer.getvalue()))
    with pytest.raises(DataError, match=r"m.npz: cannot read it as a .npz file \(File '.*' is encrypted"):
        load_mnist(tmp_path / "m.npz")
    folder = tmp_path / "model"
    shutil.copytree(model_dir(), folder)
    (folder / WEIGHTS_NAME).write_bytes(_encrypted((folder / WEIGHTS_NAME).read_bytes()))
    with pytest.raises(ModelAssetError, match=r"cannot read it as a .npz weights file \(File '.*' is encrypted"):
        load_bundled_model(folder)
