"""The MNIST loader: every source, and a clear ``DataError`` (never a traceback) for bad files.

Files are written to ``tmp_path`` from the bundled sample; IDX files are
crafted byte by byte here (the format is a 4-byte magic number, one 4-byte
big-endian size per axis, then the raw uint8 values).
"""

from __future__ import annotations

import errno
import gzip
import io
import os
import re
import sys
import time
import types
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests._npz import savez
from tui_convnet.data.mnist import (
    MAX_ARRAY_BYTES,
    DataError,
    MnistData,
    bundled_digit,
    keras_cache_path,
    load_mnist,
    one_hot,
    read_idx,
    to_model_inputs,
)
from tui_convnet.util.paths import bundled_mnist_path

IDX_NAMES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


@pytest.fixture(scope="module")
def sample() -> MnistData:
    return load_mnist("sample")


@pytest.fixture
def small(sample: MnistData) -> dict[str, np.ndarray]:
    """A few real digits, as the four arrays of a Keras mnist.npz."""
    s = sample.limited(40, 30)
    return {"x_train": s.x_train, "y_train": s.y_train, "x_test": s.x_test, "y_test": s.y_test}


@pytest.fixture(autouse=True)
def no_keras_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test sees an empty Keras home unless it fills one itself."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path_factory.mktemp("empty_keras_home")))


def idx_bytes(array: np.ndarray) -> bytes:
    magic = 0x0800 | array.ndim  # 0x08: unsigned bytes; then the number of axes
    header = magic.to_bytes(4, "big") + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def write_idx_folder(folder: Path, arrays: Mapping[str, np.ndarray], *, gz: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for key, stem in IDX_NAMES.items():
        data = idx_bytes(arrays[key])
        if gz:
            (folder / (stem + ".gz")).write_bytes(gzip.compress(data))
        else:
            (folder / stem).write_bytes(data)
    return folder


def assert_same(data: MnistData, arrays: dict[str, np.ndarray]) -> None:
    for key, value in arrays.items():
        got = getattr(data, key)
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, value, err_msg=key)


# --------------------------------------------------------------------------- sources


def test_bundled_sample(sample: MnistData) -> None:
    assert sample.source == "sample" and not sample.full
    assert sample.x_train.shape == (5000, 28, 28) and sample.y_train.shape == (5000,)
    assert sample.x_test.shape == (10000, 28, 28) and sample.y_test.shape == (10000,)
    assert sample.x_train.dtype == sample.y_train.dtype == np.uint8
    assert set(np.unique(sample.y_test)) == set(range(10))
    assert sample.location == str(bundled_mnist_path())
    assert sample.description == f"bundled MNIST sample: 5,000 training / 10,000 test digits ({bundled_mnist_path()})"


def test_limited(sample: MnistData) -> None:
    small = sample.limited(100, 20)
    assert len(small.x_train) == len(small.y_train) == 100
    assert len(small.x_test) == len(small.y_test) == 20
    assert small.source == "sample"
    np.testing.assert_array_equal(small.x_train, sample.x_train[:100])
    assert len(sample.limited(None, 5).x_train) == 5000


def test_keras_npz_at_an_explicit_path(tmp_path: Path, small: dict[str, np.ndarray]) -> None:
    path = tmp_path / "my-mnist.npz"
    savez(path, small, compressed=True)
    data = load_mnist(path)
    assert (data.source, data.location, data.full) == ("path", str(path), False)
    assert data.description == f"MNIST from a file: 40 training / 30 test digits ({path})"
    assert_same(data, small)
    assert_same(load_mnist(str(path)), small)  # a string works as well as a Path


@pytest.mark.parametrize("gz", [True, False], ids=["gzipped", "plain"])
def test_folder_of_idx_files(tmp_path: Path, small: dict[str, np.ndarray], gz: bool) -> None:
    folder = write_idx_folder(tmp_path / "idx", small, gz=gz)
    data = load_mnist(folder)
    assert (data.source, data.location) == ("path", str(folder))
    assert_same(data, small)


def test_idx_reader_on_crafted_bytes(tmp_path: Path) -> None:
    images = np.arange(2 * 28 * 28, dtype=np.uint16).reshape(2, 28, 28) % 256
    path = tmp_path / "imgs"
    path.write_bytes(idx_bytes(images))
    assert (path.read_bytes()[:4], path.read_bytes()[4:8]) == (b"\x00\x00\x08\x03", b"\x00\x00\x00\x02")
    np.testing.assert_array_equal(read_idx(path), images)
    labels = np.array([7, 2, 1], dtype=np.uint8)
    (tmp_path / "labels.gz").write_bytes(gzip.compress(idx_bytes(labels)))
    np.testing.assert_array_equal(read_idx(tmp_path / "labels.gz"), labels)


def test_keras_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small: dict[str, np.ndarray]) -> None:
    # Keras keeps the file at $KERAS_HOME/datasets/mnist.npz
    # (keras.src.backend.config.keras_home() and keras.src.utils.file_utils.get_file).
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    cached = tmp_path / "kh" / "datasets" / "mnist.npz"
    assert keras_cache_path() == cached
    cached.parent.mkdir(parents=True)
    savez(cached, small)
    for dataset in ("auto", "keras"):
        data = load_mnist(dataset, download=False)
        assert (data.source, data.location, data.full) == ("keras", str(cached), False)
        assert data.description == f"MNIST (Keras): 40 training / 30 test digits ({cached})"
        assert_same(data, small)


def test_keras_cache_path_without_keras_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert keras_cache_path() == tmp_path / ".keras" / "datasets" / "mnist.npz"


def test_auto_falls_back_to_the_sample(sample: MnistData) -> None:
    assert not keras_cache_path().exists()
    data = load_mnist("auto", download=False)
    assert data.source == "sample"
    assert len(data.x_train) == 5000


def test_auto_falls_back_when_the_cache_is_corrupt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "mnist.npz").write_bytes(b"not a zip file")
    assert load_mnist("auto", download=False).source == "sample"
    with pytest.raises(DataError, match=re.escape(f"{tmp_path / 'datasets' / 'mnist.npz'}: not a .npz file")):
        load_mnist("keras")  # asked for explicitly: the error is shown, not hidden


# --------------------------------------------------------------------------- errors


def expect_error(target: str | Path, *parts: object) -> None:
    pattern = ".*".join(re.escape(str(p)) for p in parts)
    with pytest.raises(DataError, match=pattern):
        load_mnist(target)


def test_missing_path(tmp_path: Path) -> None:
    expect_error(
        tmp_path / "nope.npz",
        f"No such file or folder: {tmp_path / 'nope.npz'}",
        "Use 'auto', 'sample', 'keras', a mnist.npz file or a folder with the four MNIST IDX files.",
    )


def test_corrupt_npz(tmp_path: Path) -> None:
    path = tmp_path / "broken.npz"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    expect_error(path, f"{path}: not a .npz file")


def test_truncated_npz(tmp_path: Path, small: dict[str, np.ndarray]) -> None:
    path = tmp_path / "cut.npz"
    savez(path, small, compressed=True)
    path.write_bytes(path.read_bytes()[:2000])  # the zip's directory is at its end: gone
    expect_error(path, f"{path}: not a .npz file")


def test_npz_without_the_keras_arrays(tmp_path: Path) -> None:
    path = tmp_path / "other.npz"
    np.savez(path, images=np.zeros((2, 28, 28)))
    expect_error(path, f"{path}: not a Keras mnist.npz, it has no `x_train` array. Received: arrays=['images']")


def test_npz_with_pickled_objects_is_refused(tmp_path: Path, small: dict[str, np.ndarray]) -> None:
    path = tmp_path / "pickled.npz"
    savez(path, {**small, "x_train": np.array([object()] * 3, dtype=object)})
    expect_error(path, f"{path}: `x_train` holds Python objects, which are never loaded (pickles can run code).")


@pytest.mark.parametrize(
    "change,message",
    [
        (
            {"x_train": np.zeros((4, 28, 27), np.uint8)},
            "`x_train` must have shape (N, 28, 28). Received: x_train.shape=(4, 28, 27)",
        ),
        (
            {"x_test": np.zeros((28, 28), np.uint8)},
            "`x_test` must have shape (N, 28, 28). Received: x_test.shape=(28, 28)",
        ),
        (
            {"y_train": np.zeros(39, np.uint8)},
            "`y_train` must hold one label per image (40). Received: y_train.shape=(39,)",
        ),
        ({"y_test": np.full(30, 10, np.int64)}, "`y_test` must hold integer labels 0-9"),
        (
            {"y_test": np.zeros(30, np.float32)},
            "`y_test` must hold integer labels 0-9. Received: y_test.dtype=float32",
        ),
        ({"x_train": np.full((40, 28, 28), 0.5, np.float32)}, "`x_train` must hold whole pixel values 0-255"),
        ({"x_train": np.full((40, 28, 28), 300, np.int32)}, "max=300"),
        (
            {"x_train": np.zeros((0, 28, 28), np.uint8), "y_train": np.zeros(0, np.uint8)},
            "the training and test sets must not be empty",
        ),
    ],
)
def test_wrong_shapes_and_values_in_npz(
    tmp_path: Path, small: dict[str, np.ndarray], change: dict[str, np.ndarray], message: str
) -> None:
    path = tmp_path / "wrong.npz"
    savez(path, {**small, **change})
    expect_error(path, f"{path}: ", message)


def test_whole_float_pixels_are_accepted(tmp_path: Path, small: dict[str, np.ndarray]) -> None:
    path = tmp_path / "floats.npz"
    savez(path, {**small, "x_train": small["x_train"].astype(np.float64)})
    assert_same(load_mnist(path), small)


def test_missing_idx_file(tmp_path: Path, small: dict[str, np.ndarray]) -> None:
    folder = write_idx_folder(tmp_path / "idx", small, gz=True)
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    expect_error(folder, f"{folder}: the MNIST IDX file t10k-labels-idx1-ubyte[.gz] is missing.")


def test_bad_idx_magic(tmp_path: Path, small: dict[str, np.ndarray]) -> None:
    folder = write_idx_folder(tmp_path / "idx", small, gz=False)
    path = folder / "train-images-idx3-ubyte"
    raw = bytearray(path.read_bytes())
    raw[:4] = (2052).to_bytes(4, "big")
    path.write_bytes(bytes(raw))
    expect_error(folder, f"{path}: not an MNIST IDX file (magic must be 2049 or 2051). Received: magic=2052")


def test_truncated_idx(tmp_path: Path, small: dict[str, np.ndarray]) -> None:
    folder = write_idx_folder(tmp_path / "idx", small, gz=False)
    path = folder / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    expect_error(
        folder,
        f"{path}: the header promises {30 * 28 * 28} values but the file holds {30 * 28 * 28 - 100}. "
        "Received: shape=(30, 28, 28)",
    )
    path.write_bytes(path.read_bytes()[:10])
    expect_error(folder, f"{path}: the IDX header is cut short (10 of 16 bytes).")
    path.write_bytes(b"\x00\x00")
    expect_error(folder, f"{path}: too short to be an IDX file. Received: size=2 bytes")


def test_truncated_and_corrupt_gzip(tmp_path: Path, small: dict[str, np.ndarray]) -> None:
    folder = write_idx_folder(tmp_path / "idx", small, gz=True)
    path = folder / "train-labels-idx1-ubyte.gz"
    packed = path.read_bytes()
    path.write_bytes(packed[: len(packed) // 2])
    expect_error(folder, f"{path}: cannot read it")
    path.write_bytes(b"not gzip at all")
    expect_error(folder, f"{path}: cannot read it")
    images = folder / "train-images-idx3-ubyte.gz"
    body = bytearray(images.read_bytes())
    body[20:60] = bytes(40)  # damage the deflate stream itself
    images.write_bytes(bytes(body))
    path.write_bytes(packed)
    expect_error(folder, f"{images}: cannot read it")


def test_idx_with_labels_where_images_belong(tmp_path: Path, small: dict[str, np.ndarray]) -> None:
    folder = write_idx_folder(tmp_path / "idx", small, gz=False)
    (folder / "train-images-idx3-ubyte").write_bytes(idx_bytes(small["y_train"]))
    expect_error(folder, f"{folder}: `x_train` must have shape (N, 28, 28). Received: x_train.shape=(40,)")


# --------------------------------------------------------------------------- helpers


def test_to_model_inputs_and_one_hot(sample: MnistData) -> None:
    x = to_model_inputs(sample.x_test[:3])
    assert x.shape == (3, 28, 28, 1) and x.dtype == np.float32
    assert x.min() == 0.0 and x.max() == 1.0
    np.testing.assert_array_equal(x[..., 0] * 255, sample.x_test[:3])
    y = one_hot(np.array([3, 0, 9]))
    assert y.dtype == np.float32 and y.shape == (3, 10)
    assert y.argmax(axis=1).tolist() == [3, 0, 9] and y.sum() == 3


def test_bundled_digit(sample: MnistData) -> None:
    digit, label = bundled_digit(5, "train")
    np.testing.assert_array_equal(digit, sample.x_train[5])
    assert label == sample.y_train[5]
    with pytest.raises(DataError, match=re.escape("`split` must be 'train' or 'test'. Received: split='dev'")):
        bundled_digit(0, "dev")
    with pytest.raises(DataError, match=re.escape("Digit index out of range 0..4999. Received: index=5000")):
        bundled_digit(5000, "train")


def test_bundled_digits_are_read_once_and_handed_out_as_copies(monkeypatch: pytest.MonkeyPatch) -> None:
    """The split is decompressed once per process (the lessons ask digit after digit); a caller that
    draws on its digit changes neither the cache nor the next caller's digit."""
    reads = []
    real_load = np.load

    def load(*a: Any, **k: Any) -> Any:
        reads.append(a[0])
        return real_load(*a, **k)

    monkeypatch.setattr(np, "load", load)
    first, _ = bundled_digit(3)
    first[:] = 255
    again, _ = bundled_digit(3)
    bundled_digit(4)
    assert not np.all(again == 255)
    assert len(reads) <= 1  # 0 when an earlier test in this process already read the split
    assert bundled_digit(3)[0].flags.writeable


# --------------------------------------------------------------------------- bombs, lies and faults


def gzip_stream(header: bytes, zeros: int) -> bytes:
    """A gzip file: ``header`` then ``zeros`` zero bytes, compressed in chunks (a small file that expands hugely)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as f:
        f.write(header)
        chunk = bytes(1 << 20)
        for _ in range(zeros >> 20):
            f.write(chunk)
    return out.getvalue()


def test_a_gzip_idx_bomb_stops_at_the_declared_size(tmp_path: Path) -> None:
    # The header declares 3 images of 28x28; the stream expands to 256 MiB more.  Only the declared
    # bytes (plus one) are decompressed: refused at once, not after reading it all.
    header = (2051).to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in (3, 28, 28))
    path = tmp_path / "bomb.gz"
    path.write_bytes(gzip_stream(header, 256 << 20))
    assert path.stat().st_size < 1 << 20
    started = time.perf_counter()
    with pytest.raises(DataError, match=re.escape(f"the header promises {3 * 28 * 28} values but the file holds more")):
        read_idx(path)
    assert time.perf_counter() - started < 0.5


def test_an_idx_header_declaring_gigabytes_is_refused_before_reading(tmp_path: Path) -> None:
    header = (2051).to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in (2_800_000, 28, 28))
    path = tmp_path / "huge.gz"
    path.write_bytes(gzip_stream(header, 0))
    with pytest.raises(DataError, match=re.escape(f"more than the limit of {MAX_ARRAY_BYTES:,}")):
        read_idx(path)


def npz_with_header(path: Path, small: Mapping[str, np.ndarray], key: str, header: dict[str, Any]) -> None:
    """A Keras-layout npz whose ``key`` member carries a hand-written .npy header (and a tiny body)."""
    with zipfile.ZipFile(path, "w") as z:
        for name, array in small.items():
            buf = io.BytesIO()
            if name == key:
                np.lib.format.write_array_header_2_0(buf, header)
                buf.write(bytes(100))
            else:
                np.lib.format.write_array(buf, array)
            z.writestr(name + ".npy", buf.getvalue())


def test_an_npz_declaring_1e11_images_is_refused_without_allocating(
    tmp_path: Path, small: dict[str, np.ndarray]
) -> None:
    # was numpy's MemoryError (a traceback from `train --dataset`)
    path = tmp_path / "liar.npz"
    npz_with_header(path, small, "x_train", {"descr": "|u1", "fortran_order": False, "shape": (10**11, 28, 28)})
    expect_error(path, f"{path}: `x_train` declares {10**11 * 784:,} values", f"limit of {MAX_ARRAY_BYTES:,} bytes")


def test_an_npz_member_cut_short_is_refused(tmp_path: Path, small: dict[str, np.ndarray]) -> None:
    path = tmp_path / "short.npz"
    npz_with_header(path, small, "y_test", {"descr": "|u1", "fortran_order": False, "shape": (30,)})
    data = load_mnist(path)  # 30 labels fit in the 100 bytes written: read exactly, the rest ignored
    assert data.y_test.tolist() == [0] * 30
    npz_with_header(path, small, "y_test", {"descr": "|u1", "fortran_order": False, "shape": (300,)})
    expect_error(path, f"{path}: `y_test` is cut short (100 of 300 bytes).")


def test_a_plain_npy_renamed_npz_is_refused(tmp_path: Path, small: dict[str, np.ndarray]) -> None:
    # was TypeError: 'numpy.ndarray' object does not support the context manager protocol
    path = tmp_path / "plain.npz"
    np.save(tmp_path / "plain.npy", small["x_train"])
    os.replace(tmp_path / "plain.npy", path)
    expect_error(path, f"{path}: not a .npz file (a .npz is a zip archive of arrays; this file is not).")


def test_an_npz_with_a_huge_header_is_refused(tmp_path: Path, small: dict[str, np.ndarray]) -> None:
    path = tmp_path / "header.npz"
    npz_with_header(
        path, small, "x_test", {"descr": "|u1", "fortran_order": False, "shape": (30, 28, 28), "x": "y" * 20000}
    )
    expect_error(path, f"{path}: cannot read it as a .npz file")


def keras_cache_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes) -> Path:
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    cached = tmp_path / "kh" / "datasets" / "mnist.npz"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(content)
    return cached


@pytest.mark.parametrize("kind", ["corrupt", "plain-npy", "liar"])
def test_auto_says_why_a_cache_was_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small: dict[str, np.ndarray], kind: str
) -> None:
    cached = keras_cache_with(tmp_path, monkeypatch, b"not a zip file")
    if kind == "plain-npy":
        buf = io.BytesIO()
        np.save(buf, small["x_train"])
        cached.write_bytes(buf.getvalue())
    elif kind == "liar":
        npz_with_header(cached, small, "x_train", {"descr": "|u1", "fortran_order": False, "shape": (10**11, 28, 28)})
    data = load_mnist("auto")
    assert data.source == "sample"
    assert data.skipped.startswith(f"Full MNIST was found in the Keras cache but skipped: {cached}: ")
    with pytest.raises(DataError, match=re.escape(f"{cached}: ")):
        load_mnist("keras")  # asked for explicitly: the error itself


def test_auto_without_a_cache_skips_nothing() -> None:
    assert load_mnist("auto").skipped == ""


@pytest.fixture
def keras_must_not_be_touched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to reach Keras (the old lazy import in data.py) fails the test."""
    fake = types.ModuleType("tui_convnet.training.tf_env")

    def import_keras() -> None:
        raise AssertionError("load_mnist tried to download through Keras")

    fake.import_keras = import_keras  # type: ignore[attr-defined]  # a module made here, with the one name asked for
    monkeypatch.setitem(sys.modules, "tui_convnet.training.tf_env", fake)


def test_download_false_never_downloads(keras_must_not_be_touched: None, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(DataError, match=r"MNIST is not in the Keras cache .*`convnet-tui train --dataset keras`"):
        load_mnist("keras", download=False)
    with pytest.raises(DataError, match="MNIST is not in the Keras cache"):
        load_mnist("keras")
    assert capsys.readouterr().out == ""


def test_a_download_is_handed_in_and_checked(small: dict[str, np.ndarray]) -> None:
    data = load_mnist("keras", download=lambda: small)
    assert (data.source, len(data.x_train)) == ("keras", 40)
    with pytest.raises(DataError, match=re.escape("keras.datasets.mnist: `x_train` must have shape (N, 28, 28)")):
        load_mnist("keras", download=lambda: {**small, "x_train": np.zeros((40, 2, 2), np.uint8)})


@pytest.mark.parametrize(
    "target,message",
    [
        ("x" * 5000, "The dataset is too long (5,000 characters; the limit is 4,096)"),
        ("~nouser_convnet_tui/mnist.npz", "Cannot expand ~nouser_convnet_tui: no such user"),
        ("", "The dataset is empty"),
    ],
)
def test_paths_that_cannot_name_a_file(target: str, message: str) -> None:
    expect_error(target, message)


def test_a_path_the_system_refuses_is_one_line(tmp_path: Path) -> None:
    # 300 characters in one path component: ENAMETOOLONG from stat() (was a traceback)
    expect_error(tmp_path / ("a" * 300), "cannot use it (file name too long)")


def test_an_unreadable_idx_folder(
    tmp_path: Path, small: dict[str, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_idx_folder(tmp_path / "idx", small, gz=False)
    real_listdir = os.listdir

    def listdir(path: Any) -> list[str]:
        if os.fspath(path) == str(folder):
            raise PermissionError(errno.EACCES, "Permission denied", str(folder))
        return real_listdir(path)

    monkeypatch.setattr(os, "listdir", listdir)  # the tests run as root, where chmod 000 does not stop reads
    expect_error(folder, f"{folder}: cannot read the folder (permission denied).")


def test_an_unreadable_npz(tmp_path: Path, small: dict[str, np.ndarray], monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.npz"
    savez(path, small)
    monkeypatch.setattr(zipfile, "is_zipfile", lambda p: False)
    real_open = open

    def fake_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(file) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)
    expect_error(path, f"{path}: cannot read it (permission denied).")


@pytest.mark.parametrize(
    "labels,message",
    [
        ([10], "Labels must be in 0..9. Received: label=10"),
        ([-1], "Labels must be in 0..9. Received: label=-1"),  # was silently class 9
        ([1.5], "Labels must be a 1-D list of integers"),
        ("abc", "Labels must be a 1-D list of integers"),
        ([[1]], "Labels must be a 1-D list of integers"),
    ],
)
def test_one_hot_refuses_labels_outside_the_classes(labels: Any, message: str) -> None:  # wrong on purpose
    with pytest.raises(ValueError, match=re.escape(message)):
        one_hot(labels)


def test_one_hot_accepts_plain_lists() -> None:
    assert one_hot([0, 2], classes=3).tolist() == [[1, 0, 0], [0, 0, 1]]


def test_deflate_errors_stay_data_errors(tmp_path: Path) -> None:
    header = (2049).to_bytes(4, "big") + (5).to_bytes(4, "big")
    packed = bytearray(gzip.compress(header + bytes(5)))
    packed[12:16] = b"\xff\xff\xff\xff"
    path = tmp_path / "labels.gz"
    path.write_bytes(bytes(packed))
    with pytest.raises(DataError, match="cannot read it"):
        read_idx(path)
    assert zlib  # the error type read_idx turns into a DataError
