"""``convnet-tui serve``: the app in a web browser, one app process per tab (textual-serve).

- :mod:`.server` — the server: the address checked, the cap on tabs, each tab's process and its clean-up;
  ``python -m tui_convnet.serve.server PARENT_PID`` is what a tab runs;
- :mod:`.guard` — what the server accepts from a browser (origins, hosts, messages), plain Python.

Nothing else of the package imports this one (an import-linter contract): the app does not know it is served.
"""
