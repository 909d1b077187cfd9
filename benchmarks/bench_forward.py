"""Benchmark: the numpy engine's forward pass of the lecture's MNIST ConvNet against Keras.

Two workloads, each timed side by side in one run (interleaved sample by
sample, so that both engines see the same machine load), median of several
samples:

* one digit: the numpy engine as the inspect screen runs it (the model checked
  once when it is loaded, ``ForwardPass``) and as ``forward(spec, weights, x)``
  (which checks the spec and every weight array on every call), against
  ``model.predict(x)`` (and against calling the model directly, Keras' fastest
  way for one input), 20 calls back to back per sample; and the inspect screen's
  call alone every 10 ms (the thread asleep in between, as between key presses:
  caches and the core's state go cold, see ``bench_responsive.py``);
* the whole 10,000-digit test set: the numpy engine as ``convnet-tui predict``
  and the inspect screen run it (``ModelInspector.probabilities``: batches of
  32 digits, run in parallel threads with single-threaded BLAS) against
  ``model.predict(x)`` (Keras' default batch of 32, and batches of 256).

numpy runs on one BLAS thread, as in the app (its command sets
``OPENBLAS_NUM_THREADS=1`` before numpy starts; so does this script, unless
the variable is set; ``bench_responsive.py`` shows numpy's default threads).

Targets: one digit under 2 ms; the test set no slower than 2x
Keras ``predict``.  The model has the seed model's architecture with its
initial weights (seed 0): speed does not depend on the weights' values.

Run it with ``make bench`` or ``.venv/bin/python benchmarks/bench_forward.py``.
The table is printed and written atomically to ``benchmarks/results/bench_forward.md``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# As the app (tui_convnet/cli.py): numpy's OpenBLAS on one thread unless the user chose, set before numpy starts.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))
HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from bench_conv import environment, write_atomic  # noqa: E402

from tui_convnet.core import forward, mnist_convnet  # noqa: E402
from tui_convnet.data.mnist import load_mnist, to_model_inputs  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "bench_forward.md"
ONE_DIGIT_TARGET = 0.002  # seconds
TEST_SET_RATIO_TARGET = 2.0  # numpy / Keras predict
SETTLE = 0.05  # seconds of rest before each timed sample
ONE_DIGIT_CALLS = 20  # calls per one-digit sample
SPACED = 0.01  # seconds of sleep before each single call ("a call every 10 ms")


def median_seconds(fns: dict[str, Callable[[], object]], repeat: int, number: int = 1) -> dict[str, float]:
    """Median seconds per call of each function over ``repeat`` samples, interleaved round-robin."""
    for fn in fns.values():  # warm-up: caches, thread pools, TensorFlow's graph tracing
        fn()
        fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            # TensorFlow's thread pool spins for a while after each call; let it settle so
            # that neither engine is timed while the other's threads still hold the CPU.
            time.sleep(SETTLE)
            start = time.perf_counter()
            for _ in range(number):
                fn()
            samples[name].append((time.perf_counter() - start) / number)
    return {name: statistics.median(values) for name, values in samples.items()}


def spaced_calls(fn: Callable[[], object], calls: int) -> tuple[float, float]:
    """Median and p95 seconds of single calls of ``fn``, each after sleeping ``SPACED`` seconds."""
    fn()
    samples = []
    for _ in range(calls):
        time.sleep(SPACED)
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), float(np.percentile(samples, 95))


def run(
    repeat_one: int, repeat_all: int, limit: int | None
) -> tuple[list[tuple[str, str, float, str]], dict[str, Any]]:
    from tui_convnet.training.inspector import NUMPY_BATCH, ModelInspector
    from tui_convnet.training.model import build_model

    model = build_model(mnist_convnet(), seed=0)
    inspector = ModelInspector(model)
    spec, weights = inspector.spec, inspector.weights
    data = load_mnist("sample")
    digits = data.x_test[:limit]
    x_all = to_model_inputs(digits)
    x_one = x_all[:1]

    # The two engines agree before anything is timed.
    ours = inspector.probabilities(digits, "numpy")
    theirs = model.predict(x_all, verbose=0)
    assert np.allclose(ours, theirs, atol=1e-4), float(np.max(np.abs(ours - theirs)))
    assert np.array_equal(ours.argmax(1), theirs.argmax(1))

    one = median_seconds(
        {
            "numpy": lambda: inspector.forward(x_one[0]),
            "forward": lambda: forward(spec, weights, x_one[0]),
            "predict": lambda: model.predict(x_one, verbose=0),
            "call": lambda: model(x_one, training=False),
        },
        repeat_one,
        number=ONE_DIGIT_CALLS,
    )
    apart = spaced_calls(lambda: inspector.forward(x_one[0]), repeat_one * ONE_DIGIT_CALLS)
    whole = median_seconds(
        {
            "numpy": lambda: inspector.probabilities(digits, "numpy"),
            "predict32": lambda: model.predict(x_all, verbose=0),
            "predict256": lambda: model.predict(x_all, batch_size=256, verbose=0),
        },
        repeat_all,
    )

    n = len(digits)
    ratio32 = whole["numpy"] / whole["predict32"]
    ratio256 = whole["numpy"] / whole["predict256"]
    ok_one = "✓" if one["numpy"] < ONE_DIGIT_TARGET else "✗"
    ok_all = "✓" if ratio32 <= TEST_SET_RATIO_TARGET else "✗"
    rows = [
        (
            "one digit",
            "numpy, checked once when loaded (`ForwardPass`: the inspect screen)",
            one["numpy"] * 1e3,
            f"target < {ONE_DIGIT_TARGET * 1e3:.0f} ms {ok_one}",
        ),
        (
            "one digit",
            "numpy `forward(spec, weights, x)` (checks them on every call)",
            one["forward"] * 1e3,
            f"{one['forward'] / one['numpy']:.1f}x checked once",
        ),
        (
            "one digit, a call every 10 ms",
            "numpy, checked once (as key presses come)",
            apart[0] * 1e3,
            f"p95 {apart[1] * 1e3:.2f} ms",
        ),
        (
            "one digit",
            "Keras `model.predict(x)`",
            one["predict"] * 1e3,
            f"{one['predict'] / one['numpy']:.0f}x numpy",
        ),
        (
            "one digit",
            "Keras `model(x)` (direct call)",
            one["call"] * 1e3,
            f"{one['call'] / one['numpy']:.1f}x numpy",
        ),
        (
            f"{n:,} digits",
            f"numpy, batches of {NUMPY_BATCH} (`predict --engine numpy`)",
            whole["numpy"] * 1e3,
            f"{ratio32:.2f}x Keras predict (target ≤ {TEST_SET_RATIO_TARGET:.0f}x) {ok_all}",
        ),
        (f"{n:,} digits", "Keras `model.predict(x)` (batch 32)", whole["predict32"] * 1e3, ""),
        (
            f"{n:,} digits",
            "Keras `model.predict(x, batch_size=256)`",
            whole["predict256"] * 1e3,
            f"numpy is {ratio256:.2f}x this",
        ),
    ]
    summary = {
        "one_digit_ms": one["numpy"] * 1e3,
        "test_set_ratio": ratio32,
        "one_ok": ok_one == "✓",
        "all_ok": ok_all == "✓",
    }
    return rows, summary


def render(rows: list[tuple[str, str, float, str]], repeat_one: int, repeat_all: int) -> str:
    lines = [
        "| workload | engine | median ms | note |",
        "|---|---|---:|---|",
        *[f"| {w} | {e} | {ms:.2f} | {note} |" for w, e, ms, note in rows],
    ]
    foot = (
        f"Median of {repeat_one} samples (each the mean of {ONE_DIGIT_CALLS} calls back to back) for one digit, "
        f"of {repeat_one * ONE_DIGIT_CALLS} single calls {SPACED * 1e3:.0f} ms apart, and of "
        f"{repeat_all} samples for the test set; the engines' samples interleaved in one run, "
        f"with {SETTLE * 1e3:.0f} ms of rest before each sample."
    )
    return "\n".join(lines) + "\n\n" + foot


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat-one", type=int, default=30, help="samples for one digit (default 30)")
    parser.add_argument("--repeat-all", type=int, default=5, help="samples for the test set (default 5)")
    parser.add_argument("--limit", type=int, default=None, help="use the first N test digits (default: all 10,000)")
    parser.add_argument("--no-write", action="store_true", help="print only, do not write the results file")
    args = parser.parse_args(argv)
    for name in ("repeat_one", "repeat_all"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1. Received: {getattr(args, name)}")
    if args.limit is not None and args.limit < 1:
        parser.error(f"--limit must be at least 1. Received: {args.limit}")

    load_before = os.getloadavg()[0]
    rows, _summary = run(args.repeat_one, args.repeat_all, args.limit)
    load_after = os.getloadavg()[0]
    table = render(rows, args.repeat_one, args.repeat_all)
    env = "\n".join(
        f"- {line}"
        for line in [
            *environment(),
            f"1-minute load average before the run: {load_before:.2f} (other processes share these cores)",
        ]
    )
    text = (
        "# Forward pass of the lecture's MNIST ConvNet: numpy engine vs Keras\n\n"
        f"{table}\n\n{env}\n\nReproduce: `.venv/bin/python benchmarks/bench_forward.py`\n"
    )
    print(table)
    print(f"\nload average {load_before:.2f} → {load_after:.2f}")
    if not args.no_write:
        write_atomic(RESULTS, text)
        print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
