"""Key → next frame for the keys that change screens: first and later visits, idle and while a model trains.

Method (as ``bench_step.py``): the real app runs headless (``App.run_test``) at 130x42; a real key
event goes through the driver and the clock stops when Textual hands ``App._display`` the first frame
composed *after the key took effect* (the mode switched, the palette shows its commands, the path field
took the focus). Textual's palette drew a first frame of the dimmed screen alone before listing its
commands: the clock waits for the frame with the commands, which the student is waiting for.
Wall-clock and process CPU milliseconds of the same interval, median and 95th percentile.
Between two keys the app idles 150 ms, as between a person's key presses.

Keys: ``t`` (training screen), ``i`` (inspect), ``o`` (its model-path field), ``d`` (draw), ``L``
(lessons), ``e`` back to the explorer from each, and Ctrl+P (the command palette). A *first* visit
builds the screen (each of ``--apps`` fresh apps gives one); *later* visits come from ``--rounds``
more passes. *Training*: a run of the lecture's ConvNet goes on in the TensorFlow worker process
(started from the training screen, as a student does) while the same keys are measured; its first
visits are those of the screens not yet built when the run started.

Target (the issue): p95 ≤ 100 ms for every key, first visits included, idle and while training.

    .venv/bin/python benchmarks/bench_keys.py [--apps N] [--rounds N]

Prints a markdown table and writes it to ``benchmarks/results/bench_keys.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the command does (cli.py), before numpy starts

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_step import publish, timing_cells

SIZE = (130, 42)
TARGET_MS = 100.0
PAUSE = 0.15


def _mode(name: str) -> Callable[[Any], bool]:
    return lambda app: app.current_mode == name and _palette_closed(app)


def _palette_open(app: Any) -> bool:
    """The palette shows its search field and its commands (its first frames show only the dimmed screen)."""
    from textual.command import CommandList

    screen = app.screen
    if type(screen).__name__ not in ("CommandPalette", "ConvnetPalette") or not screen.has_class("-ready"):
        return False
    return bool(screen.query_one(CommandList).option_count)


def _palette_closed(app: Any) -> bool:
    return type(app.screen).__name__ not in ("CommandPalette", "ConvnetPalette")


def _path_focused(app: Any) -> bool:
    return getattr(app.focused, "id", None) == "inspect-path"


def _nothing_focused(app: Any) -> bool:
    return app.focused is None


#: One pass: (label, key, character, what must be true of the frame the clock stops at).
PASS: list[tuple[str, str, str | None, Callable[[Any], bool]]] = [
    ("t", "t", "t", _mode("training")),
    ("e from training", "e", "e", _mode("explorer")),
    ("i", "i", "i", _mode("inspect")),
    ("o", "o", "o", _path_focused),
    ("Esc from the path", "escape", None, _nothing_focused),
    ("e from inspect", "e", "e", _mode("explorer")),
    ("d", "d", "d", _mode("draw")),
    ("e from draw", "e", "e", _mode("explorer")),
    ("L", "L", "L", _mode("lessons")),
    ("e from lessons", "e", "e", _mode("explorer")),
    ("Ctrl+P", "ctrl+p", None, _palette_open),
    ("Esc from the palette", "escape", None, _palette_closed),
]


class Clock:
    """Stops at the first frame the app displays once ``condition`` holds."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.frame = asyncio.Event()
        from tui_convnet.ui._textual_internals import watch_frames

        self.condition: Callable[[Any], bool] = lambda app: False

        def seen(screen: Any, renderable: Any) -> None:
            if renderable is not None and self.condition(app):
                self.frame.set()

        watch_frames(app, seen)

    async def press(self, key: str, character: str | None, condition: Callable[[Any], bool]) -> tuple[float, float]:
        from textual import events

        from tui_convnet.ui._textual_internals import send_to_driver

        await asyncio.sleep(PAUSE)
        self.condition = condition
        self.frame.clear()
        c0, t0 = time.process_time(), time.perf_counter()
        event = events.Key(key, character)
        event.set_sender(self.app)
        send_to_driver(self.app, event)
        try:
            await asyncio.wait_for(self.frame.wait(), timeout=60)
        except TimeoutError:
            raise RuntimeError(
                f"no frame within 60 s after {key!r} (screen {type(self.app.screen).__name__}, "
                f"mode {self.app.current_mode}, focused {getattr(self.app.focused, 'id', None)})"
            ) from None
        t1, c1 = time.perf_counter(), time.process_time()
        self.condition = lambda app: False
        return (t1 - t0) * 1000, (c1 - c0) * 1000


Samples = dict[tuple[str, str, str], list[tuple[float, float]]]


async def run_app(samples: Samples, rounds: int, training: bool) -> None:
    from textual.widgets import Input

    from tui_convnet.ui.app import create_app
    from tui_convnet.ui.training.progress import TrainingProgress
    from tui_convnet.ui.training.screen import TrainingScreen

    state = "training" if training else "idle"
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        clock = Clock(app)
        visited: set[str] = set()
        if training:
            wall_cpu = await clock.press("t", "t", _mode("training"))
            samples[("t", state, "first (starts the run)")].append(wall_cpu)
            visited.add("t")
            screen = app.screen
            assert isinstance(screen, TrainingScreen)
            while not screen.built:  # its form is built after its first frame
                await asyncio.sleep(0.05)
            for field, value in {"epochs": "50", "train-limit": "5000", "test-limit": "500"}.items():
                screen.query_one(f"#{field}", Input).value = value
            while screen.data is None:
                await asyncio.sleep(0.05)
            await pilot.press("s")
            deadline = time.monotonic() + 300
            while screen.query_one("#progress", TrainingProgress).state.batch < 3:  # the worker trains
                if time.monotonic() > deadline:
                    raise RuntimeError("the training run did not start within 300 s")
                await asyncio.sleep(0.1)
            await clock.press("e", "e", _mode("explorer"))
        for _ in range(rounds + 1):
            for label, key, character, condition in PASS:
                try:
                    wall_cpu = await clock.press(key, character, condition)
                except RuntimeError as exc:  # no frame in 60 s: counted as such, and the next key is tried
                    print(f"bench_keys: {exc}", file=sys.stderr)
                    wall_cpu = (float("inf"), float("inf"))
                visit = "later" if label in visited else "first"
                visited.add(label)
                samples[(label, state, visit)].append(wall_cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apps", type=int, default=3, help="fresh apps per state (first visits), default 3")
    parser.add_argument("--rounds", type=int, default=5, help="later passes per app, default 5")
    parser.add_argument("--states", default="idle,training", help="idle, training or both (default)")
    args = parser.parse_args(argv)
    states = [state.strip() for state in args.states.split(",")]
    load = os.getloadavg()[0]
    samples: Samples = defaultdict(list)
    for training in (False, True):
        if ("training" if training else "idle") not in states:
            continue
        for _ in range(args.apps):
            asyncio.run(run_app(samples, args.rounds, training))
    rows, ok = [], True
    for (label, state, visit), values in samples.items():
        walls, cpus = [w for w, _ in values], [c for _, c in values]  # inf: no frame within 60 s
        cells, met = timing_cells(walls, cpus, TARGET_MS)
        ok &= met
        rows.append(f"| {label} | {state} | {visit} | {len(values)} | {cells} |")
    publish(
        "bench_keys.md",
        f"Key → next frame, headless {SIZE[0]}x{SIZE[1]}, {args.apps} apps per state, {args.rounds} later passes",
        "| key | state | visit | n | median ms | p95 ms | median CPU ms | p95 CPU ms | p95 ≤ 100 ms |",
        "|---|---|---|---:|---:|---:|---:|---:|:---:|",
        rows,
        load,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
