"""The explorer's cold start: what it parses and what it imports before its first frame."""

from __future__ import annotations

import collections

import pytest
import textual.css.stylesheet as textual_stylesheet
from textual.widgets import Label

from tui_convnet.ui.app import create_app
from tui_convnet.ui.stylesheet import CachedStylesheet

SIZE = (130, 42)


@pytest.fixture
def parses(monkeypatch):
    """How many times each stylesheet source is parsed (Textual's ``parse``, counted by file or class)."""
    counts: collections.Counter[str] = collections.Counter()
    parse = textual_stylesheet.parse

    def counting(scope, css, read_from, **kwargs):
        counts[read_from[0].rsplit("/", 1)[-1] + ":" + read_from[1]] += 1
        return parse(scope, css, read_from, **kwargs)

    monkeypatch.setattr(textual_stylesheet, "parse", counting)
    return counts


async def test_the_explorer_stylesheet_is_parsed_once_at_start(parses):
    app = create_app()
    assert isinstance(app.stylesheet, CachedStylesheet)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert parses["explorer.tcss:"] == 1, parses
        assert parses["app.py:App.DEFAULT_CSS"] == 1, parses  # Textual's own default CSS, 4 times before


async def test_a_new_theme_still_restyles_everything(parses):
    """The parse cache is dropped when the variables change: a light theme gives light colours."""
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.theme = "textual-dark"
        await pilot.pause()
        title = app.screen.query_one("#lbl-input", Label)
        dark = title.styles.color, app.screen.styles.background
        before = parses["explorer.tcss:"]
        app.theme = "textual-light"
        await pilot.pause()
        light = title.styles.color, app.screen.styles.background
        assert parses["explorer.tcss:"] == before + 1
        assert light != dark
        assert app.screen.styles.background.brightness > 0.5 > dark[1].brightness
        app.theme = "textual-dark"
        await pilot.pause()
        assert (title.styles.color, app.screen.styles.background) == dark
