"""Run ``convnet-tui`` (or the minimal Textual app) noting when each phase of its start ends.

Used by ``bench_startup.py`` (``--phases``), in a pseudo-terminal: ``python startup_probe.py explorer|minimal
OUT``. The phases are imported one after the other in the order the command imports them, each with the
garbage collector as the command has it then (``cli._explore`` pauses it before importing the app), and
the times (``time.perf_counter``, the system's monotonic clock, which the parent shares) are written to
``OUT`` as JSON just before the first frame, the one with the marker, reaches the terminal.
"""

from __future__ import annotations

import json
import os
import sys
import time

MARKERS = {"explorer": "step 1/18", "minimal": "hello"}


def main() -> None:
    which, out = sys.argv[1], sys.argv[2]
    times = {"spawned": float(os.environ["PROBE_SPAWNED"]), "start": time.perf_counter()}
    if which == "explorer":
        from tui_convnet import cli

        times["cli"] = time.perf_counter()
        import gc

        gc.disable()  # as cli._explore does before it imports the app
    import textual.app
    import textual.drivers.linux_driver as driver
    from textual.widgets import Static

    times["textual"] = time.perf_counter()
    write = driver.LinuxDriver.write

    def noting(self: driver.LinuxDriver, data: str) -> None:
        if MARKERS[which] in data and "frame" not in times:
            times["frame"] = time.perf_counter()
            with open(out, "w", encoding="utf-8") as file:
                json.dump(times, file)
        write(self, data)

    driver.LinuxDriver.write = noting  # type: ignore[method-assign]
    if which == "minimal":

        class Minimal(textual.app.App[None]):
            def compose(self) -> textual.app.ComposeResult:
                yield Static("hello")

        Minimal().run()
        return
    import numpy  # noqa: F401  (timed on its own: the app imports it)

    times["numpy"] = time.perf_counter()
    import tui_convnet.ui.app
    import tui_convnet.ui.examples  # (imported by the app: named here for the call below)
    import tui_convnet.ui.explorer.screen  # the first screen's module, as the app imports it

    times["modules"] = time.perf_counter()
    tui_convnet.ui.examples.builtin_examples()  # kept (cached) for the app the command makes next
    times["examples"] = time.perf_counter()
    sys.exit(cli.main([]))


if __name__ == "__main__":
    os.environ.pop("TEXTUAL", None)
    main()
