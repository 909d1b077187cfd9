"""``KeysFooter``: Textual's footer, whose keys are styled once instead of three times."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    """Textual's :class:`~textual.widgets.Footer`, each key created with its final ``compact`` value and class.

    Textual creates every key compact (its default), styles it, then the key's ``compact`` watcher adds the
    ``-compact`` class (a restyle) and the binding to the footer's ``compact`` removes it again (another
    restyle). Setting the key's value and class before it is mounted gives the same key styled once. The
    command-palette key is not bound to the footer and stays compact, as in Textual.
    """

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                compact = True if widget.has_class("-command-palette") else self.compact
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget
