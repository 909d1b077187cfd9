"""`convnet-tui serve` in a real browser: headless Chromium opens the app, steps, hits the session cap.

The page draws the terminal on a canvas (xterm.js), so its text is not in the DOM: the test serves
the page's own textual.js with one added assignment that hands the test the xterm.js terminal, and
reads the rows the browser holds. Requests that leave this machine (a web font) are refused.

Chromium is Debian's `chromium` (.ci/run installs it); Playwright only drives it and never
downloads a browser. Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests._serve_processes import HAS_PROC, WAIT_S, Served, http_status, running, wait_until

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is in the test extras: pip install -e '.[test]'"
)

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: textual.js builds the terminal and opens it on the page's element; this is the line the hook follows.
TERMINAL_OPEN = "this.terminal.open(e),"
HOOK = "this.terminal.open(e),window.__convnetTerminal=this.terminal,"
SCREEN_JS = """() => {
  const t = window.__convnetTerminal;
  if (!t) return "";
  const b = t.buffer.active, rows = [];
  for (let y = 0; y < t.rows; y++) {
    const line = b.getLine(b.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""


def _chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", "/usr/lib/chromium/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(exist_ok=True)
    path = _chromium()
    if path is None:
        pytest.skip("no Chromium here: .ci/run installs Debian's `chromium` (apt-get install chromium)")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


_PATCHED_JS: dict[str, str] = {}


def _open(browser: Browser, url: str) -> Page:
    """A new page on ``url``, whose textual.js hands its terminal to the test; nothing else leaves localhost."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})

    def hook_terminal(route: Route) -> None:
        if "js" not in _PATCHED_JS:
            source = route.fetch().text()
            assert TERMINAL_OPEN in source, "textual.js changed: update the test's terminal hook"
            _PATCHED_JS["js"] = source.replace(TERMINAL_OPEN, HOOK, 1)
        route.fulfill(body=_PATCHED_JS["js"], content_type="application/javascript")

    page.route(lambda request_url: not request_url.startswith(url), lambda route: route.abort())
    page.route("**/static/js/textual.js", hook_terminal)
    page.goto(url, wait_until="commit")
    return page


def _screen(page: Page) -> str:
    text: str = page.evaluate(SCREEN_JS)
    return text


def _wait_for_text(page: Page, *texts: str) -> None:
    js = "(texts) => { const s = (" + SCREEN_JS + ")(); return texts.every(t => s.includes(t)); }"
    try:
        page.wait_for_function(js, arg=list(texts), timeout=WAIT_S * 1000)
    except playwright_api.TimeoutError:
        raise AssertionError(f"the page never showed {texts!r}; it shows:\n{_screen(page)}") from None


def test_the_explorer_steps_in_chromium_and_ctrl_c_stops_every_tab(browser: Browser) -> None:
    served = Served("--max-sessions", "2")
    try:
        page = _open(browser, served.url)
        _wait_for_text(page, "Step 1 of 18", "o[0,0,0] = 3 + (-4) + (-2) + b0 1 = -2")
        page.locator(".xterm-helper-textarea").focus()
        page.keyboard.press("ArrowRight")
        _wait_for_text(page, "Step 2 of 18", "o[0,1,0] = (-2) + 0 + 0 + b0 1 = -1", "-2 -1  ·")
        page.screenshot(path=ARTIFACTS / "serve_explorer_step2.png")
        tabs = served.tabs()
        assert len(tabs) == 1 or not HAS_PROC
    finally:
        out = served.stop()
    assert served.process.returncode == 130, out  # 128 + SIGINT
    assert f"open {served.url} in a web browser" in out
    assert not any(running(pid) for pid in tabs), out


def test_a_tab_over_the_cap_gets_a_clear_page_until_a_tab_closes_and_its_app_ends(browser: Browser) -> None:
    served = Served("--max-sessions", "1")
    try:
        first = _open(browser, served.url)
        _wait_for_text(first, "Step 1 of 18")
        second = browser.new_page()
        response = second.goto(served.url)
        assert response is not None and response.status == 503
        assert "this class is full: 1 tab is open (--max-sessions 1)" in second.inner_text("#full")
        second.screenshot(path=ARTIFACTS / "serve_class_full.png")
        tabs = served.tabs()
        first.close()
        wait_until(
            lambda: not any(running(tab) for tab in tabs) and http_status(served.url) == 200,
            "the closed tab's app to end and free its place",
        )
        second.close()
    finally:
        out = served.stop()
    assert served.process.returncode == 130, out  # 128 + SIGINT
