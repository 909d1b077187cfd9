"""The command line's error paths: output that cannot be written, an ASCII-only stream, bad names and paths,
one line each and the documented exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tui_convnet.cli import main
from tui_convnet.serve.server import ServeConfig, startup_lines

CMD = [sys.executable, "-m", "tui_convnet"]


def _run(*args: str, **options: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CMD, *args], capture_output=True, text=True, timeout=120, **options)


def test_a_closed_pipe_is_one_line_and_exit_1() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # `convnet-tui summary | head -0`: the reader is gone before anything is written
    try:
        done = subprocess.run([*CMD, "summary"], stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert done.returncode == 1  # Rich exited 1 without a word
    assert done.stderr == "convnet-tui: error: cannot write the output (broken pipe)\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="Linux /dev/full")
@pytest.mark.parametrize("args", [["--help"], ["summary"], ["--version"]])
def test_a_full_disk_is_one_line_and_exit_1(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run([*CMD, *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 1, done.stderr  # --help was exit 0, silently
    assert done.stderr == "convnet-tui: error: cannot write the output (no space left on the device)\n"


def test_a_closed_stdout_is_one_line_and_exit_1() -> None:
    done = subprocess.run(
        [*CMD, "summary"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 1  # was 0, nothing printed
    assert done.stderr == "convnet-tui: error: cannot write the output (stdout is closed)\n"


def test_an_ascii_stream_gets_plain_characters_and_a_note() -> None:
    done = _run("summary", env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0, done.stderr  # was UnicodeEncodeError
    assert "Traceback" not in done.stderr and "conv2d" in done.stdout
    assert "set PYTHONIOENCODING=utf-8" in done.stderr


def test_an_empty_example_name_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--example", ""]) == 2
    err = capsys.readouterr().err
    assert err.startswith("convnet-tui: The example name is empty. Choose one of: ")  # was "'' is ambiguous"


def test_an_example_name_is_shown_visibly_and_short(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--example", "\x1b]2;owned\x07" + "x" * 5000]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b]2;owned" in err and len(err) < 1000 and err.count("\n") == 1


@pytest.mark.parametrize(
    "image, message",
    [
        ("~nouser_convnet_tui/x.png", "Cannot expand ~nouser_convnet_tui: no such user"),  # was RuntimeError
        ("x" * 300 + ".png", ": cannot read it (file name too long)."),  # was exit 1 without the name
    ],
)
def test_image_paths_that_cannot_work_name_the_file_and_exit_2(image: str, message: str) -> None:
    for args in (["--image", image], ["predict", "--image", image]):
        done = _run(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert message in done.stderr and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_serving_on_host_0_names_real_addresses() -> None:
    line = startup_lines(ServeConfig("0", 8000, 4), "lecture-hall")[0]
    assert "http://0:" not in line  # was "open http://0:8000/"
    assert line.endswith("open http://127.0.0.1:8000/ here, or http://lecture-hall:8000/ from another machine")


def test_an_unwritable_save_folder_is_named_in_full(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tui_convnet.training.cli import check_save_path

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # as root every folder is writable
    with pytest.raises(ValueError) as error:
        check_save_path("m.keras")
    assert f"The folder for --save is not writable: {tmp_path}." in str(error.value)  # was "not writable: ."
