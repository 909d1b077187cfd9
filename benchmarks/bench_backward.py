"""Benchmark: the numpy backward pass of one digit through the lecture's ConvNet against ``tf.GradientTape``.

One digit, its label, the whole model (forward, softmax cross-entropy, every
layer's backward pass, all 10 weight gradients and the per-layer maps
dL/d(feature map) the backprop lesson draws), timed side by side in one run
(interleaved sample by sample, so both engines see the same machine load):

* numpy: ``model_backward(spec, weights, x, y)``;
* TensorFlow eager: a ``tf.GradientTape`` around the Keras model and the
  Keras loss, ``tape.gradient`` for the weights (what a student would write);
* TensorFlow compiled: the same tape inside a ``tf.function`` (traced once).

Before timing, the gradients of the engines are checked equal (1e-5).  The
model has the lecture model's architecture with its initial weights (seed 0):
the time does not depend on the weights' values.  The 1-minute load average
is printed and recorded, as the machine is shared.

Run it with ``make bench`` or ``.venv/bin/python benchmarks/bench_backward.py``.
The table is printed and written atomically to ``benchmarks/results/bench_backward.md``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any


def _blas_threads_from_argv(argv: list[str]) -> str | None:
    """``--blas-threads N`` must act before numpy loads OpenBLAS, so it is read here, first."""
    for i, arg in enumerate(argv):
        if arg == "--blas-threads" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--blas-threads="):
            return arg.split("=", 1)[1]
    return None


_BLAS_THREADS = _blas_threads_from_argv(sys.argv[1:])
if _BLAS_THREADS is not None:
    os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = _BLAS_THREADS

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))
HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from bench_conv import environment, write_atomic  # noqa: E402
from bench_forward import SETTLE, median_seconds  # noqa: E402

from tui_convnet.core import mnist_convnet, model_backward  # noqa: E402
from tui_convnet.data.mnist import load_mnist, to_model_inputs  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "bench_backward.md"
CALLS = 10  # calls per sample


def run(repeat: int) -> list[tuple[str, float, str]]:
    from tui_convnet.training.model import build_model
    from tui_convnet.training.tf_env import import_keras

    keras = import_keras()
    import tensorflow as tf

    spec = mnist_convnet()
    model = build_model(spec, seed=0)
    weights = model.get_weights()
    data = load_mnist("sample")
    x = to_model_inputs(data.x_test[:1])
    y = np.eye(10, dtype="float32")[data.y_test[:1]]
    loss_fn = keras.losses.CategoricalCrossentropy()
    variables = [v.value for v in model.trainable_weights]

    def tape_gradients() -> Any:  # TensorFlow's gradients
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=False))
        return tape.gradient(loss, variables)

    compiled = tf.function(tape_gradients)

    # The engines agree before anything is timed.
    ours = model_backward(spec, weights, x, y).grads
    for a, b, c in zip(ours, tape_gradients(), compiled(), strict=True):
        np.testing.assert_allclose(a, b.numpy(), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(a, c.numpy(), rtol=1e-5, atol=1e-5)

    times = median_seconds(
        {
            "numpy": lambda: model_backward(spec, weights, x, y),
            "eager": tape_gradients,
            "compiled": compiled,
        },
        repeat,
        number=CALLS,
    )
    n = times["numpy"]
    return [
        ("numpy `model_backward` (with every layer's dL/d(map))", n * 1e3, ""),
        ("TensorFlow `tf.GradientTape`, eager", times["eager"] * 1e3, f"{times['eager'] / n:.1f}x numpy"),
        (
            "TensorFlow `tf.GradientTape` in a `tf.function`",
            times["compiled"] * 1e3,
            f"{times['compiled'] / n:.1f}x numpy",
        ),
    ]


def render(rows: list[tuple[str, float, str]], repeat: int) -> str:
    lines = [
        "| one digit, forward + backward | median ms | ratio |",
        "|---|---:|---|",
        *[f"| {engine} | {ms:.2f} | {note} |" for engine, ms, note in rows],
    ]
    foot = (
        f"Median of {repeat} samples, each the mean of {CALLS} calls; the engines' samples interleaved "
        f"in one run, with {SETTLE * 1e3:.0f} ms of rest before each sample. All 10 weight gradients "
        "checked equal (1e-5) before timing."
    )
    return "\n".join(lines) + "\n\n" + foot


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="samples per engine (default 30)")
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=None,
        help="numpy's OpenBLAS threads (default: OpenBLAS' own choice); on a loaded machine 1 avoids thread wake-ups",
    )
    parser.add_argument("--no-write", action="store_true", help="print only, do not write the results file")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error(f"--repeat must be at least 1. Received: {args.repeat}")
    if args.blas_threads is not None and args.blas_threads < 1:
        parser.error(f"--blas-threads must be at least 1. Received: {args.blas_threads}")

    load_before = os.getloadavg()[0]
    rows = run(args.repeat)
    load_after = os.getloadavg()[0]
    table = render(rows, args.repeat)
    env = "\n".join(
        f"- {line}"
        for line in [
            *environment(),
            f"numpy's OpenBLAS threads: {args.blas_threads or 'OpenBLAS default'}",
            f"1-minute load average: {load_before:.2f} before the run, {load_after:.2f} after "
            "(other processes share these cores)",
        ]
    )
    text = (
        "# Backward pass of one digit through the lecture's MNIST ConvNet: numpy vs tf.GradientTape\n\n"
        f"{table}\n\n{env}\n\nReproduce: `.venv/bin/python benchmarks/bench_backward.py`\n"
    )
    print(table)
    print(f"\nload average {load_before:.2f} → {load_after:.2f}")
    if not args.no_write:
        write_atomic(RESULTS, text)
        print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
