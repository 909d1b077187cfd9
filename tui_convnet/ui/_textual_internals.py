"""Every private name of Textual and textual-serve that the app uses, and why there is no public way.

This is the only module of the package that reaches into Textual's (or textual-serve's) private names
(``tests/ui/test_textual_internals.py`` checks that each still exists and behaves as used here, so a
Textual upgrade that changes one fails there, not on a student's screen). pyproject pins Textual's minor
release to the one this was tested on. Everything else in the package uses public names only.

1. :class:`CachedStylesheet`: the app's stylesheet, with each source parsed once per set of theme
   variables. Textual's :meth:`~textual.css.stylesheet.Stylesheet.reparse` parses every source again in
   a fresh stylesheet with an empty parse cache, and ``set_variables`` empties the cache even when the
   variables did not change. Starting the explorer does both several times, so ``explorer.tcss`` was
   parsed three times and Textual's own default CSS four, about a tenth of the cold start. The parse
   results are kept as long as the variables stay the same: a parse is a pure function of the source
   and the variables, so the rules are the same objects Textual would have built, only built once. They
   are kept per set of variables for the whole process: switching back to a theme used before parses
   nothing again, nor does a second app in the same process (the test suite starts hundreds).
   Private: the stylesheet's parse caches, variables and rules (no public hook exists).
2. :func:`mark_styled`: a mode's new screen counts as styled by the current stylesheet, so that showing
   it does not restyle the screen being left (Textual's ``_css_update_count``; no public equivalent).
3. :func:`bindings_map`: a widget's own bindings, merged over its classes as Textual merges them
   (``inherit_bindings=False`` included), for the help screen's list of every widget's keys. Textual's
   public ``active_bindings`` holds only the focused chain's (``DOMNode._bindings``).
4. :func:`unhandled_exception`: the exception that ended the app, for the one line the command prints
   after a crash (``App._exception``; Textual only draws the traceback).
5. :func:`app_service_process`: the app process of a textual-serve tab, so that the server can kill a tab
   that does not quit (textual-serve's ``AppService._process``; it exposes no process handle).
   (The server relays a tab's messages with its own loop, which checks them: :mod:`tui_convnet.serve.guard`.)
6. :class:`FirstListGiven`: a command palette composed with its first list of commands skips the
   gathering Textual starts as the palette mounts (``CommandPalette._gather_commands``, called from its
   private ``_on_mount``), which would list the same commands again: a second layout and full frame, and
   the whole palette restyled, after the palette is already complete. Typing gathers as in Textual.
7. The test harness's names (at the end): Pilot's idle wait, a screen's compositor and layout pass,
   the notifications shown, Textual's per-widget line cache; and the benchmarks': the frames handed to
   the display, and input sent through the driver.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from textual.binding import BindingsMap
from textual.cache import LRUCache
from textual.command import CommandPalette
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode

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


def mark_styled(screen: Any, app: Any) -> None:
    """Count ``screen`` (new, not yet mounted) as styled by ``app``'s current stylesheet.

    Textual refreshes the whole app's CSS when it shows a mode whose screen was styled by an older
    stylesheet, and it counts a new screen as never styled. A new screen has no styles to refresh (its
    widgets are styled as they mount, by the current stylesheet), and a later theme change still counts
    as a change, so the screen is refreshed when it is shown again.
    """
    screen._css_update_count = app._css_update_count


class FirstListGiven(CommandPalette):
    """A command palette that composes with its first list (``first_list_given``): Textual's first gathering of
    the commands (the empty search, as the palette mounts) is skipped; every later one runs as in Textual."""

    #: Set by the subclass when it composes with the commands listed.
    first_list_given = False

    def _gather_commands(self, search_value: str) -> Any:
        if self.first_list_given and not search_value:
            self.first_list_given = False  # once: an emptied search field gathers as in Textual
            return None
        return super()._gather_commands(search_value)


def bindings_map(node: DOMNode) -> BindingsMap:
    """``node``'s bindings as Textual merged them from its classes (and any added to the instance)."""
    return node._bindings


def app_service_process(service: Any) -> Any:
    """The ``asyncio`` subprocess of a textual-serve ``AppService`` (None before it starts)."""
    return service._process


def unhandled_exception(app: Any) -> BaseException | None:
    """The exception that ended ``app`` (Textual catches it, draws its traceback to stderr, and exits with 1).

    Textual keeps it as ``App._exception`` (for its test harness) and offers no public way to ask why an
    app ended; the command line needs it to print one line on the terminal after a crash.
    """
    exception: BaseException | None = app._exception
    return exception


# --------------------------------------------------------------------------- the test harness
# The test suite and the benchmarks reach into Textual in a few more places; those names live here too, so
# that one module (and its test) holds every private name. Nothing in the app calls these.

#: The name of the method a screen lays itself out with (tests count the layouts a key causes).
SCREEN_REFRESH_LAYOUT = "_refresh_layout"


def compositor(screen: Any) -> Any:
    """A screen's compositor: its rendered lines (``render_strips``) and its layout pass (``reflow``)."""
    return screen._compositor


def screen_strips(app: Any) -> list[Any]:
    """The current screen as the terminal would show it, one ``Strip`` per line: rendered now, from the
    screen's layout, with the screens below a translucent (modal) one drawn through it as Textual draws a
    frame (``textual._context.visible_screen_stack``, which only Textual's own frame rendering sets)."""
    from textual._context import visible_screen_stack

    visible_screen_stack.set(app._background_screens)
    strips: list[Any] = app.screen._compositor.render_strips()
    return strips


def notifications(app: Any) -> list[str]:
    """The messages of the notifications the app is showing, oldest first."""
    return [notification.message for notification in app._notifications]


def idle_wait_module() -> Any:
    """``textual._wait``: how long Pilot sleeps while it waits for the app to go idle."""
    import importlib

    return importlib.import_module("textual._wait")


def clear_styles_cache() -> None:
    """Empty Textual's per-widget cache of rendered lines (it keeps the last 1,024 widgets' alive)."""
    styles_cache = sys.modules.get("textual._styles_cache")
    if styles_cache is not None:
        styles_cache.StylesCache.get_inner_outer.cache_clear()


def styles_cache_size() -> int:
    """How many widgets' rendered lines Textual's per-widget cache holds."""
    import importlib

    size: int = importlib.import_module("textual._styles_cache").StylesCache.get_inner_outer.cache_info().currsize
    return size


def update_period(screen: Any) -> float:
    """The period of a screen's update timer (its repaints after a change)."""
    period: float = screen._update_timer._interval
    return period


def forget_render(widget: Any) -> None:
    """Drop ``widget``'s cached render (``Widget._render_cache``), so that Textual's own ``render_line`` renders
    its ``render()`` again (a test compares it with a widget's faster line)."""
    widget._render_cache = None


def watch_frames(app: Any, seen: Callable[[Any, Any], object]) -> Callable[[], None]:
    """Call ``seen(screen, renderable)`` for every frame ``app`` hands its display, before it is shown
    (``App._display``; Textual has no public hook for a frame going out): the benchmarks stop their clock at
    the first frame that shows a key's effect. Returns what undoes it."""
    original = app._display

    def display(screen: Any, renderable: Any) -> Any:
        seen(screen, renderable)
        return original(screen, renderable)

    app._display = display

    def restore() -> None:
        app._display = original

    return restore


def send_to_driver(app: Any, event: Any) -> None:
    """``event`` (a key, a mouse event) handed to ``app`` through its driver, as a terminal's input arrives
    (``App._driver``; Pilot's ``press`` waits for the app to be idle, which the benchmarks must not)."""
    driver = app._driver
    if driver is None:
        raise RuntimeError("The app has no driver: it is not running.")
    driver.send_message(event)


def skip_unseen_frames() -> None:
    """Headless apps (the test suite's) stop rendering the frames nobody sees.

    After a change, a screen lays itself out and then renders the regions that changed into a frame for the
    terminal (``Screen._compositor_refresh``); a headless app throws that frame away. The layout still
    happens as before and the dirty regions are marked drawn; a test that reads the screen renders it
    then (:func:`compositor`'s ``render_strips``, or a screenshot), from the same layout. About half of a
    Pilot test's CPU was spent on frames no test read. Apps that are not headless are unchanged.
    """
    from textual.screen import Screen

    refresh = Screen._compositor_refresh
    if getattr(refresh, "skips_unseen_frames", False):
        return

    def compositor_refresh(self: Screen[Any]) -> None:
        app = self.app
        if app.is_headless and not app.is_inline and self is app.screen:
            self._dirty_widgets.clear()
            self._compositor._dirty_regions.clear()
            app._update_mouse_over(self)
            return
        refresh(self)

    compositor_refresh.skips_unseen_frames = True  # type: ignore[attr-defined]
    Screen._compositor_refresh = compositor_refresh  # type: ignore[method-assign]
