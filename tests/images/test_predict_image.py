"""`convnet-tui predict [MODEL.keras] --image PATH [--json]` and `convnet-tui --image PATH`:
the class of PNG/PGM/.npy copies of bundled test digits, and bad images refused with one line, exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PIL import Image

from tui_convnet.cli import main
from tui_convnet.core import forward
from tui_convnet.data.mnist import bundled_digit
from tui_convnet.model.bundled import KERAS_NAME, load_bundled_model, model_dir

if TYPE_CHECKING:
    from tui_convnet.model.model import Model


@pytest.fixture(scope="module")
def model() -> Model:
    return load_bundled_model()


@pytest.mark.parametrize("kind", ["png", "pgm", "npy"])
@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_predict_image_gives_the_class_of_the_digit_array(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], model: Model, kind: str, index: int
) -> None:
    digit, _ = bundled_digit(index)
    path = tmp_path / f"digit.{kind}"
    if kind == "npy":
        np.save(path, digit)
    else:
        Image.fromarray(digit).save(path)
    assert main(["predict", "--image", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    expected = forward(model.spec, model.weights, digit[..., None] / 255.0)
    assert out["predicted"] == int(np.argmax(expected))
    assert len(out["probabilities"]) == 10 and sum(out["probabilities"]) == pytest.approx(1, abs=1e-4)
    assert out["model"] == model.label and out["engine"] == "numpy"


def test_the_text_report_names_the_answer_and_every_stage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    digit, label = bundled_digit(0)
    Image.fromarray(255 - digit).save(tmp_path / "seven [b] on [red] paper.png")  # a path with markup in it
    assert main(["predict", "--image", str(tmp_path / "seven [b] on [red] paper.png")]) == 0
    out = capsys.readouterr().out
    assert f"seven [b] on [red] paper.png: the network says {label}" in out
    assert "2 background: paper 1.00 (light, so inverted to white ink on black)" in out
    assert "5 blobs: kept 1 blob of 1" in out
    assert "bundled model, 97.9 % on the official test set" in out
    assert len([line for line in out.splitlines() if line[:1].isdigit() and "%" in line]) == 10


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (b"not an image", "not an image convnet-tui can read"),
        (b"", "not an image convnet-tui can read"),
    ],
)
def test_a_bad_image_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, pattern: str
) -> None:
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    assert main(["predict", "--image", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and pattern in err and err.startswith("convnet-tui predict: error: ")


def test_a_blank_and_a_missing_image(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Image.new("L", (20, 20), 0).save(tmp_path / "black.png")
    assert main(["predict", "--image", str(tmp_path / "black.png")]) == 2
    assert "black.png: no digit found: nothing stands out from the paper" in capsys.readouterr().err
    assert main(["predict", "--image", str(tmp_path / "nope.png")]) == 2
    assert "No such image file" in capsys.readouterr().err


def test_predict_without_model_or_image_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["predict"]) == 2
    assert "give MODEL.keras, or --image PATH" in capsys.readouterr().err


def test_opening_the_app_on_a_bad_image_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x.npy").write_bytes(b"junk")
    assert main(["--image", str(tmp_path / "x.npy")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "x.npy" in err


def test_predict_image_with_the_bundled_model_never_imports_tensorflow(tmp_path: Path) -> None:
    digit, _ = bundled_digit(0)
    Image.fromarray(digit).save(tmp_path / "d.png")
    code = (
        "import sys\nfrom tui_convnet.cli import main\n"
        f"assert main(['predict', '--image', {str(tmp_path / 'd.png')!r}, '--json']) == 0\n"
        "print('TF' if 'tensorflow' in sys.modules or 'keras' in sys.modules else 'NO-TF')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "NO-TF"
    assert json.loads(done.stdout.splitlines()[0])["predicted"] == 7


@pytest.mark.keras
def test_predict_image_with_a_keras_file_runs_its_weights(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keras_path = model_dir() / KERAS_NAME
    digit, _ = bundled_digit(0)
    Image.fromarray(digit).save(tmp_path / "d.png")
    assert main(["predict", str(keras_path), "--image", str(tmp_path / "d.png"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["predicted"] == 7 and out["model"] == str(keras_path)
    (tmp_path / "broken.keras").write_bytes(b"nope")
    # a model file that cannot be used is bad input: 2, as `predict MODEL` without --image says (was 1)
    assert main(["predict", str(tmp_path / "broken.keras"), "--image", str(tmp_path / "d.png")]) == 2
    assert capsys.readouterr().err.startswith("convnet-tui predict: error: ")


def test_an_answer_under_half_is_called_unsure_with_its_probability(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui_convnet.images import drawing

    stroke = (drawing.polyline([(10, 6), (18, 22)]) * 255).astype(np.uint8)  # one flat stroke: 1 at 15.1 %
    Image.fromarray(stroke).save(tmp_path / "stroke.png")
    assert main(["predict", "--image", str(tmp_path / "stroke.png")]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"{tmp_path / 'stroke.png'}: unsure: 1 at 15.") and "is under 50 %" in first
    assert main(["predict", "--image", str(tmp_path / "stroke.png"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["unsure"] is True and out["probability"] < 0.5
