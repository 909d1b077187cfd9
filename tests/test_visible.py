"""Names with control characters are shown visibly everywhere: one helper, used by the CLI, the TUI and serve."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tui_convnet.util.visible import visible

OSC_TITLE = "\x1b]2;owned\x07"  # an OSC 2 sequence: sets the terminal's title


@pytest.mark.parametrize(
    "text, shown",
    [
        ("seven.png", "seven.png"),
        ("seven [b] on [red] paper.png", "seven [b] on [red] paper.png"),
        ("ünïcødé ✓ 7.png", "ünïcødé ✓ 7.png"),
        (f"{OSC_TITLE}.png", "\\x1b]2;owned\\x07.png"),
        ("a\nb\tc\rd", "a\\nb\\tc\\rd"),
        ("\x9b2J", "\\x9b2J"),  # a C1 CSI
        ("\u202egnp.exe", "\\u202egnp.exe"),  # a right-to-left override
        ("bad\udcff.png", "bad\\udcff.png"),  # an undecodable byte in a file name
        ("\x7f", "\\x7f"),
    ],
)
def test_control_characters_are_made_visible(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_keep_and_limit() -> None:
    assert visible("two\nlines\x1b", keep="\n") == "two\nlines\\x1b"
    assert visible("x" * 100_000, limit=10) == "xxxxxxxxxx… (100,000 characters)"


def _digit(path: Path) -> Path:
    pixels = np.full((28, 28), 255, dtype=np.uint8)
    pixels[6:22, 12:16] = 0
    Image.fromarray(pixels).save(path, format="PNG")
    return path


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names")
def test_predict_image_never_prints_an_escape_sequence(tmp_path: Path) -> None:
    image = _digit(tmp_path / f"seven{OSC_TITLE}.png")
    done = subprocess.run(
        [sys.executable, "-m", "tui_convnet", "predict", "--image", str(image)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout  # the title changed
    assert "seven\\x1b]2;owned\\x07.png: the network says" in done.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "tui_convnet", "predict", "--image", str(tmp_path / f"gone{OSC_TITLE}.png")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 2 and "\x1b" not in missing.stderr and "gone\\x1b]2;owned" in missing.stderr


async def test_the_draw_screen_shows_the_images_name_visibly(tmp_path: Path) -> None:
    from tui_convnet.images import load_digit
    from tui_convnet.ui.app import create_app

    image = _digit(tmp_path / f"seven{OSC_TITLE}.png")
    app = create_app(screen="draw")
    app.draw_image = (load_digit(image), str(image))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        line = str(app.screen.query_one("#draw-model").render())
        assert "seven\\x1b]2;owned\\x07.png" in line and "\x1b" not in line  # was the raw sequence
