"""The handout: every step of an example as Markdown or one self-contained, printable HTML page."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tui_convnet.cli import main
from tui_convnet.core import load_examples
from tui_convnet.teach.handout import handout_blocks, handout_markdown
from tui_convnet.teach.handout_html import handout_html

ARTIFACTS = Path(__file__).parent.parent / "artifacts"
EXAMPLES = {ex.key: ex for ex in load_examples()}


def test_the_cs231n_handout_has_every_step_and_the_slides_correction() -> None:
    md = handout_markdown(handout_blocks(EXAMPLES["01_cs231n"]))
    assert len(re.findall(r"^### Step \d+ of 18: ", md, re.M)) == 18
    assert "o[1,0,0] = 4 + (-4) + 1 + b0 1 = 2" in md  # the step the slide gets wrong, with its arithmetic
    assert "The slide's output differs at [1,0,0]: slide 0, arithmetic 2." in md
    assert md.count("**Note (the slide corrected):**") == 3  # the two notes, and the differing cell
    assert "(0)(0)(0)" in md  # padding is marked
    assert "## The output volume" in md and " -4   7   5" in md


def test_pooling_and_model_handouts() -> None:
    md = handout_markdown(handout_blocks(EXAMPLES["07_max_pooling"]))
    assert "## The pooled output" in md and "max(" in md
    md = handout_markdown(handout_blocks(EXAMPLES["09_mnist_convnet"]))
    assert "| conv2d_1 (Conv2D) | conv2d_2 | (None, 11, 11, 64) | 18,496 |" in md
    assert "Total params: 93,322" in md and "Keras 2" in md
    assert "model.add(layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)))" in md


def test_every_example_makes_a_handout() -> None:
    for ex in EXAMPLES.values():
        assert handout_html(handout_blocks(ex)).endswith("</html>\n")


def test_html_is_self_contained_and_readable_in_black_and_white() -> None:
    page = handout_html(handout_blocks(EXAMPLES["01_cs231n"]))
    assert "<script" not in page and "http://" not in page and "https://" not in page and "@import" not in page
    assert "print-color-adjust: exact" in page
    assert '<td class="neg" style="background:#' in page and "−4" in page  # a true minus sign, in bold (neg)
    assert "<script>" not in handout_html(handout_blocks(EXAMPLES["01_cs231n"]))


def test_handout_command_writes_a_file_and_refuses_an_unknown_example(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "h.html"
    assert main(["handout", "01", "--format", "html", "-o", str(path)]) == 0
    assert path.read_text().startswith("<!DOCTYPE html>")
    assert main(["handout", "nosuch"]) == 2
    err = capsys.readouterr().err
    assert "'nosuch' is not a built-in example" in err and "Traceback" not in err


def _chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", "/usr/lib/chromium/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.mark.browser
def test_the_html_handout_renders_in_chromium(tmp_path: Path) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is in the test extras")
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no Chromium here: .ci/run installs Debian's `chromium` (apt-get install chromium)")
    path = tmp_path / "handout.html"
    assert main(["handout", "01", "--format", "html", "-o", str(path)]) == 0
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"], headless=True)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            page.route(
                "**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
            )
            page.goto(path.as_uri())
            assert page.title().startswith("cs231n")
            assert page.locator("h3").count() == 18  # one heading per step
            cell = page.locator("td.neg").first
            assert cell.evaluate("e => getComputedStyle(e).fontWeight") in ("700", "bold")
            colour = cell.evaluate("e => getComputedStyle(e).backgroundColor")
            assert colour.startswith("rgb(") and colour != "rgb(255, 255, 255)"
            assert page.evaluate("document.body.scrollHeight") > 2000  # laid out, not an empty page
            page.screenshot(path=ARTIFACTS / "handout_cs231n.png")
            pdf = page.pdf(format="A4")  # it prints
            assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
        finally:
            browser.close()
