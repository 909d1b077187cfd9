"""Keeping Python's garbage collector out of the keys' way: the long-lived objects are frozen once made.

The interface holds a few hundred thousand long-lived objects (Textual's widgets, styles and caches,
the screens' state, numpy's and Rich's modules). Python's full (generation 2) collection walks every one
of them: 100-400 ms on these 2 cores, at a moment no one chooses, most often while a key builds a screen
(it makes many objects). :func:`settle` moves every object alive now out of the collector's reach
(``gc.freeze``): the app calls it once its first frame is drawn, once the screens' modules are imported,
and once a screen is built; a full collection then walks only what was made since. Garbage cycles among
frozen objects are never collected (they are the app's own, long-lived structures).
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Freeze the objects alive now: later full collections skip them (cheap: no collection runs here)."""
    gc.freeze()
