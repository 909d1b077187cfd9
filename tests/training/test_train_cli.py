"""`convnet-tui train`: the --json contract, --save, and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tui_convnet.cli import main

SMALL = ["train", "--dataset", "sample", "--limit", "300", "--test-limit", "500", "--epochs", "1"]


@pytest.mark.keras
@pytest.mark.training
def test_json_contract_and_save(capsys, tmp_path):
    path = tmp_path / "model.keras"
    code = main([*SMALL, "--epochs", "2", "--validation-split", "0.2", "--json", "--save", str(path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]  # every stdout line is one JSON object
    epochs, final = lines[:-1], lines[-1]
    assert [e["epoch"] for e in epochs] == [1, 2] and all(e["type"] == "epoch" for e in epochs)
    for e in epochs:
        assert {"loss", "accuracy", "val_loss", "val_accuracy", "seconds", "samples_per_second"} <= set(e)
        assert 0 <= e["val_accuracy"] <= 1
    assert final["type"] == "result" and final["reason"] == "completed"
    assert final["train_samples"] == 240 and final["val_samples"] == 60 and final["test_samples"] == 500
    assert final["dataset_source"] == "sample" and "bundled MNIST sample" in final["dataset"]
    assert 0.1 < final["test_accuracy"] <= 1 and final["test_loss"] > 0
    assert final["seconds"] > 0 and final["samples_per_second"] > 0
    assert final["optimizer"] == "rmsprop" and final["learning_rate"] == 0.001  # the default, spelled out
    assert sum(map(sum, final["confusion_matrix"])) == 500 and len(final["per_class_accuracy"]) == 10
    assert final["saved"] == str(path) and path.is_file()
    from tui_convnet.training.model import load_model_safe

    assert load_model_safe(path).count_params() == 93322


@pytest.mark.keras
@pytest.mark.training
def test_plain_output_names_the_dataset_and_the_result(capsys):
    assert main(SMALL) == 0
    out = capsys.readouterr().out
    assert "Dataset: bundled MNIST sample: 300 training / 500 test digits" in out
    assert "Epoch 1/1" in out and "Test accuracy" in out and "Confusion matrix" in out


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--dataset", "/no/such/mnist.npz"], "No such file or folder: /no/such/mnist.npz"),
        (["--save", "model.h5"], "ending in .keras. Received: --save='model.h5'"),
        (["--save", "/no/such/folder/m.keras"], "does not exist"),
        (["--limit", "1", "--validation-split", "0.5"], "No training digits are left"),
    ],
)
def test_bad_arguments_give_a_clear_message(capsys, extra, message):
    code = main([*SMALL, *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err
    assert err.startswith("convnet-tui train: error:")


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--epochs", "0"], "argument --epochs: must be at least 1. Received: 0"),
        (["--batch-size", "big"], "argument --batch-size: must be a whole number"),
        (["--learning-rate", "-1"], "argument --learning-rate: must be greater than 0"),
        (["--optimizer", "adagrad"], "argument --optimizer: invalid choice"),
    ],
)
def test_argparse_errors(capsys, extra, message):
    with pytest.raises(SystemExit) as exc:
        main([*SMALL, *extra])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and message in err and "Traceback" not in err


def test_bad_data_path_fails_fast_without_tensorflow(tmp_path):
    bad = tmp_path / "mnist.npz"
    bad.write_bytes(b"not a zip file")
    code = (
        "import sys; from tui_convnet.cli import main;"
        f"rc = main(['train', '--dataset', {str(bad)!r}]);"
        "sys.exit(rc if 'tensorflow' not in sys.modules else 99)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "not a .npz file" in result.stderr and "Traceback" not in result.stderr


def test_ctrl_c_first_cancels_then_interrupts(capsys):
    import os
    import signal
    import threading

    from tui_convnet.training.cli import _sigint_cancels

    cancel = threading.Event()
    with _sigint_cancels(cancel):
        os.kill(os.getpid(), signal.SIGINT)
        assert cancel.wait(5)
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):  # the handler runs between bytecodes
                pass
    assert "stopping at the end of this batch" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
