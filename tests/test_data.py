"""The MNIST loader: every source, and a clear ``DataError`` (never a traceback) for bad files.

Files are written to ``tmp_path`` from the bundled sample; IDX files are
crafted byte by byte here (the format is a 4-byte magic number, one 4-byte
big-endian size per axis, then the raw uint8 values).
"""

from __future__ import annotations

import gzip
import re

import numpy as np
import pytest

from tui_convnet.data import (
    DataError,
    MnistData,
    bundled_digit,
    keras_cache_path,
    load_mnist,
    one_hot,
    read_idx,
    to_model_inputs,
)
from tui_convnet.paths import bundled_mnist_path

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
def small(sample) -> dict[str, np.ndarray]:
    """A few real digits, as the four arrays of a Keras mnist.npz."""
    s = sample.limited(40, 30)
    return {"x_train": s.x_train, "y_train": s.y_train, "x_test": s.x_test, "y_test": s.y_test}


@pytest.fixture(autouse=True)
def no_keras_cache(tmp_path_factory, monkeypatch):
    """Every test sees an empty Keras home unless it fills one itself."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path_factory.mktemp("empty_keras_home")))


def idx_bytes(array: np.ndarray) -> bytes:
    magic = 0x0800 | array.ndim  # 0x08: unsigned bytes; then the number of axes
    header = magic.to_bytes(4, "big") + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def write_idx_folder(folder, arrays, *, gz: bool):
    folder.mkdir(parents=True, exist_ok=True)
    for key, stem in IDX_NAMES.items():
        data = idx_bytes(arrays[key])
        if gz:
            (folder / (stem + ".gz")).write_bytes(gzip.compress(data))
        else:
            (folder / stem).write_bytes(data)
    return folder


def assert_same(data: MnistData, arrays: dict[str, np.ndarray]):
    for key, value in arrays.items():
        got = getattr(data, key)
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, value, err_msg=key)


# --------------------------------------------------------------------------- sources


def test_bundled_sample(sample):
    assert sample.source == "sample" and not sample.full
    assert sample.x_train.shape == (5000, 28, 28) and sample.y_train.shape == (5000,)
    assert sample.x_test.shape == (10000, 28, 28) and sample.y_test.shape == (10000,)
    assert sample.x_train.dtype == sample.y_train.dtype == np.uint8
    assert set(np.unique(sample.y_test)) == set(range(10))
    assert sample.location == str(bundled_mnist_path())
    assert sample.description == f"bundled MNIST sample: 5,000 training / 10,000 test digits ({bundled_mnist_path()})"


def test_limited(sample):
    small = sample.limited(100, 20)
    assert len(small.x_train) == len(small.y_train) == 100
    assert len(small.x_test) == len(small.y_test) == 20
    assert small.source == "sample"
    np.testing.assert_array_equal(small.x_train, sample.x_train[:100])
    assert len(sample.limited(None, 5).x_train) == 5000


def test_keras_npz_at_an_explicit_path(tmp_path, small):
    path = tmp_path / "my-mnist.npz"
    np.savez_compressed(path, **small)
    data = load_mnist(path)
    assert (data.source, data.location, data.full) == ("path", str(path), False)
    assert data.description == f"MNIST from a file: 40 training / 30 test digits ({path})"
    assert_same(data, small)
    assert_same(load_mnist(str(path)), small)  # a string works as well as a Path


@pytest.mark.parametrize("gz", [True, False], ids=["gzipped", "plain"])
def test_folder_of_idx_files(tmp_path, small, gz):
    folder = write_idx_folder(tmp_path / "idx", small, gz=gz)
    data = load_mnist(folder)
    assert (data.source, data.location) == ("path", str(folder))
    assert_same(data, small)


def test_idx_reader_on_crafted_bytes(tmp_path):
    images = np.arange(2 * 28 * 28, dtype=np.uint16).reshape(2, 28, 28) % 256
    path = tmp_path / "imgs"
    path.write_bytes(idx_bytes(images))
    assert (path.read_bytes()[:4], path.read_bytes()[4:8]) == (b"\x00\x00\x08\x03", b"\x00\x00\x00\x02")
    np.testing.assert_array_equal(read_idx(path), images)
    labels = np.array([7, 2, 1], dtype=np.uint8)
    (tmp_path / "labels.gz").write_bytes(gzip.compress(idx_bytes(labels)))
    np.testing.assert_array_equal(read_idx(tmp_path / "labels.gz"), labels)


def test_keras_cache(tmp_path, monkeypatch, small):
    # Keras keeps the file at $KERAS_HOME/datasets/mnist.npz
    # (keras.src.backend.config.keras_home() and keras.src.utils.file_utils.get_file).
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    cached = tmp_path / "kh" / "datasets" / "mnist.npz"
    assert keras_cache_path() == cached
    cached.parent.mkdir(parents=True)
    np.savez(cached, **small)
    for dataset in ("auto", "keras"):
        data = load_mnist(dataset, download=False)
        assert (data.source, data.location, data.full) == ("keras", str(cached), False)
        assert data.description == f"MNIST (Keras): 40 training / 30 test digits ({cached})"
        assert_same(data, small)


def test_keras_cache_path_without_keras_home(monkeypatch, tmp_path):
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert keras_cache_path() == tmp_path / ".keras" / "datasets" / "mnist.npz"


def test_auto_falls_back_to_the_sample(sample):
    assert not keras_cache_path().exists()
    data = load_mnist("auto", download=False)
    assert data.source == "sample"
    assert len(data.x_train) == 5000


def test_auto_falls_back_when_the_cache_is_corrupt(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "mnist.npz").write_bytes(b"not a zip file")
    assert load_mnist("auto", download=False).source == "sample"
    with pytest.raises(
        DataError, match=re.escape(f"{tmp_path / 'datasets' / 'mnist.npz'}: cannot read it as a .npz file")
    ):
        load_mnist("keras")  # asked for explicitly: the error is shown, not hidden


# --------------------------------------------------------------------------- errors


def expect_error(target, *parts):
    pattern = ".*".join(re.escape(str(p)) for p in parts)
    with pytest.raises(DataError, match=pattern):
        load_mnist(target)


def test_missing_path(tmp_path):
    expect_error(
        tmp_path / "nope.npz",
        f"No such file or folder: {tmp_path / 'nope.npz'}",
        "Use 'auto', 'sample', 'keras', a mnist.npz file or a folder with the four MNIST IDX files.",
    )


def test_corrupt_npz(tmp_path):
    path = tmp_path / "broken.npz"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    expect_error(path, f"{path}: cannot read it as a .npz file")


def test_truncated_npz(tmp_path, small):
    path = tmp_path / "cut.npz"
    np.savez_compressed(path, **small)
    path.write_bytes(path.read_bytes()[:2000])
    expect_error(path, f"{path}: cannot read it as a .npz file")


def test_npz_without_the_keras_arrays(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, images=np.zeros((2, 28, 28)))
    expect_error(path, f"{path}: not a Keras mnist.npz, it has no `x_train` array. Received: arrays=['images']")


def test_npz_with_pickled_objects_is_refused(tmp_path, small):
    path = tmp_path / "pickled.npz"
    np.savez(path, **{**small, "x_train": np.array([object()] * 3, dtype=object)})
    expect_error(path, f"{path}: cannot read it as a .npz file")


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
def test_wrong_shapes_and_values_in_npz(tmp_path, small, change, message):
    path = tmp_path / "wrong.npz"
    np.savez(path, **{**small, **change})
    expect_error(path, f"{path}: ", message)


def test_whole_float_pixels_are_accepted(tmp_path, small):
    path = tmp_path / "floats.npz"
    np.savez(path, **{**small, "x_train": small["x_train"].astype(np.float64)})
    assert_same(load_mnist(path), small)


def test_missing_idx_file(tmp_path, small):
    folder = write_idx_folder(tmp_path / "idx", small, gz=True)
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    expect_error(folder, f"{folder}: the MNIST IDX file t10k-labels-idx1-ubyte[.gz] is missing.")


def test_bad_idx_magic(tmp_path, small):
    folder = write_idx_folder(tmp_path / "idx", small, gz=False)
    path = folder / "train-images-idx3-ubyte"
    raw = bytearray(path.read_bytes())
    raw[:4] = (2052).to_bytes(4, "big")
    path.write_bytes(bytes(raw))
    expect_error(folder, f"{path}: not an MNIST IDX file (magic must be 2049 or 2051). Received: magic=2052")


def test_truncated_idx(tmp_path, small):
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


def test_truncated_and_corrupt_gzip(tmp_path, small):
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


def test_idx_with_labels_where_images_belong(tmp_path, small):
    folder = write_idx_folder(tmp_path / "idx", small, gz=False)
    (folder / "train-images-idx3-ubyte").write_bytes(idx_bytes(small["y_train"]))
    expect_error(folder, f"{folder}: `x_train` must have shape (N, 28, 28). Received: x_train.shape=(40,)")


# --------------------------------------------------------------------------- helpers


def test_to_model_inputs_and_one_hot(sample):
    x = to_model_inputs(sample.x_test[:3])
    assert x.shape == (3, 28, 28, 1) and x.dtype == np.float32
    assert x.min() == 0.0 and x.max() == 1.0
    np.testing.assert_array_equal(x[..., 0] * 255, sample.x_test[:3])
    y = one_hot(np.array([3, 0, 9]))
    assert y.dtype == np.float32 and y.shape == (3, 10)
    assert y.argmax(axis=1).tolist() == [3, 0, 9] and y.sum() == 3


def test_bundled_digit(sample):
    digit, label = bundled_digit(5, "train")
    np.testing.assert_array_equal(digit, sample.x_train[5])
    assert label == sample.y_train[5]
    with pytest.raises(DataError, match=re.escape("`split` must be 'train' or 'test'. Received: split='dev'")):
        bundled_digit(0, "dev")
    with pytest.raises(DataError, match=re.escape("Digit index out of range 0..4999. Received: index=5000")):
        bundled_digit(5000, "train")
