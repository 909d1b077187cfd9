"""Stroke → updated frame on the draw screen, idle and while a training run is going.

Method: the real app runs headless (``App.run_test``) at 130x42 on the draw
screen with the bundled model. A stroke is real mouse events sent through the
driver, as a terminal's would be, at a hand's pace: the left button pressed on
one canvas cell, moved to a second 20 ms later, released there 20 ms after
that (the canvas draws as the mouse moves; the network looks at the drawing
when the stroke ends). The clock starts with the release, when the stroke is
finished, and stops when Textual hands ``App._display`` the first composed
frame after the screen has analysed it: preprocessing, the numpy forward pass
of every layer, and every dirty line of the canvas, the preview, the bars and
the visible feature maps rendered into strips. Only the write to a terminal is
missing. Between strokes the app idles 30 ms; every 8 strokes the canvas is
cleared (not timed).

The two conditions run side by side in one process, interleaved in blocks
(idle, training, idle, training …), so a change in the machine's load hits
both: "training" is the project's trainer fitting the lecture's model on the
bundled sample in a thread of the same process, as the training screen runs
it (it competes for the GIL and the cores).

    .venv/bin/python benchmarks/bench_draw.py [--strokes N]

Prints a markdown table and writes it to ``benchmarks/results/bench_draw.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

# As the command does (tui_convnet/cli.py): one BLAS thread, set before numpy starts.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_step import pct, publish

SIZE = (130, 42)
TARGET_MS = 50.0
BLOCK = 10  # strokes per block; idle and training blocks alternate


class Trainer:
    """A training run in a thread of this process, paused between batches while the idle blocks run."""

    def __init__(self) -> None:
        self.cancel = threading.Event()
        self.go = threading.Event()  # cleared: the trainer waits at the end of its next batch
        self.waiting = threading.Event()  # set while it waits
        self.batches = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from tui_convnet.core import mnist_convnet
        from tui_convnet.data.mnist import load_mnist
        from tui_convnet.training.events import BatchEnd, TrainConfig
        from tui_convnet.training.priority import below_the_interface
        from tui_convnet.training.trainer import train

        def on_event(event: object) -> None:
            if isinstance(event, BatchEnd):
                self.batches += 1
                if not self.go.is_set():
                    self.waiting.set()
                    self.go.wait()
                    self.waiting.clear()

        data = load_mnist("sample")
        with below_the_interface():  # as the training screen runs it
            train(mnist_convnet(), data, TrainConfig(epochs=1000, evaluate=False), on_event, self.cancel)

    def pause(self) -> None:
        self.go.clear()
        if self.thread.is_alive() and not self.waiting.wait(timeout=300):
            raise RuntimeError("the training run did not reach the end of a batch within 300 s")

    def resume(self) -> None:
        if not self.thread.is_alive():
            self.thread.start()
        before = self.batches
        self.go.set()
        deadline = time.monotonic() + 300
        while self.batches < before + 2:  # really training again
            if time.monotonic() > deadline:
                raise RuntimeError("training did not run within 300 s")
            time.sleep(0.01)

    def stop(self) -> None:
        self.cancel.set()
        self.go.set()
        self.thread.join(timeout=60)


async def measure(strokes: int, trainer: Trainer) -> dict[str, list[float]]:
    from rich.console import RenderableType
    from textual import events
    from textual.screen import Screen

    from tui_convnet.ui._textual_internals import send_to_driver, watch_frames
    from tui_convnet.ui.app import create_app
    from tui_convnet.ui.draw.canvas import DrawingCanvas
    from tui_convnet.ui.draw.screen import DrawScreen

    app = create_app()
    results: dict[str, list[float]] = {"idle": [], "training": []}
    rng = np.random.default_rng(0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrawScreen)
        canvas = screen.query_one("#draw-canvas", DrawingCanvas)
        region = canvas.content_region
        frame = asyncio.Event()
        analysed = {"after_release": False}
        original_analyse = screen.analyse_now

        def analyse_now() -> None:
            original_analyse()
            if canvas._drag is None:  # the stroke is finished: this analysis is the one that counts
                analysed["after_release"] = True

        def seen(scr: Screen[Any], renderable: RenderableType | None) -> None:
            if renderable is not None and analysed["after_release"]:
                frame.set()

        screen.analyse_now = analyse_now  # type: ignore[method-assign]
        restore = watch_frames(app, seen)

        def mouse(cls: type, x: int, y: int) -> None:
            sx, sy = region.x + x, region.y + y
            event = cls(None, sx, sy, 0, 0, 1, False, False, False, screen_x=sx, screen_y=sy)
            event.set_sender(app)
            send_to_driver(app, event)

        condition = "idle"
        for i in range(2 * strokes):
            if i % BLOCK == 0:
                condition = "training" if (i // BLOCK) % 2 else "idle"
                if condition == "training":
                    await asyncio.to_thread(trainer.resume)
                else:
                    await asyncio.to_thread(trainer.pause)
            if i % 8 == 0:
                canvas.set_pixels(np.zeros((28, 28), np.float32))
                await pilot.pause()
            await asyncio.sleep(0.03)
            x0, y0 = (int(v) for v in rng.integers(4, 24, size=2) // (1, 2))
            x1, y1 = min(27, x0 + int(rng.integers(2, 6))), min(13, y0 + int(rng.integers(1, 4)))
            mouse(events.MouseDown, x0, y0)
            await asyncio.sleep(0.02)
            mouse(events.MouseMove, x1, y1)
            await asyncio.sleep(0.02)
            analysed["after_release"] = False
            frame.clear()
            c0, t0 = time.process_time(), time.perf_counter()
            mouse(events.MouseUp, x1, y1)
            await asyncio.wait_for(frame.wait(), timeout=10)
            t1, c1 = time.perf_counter(), time.process_time()
            results[condition].append((t1 - t0) * 1000)
            results[condition + "_cpu"] = [*results.get(condition + "_cpu", []), (c1 - c0) * 1000]
        restore()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--strokes", type=int, default=60, help="strokes measured per condition (default 60)")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    trainer = Trainer()
    try:
        results = asyncio.run(measure(args.strokes, trainer))
    finally:
        trainer.stop()
    rows = []
    ok = True
    for condition, label in (("idle", "nothing else running"), ("training", "a training run going (same process)")):
        walls, cpus = results[condition], results[condition + "_cpu"]
        median = statistics.median(walls)
        ok &= median < TARGET_MS
        rows.append(
            f"| {label} | {len(walls)} | {median:.1f} | {pct(walls, 0.95):.1f} | {statistics.median(cpus):.1f} | "
            f"< {TARGET_MS:g} | {'yes' if median < TARGET_MS else '**no**'} |"
        )
    idle, busy = statistics.median(results["idle"]), statistics.median(results["training"])
    rows.append(f"| ratio training / idle (medians) | | {busy / idle:.2f}x | | | | |")
    publish(
        "bench_draw.md",
        "End of a stroke (release) → updated frame on the draw screen (bundled model, numpy engine), "
        f"headless {SIZE[0]}x{SIZE[1]}, "
        f"{trainer.batches} training batches during the run",
        "| condition | strokes | median ms | p95 ms | median CPU ms | target (median) | met |",
        "|---|---:|---:|---:|---:|---:|:---:|",
        rows,
        load,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
