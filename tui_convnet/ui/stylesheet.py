"""The app's stylesheet: Textual's, with each stylesheet source parsed once per set of theme variables.

Textual's :meth:`~textual.css.stylesheet.Stylesheet.reparse` parses every source again in a fresh
stylesheet with an empty parse cache, and ``set_variables`` empties the cache even when the variables
did not change. Starting the explorer does both several times (its screen stylesheet is read, the app
refreshes its CSS, each new widget class adds its default CSS), so ``explorer.tcss`` was parsed three
times and Textual's own default CSS four, about a tenth of the cold start. Here the parse results are
kept as long as the variables stay the same: a parse is a pure function of the source and the
variables, so the rules are the same objects Textual would have built, only built once.
"""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet


class CachedStylesheet(Stylesheet):
    """A :class:`~textual.css.stylesheet.Stylesheet` whose parse cache survives a reparse.

    The cache is dropped when the variables change (a new theme), as Textual drops it.
    """

    def set_variables(self, variables: dict[str, str]) -> None:
        if variables == self._variables:
            return  # same variables: every cached parse is still exactly what a new parse would give
        super().set_variables(variables)

    def reparse(self) -> None:
        """As Textual's ``reparse`` (parse into a fresh stylesheet, keep ``self`` if that fails), sharing the cache."""
        fresh = CachedStylesheet(variables=self._variables)
        fresh._parse_cache = self._parse_cache
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
