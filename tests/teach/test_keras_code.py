"""The lecture's Keras code: the slides' lines for the model on screen, each tied to its layer or setting;
`convnet-tui code` writes a script that builds, trains and evaluates exactly the app's model."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tui_convnet.cli import main
from tui_convnet.core import Conv2DSpec, ModelSpec, Pool2DSpec, infer_shapes, mnist_convnet
from tui_convnet.teach.keras_code import code_text, lines_for_layer, lines_for_setting, model_code
from tui_convnet.training.events import TrainConfig

SLIDE_MODEL = """\
model = models.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation='relu'))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation='relu'))
model.add(layers.Flatten())
model.add(layers.Dense(64, activation='relu'))
model.add(layers.Dense(10, activation='softmax'))
"""


def test_the_lecture_model_is_the_slides_code_line_for_line() -> None:
    text = code_text(model_code(mnist_convnet()))
    assert SLIDE_MODEL in text
    assert "model.compile(optimizer='rmsprop',\n              loss='categorical_crossentropy',\n" in text
    assert "model.fit(train_images, train_labels, epochs=5, batch_size=64)\n" in text
    assert "from keras import optimizers" not in text


def test_each_layer_and_setting_has_its_line() -> None:
    lines = model_code(mnist_convnet(0.5), TrainConfig(epochs=3, batch_size=32, validation_split=0.1))
    for i, info in enumerate(infer_shapes(mnist_convnet(0.5))):
        (line,) = lines_for_layer(lines, i)
        assert f"layers.{info.type.replace('MaxPooling2D', 'MaxPooling2D')}(" in lines[line].text
    (drop,) = lines_for_setting(lines, "dropout")
    assert lines[drop].text == "model.add(layers.Dropout(0.5))" and lines[drop].layer == 7  # before the last Dense
    (fit,) = lines_for_setting(lines, "epochs")
    assert lines[fit].text.endswith("epochs=3, batch_size=32, validation_split=0.1)")
    assert lines_for_setting(lines, "batch_size") == [fit] == lines_for_setting(lines, "validation_split")


def test_another_learning_rate_names_the_optimizer_class() -> None:
    lines = model_code(mnist_convnet(), TrainConfig(optimizer="adam", learning_rate=0.0005))
    text = code_text(lines)
    assert "from keras import optimizers\n" in text
    assert "model.compile(optimizer=optimizers.Adam(learning_rate=0.0005)," in text
    assert [lines[i].text for i in lines_for_setting(lines, "learning_rate")][-1].startswith("model.compile(")
    # Keras' own default rate is the slide's plain string.
    assert "optimizer='sgd'" in code_text(model_code(mnist_convnet(), TrainConfig(optimizer="sgd", learning_rate=0.01)))


def test_settings_other_than_keras_defaults_are_written_out() -> None:
    spec = ModelSpec(
        (9, 9, 3),
        (
            Conv2DSpec(4, (5, 3), strides=(2, 2), padding="same", dilation_rate=(1, 1), activation="linear"),
            Pool2DSpec("avg", (3, 3), (1, 1)),
        ),
    )
    text = code_text(model_code(spec))
    assert "layers.Conv2D(4, (5, 3), strides=(2, 2), padding='same', input_shape=(9, 9, 3))" in text
    assert "layers.AveragePooling2D((3, 3), strides=(1, 1))" in text


def test_code_command_prints_the_script(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["code", "--dropout", "0.5", "--epochs", "2", "--limit", "100"]) == 0
    out = capsys.readouterr().out
    assert "mnist.load_data()" in out and "np.load(SAMPLE)" in out  # as the slides, with the offline fallback
    assert "train_images.astype('float32') / 255" in out and "to_categorical(train_labels, 10)" in out
    assert "model.add(layers.Dropout(0.5))" in out and "epochs=2, batch_size=64)" in out
    assert "train_images[:100]" in out
    compile(out, "convnet.py", "exec")  # valid Python


@pytest.mark.parametrize(
    "args, message",
    [
        (["-o", "/no/such/folder/x.py"], "The folder for -o does not exist"),
        (["--dataset", "/no/such.npz"], "--dataset must be auto, keras, sample or an existing .npz file"),
    ],
)
def test_code_command_refuses_bad_input_in_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code = main(["code", *args])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err


def test_code_command_checks_the_training_options_as_train_does(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["code", "--validation-split", "1.5"])
    assert caught.value.code == 2 and "argument --validation-split: must be in [0, 1)" in capsys.readouterr().err


def _summary_shapes(out: str) -> list[str]:
    return re.findall(r"\(None, [\d, ]+\)", out)


@pytest.mark.keras
@pytest.mark.training
def test_the_written_script_trains_the_apps_model(tmp_path: Path) -> None:
    """The script, run by a plain Python, builds the app's shapes and 93,322 parameters (with dropout too)."""
    runs = {}
    for dropout in (None, 0.5):
        path = tmp_path / f"convnet_{dropout}.py"
        extra = [] if dropout is None else ["--dropout", str(dropout)]
        argv = ["code", *extra, "--dataset", "sample", "--epochs", "1", "--limit", "128", "--test-limit", "64"]
        assert main([*argv, "-o", str(path)]) == 0
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
        runs[dropout] = subprocess.Popen(
            [sys.executable, str(path)],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
    for dropout, proc in runs.items():
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, out
        want = [info.shape_text for info in infer_shapes(mnist_convnet(dropout))]
        assert _summary_shapes(out) == want
        assert "Total params: 93,322" in out
        assert re.search(r"Test accuracy: [01]\.\d{4} \(loss [\d.]+\) on 64 test digits", out)


def test_code_command_writes_the_model_of_a_spec_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "mine.toml"
    spec.write_text(
        'name = "small"\ninput_shape = [28, 28, 1]\n\n[[layers]]\ntype = "Conv2D"\nfilters = 8\nkernel_size = [5, 5]\n'
        'activation = "relu"\n\n[[layers]]\ntype = "Flatten"\n\n[[layers]]\ntype = "Dense"\nunits = 10\n'
        'activation = "softmax"\n'
    )
    assert main(["code", "--spec", str(spec)]) == 0
    out = capsys.readouterr().out
    assert "model.add(layers.Conv2D(8, (5, 5), activation='relu', input_shape=(28, 28, 1)))" in out
    assert "model.add(layers.Dense(10, activation='softmax'))" in out and "Conv2D(32" not in out
    assert main(["code", "--spec", str(tmp_path / "none.toml")]) == 2
    assert "Traceback" not in capsys.readouterr().err
