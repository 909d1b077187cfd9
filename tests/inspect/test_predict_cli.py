"""``convnet-tui predict``: the JSON contract, the table, both engines, and clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from tui_convnet.cli import main

if TYPE_CHECKING:
    from tui_convnet.data.mnist import MnistData

pytestmark = [pytest.mark.keras, pytest.mark.training]


def predict(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main(["predict", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract(capsys: pytest.CaptureFixture[str], tiny_model_path: Path, sample: MnistData) -> None:
    code, out, err = predict(capsys, tiny_model_path, "--dataset", "sample", "--limit", 300, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["engine"] == "numpy" and data["dataset"] == "sample"
    assert data["test_samples"] == 300
    m = np.array(data["confusion_matrix"])
    assert m.shape == (10, 10) and m.sum() == 300
    assert np.array_equal(m.sum(axis=1), np.bincount(sample.y_test[:300], minlength=10))
    assert data["test_accuracy"] == pytest.approx(np.trace(m) / 300, abs=1e-6)
    assert data["misclassified"] == 300 - np.trace(m)
    assert isinstance(data["seconds"], float) and data["seconds"] >= 0


def test_both_engines_agree_on_every_prediction(capsys: pytest.CaptureFixture[str], tiny_model_path: Path) -> None:
    results = {}
    for engine in ("numpy", "keras"):
        code, out, err = predict(
            capsys, tiny_model_path, "--dataset", "sample", "--limit", 1000, "--engine", engine, "--json"
        )
        assert code == 0, err
        results[engine] = json.loads(out)
    assert results["keras"]["engine"] == "keras"
    assert results["numpy"]["confusion_matrix"] == results["keras"]["confusion_matrix"]
    assert results["numpy"]["test_accuracy"] == results["keras"]["test_accuracy"]


def test_table_on_a_terminal(capsys: pytest.CaptureFixture[str], tiny_model_path: Path) -> None:
    code, out, err = predict(capsys, tiny_model_path, "--dataset", "sample", "--limit", 200)
    assert code == 0, err
    assert "Test accuracy:" in out and "of 200 digits" in out and "numpy engine" in out
    assert "Confusion matrix" in out and "true" in out
    assert "…" not in out  # nothing cut off at 80 columns


def _save(model: Any, path: Path) -> Path:  # a Keras model
    model.save(path)
    return path


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from tui_convnet.training.tf_env import import_keras

    keras = import_keras()
    folder = tmp_path_factory.mktemp("bad-models")
    noise = folder / "noise.keras"
    noise.write_bytes(np.random.default_rng(0).bytes(4096))
    empty_zip = folder / "empty.keras"
    with zipfile.ZipFile(empty_zip, "w") as z:
        z.writestr("hello.txt", "not a model")
    lstm = _save(
        keras.Sequential([keras.Input((28, 28)), keras.layers.LSTM(4), keras.layers.Dense(10)]),
        folder / "lstm.keras",
    )
    conv1d = _save(
        keras.Sequential(
            [keras.Input((28, 1)), keras.layers.Conv1D(4, 3), keras.layers.Flatten(), keras.layers.Dense(10)]
        ),
        folder / "conv1d.keras",
    )
    wrong_input = _save(
        keras.Sequential(
            [
                keras.Input((8, 8, 3)),
                keras.layers.Conv2D(2, 3),
                keras.layers.Flatten(),
                keras.layers.Dense(10),
            ]
        ),
        folder / "rgb.keras",
    )
    dense3d = _save(
        keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3), keras.layers.Dense(10)]),
        folder / "dense3d.keras",
    )
    bomb = folder / "bomb.keras"
    with zipfile.ZipFile(bomb, "w") as z:
        z.writestr("config.json", "{}")
    raw = bytearray(bomb.read_bytes())
    central = raw.find(b"PK\x01\x02")
    raw[central + 24 : central + 28] = (2 * 2**30).to_bytes(4, "little")  # declares 2 GiB
    bomb.write_bytes(bytes(raw))
    return {
        "dense3d": dense3d,
        "bomb": bomb,
        "noise": noise,
        "empty_zip": empty_zip,
        "lstm": lstm,
        "conv1d": conv1d,
        "rgb": wrong_input,
        "missing": folder / "missing.keras",
    }


@pytest.mark.parametrize(
    "name, message",
    [
        ("noise", "not a .keras model (a .keras file is a zip archive"),
        ("empty_zip", "not a model convnet-tui can load"),
        ("lstm", "has a LSTM layer"),
        ("conv1d", "has a Conv1D layer"),
        ("rgb", "must take 28x28x1 MNIST digits"),
        ("missing", "No such model file"),
        ("dense3d", "Layer dense (Dense) needs a flat input: add a Flatten layer first"),  # was rc 1, ValueError
        ("bomb", "`config.json` would expand to 2,147,483,648 bytes"),  # was read whole first
    ],
)
def test_damaged_or_foreign_model_files(
    capsys: pytest.CaptureFixture[str], bad_files: dict[str, Path], name: str, message: str, tmp_path: Path
) -> None:
    code, out, err = predict(capsys, bad_files[name], "--dataset", "sample", "--limit", 10)
    assert code == 2  # the input cannot be used: 2, as for train (was 1)
    assert out == ""
    assert err.startswith("convnet-tui predict: error: ") and message in err
    assert "Traceback" not in err and err.count("\n") == 1
    # the same file with --image: the same verdict and exit code (was 1 for every bad model)
    from PIL import Image

    Image.new("L", (28, 28), 255).save(tmp_path / "d.png")
    Image.new("L", (8, 16), 0).save(tmp_path / "ink.png")
    image = Image.new("L", (28, 28), 255)
    image.paste(Image.open(tmp_path / "ink.png"), (10, 6))
    image.save(tmp_path / "d.png")
    code, out, err = predict(capsys, bad_files[name], "--image", tmp_path / "d.png")
    assert code == 2 and out == "" and message in err, err
    assert "Traceback" not in err and err.count("\n") == 1


def test_bad_dataset(capsys: pytest.CaptureFixture[str], tiny_model_path: Path, tmp_path: Path) -> None:
    code, _out, err = predict(capsys, tiny_model_path, "--dataset", tmp_path / "nothing.npz")
    assert code == 2 and "No such file or folder" in err and "Traceback" not in err  # was 1, train said 2


def test_real_command_prints_pure_json(tiny_model_path: Path) -> None:
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tui_convnet",
            "predict",
            str(tiny_model_path),
            "--dataset",
            "sample",
            "--limit",
            "100",
            "--engine",
            "keras",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["test_samples"] == 100
    assert "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- paths that cannot work


@pytest.mark.parametrize(
    "model, message",
    [
        ("~nouser_convnet_tui/m.keras", "Cannot expand ~nouser_convnet_tui: no such user"),  # was RuntimeError
        ("x" * 5000 + ".keras", "The model path is too long"),
        ("a" * 300 + ".keras", "file name too long"),  # ENAMETOOLONG
    ],
)
def test_model_paths_that_cannot_work(capsys: pytest.CaptureFixture[str], model: str, message: str) -> None:
    code, out, err = predict(capsys, model, "--dataset", "sample")
    assert code == 2 and out == "" and message in err
    assert err.startswith("convnet-tui predict: error: ") and "Traceback" not in err and err.count("\n") == 1


def test_an_unreadable_model_says_permission_denied(
    capsys: pytest.CaptureFixture[str], tiny_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # was "not a zip archive"; the tests run as root, where chmod 000 does not stop reads: the fault is injected
    import builtins
    import errno

    real_open = builtins.open

    def fake_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(file) == str(tiny_model_path):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    code, _out, err = predict(capsys, tiny_model_path, "--dataset", "sample")
    assert code == 2 and f"{tiny_model_path}: cannot read it (permission denied)" in err


def test_json_to_a_full_disk_is_one_line(
    capsys: pytest.CaptureFixture[str], tiny_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = open("/dev/full", "w")  # noqa: SIM115
    monkeypatch.setattr(sys, "stdout", full)
    code = main(["predict", str(tiny_model_path), "--dataset", "sample", "--limit", "50", "--json"])
    err = capsys.readouterr().err
    assert code == 1
    assert err == "convnet-tui predict: error: cannot write the output (no space left on the device)\n"
