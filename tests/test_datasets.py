"""Other small-image datasets: 28x28 grey or 32x32 RGB, .npz or IDX, optional class names, on small
generated data; every refusal one line naming the file and the reason."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tests._npz import savez
from tui_convnet.data.image_sets import ImageSet, load_image_set
from tui_convnet.data.mnist import DataError


def _arrays(shape: tuple[int, ...], classes: int = 3, n: int = 12, m: int = 6, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, size=(n, *shape), dtype=np.uint8),
        "y_train": np.arange(n) % classes,
        "x_test": rng.integers(0, 256, size=(m, *shape), dtype=np.uint8),
        "y_test": np.arange(m) % classes,
    }


def _idx(path: Path, array: np.ndarray, magic: int) -> None:
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def test_a_32x32_rgb_npz_with_class_names_beside_it(tmp_path: Path) -> None:
    a = _arrays((32, 32, 3), classes=3)
    savez(tmp_path / "pets.npz", a)
    (tmp_path / "classes.txt").write_text("cat\ndog\nfish\n")
    s = load_image_set(tmp_path / "pets.npz")
    assert isinstance(s, ImageSet) and s.input_shape == (32, 32, 3) and s.classes == 3
    assert s.class_names == ("cat", "dog", "fish")
    np.testing.assert_array_equal(s.data.x_train, a["x_train"])
    assert s.description.startswith("12 training / 6 test images, 32x32 RGB, 3 classes (")


def test_a_28x28_grey_idx_folder_without_names_numbers_its_classes(tmp_path: Path) -> None:
    a = _arrays((28, 28), classes=4)
    for key, stem in (("x_train", "train-images-idx3-ubyte"), ("x_test", "t10k-images-idx3-ubyte")):
        _idx(tmp_path / f"{stem}.gz", a[key], 2051)
    for key, stem in (("y_train", "train-labels-idx1-ubyte"), ("y_test", "t10k-labels-idx1-ubyte")):
        _idx(tmp_path / f"{stem}.gz", a[key], 2049)
    s = load_image_set(tmp_path)
    assert s.input_shape == (28, 28, 1) and s.class_names == ("0", "1", "2", "3")


def test_float_pixels_that_are_whole_numbers_are_taken_and_an_explicit_names_file_wins(tmp_path: Path) -> None:
    a = _arrays((28, 28), classes=2)
    a["x_train"] = a["x_train"].astype(np.float32)
    savez(tmp_path / "set.npz", a)
    (tmp_path / "classes.txt").write_text("no\n")  # beside it, but the explicit one is used
    (tmp_path / "names.txt").write_text("left\nright\n")
    s = load_image_set(tmp_path / "set.npz", tmp_path / "names.txt")
    assert s.data.x_train.dtype == np.uint8 and s.class_names == ("left", "right")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda a: a.update(x_train=np.zeros((4, 32, 32), np.uint8)),
            "`x_train` must have shape (N, 28, 28) or (N, 32, 32, 3). Received: x_train.shape=(4, 32, 32)",
        ),
        (
            lambda a: a.update(x_test=np.zeros((6, 32, 32, 3), np.uint8)),
            "`x_test` must have the training images' shape (28, 28)",
        ),
        (lambda a: a.update(x_train=a["x_train"] / 255.0), "must hold whole pixel values 0-255 (not scaled to [0, 1])"),
        (
            lambda a: a.update(y_train=a["y_train"][:3]),
            "`y_train` must hold one label per image (12). Received: y_train.shape=(3,)",
        ),
        (lambda a: a.update(y_test=a["y_test"] - 1), "`y_test` must hold integer labels 0-999"),
        (
            lambda a: a.update(y_train=np.zeros(12, int), y_test=np.zeros(6, int)),
            "at least 2 classes. Received: classes=1",
        ),
    ],
)
def test_a_bad_set_is_one_line_naming_the_file_and_the_reason(
    tmp_path: Path, change: Callable[[dict[str, np.ndarray]], object], message: str
) -> None:
    a = _arrays((28, 28))
    change(a)
    savez(tmp_path / "bad.npz", a)
    with pytest.raises(DataError) as info:
        load_image_set(tmp_path / "bad.npz")
    text = str(info.value)
    assert "\n" not in text and text.startswith(str(tmp_path / "bad.npz")) and message in text


def test_class_names_that_do_not_fit_the_labels_are_refused(tmp_path: Path) -> None:
    savez(tmp_path / "set.npz", _arrays((28, 28), classes=3))
    (tmp_path / "classes.txt").write_text("a\nb\n")
    with pytest.raises(DataError, match=r"one class name per label 0-2 is needed. Received: 2 names"):
        load_image_set(tmp_path / "set.npz")
    (tmp_path / "classes.txt").write_bytes(b"a\n\xff\nc\n")
    with pytest.raises(DataError, match="must be UTF-8 text"):
        load_image_set(tmp_path / "set.npz")
    with pytest.raises(DataError, match="No such file or folder"):
        load_image_set(tmp_path / "nothing.npz")


def test_the_lectures_model_fits_the_images_and_a_model_that_does_not_is_refused(tmp_path: Path) -> None:
    from tui_convnet.core import DenseSpec, mnist_convnet
    from tui_convnet.data.image_sets import model_for
    from tui_convnet.data.mnist import to_model_inputs

    savez(tmp_path / "pets.npz", _arrays((32, 32, 3), classes=3))
    images = load_image_set(tmp_path / "pets.npz")
    spec = model_for(images, dropout=0.5)
    assert spec.input_shape == (32, 32, 3) and spec.layers[-1] == DenseSpec(3, activation="softmax")
    assert spec.layers[:-1] == mnist_convnet(0.5).layers[:-1]
    with pytest.raises(ValueError, match=r"must fit the images \(32, 32, 3\). Received: input_shape=\(28, 28, 1\)"):
        model_for(images, spec=mnist_convnet())
    with pytest.raises(ValueError, match=r"last layer must be Dense\(3, softmax\)"):
        model_for(images, spec=spec.__class__((32, 32, 3), (*spec.layers[:-1], DenseSpec(10, "softmax")), "x"))
    x = to_model_inputs(images.data.x_train[:2])
    assert x.shape == (2, 32, 32, 3) and x.dtype == np.float32 and x.max() <= 1.0


def test_train_data_refusals_are_one_line_and_exit_2_before_tensorflow(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from tui_convnet.architect.spec_file import write_spec_file
    from tui_convnet.cli import main
    from tui_convnet.core import mnist_convnet

    a = _arrays((28, 28))
    a["x_test"] = a["x_test"][:, :20]
    savez(tmp_path / "bad.npz", a)
    savez(tmp_path / "pets.npz", _arrays((32, 32, 3), classes=3))
    write_spec_file(tmp_path / "lecture.toml", mnist_convnet())
    for argv, message in (
        (["--data", str(tmp_path / "bad.npz")], "`x_test` must have shape (N, 28, 28) or (N, 32, 32, 3)"),
        (["--classes", str(tmp_path / "c.txt")], "--classes names the classes of --data: give --data PATH too."),
        (["--data", str(tmp_path / "pets.npz"), "--spec", str(tmp_path / "lecture.toml")], "must fit the images"),
    ):
        code = main(["train", *argv])
        err = capsys.readouterr().err
        assert code == 2 and message in err and "Traceback" not in err and err.count("\n") == 1


@pytest.mark.keras
@pytest.mark.training
def test_train_data_trains_the_lectures_model_on_32x32_rgb_images(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import json

    from tui_convnet.cli import main

    savez(tmp_path / "pets.npz", _arrays((32, 32, 3), classes=3, n=16, m=8))
    (tmp_path / "classes.txt").write_text("cat\ndog\nfish\n")
    code = main(["train", "--data", str(tmp_path / "pets.npz"), "--epochs", "1", "--batch-size", "16", "--json"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0 and lines[-1]["test_samples"] == 8
    assert lines[-1]["class_names"] == ["cat", "dog", "fish"] and "test images" in lines[-1]["dataset"]


def test_an_image_sets_description_says_images_not_digits(tmp_path: Path) -> None:
    savez(tmp_path / "pets.npz", _arrays((32, 32, 3), classes=3))
    (tmp_path / "classes.txt").write_text("cat\ndog\nfish\n")
    data = load_image_set(tmp_path / "pets.npz").data
    assert data.class_names == ("cat", "dog", "fish")
    assert data.description.startswith("32x32 RGB image set, 3 classes: 12 training / 6 test images (")
    assert "digit" not in data.description and "digit" not in data.limited(4, 2).description


def test_class_names_travel_in_a_model_archive_and_names_that_do_not_fit_it_are_refused(tmp_path: Path) -> None:
    import zipfile

    from tui_convnet.data.image_sets import MODEL_CLASSES_MEMBER, read_model_classes, write_model_classes

    path = tmp_path / "m.keras"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("config.json", "{}")
    assert read_model_classes(path, 10) == ()  # an MNIST model: no names saved
    write_model_classes(path, ("cat", "dog", "ankle boot"))
    assert read_model_classes(path, 3) == ("cat", "dog", "ankle boot")
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == ["config.json", MODEL_CLASSES_MEMBER]
    with pytest.raises(DataError, match=r"one class name per output of the model \(4\). Received: 3 names"):
        read_model_classes(path, 4)


def test_the_test_set_a_model_is_shown_on(tmp_path: Path) -> None:
    from tui_convnet.core import mnist_convnet
    from tui_convnet.data.image_sets import app_image_set, model_for, test_set_for

    savez(tmp_path / "pets.npz", _arrays((32, 32, 3), classes=3))
    images = app_image_set(str(tmp_path / "pets.npz"), None)
    assert images is not None and app_image_set(None, None) is None
    with pytest.raises(DataError, match="give --data PATH too"):
        app_image_set(None, "classes.txt")
    assert test_set_for(model_for(images), images) is images.data
    assert test_set_for(mnist_convnet(), images) is None  # an MNIST model: MNIST's test digits
    with pytest.raises(DataError, match=r"reads 32x32 colour images in 3 classes: open the app with their set"):
        test_set_for(model_for(images), None)


def test_a_picture_for_a_colour_model_is_its_centre_square_in_colour(tmp_path: Path) -> None:
    from PIL import Image

    from tui_convnet.images import ImageError
    from tui_convnet.training.colour_image import colour_input

    wide = np.zeros((64, 128, 3), np.uint8)
    wide[:, 32:96] = (200, 40, 10)  # the centre square is red, the sides black
    Image.fromarray(wide).save(tmp_path / "wide.png")
    x = colour_input(str(tmp_path / "wide.png"))
    assert x.shape == (32, 32, 3) and x.dtype == np.uint8 and (x == (200, 40, 10)).all()
    Image.fromarray(np.full((40, 40), 90, np.uint8)).save(tmp_path / "grey.png")
    assert (colour_input(str(tmp_path / "grey.png")) == 90).all()  # three equal channels
    clear = np.zeros((32, 32, 4), np.uint8)
    Image.fromarray(clear, "RGBA").save(tmp_path / "clear.png")
    assert (colour_input(str(tmp_path / "clear.png")) == 255).all()  # transparent: white paper
    with pytest.raises(ImageError, match="No such image file"):
        colour_input(str(tmp_path / "none.png"))


def test_an_rgb_image_is_drawn_in_colour_and_without_colour_on_the_glyph_ramp() -> None:
    from rich.color import Color

    from tui_convnet.ui.common.digits import UPPER_HALF, digit_text

    image = np.zeros((32, 32, 3), np.uint8)
    image[:16] = (250, 0, 0)
    coloured = digit_text(image, shrink_by=2)
    assert coloured.plain.split("\n") == [UPPER_HALF * 16] * 8
    styles = {str(span.style) for span in coloured.spans}
    assert any(Color.from_rgb(250, 0, 0).name in s for s in styles)
    plain = digit_text(image, shrink_by=2, glyphs=True)  # NO_COLOR: the lightness as glyphs, no colours
    assert UPPER_HALF not in plain.plain and not plain.spans
    rows = plain.plain.split("\n")
    assert len(rows) == 8 and rows[0] != rows[-1]  # red rows above are lighter than the black rows below


def _fashion_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, classes: int = 10) -> Path:
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.chdir(tmp_path)  # no file or folder called fashion_mnist here
    folder = tmp_path / "keras" / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    a = _arrays((28, 28), classes=classes, n=20, m=10)
    for key, stem, magic in (
        ("x_train", "train-images-idx3-ubyte", 2051),
        ("y_train", "train-labels-idx1-ubyte", 2049),
        ("x_test", "t10k-images-idx3-ubyte", 2051),
        ("y_test", "t10k-labels-idx1-ubyte", 2049),
    ):
        _idx(folder / f"{stem}.gz", a[key], magic)
    return folder


def test_fashion_mnist_is_read_from_the_keras_cache_with_its_class_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_convnet.data.image_sets import app_image_set, named_image_set

    _fashion_cache(tmp_path, monkeypatch)
    images = app_image_set("fashion_mnist", None)
    assert images is not None and images.input_shape == (28, 28, 1) and images.classes == 10
    assert images.class_names[0] == "T-shirt/top" and images.class_names[9] == "Ankle boot"
    assert images.data.class_names == images.class_names
    assert named_image_set("cifar10") is None  # not a named set: read as a path (and refused there)


def test_a_named_set_not_in_the_cache_is_one_line_and_train_cannot_download_it_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui_convnet.cli import main
    from tui_convnet.data.image_sets import app_image_set
    from tui_convnet.training import download

    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match=r"Fashion-MNIST is not in the Keras cache .*`convnet-tui train --data"):
        app_image_set("fashion_mnist", None)
    assert main(["--data", "fashion_mnist"]) == 2  # the app: one line, before it starts
    err = capsys.readouterr().err
    assert err.startswith("convnet-tui: Fashion-MNIST is not in the Keras cache") and err.count("\n") == 1

    def offline(name: str) -> None:  # what Keras' download raises without a network, as download_named_set says it
        raise DataError(
            "Keras could not download Fashion-MNIST (Exception: URL fetch failure on https://storage.googleapis.com/"
            "tensorflow/tf-keras-datasets/train-labels-idx1-ubyte.gz: None -- [Errno -3] Temporary failure in name "
            "resolution). Online once, `convnet-tui train --data fashion_mnist` keeps it in the Keras cache."
        )

    monkeypatch.setattr(download, "download_named_set", offline)
    assert main(["train", "--data", "fashion_mnist"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("convnet-tui train: error: Keras could not download Fashion-MNIST") and err.count("\n") == 1


def test_a_picture_for_an_rgb_set_is_read_in_colour_before_the_app_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui_convnet.cli import main

    savez(tmp_path / "pets.npz", _arrays((32, 32, 3), classes=3))
    (tmp_path / "cat.png").write_bytes(b"not a picture")
    assert main(["--data", str(tmp_path / "pets.npz"), "--image", str(tmp_path / "cat.png")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("convnet-tui: ") and "cat.png" in err and err.count("\n") == 1  # the colour reader's line


def test_trains_plain_report_names_the_classes_and_says_images(tmp_path: Path) -> None:
    import io
    from types import SimpleNamespace

    from rich.console import Console

    from tui_convnet.data.labels import image_labels
    from tui_convnet.training.cli import _print_results

    confusion = np.array([[2, 0, 0], [1, 1, 0], [0, 0, 3]])
    ev = SimpleNamespace(accuracy=6 / 7, loss=0.5, samples=7, misclassified=1, confusion=confusion)
    result = SimpleNamespace(train_samples=16, history=[1], seconds=1.0, samples_per_second=16.0)
    written = io.StringIO()
    console = Console(file=written, width=100)
    _print_results(False, console, {}, result, ev, None, image_labels(("cat", "[b]dog", "ankle boot")))
    out = written.getvalue()
    assert "on 7 test images (1 misclassified)" in out and "Trained 16 images x 1 epoch(s)" in out
    assert "rows: true class" in out and "1 [b]dog" in out and "2 ankle boot" in out and "ankl…" in out
    assert "digit" not in out
