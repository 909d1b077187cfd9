"""A crash is never silent: on a real (pseudo-)terminal, an exception in the app restores the terminal, prints one
line naming it and the log, and exits 1; the other commands do the same; a missing TensorFlow is one line, exit 2."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tui_convnet.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import smoke

CRASHING_APP = """
import sys
from tui_convnet.ui.explorer.screen import ExplorerScreen
def boom(self):
    raise RuntimeError("boom: the explorer could not mount")
ExplorerScreen.on_mount = boom
from tui_convnet.cli import main
sys.exit(main([]))
"""


def test_a_crash_in_the_app_prints_one_line_and_restores_the_terminal(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path), "TERM": "xterm-256color"}
    code, raw = smoke.run_on_pty([sys.executable, "-c", CRASHING_APP], env, timeout=90)
    text = smoke.visible_text(raw)
    log = tmp_path / "convnet-tui" / "stderr.log"
    assert code == 1
    lines = [line.replace("\a", "") for line in text.splitlines() if "convnet-tui:" in line]  # after the bell
    assert lines == [
        f"convnet-tui: crashed: RuntimeError: boom: the explorer could not mount; the full report is in {log}"
    ]
    assert "Traceback" not in text and "boom" in log.read_text()
    # the terminal is given back: the alternate screen left after it was entered, the cursor shown
    assert raw.rfind(b"\x1b[?1049l") > raw.rfind(b"\x1b[?1049h") >= 0
    assert raw.rfind(b"\x1b[?25h") > raw.rfind(b"\x1b[?25l")


def test_a_crash_in_another_command_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import tui_convnet.cli as cli

    def broken(args: object) -> int:
        raise KeyError("a bug")

    monkeypatch.setattr(cli, "_summary", broken)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert main(["summary"]) == 1
    err = capsys.readouterr().err
    report = tmp_path / "convnet-tui" / "crash.log"
    assert err == f"convnet-tui: crashed: KeyError: 'a bug'; the full report is in {report}\n"
    assert "Traceback" in report.read_text() and "a bug" in report.read_text()


@pytest.mark.parametrize(
    ("argv", "needed"),
    [(["train", "--epochs", "1"], "Training"), (["predict", "model.keras"], "Reading a .keras model")],
)
def test_without_tensorflow_training_and_keras_files_are_one_line_and_exit_2(
    argv: list[str], needed: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import tui_convnet.training.tf_env as tf_env

    monkeypatch.setattr(tf_env, "tensorflow_installed", lambda: False)
    assert main(argv) == 2
    command = argv[0]
    assert capsys.readouterr().err == (
        f"convnet-tui {command}: {needed} needs TensorFlow, which is not installed. "
        "Install it with: pip install 'convnet-tui[train]'\n"
    )


def test_without_tensorflow_importing_keras_raises_the_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import tui_convnet.training.tf_env as tf_env

    monkeypatch.setattr(tf_env, "tensorflow_installed", lambda: False)
    with pytest.raises(tf_env.TensorFlowMissing, match=r"needs TensorFlow.*convnet-tui\[train\]"):
        tf_env.import_keras()


def test_the_smoke_test_reports_a_screen_that_does_not_quit_cleanly(tmp_path: Path) -> None:
    """scripts/smoke.py is not blind: a command that draws the text but exits 3 on `q` is a failure."""
    fake = tmp_path / "convnet-tui"
    fake.write_text("#!/bin/sh\nprintf '\\033[2J\\033[1;1HStep 1 of 18'\nstty raw -echo\nhead -c1 >/dev/null\nexit 3\n")
    fake.chmod(0o755)
    ok, said = smoke.run_screen(str(fake), "explorer", {"PATH": "/usr/bin:/bin", "TERM": "xterm"})
    assert not ok and "exit code 3" in said
    fake.write_text("#!/bin/sh\nprintf 'nothing'\nexit 0\n")
    ok, said = smoke.run_screen(str(fake), "explorer", {"PATH": "/usr/bin:/bin", "TERM": "xterm"})
    assert not ok and "no first frame" in said
