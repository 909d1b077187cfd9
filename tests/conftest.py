"""Fixtures for every test folder."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="session")
def fixed_model() -> ModuleType:
    """tests/inspect/fixed_model.py: the lecture's ConvNet with fixed (seeded numpy) weights, and a scripted
    ``fit`` for tests about what surrounds training (imported by path: test folders are not packages)."""
    path = Path(__file__).parent / "inspect" / "fixed_model.py"
    spec = importlib.util.spec_from_file_location("tests_fixed_model", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _share_textual_stylesheet_parses() -> None:
    """Parse each Textual stylesheet source once per test process instead of several times per app.

    Textual parses every CSS source (each widget's DEFAULT_CSS, each .tcss file) again for each new app,
    and again on each ``reparse`` — when a mode's screen first opens, when a screen brings its own CSS,
    when the theme changes — because ``Stylesheet.reparse`` builds a fresh stylesheet with an empty
    cache. With a few hundred apps per test session that tokenizing is several percent of the suite.
    The parse is a pure function of the source and the theme's CSS variables (Textual itself reuses
    the parsed rules between ``parse`` calls), so the tests share one cache keyed by both. Textual is
    not otherwise changed: if its private method is ever renamed, the tests simply run uncached.
    """
    from textual.css.stylesheet import Stylesheet

    original = getattr(Stylesheet, "_parse_rules", None)
    if original is None:
        return
    shared: dict[tuple[object, ...], object] = {}

    def _parse_rules(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):  # type: ignore[no-untyped-def]
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(self._variables.items())))
        try:
            return shared[key]
        except KeyError:
            rules = original(self, css, read_from, is_default_rules, tie_breaker, scope)
            shared[key] = rules
            return rules

    Stylesheet._parse_rules = _parse_rules  # type: ignore[method-assign]


_share_textual_stylesheet_parses()
