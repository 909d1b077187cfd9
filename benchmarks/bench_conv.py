"""Benchmark: the core's numpy ``conv2d`` against eager ``tf.nn.conv2d`` and a naive loop.

The shapes are the three Conv2D layers of the lecture's MNIST ConvNet
(3x3 kernels, 'valid' padding, float32), for one image and for a batch of
64.  The numpy and TensorFlow timings are taken side by side in one run,
interleaved sample by sample so that both see the same machine load; each
reported time is the median over the samples of one call's mean time.

Run it with ``make bench`` or ``.venv/bin/python benchmarks/bench_conv.py``.
The table is printed and written to ``benchmarks/results/bench_conv.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from tui_convnet.core import conv2d  # noqa: E402

#: (name, H, W, C_in, C_out) of the seed model's three Conv2D layers.
LAYERS = [
    ("28x28x1 → 32", 28, 28, 1, 32),
    ("13x13x32 → 64", 13, 13, 32, 64),
    ("5x5x64 → 64", 5, 5, 64, 64),
]
BATCHES = (1, 64)
KERNEL = 3
RESULTS = ROOT / "benchmarks" / "results" / "bench_conv.md"


def naive_conv2d(x: np.ndarray, kernels: np.ndarray) -> np.ndarray:
    """The textbook loop: one ``sum(window · kernel)`` per output cell and kernel ('valid', stride 1)."""
    n, h, w, _ = x.shape
    kh, kw, _, cout = kernels.shape
    out = np.empty((n, h - kh + 1, w - kw + 1, cout), dtype=x.dtype)
    for b in range(n):
        for i in range(h - kh + 1):
            for j in range(w - kw + 1):
                window = x[b, i : i + kh, j : j + kw, :]
                for k in range(cout):
                    out[b, i, j, k] = np.sum(window * kernels[:, :, :, k])
    return out


def _per_call(fn: Callable[[], object], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def _number_for(fn: Callable[[], object], target: float) -> int:
    """How many calls make one sample last about ``target`` seconds (timeit's autorange, simplified)."""
    once = _per_call(fn, 1)
    return max(1, min(10_000, int(target / max(once, 1e-7))))


def time_side_by_side(fns: dict[str, Callable[[], object]], repeat: int, target: float = 0.01) -> dict[str, float]:
    """Median seconds per call of each function; samples interleaved round-robin."""
    for fn in fns.values():  # warm-up: caches, thread pools, TensorFlow's kernel selection
        for _ in range(3):
            fn()
    numbers = {name: _number_for(fn, target) for name, fn in fns.items()}
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            samples[name].append(_per_call(fn, numbers[name]))
    return {name: statistics.median(values) for name, values in samples.items()}


def environment() -> list[str]:
    import tensorflow as tf

    lines = [
        f"Python {platform.python_version()}, numpy {np.__version__}, TensorFlow {tf.__version__}, "
        f"{os.cpu_count()} CPU(s) ({platform.machine()})",
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(not set)')}",
    ]
    if hasattr(os, "getloadavg"):  # other work on the machine moves every number here
        lines.append(
            "load average at the end of the run: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()) + " (1, 5, 15 min)"
        )
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            lines.append(
                f"{pool.get('internal_api')} {pool.get('version')}: {pool.get('num_threads')} threads, "
                f"core type {pool.get('architecture')}"
            )
    except ImportError:
        config: Any = np.show_config(mode="dicts") if hasattr(np, "show_config") else {}  # read loosely below
        blas = config.get("Build Dependencies", {}).get("blas", {}) if isinstance(config, dict) else {}
        if blas:
            lines.append(
                f"numpy BLAS: {blas.get('name')} {blas.get('version')} "
                "(threadpoolctl is not installed, so the thread count is not reported)"
            )
    return lines


def render_table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| layer shape (3x3, valid) | batch | numpy ms | tf ms | naive ms | tf/numpy | naive/numpy |\n"
        "|---|---:|---:|---:|---:|---:|---:|"
    )
    body = []
    for r in rows:
        naive = ("≈ " if r["naive_estimated"] else "") + f"{r['naive'] * 1e3:.1f}"
        body.append(
            f"| {r['shape']} | {r['batch']} | {r['numpy'] * 1e3:.3f} | {r['tf'] * 1e3:.3f} | {naive} | "
            f"{r['tf'] / r['numpy']:.2f}x | {r['naive'] / r['numpy']:.0f}x |"
        )
    return "\n".join([head, *body])


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(repeat: int, naive_repeat: int) -> tuple[list[dict[str, Any]], list[str]]:
    from tui_convnet.training.tf_env import import_keras

    import_keras()  # TensorFlow, quietly
    import tensorflow as tf

    def tf_conv2d(x_tf: Any, k_tf: Any) -> Any:
        return tf.nn.conv2d(x_tf, k_tf, strides=1, padding="VALID").numpy()

    rng = np.random.default_rng(0)
    rows = []
    for shape, h, w, cin, cout in LAYERS:
        kernels = rng.standard_normal((KERNEL, KERNEL, cin, cout)).astype(np.float32)
        k_tf = tf.constant(kernels)
        for batch in BATCHES:
            x = rng.random((batch, h, w, cin), dtype=np.float32)
            x_tf = tf.constant(x)
            ours = conv2d(x, kernels)
            theirs = tf.nn.conv2d(x_tf, k_tf, strides=1, padding="VALID").numpy()
            assert ours.dtype == np.float32 and ours.shape == theirs.shape
            np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)
            times = time_side_by_side(
                {
                    "numpy": partial(conv2d, x, kernels),
                    "tf": partial(tf_conv2d, x_tf, k_tf),
                },
                repeat,
            )
            # The naive loop is slow: time it on one image (fewer repeats) and, for
            # the batch, report that per-image time x batch size.
            one = x[:1]
            np.testing.assert_allclose(naive_conv2d(one, kernels), ours[:1], rtol=1e-4, atol=1e-4)
            naive = statistics.median(_per_call(partial(naive_conv2d, one, kernels), 1) for _ in range(naive_repeat))
            rows.append(
                {
                    "shape": shape,
                    "batch": batch,
                    "numpy": times["numpy"],
                    "tf": times["tf"],
                    "naive": naive * batch,
                    "naive_estimated": batch > 1,
                }
            )
            print(
                f"  {shape:>14}  batch {batch:>2}: numpy {times['numpy'] * 1e3:8.3f} ms   "
                f"tf {times['tf'] * 1e3:8.3f} ms   naive {naive * batch * 1e3:9.1f} ms",
                flush=True,
            )
    return rows, environment()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=25, help="samples per timing (median reported; default 25)")
    parser.add_argument("--naive-repeat", type=int, default=3, help="samples of the naive loop (default 3)")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"markdown file to write (default {RESULTS})")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.naive_repeat < 1:
        parser.error("--repeat and --naive-repeat must be at least 1")

    print("conv2d (numpy) vs tf.nn.conv2d (eager) vs a naive loop, float32, 3x3 kernels, 'valid'")
    rows, env = run(args.repeat, args.naive_repeat)
    table = render_table(rows)
    slower = [f"{r['shape']} (batch {r['batch']})" for r in rows if r["tf"] < r["numpy"]]
    verdict = (
        "numpy conv2d is at least as fast as eager tf.nn.conv2d on every shape."
        if not slower
        else "numpy conv2d is slower than eager tf.nn.conv2d on: " + ", ".join(slower) + "."
    )
    notes = [
        f"Median of {args.repeat} interleaved samples per timing (each sample the mean of enough calls to "
        "last ~10 ms), after a warm-up. TensorFlow gets its inputs as ready tensors; `.numpy()` is "
        "included in its time, as conv2d returns a numpy array.",
        f"naive: a Python loop, one `np.sum(window * kernel)` per output cell and kernel, timed on one "
        f"image (median of {args.naive_repeat}); ≈ marks the batch-64 figures, that time x 64.",
        verdict,
        "Run it on an idle machine: numpy's OpenBLAS splits each large matrix product between its "
        "threads, which wait for one another, so when other programs keep the cores busy a product "
        "can stall for milliseconds (eager TensorFlow suffers far less). The load average is below.",
    ]
    text = "\n".join(
        [
            "# conv2d benchmark",
            "",
            table,
            "",
            *(f"- {n}" for n in notes),
            "",
            "Machine:",
            "",
            *(f"- {line}" for line in env),
            "",
        ]
    )
    print()
    print(table)
    print()
    for line in notes + env:
        print(line)
    write_atomic(args.output, text)
    print(f"\nWritten to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
