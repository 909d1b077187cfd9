"""`convnet-tui train`: the --json contract, --save, and clear errors."""

from __future__ import annotations

import argparse
import errno
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, TextIO

import pytest

from tests.inspect.fixed_model import scripted_training
from tui_convnet.cli import main

SMALL = ["train", "--dataset", "sample", "--limit", "300", "--test-limit", "500", "--epochs", "1"]


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's own logic around training (cancel, output and save failures) with the real trainer and a
    fixed-weights model whose fit trains nothing (``tests.inspect.fixed_model.scripted_training``).
    test_json_contract_and_save and test_plain_output_names_the_dataset_and_the_result train for real."""
    scripted_training(monkeypatch)


@pytest.mark.keras
@pytest.mark.training
def test_json_contract_and_save(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
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
def test_plain_output_names_the_dataset_and_the_result(capsys: pytest.CaptureFixture[str]) -> None:
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
def test_bad_arguments_give_a_clear_message(capsys: pytest.CaptureFixture[str], extra: list[str], message: str) -> None:
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
def test_argparse_errors(capsys: pytest.CaptureFixture[str], extra: list[str], message: str) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*SMALL, *extra])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and message in err and "Traceback" not in err


def test_bad_data_path_fails_fast_without_tensorflow(tmp_path: Path) -> None:
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


def test_ctrl_c_first_cancels_then_interrupts(capsys: pytest.CaptureFixture[str]) -> None:
    import os
    import signal
    import threading

    from tui_convnet.training.cli import _sigint_cancels

    cancel = threading.Event()
    before = signal.getsignal(signal.SIGINT)  # not always Python's default: xdist workers may ignore SIGINT
    with _sigint_cancels(cancel):
        os.kill(os.getpid(), signal.SIGINT)
        assert cancel.wait(5)
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):  # the handler runs between bytecodes
                pass
    assert "stopping at the end of this batch" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGINT) is before


# --------------------------------------------------------------------------- the train command


@pytest.mark.parametrize(
    "save, message",
    [
        ("", "The model path is empty: give a file name. Received: --save=''"),  # was accepted, nothing saved
        ("x" * 5000 + ".keras", "The model path is too long (5,006 characters"),
        ("a" * 300 + "/m.keras", "--save cannot be used (file name too long)"),  # ENAMETOOLONG
        ("~nouser_convnet_tui/m.keras", "Cannot expand ~nouser_convnet_tui: no such user"),  # RuntimeError
    ],
)
def test_save_paths_that_cannot_work_are_refused_before_training(
    capsys: pytest.CaptureFixture[str], save: str, message: str
) -> None:
    code = main([*SMALL, "--save", save])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("convnet-tui train: error: ") and message in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_an_unreadable_save_folder_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # the tests run as root, where chmod does not stop anything: the fault is injected
    from pathlib import Path

    real = Path.is_dir

    def is_dir(self: Path) -> bool:
        if self.parent == tmp_path / "locked":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "is_dir", is_dir)
    code = main([*SMALL, "--save", str(tmp_path / "locked" / "m.keras")])
    err = capsys.readouterr().err
    assert code == 2 and "--save cannot be used (permission denied)" in err


@pytest.mark.parametrize(
    "dataset, message",
    [
        ("x" * 5000, "The dataset is too long"),
        ("~nouser_convnet_tui/mnist.npz", "no such user"),
    ],
)
def test_dataset_paths_that_cannot_work(capsys: pytest.CaptureFixture[str], dataset: str, message: str) -> None:
    code = main(["train", "--dataset", dataset])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err


def test_a_lying_or_plain_npy_dataset_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import io
    import zipfile

    import numpy as np

    liar = tmp_path / "liar.npz"
    with zipfile.ZipFile(liar, "w") as z:
        buf = io.BytesIO()
        np.lib.format.write_array_header_2_0(buf, {"descr": "|u1", "fortran_order": False, "shape": (10**11, 28, 28)})
        z.writestr("x_train.npy", buf.getvalue())
        for key in ("y_train", "x_test", "y_test"):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.zeros(3, np.uint8))
            z.writestr(key + ".npy", buf.getvalue())
    plain = tmp_path / "plain.npz"
    with open(plain, "wb") as f:
        np.save(f, np.zeros((3, 28, 28), np.uint8))
    for path, message in ((liar, "more than the limit"), (plain, "not a .npz file")):  # MemoryError, TypeError
        code = main(["train", "--dataset", str(path)])
        err = capsys.readouterr().err
        assert code == 2 and message in err and "Traceback" not in err


@pytest.mark.parametrize(
    "reason, interrupted, test_loss, weights_finite, expected",
    [
        ("completed", False, 0.3, True, "completed"),
        ("completed", False, float("nan"), True, "nan"),  # NaN weights after the last batch's loss check
        ("completed", False, 0.3, False, "nan"),
        ("completed", False, None, False, "nan"),
        ("completed", True, 0.3, True, "cancelled"),  # Ctrl-C during the final evaluation
        ("cancelled", True, None, True, "cancelled"),
        ("nan", False, None, False, "nan"),
    ],
)
def test_the_final_reason_is_honest(
    reason: str, interrupted: bool, test_loss: float | None, weights_finite: bool, expected: str
) -> None:
    from tui_convnet.training.cli import final_reason

    assert final_reason(reason, interrupted=interrupted, test_loss=test_loss, weights_finite=weights_finite) == expected


def test_ctrl_c_during_the_evaluation_says_what_happens(capsys: pytest.CaptureFixture[str]) -> None:
    import os
    import signal
    import threading

    from tui_convnet.training.cli import Phase, _sigint_cancels

    cancel, phase = threading.Event(), Phase()
    phase.name = "evaluation"
    with _sigint_cancels(cancel, phase):
        os.kill(os.getpid(), signal.SIGINT)
        assert cancel.wait(5)
    err = capsys.readouterr().err
    assert "stopping after the test-set evaluation, the run counts as cancelled" in err
    assert "end of this batch" not in err


def test_json_is_always_valid() -> None:
    from tui_convnet.training.outcome import json_line

    line = json_line({"loss": float("nan"), "per_class": [0.5, float("inf")], "ok": 1.0})
    assert json.loads(line) == {
        "loss": None,
        "per_class": [0.5, None],
        "ok": 1.0,
        "not_finite": ["loss", "per_class[1]"],
    }
    assert "NaN" not in line and "Infinity" not in line


def test_progress_bars_only_on_an_interactive_console() -> None:
    import io
    import threading

    from rich.console import Console

    from tui_convnet.training.cli import Phase, _Reporter

    def reporter(**console_options: Any) -> _Reporter:
        console = Console(file=io.StringIO(), **console_options)
        return _Reporter(False, console, threading.Event(), Phase())

    assert not reporter(force_terminal=True, force_interactive=False).rich  # a terminal that is not interactive
    assert reporter(force_terminal=True, force_interactive=True).rich
    assert not reporter(force_terminal=False).rich


def test_train_help_shows_every_option_with_its_default(capsys: pytest.CaptureFixture[str]) -> None:
    from tui_convnet.training.defaults import DEFAULTS

    with pytest.raises(SystemExit) as exc:
        main(["train", "--help"])
    assert exc.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for option in ("--epochs", "--batch-size", "--dataset", "--limit", "--test-limit", "--dropout", "--optimizer"):
        assert option in out
    for option in ("--learning-rate", "--validation-split", "--seed", "--save", "--json"):
        assert option in out
    assert f"(default: {DEFAULTS.epochs})" in out and f"(default: {DEFAULTS.batch_size})" in out
    assert f"(default: {DEFAULTS.validation_split})" in out and "(default: rmsprop)" in out
    assert "(default: auto)" in out and f"(default: {DEFAULTS.seed})" in out


def test_every_option_of_train_and_predict_has_help() -> None:
    from tui_convnet.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    for name in ("train", "predict"):
        for action in commands[name]._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no help text"


def test_the_cli_and_the_training_screen_share_one_set_of_defaults() -> None:
    from tui_convnet.cli import build_parser
    from tui_convnet.training.defaults import DEFAULTS

    args = build_parser().parse_args(["train"])
    assert (args.epochs, args.batch_size, args.optimizer, args.validation_split, args.seed) == (
        DEFAULTS.epochs,
        DEFAULTS.batch_size,
        DEFAULTS.optimizer,
        DEFAULTS.validation_split,
        DEFAULTS.seed,
    )
    from tui_convnet.ui.training.screen import DEFAULTS as SCREEN_DEFAULTS

    assert SCREEN_DEFAULTS == DEFAULTS


@pytest.mark.keras
def test_a_cancelled_json_result_reports_the_requested_settings(
    capsys: pytest.CaptureFixture[str], scripted: None
) -> None:
    import threading

    from tui_convnet.cli import build_parser
    from tui_convnet.training.cli import run_train

    cancel = threading.Event()
    cancel.set()  # as if Ctrl-C came at once: stops at the end of the first batch
    args = build_parser().parse_args([*SMALL, "--epochs", "3", "--json"])
    assert run_train(args, cancel) == 130
    final = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert final["reason"] == "cancelled"
    assert final["epochs"] == 3 and final["epochs_completed"] == 0
    assert final["validation_split"] == 0.0 and final["val_samples"] == 0


@pytest.mark.keras
@pytest.mark.parametrize("fault", ["broken pipe", "full disk"])
def test_an_output_that_fails_stops_the_run_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fault: str, scripted: None
) -> None:
    # `train --json | head -1` (BrokenPipeError) and `train --json > /dev/full` printed tracebacks
    import io
    import os

    if fault == "broken pipe":
        read_end, write_end = os.pipe()
        os.close(read_end)
        stream: TextIO = io.TextIOWrapper(os.fdopen(write_end, "wb"), write_through=True)
    else:
        stream = open("/dev/full", "w")  # noqa: SIM115
    monkeypatch.setattr(sys, "stdout", stream)
    code = main([*SMALL, "--json"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert f"convnet-tui train: error: cannot write the output ({fault.replace('full disk', 'no space left')}" in err


@pytest.mark.keras
def test_a_failed_save_prints_the_results_first(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, scripted: None
) -> None:
    # with --save onto a full disk, `train --json` printed no result and lost the model
    import os

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)  # the os module tui_convnet.util.fileio calls
    path = tmp_path / "model.keras"
    path.write_bytes(b"the previous model")
    code = main([*SMALL, "--json", "--save", str(path)])
    out, err = capsys.readouterr()
    final = json.loads(out.splitlines()[-1])
    assert code == 1
    assert final["reason"] == "completed" and final["test_accuracy"] > 0 and final["saved"] is None
    assert "no space left on the device" in final["save_error"]
    assert err.startswith("convnet-tui train: error: could not save the model") and "Traceback" not in err
    assert path.read_bytes() == b"the previous model" and os.listdir(tmp_path) == ["model.keras"]
