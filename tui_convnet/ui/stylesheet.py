"""The app's stylesheet: Textual's, with each stylesheet source parsed once per set of theme variables.

Textual's :meth:`~textual.css.stylesheet.Stylesheet.reparse` parses every source again in a fresh
stylesheet with an empty parse cache, and ``set_variables`` empties the cache even when the variables
did not change. Starting the explorer does both several times (its screen stylesheet is read, the app
refreshes its CSS, each new widget class adds its default CSS), so ``explorer.tcss`` was parsed three
times and Textual's own default CSS four, about a tenth of the cold start. Here the parse results are
kept as long as the variables stay the same: a parse is a pure function of the source and the
variables, so the rules are the same objects Textual would have built, only built once.

The parses are kept per set of variables for the whole process, not per stylesheet: switching back
to a theme used before (dark, light, dark) parses nothing again, and neither does a second app in the
same process (the test suite starts hundreds).
"""

from __future__ import annotations

from typing import Any

from textual.cache import LRUCache
from textual.css.stylesheet import Stylesheet

#: The sizes Textual gives a stylesheet's two parse caches.
_RULE_PARSES, _STYLE_PARSES = 64, 1024 * 4
#: How many sets of theme variables keep their parses (the themes a student switches between).
_THEMES_KEPT = 8

_parses: dict[tuple[tuple[str, str], ...], tuple[LRUCache[Any, Any], LRUCache[Any, Any]]] = {}


def forget_parses() -> None:
    """Drop every kept parse (the next stylesheet parses its sources again)."""
    _parses.clear()


def _parses_for(variables: dict[str, str]) -> tuple[LRUCache[Any, Any], LRUCache[Any, Any]]:
    key = tuple(sorted(variables.items()))
    caches = _parses.pop(key, None)
    if caches is None:
        caches = (LRUCache(_RULE_PARSES), LRUCache(_STYLE_PARSES))
        while len(_parses) >= _THEMES_KEPT:
            del _parses[next(iter(_parses))]  # the least recently used theme
    _parses[key] = caches
    return caches


class CachedStylesheet(Stylesheet):
    """A :class:`~textual.css.stylesheet.Stylesheet` whose parse cache survives a reparse.

    The caches are those kept for the current variables; a new theme switches to that theme's.
    """

    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self._parse_cache, self._style_parse_cache = _parses_for(self._variables)

    def set_variables(self, variables: dict[str, str]) -> None:
        if variables == self._variables:
            return  # same variables: every cached parse is still exactly what a new parse would give
        # Textual empties the caches here: hand it fresh ones, so that the kept parses survive.
        self._parse_cache, self._style_parse_cache = LRUCache(_RULE_PARSES), LRUCache(_STYLE_PARSES)
        super().set_variables(variables)
        self._parse_cache, self._style_parse_cache = _parses_for(self._variables)

    def reparse(self) -> None:
        """As Textual's ``reparse`` (parse into a fresh stylesheet, keep ``self`` if that fails), sharing the cache."""
        fresh = CachedStylesheet(variables=self._variables)  # the same kept parses
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            fresh.add_source(css, read_from=read_from, is_default_css=is_defaults, tie_breaker=tie_breaker, scope=scope)
        try:
            fresh.parse()
        except Exception:
            self._invalid_css.update(fresh._invalid_css)
            raise
        self._rules = fresh.rules
        self._rules_map = None
        self.source = fresh.source
        self._require_parse = False
