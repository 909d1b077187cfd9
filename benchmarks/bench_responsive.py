"""Benchmark: the inspect screen's one-digit forward pass while a model trains on the same cores.

The inspect screen (and the explorer) run small numpy products on the UI thread,
while a training run keeps both cores busy in TensorFlow.  OpenBLAS splits even
a one-digit convolution between its threads, which then wait for each other:
the median stays small but the slow tail grows.  The app runs that work on one
BLAS thread (``training.inspector.single_blas_thread``, threadpoolctl).

Side by side in one run, interleaved call by call, for the inspect screen's
work per key press (every layer of the lecture's ConvNet for one digit,
``ModelInspector.numpy_layers``):

* the app's way: the model checked once when it is loaded (``core.forward_pass``, a
  ``ForwardPass``), one BLAS thread;
* ``core.forward(spec, weights, x)``, which checks the spec and every weight
  array on every call (what the inspect screen ran before), one BLAS thread;
* the app's way on numpy's default BLAS threads, in a block of its own after
  the others (its worker threads keep spinning after a call);
* idle, then while ``model.fit`` trains the same architecture in a thread, its threads at a lower
  priority than the measuring (main) thread, as the training screen runs them
  (``training.priority.below_the_interface``).

Each call comes 10 ms after the previous one, the thread asleep in between, as
key presses are: that costs more than calls back to back (``bench_forward.py``),
whose caches and BLAS threads are still warm.

Target: p95 < 2 ms while training, with one BLAS thread.

    .venv/bin/python benchmarks/bench_responsive.py [--calls 300]

Prints markdown and writes it atomically to ``benchmarks/results/bench_responsive.md``.
Exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

# As the app (tui_convnet/cli.py): numpy's OpenBLAS on one thread unless the user chose, set before numpy starts.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
for folder in (ROOT, HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from bench_conv import environment, write_atomic  # noqa: E402

from tui_convnet.core import forward, mnist_convnet  # noqa: E402
from tui_convnet.data.mnist import load_mnist, one_hot, to_model_inputs  # noqa: E402

RESULTS = HERE / "results" / "bench_responsive.md"
TARGET = 0.002  # seconds, p95 of one digit while training
PAUSE = 0.01  # seconds between two calls (key presses are far apart; the trainer runs meanwhile)
SPIN = 0.5  # seconds: longer than OpenBLAS' worker threads spin after their last product
APP = "checked once when loaded, one BLAS thread (the app)"


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    a = np.asarray(samples) * 1e3
    return float(np.median(a)), float(np.percentile(a, 95)), float(a.max())


def measure(fns: dict[str, Callable[[], object]], calls: int) -> dict[str, list[float]]:
    """Seconds of each call, the functions interleaved call by call (both see the same load)."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(calls):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
            time.sleep(PAUSE)
    return times


def on_every_core(fns: dict[str, Callable[[], object]], calls: int) -> dict[str, list[float]]:
    """:func:`measure` with numpy's BLAS on one thread per core (OpenBLAS' default; the app runs one)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=os.cpu_count(), user_api="blas"):
        return measure(fns, calls)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=300, help="calls of each kind per phase (default 300)")
    parser.add_argument("--no-write", action="store_true", help="print only, do not write the results file")
    args = parser.parse_args(argv)
    if args.calls < 20:
        parser.error(f"--calls must be at least 20 (a p95 needs them). Received: {args.calls}")

    from tui_convnet.training.inspector import ModelInspector, single_blas_thread
    from tui_convnet.training.model import build_model, compile_model

    data = load_mnist("sample")
    inspector = ModelInspector(build_model(mnist_convnet(), seed=0))
    digit = data.x_test[0]
    x = inspector.model_input(digit)

    def checked_every_call() -> object:
        with single_blas_thread():
            return forward(inspector.spec, inspector.weights, x, intermediates=True)

    fns: dict[str, Callable[[], object]] = {
        APP: lambda: inspector.numpy_layers(digit),
        "`forward()`: spec and weights checked on every call, one BLAS thread": checked_every_call,
    }
    # Alone, after the others: after a call OpenBLAS' worker threads spin for a while (up to ~0.1 s), which
    # would slow the call after it and blame the app's way for it (the app has no worker threads).
    threaded: dict[str, Callable[[], object]] = {
        "checked once, numpy's default BLAS threads": lambda: inspector.forward(x, intermediates=True)
    }
    for fn in (*fns.values(), *threaded.values()):  # warm-up
        fn()
    load_before = os.getloadavg()[0]
    idle = measure(fns, args.calls) | on_every_core(threaded, args.calls)
    time.sleep(SPIN)

    stop = threading.Event()
    trainer = compile_model(build_model(mnist_convnet(), seed=1), "rmsprop")
    import keras

    class StopWhenAsked(keras.callbacks.Callback):  # type: ignore[misc]
        def on_train_batch_end(self, batch: int, logs: object = None) -> None:
            if stop.is_set():
                self.model.stop_training = True

    batches = [0]

    class Count(keras.callbacks.Callback):  # type: ignore[misc]
        def on_train_batch_end(self, batch: int, logs: object = None) -> None:
            batches[0] += 1

    def train() -> None:
        from tui_convnet.training.priority import below_the_interface

        with below_the_interface():  # as the training screen runs it: the interface thread keeps its priority
            fit()

    def fit() -> None:
        trainer.fit(
            to_model_inputs(data.x_train),
            one_hot(data.y_train),
            epochs=1000,
            batch_size=64,
            verbose=0,
            callbacks=[StopWhenAsked(), Count()],
        )

    thread = threading.Thread(target=train, daemon=True)
    thread.start()
    while batches[0] < 20:  # past the graph tracing: training at full speed
        time.sleep(0.1)
    started = batches[0]
    busy = measure(fns, args.calls)
    busy |= on_every_core(threaded, args.calls)
    trained = batches[0] - started
    stop.set()
    thread.join()
    load_after = os.getloadavg()[0]

    rows = []
    for phase, times in (("idle", idle), ("while training", busy)):
        for name, samples in times.items():
            p50, p95, worst = percentiles(samples)
            rows.append((phase, name, p50, p95, worst))
    ours = percentiles(busy[APP])[1]
    ok = ours < TARGET * 1e3
    table = "\n".join(
        [
            "| phase | numpy forward of one digit (8 layers) | median ms | p95 ms | max ms |",
            "|---|---|---:|---:|---:|",
            *[f"| {phase} | {name} | {p50:.2f} | {p95:.2f} | {worst:.1f} |" for phase, name, p50, p95, worst in rows],
        ]
    )
    verdict = f"p95 while training, the app's way: {ours:.2f} ms, target < {TARGET * 1e3:.0f} ms {'✓' if ok else '✗'}"
    foot = (
        f"{args.calls} calls of each kind per phase, {PAUSE * 1e3:.0f} ms apart, the one-thread kinds interleaved "
        f"call by call and the default-threads kind in a block after them; "
        f"{trained:,} training batches (64 digits) ran during the measurement."
    )
    env = "\n".join(
        f"- {line}"
        for line in [*environment(), f"1-minute load average: {load_before:.2f} before, {load_after:.2f} after"]
    )
    text = (
        "# One-digit forward pass while a model trains\n\n"
        f"{table}\n\n{verdict}\n\n{foot}\n\n{env}\n\n"
        "Reproduce: `.venv/bin/python benchmarks/bench_responsive.py`\n"
    )
    print(table)
    print(f"\n{verdict}\n{foot}\nload average {load_before:.2f} → {load_after:.2f}")
    if not args.no_write:
        write_atomic(RESULTS, text)
        print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
