"""A signal at every phase of `convnet-tui train --save`: the exit code is the signal's, the model on disk
is the old one or the new one whole, and no temporary file is left.

A signal's Python handler runs between two bytecodes of the main thread, whatever line it is at: SIGTERM's
(``cli.exit_on_signals``) raises SystemExit(143), Ctrl-C's second press KeyboardInterrupt. The tests raise
the same exceptions at every line of the run in turn (``sys.settrace``), so no timing decides which
phase is hit. TensorFlow is faked: ``trainer.train`` returns at once with a model whose ``save`` writes
bytes by name, as Keras does, and the Keras model module (which imports TensorFlow) gives way to one whose
``save_model_atomic`` writes through the same ``fileio.atomic_write``; everything around them (the
argument checks, the results, the exit codes, the atomic save) is the real code. The save alone, line by
line, is in ``tests/test_fileio.py``.
"""

from __future__ import annotations

import functools
import inspect
import sys
import threading
import types
from pathlib import Path

import numpy as np
import pytest

import tui_convnet.training as training_package
from tests._interrupt import raising_at
from tui_convnet import cli
from tui_convnet.cli import main
from tui_convnet.core import ModelSpec
from tui_convnet.data.mnist import MnistData
from tui_convnet.training import cli as train_cli
from tui_convnet.training.download import load_training_data
from tui_convnet.training.events import TrainConfig
from tui_convnet.util import fileio


class FakeModel:
    def save(self, path: str | Path) -> None:
        with open(path, "wb") as f:  # by name, as Keras does
            f.write(b"new ")
            f.write(b"model")

    def get_weights(self) -> list[np.ndarray]:
        return [np.ones(3, np.float32)]


def fake_train(
    spec: ModelSpec, data: MnistData, config: TrainConfig, reporter: object, cancel: threading.Event
) -> types.SimpleNamespace:
    return types.SimpleNamespace(
        model=FakeModel(), reason="completed", history=[], evaluation=None, train_samples=len(data.x_train),
        val_samples=0, seconds=0.01, samples_per_second=100.0, message="", fit_seconds=0.01, stopped_at=None,
    )  # fmt: skip


class ModelFileError(ValueError):
    pass


def save_model_atomic(model: FakeModel, path: str | Path, class_names: tuple[str, ...] = ()) -> Path:
    """As ``training.model.save_model_atomic`` does (without importing TensorFlow)."""
    return fileio.atomic_write(path, lambda tmp: model.save(tmp), suffix=".keras")


@pytest.fixture
def faked(monkeypatch: pytest.MonkeyPatch) -> None:
    fakes: dict[str, dict[str, object]] = {
        "trainer": {"train": fake_train},
        "model": {"ModelFileError": ModelFileError, "save_model_atomic": save_model_atomic},
    }
    for name, attributes in fakes.items():
        module = types.ModuleType(f"tui_convnet.training.{name}")
        vars(module).update(attributes)
        monkeypatch.setitem(sys.modules, f"tui_convnet.training.{name}", module)
        monkeypatch.setattr(training_package, name, module, raising=False)
    data = load_training_data("sample", 64, 32)
    monkeypatch.setattr(train_cli, "load_training_data", lambda *args: data)
    parser = functools.cache(lambda detailed: build_parser(list(detailed)))
    build_parser = cli.build_parser
    monkeypatch.setattr(cli, "build_parser", lambda detailed=(): parser(tuple(detailed)))  # built once
    # A signal that lands while a thread takes the lock of the files being written leaves it taken: the real
    # command exits then, but the test process goes on, and the next save in it (another test's, from another
    # thread) waited for that lock for ever. Each run here gets a lock of its own.
    monkeypatch.setattr(fileio, "_temp_lock", threading.Condition())


def run_interrupted(event: int, exc: BaseException | type[BaseException], argv: list[str]) -> int | None:
    """``main(argv)`` with ``exc`` raised at the ``event``-th line run in the train command, its save and the
    model's ``save``; the exit code (a SystemExit's too), or None when the run ended before that line."""
    watched = {
        train_cli.run_train.__code__,
        fileio.atomic_write.__code__,
        inspect.unwrap(fileio._registered).__code__,
        FakeModel.save.__code__,
    }
    try:
        with raising_at(event, exc, watched) as counted:
            code = main(argv)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    finally:
        fileio.finish_writes(0)  # what the exit runs
    return code if counted() >= event else None


def test_a_signal_at_every_line_of_a_run_and_its_save(
    faked: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SIGTERM at the odd lines, Ctrl-C at the even ones (both at every line took twice the time)."""
    target = tmp_path / "m.keras"
    argv = ["train", "--epochs", "1", "--json", "--save", str(target)]
    lines = 0
    for event in range(1, 400):
        target.write_bytes(b"old model")
        exc, expected = (SystemExit(143), 143) if event % 2 else (KeyboardInterrupt(), 130)
        code = run_interrupted(event, exc, argv)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["m.keras"], event  # no temporary file
        if code is None:  # the run got to its end: the new model, saved
            assert target.read_bytes() == b"new model"
            break
        assert code == expected, event
        assert target.read_bytes() in (b"old model", b"new model"), event
        lines += 1
    assert 60 <= lines < 399, lines  # every line was tried
    capsys.readouterr()
