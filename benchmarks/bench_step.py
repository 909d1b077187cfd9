"""Step key → redrawn frame, in the explorer (median and 95th percentile).

Method: the real app runs headless (``App.run_test``, the pilot's driver) at
130x42.  For each step we send a real ``right`` key event through the driver
and stop the clock when Textual hands the next composed frame to
``App._display`` — i.e. after the key went through the bindings, the screen
updated its state and every dirty widget line was rendered into strips.
Only the final write to a terminal is missing (the headless driver has
none).  Between two keys the app is left idle for 30 ms, as between a
person's key presses.  We report wall-clock milliseconds and the process CPU
time of the same interval (median and 95th percentile of both: on a shared
machine the wall clock's tail is mostly the wait for a core, the CPU time's
tail is the app's own work).

Cases: the cs231n example (5x5x3 input, two 3x3x3 kernels) and a 28x28
MNIST digit with 8 kernels 3x3 (ReLU), the issue's two targets, plus the
28x28 digit with 32 kernels (what the inspect screen sends).

    .venv/bin/python benchmarks/bench_step.py [--steps N]

Prints a markdown table and writes it to ``benchmarks/results/bench_step.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

# As the command does (tui_convnet/cli.py): one BLAS thread, set before numpy starts.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from tui_convnet.core import ConvExample

if TYPE_CHECKING:
    from tui_convnet.core import Example

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_conv import write_atomic

RESULTS = Path(__file__).resolve().parent / "results"
SIZE = (130, 42)
#: Targets on the 95th percentile: one 60 Hz frame for cs231n, two for the digit with 32 kernels.
TARGETS = {"cs231n": 1000 / 60, "digit-32": 2000 / 60}


def digit_example(examples: Sequence[Example], kernels: int) -> ConvExample:
    """The bundled MNIST digit (28x28x1) with ``kernels`` fixed-pattern 3x3 kernels, ReLU."""
    base = next(ex for ex in examples if ex.key.startswith("03_"))
    assert isinstance(base, ConvExample)
    rng = np.random.default_rng(0)
    bank = rng.integers(-1, 2, size=(3, 3, 1, kernels)).astype(np.float64)
    return replace(
        base,
        key=f"bench_digit_{kernels}",
        title=f"28x28 digit, {kernels} kernels 3x3 (benchmark)",
        kernels=bank,
        bias=np.zeros(kernels),
        kernel_names=tuple(f"W{k}" for k in range(kernels)),
        activation="relu",
        stride=(1, 1),
        padding="valid",
        dilation=(1, 1),
    )


async def time_steps(
    app: Any, pilot: Any, screen: Any, steps: int, timeout: float = 5
) -> tuple[list[float], list[float]]:
    """Press ``right`` ``steps`` times through the driver on the explorer ``screen``; per key, wall and CPU ms
    until the first frame drawn after the step moved (a leftover refresh does not count)."""
    from rich.console import RenderableType
    from textual import events
    from textual.screen import Screen

    from tui_convnet.ui._textual_internals import send_to_driver, watch_frames

    walls: list[float] = []
    cpus: list[float] = []
    frame = asyncio.Event()
    before = -1

    def seen(scr: Screen[Any], renderable: RenderableType | None) -> None:
        # Only a frame drawn after the key moved the step counts (not a leftover refresh).
        if renderable is not None and screen.step != before:
            frame.set()

    restore = watch_frames(app, seen)
    for _i in range(steps):
        assert screen.state is not None
        if screen.state.at_end:
            screen.state = screen.state.first()
            await pilot.pause()
        await asyncio.sleep(0.03)
        before = screen.step
        frame.clear()
        c0, t0 = time.process_time(), time.perf_counter()
        key = events.Key("right", None)
        key.set_sender(app)
        send_to_driver(app, key)
        await asyncio.wait_for(frame.wait(), timeout=timeout)
        t1, c1 = time.perf_counter(), time.process_time()
        if screen.step != before + 1:
            raise RuntimeError(f"the right key did not step: {before} -> {screen.step}")
        walls.append((t1 - t0) * 1000)
        cpus.append((c1 - c0) * 1000)
    restore()
    return walls, cpus


async def measure(example: ConvExample | None, steps: int) -> tuple[list[float], list[float]]:
    from tui_convnet.ui.app import create_app
    from tui_convnet.ui.explorer.screen import ExplorerScreen

    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExplorerScreen)
        if example is not None:
            screen.show_example(example, 0)
        await pilot.pause()
        walls, cpus = await time_steps(app, pilot, screen, steps)
    return walls, cpus


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timing_cells(walls: list[float], cpus: list[float], target_ms: float) -> tuple[str, bool]:
    """A table row's timing cells: wall median and p95, CPU median and p95, whether the wall p95 meets
    ``target_ms`` (``yes`` or a bold ``no``); and whether it does."""
    p95 = pct(walls, 0.95)
    met = p95 <= target_ms
    cells = (
        f"{statistics.median(walls):.1f} | {p95:.1f} | {statistics.median(cpus):.1f} | {pct(cpus, 0.95):.1f} | "
        f"{'yes' if met else '**no**'}"
    )
    return cells, met


def publish(name: str, what: str, header: str, align: str, rows: list[str], load: float) -> None:
    """Print a markdown table (with the machine and its load before the run) and write it atomically to results/."""
    table = (
        "\n".join(
            [
                f"{what}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
                f"1-min load average {load:.1f} before the run ({time.strftime('%Y-%m-%d')})",
                "",
                header,
                align,
                *rows,
            ]
        )
        + "\n"
    )
    print(table)
    write_atomic(RESULTS / name, table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=100, help="steps measured per case (default 100)")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]

    from tui_convnet.core import load_examples

    examples = load_examples()
    cases = [
        ("cs231n", "cs231n: 5x5x3 input, 2 kernels 3x3x3", None),
        ("digit-8", "MNIST digit 28x28x1, 8 kernels 3x3, ReLU", digit_example(examples, 8)),
        ("digit-32", "MNIST digit 28x28x1, 32 kernels 3x3, ReLU", digit_example(examples, 32)),
    ]
    rows = []
    ok = True
    for key, label, example in cases:
        walls, cpus = asyncio.run(measure(example, args.steps))
        median, p95 = statistics.median(walls), pct(walls, 0.95)
        target = TARGETS.get(key)
        verdict = "—" if target is None else ("yes" if p95 <= target else "**no**")
        ok &= target is None or p95 <= target
        rows.append(
            f"| {label} | {len(walls)} | {median:.1f} | {p95:.1f} | {statistics.median(cpus):.1f} | "
            f"{pct(cpus, 0.95):.1f} | {'—' if target is None else f'≤ {target:.1f}'} | {verdict} |"
        )
    publish(
        "bench_step.md",
        f"Step key → redrawn frame, headless {SIZE[0]}x{SIZE[1]}",
        "| case | steps | median ms | p95 ms | median CPU ms | p95 CPU ms | target (p95) | met |",
        "|---|---:|---:|---:|---:|---:|---:|:---:|",
        rows,
        load,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
