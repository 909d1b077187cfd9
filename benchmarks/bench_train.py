"""Benchmark: training the lecture's ConvNet with the live interface against plain ``model.fit``.

Training runs in a TensorFlow worker process (``python -m tui_convnet.training.worker``, at nice 10);
the interface process never imports TensorFlow. Three ways to train the same model (seed 0, the
bundled 5,000-digit MNIST sample, batch 64, rmsprop, no validation split), each in a fresh process of
the same kind (a new Python that imports TensorFlow, at nice 10), so all three see the same machine:

* **plain** — a child process: ``build_model`` + ``compile_model`` + ``model.fit(verbose=0)``;
* **worker** — a :class:`~tui_convnet.training.worker_client.WorkerClient` from this process asks a
  new worker to train (our Keras callback and the events streamed over the pipe, no interface);
* **live UI** — the real :class:`TrainingScreen` in a headless Textual app (``App.run_test``) in this
  process: ``t``, then Start; the screen's thread worker drives a new worker process through the
  app's shared client, its events are posted in bundles and Textual renders the progress bars, plots
  and log, until training ends.

Each takes the wall time of the ``model.fit`` call (in the child, or ``TrainDone.fit_seconds`` from the
worker): TensorFlow's import and the process start are not in it. samples/s = epochs x digits / that
time. The three run interleaved, round by round (the order reversed every other round); the cost
against plain Keras is the median over rounds of each round's own time ratio. The verdict is the live
interface's cost: its steady throughput (``TrainDone.seconds``: the epochs' batches) against the
worker's without an interface, target ≤ 2 %. The CPU times of both processes are reported too (they
hardly depend on the load): the interface process's CPU while its model trains, as a share of the
worker's.

The interface's own cost is also given as **CPU milliseconds of the interface process per second of
training** (its CPU between the run's TrainBegin and EvaluationBegin events, over that wall time): the
work the live screen does per second (progress, curves, log; the event reader thread included), which a
loaded machine hardly changes. On 2 cores the interface runs beside the worker, so on a quiet machine
its throughput cost is at most about that share of one core.

A second table trains with plain Keras (in a child process) one epoch at a time and evaluates on the
full 10,000-digit test set after each epoch: time per epoch and test accuracy.

    .venv/bin/python benchmarks/bench_train.py [--epochs 5] [--rounds 3] [--quick]

``--quick`` (2 epochs, 2 rounds, no accuracy table) takes a few minutes: enough to confirm the steady
throughput ratio and the interface's CPU per second on a quiet machine.

Prints markdown and writes it atomically to ``benchmarks/results/bench_train.md`` (``--quick``:
``bench_train_quick.md``). Exits 1 if the
live interface's steady throughput is more than 2 % below the worker's without it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

# As the command does (tui_convnet/cli.py): one BLAS thread, set before numpy starts.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# Run as a script, this folder is on sys.path (for bench_conv); the package is installed (make bench).
from bench_conv import write_atomic

from tui_convnet.core import mnist_convnet
from tui_convnet.data.mnist import load_mnist

RESULTS = Path(__file__).resolve().parent / "results" / "bench_train.md"
BATCH = 64
SEED = 0
MAX_OVERHEAD = 0.02
#: The worker's own niceness (tui_convnet.training.worker.NICENESS): the plain child runs at the same.
NICENESS = 10
_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux /proc); NaN when it cannot be read."""
    if pid is None:
        return float("nan")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / _TICK


# ---------------------------------------------------------------------- the child processes (plain Keras)


def _child_model_and_data() -> tuple[Any, Any, Any, Any]:
    from tui_convnet.data.mnist import one_hot, to_model_inputs
    from tui_convnet.training.model import build_model, compile_model
    from tui_convnet.training.tf_env import import_keras

    import_keras()
    data = load_mnist("sample")
    model = compile_model(build_model(mnist_convnet(), seed=SEED), "rmsprop")
    return model, data, to_model_inputs(data.x_train), one_hot(data.y_train)


def child_plain(epochs: int) -> dict[str, Any]:
    """One plain ``model.fit(verbose=0)``: its wall and process CPU seconds."""
    model, _data, x, y = _child_model_and_data()
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(x, y, epochs=epochs, batch_size=BATCH, verbose=0)
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}


def child_accuracy(epochs: int) -> dict[str, Any]:
    """Plain Keras, one epoch at a time: [epoch, seconds, test loss, test accuracy] rows."""
    from tui_convnet.data.mnist import one_hot, to_model_inputs

    model, data, x, y = _child_model_and_data()
    xt, yt = to_model_inputs(data.x_test), one_hot(data.y_test)
    rows = []
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.fit(x, y, epochs=1, batch_size=BATCH, verbose=0)
        seconds = time.perf_counter() - start
        loss, acc = model.evaluate(xt, yt, batch_size=500, verbose=0)
        rows.append([epoch, seconds, float(loss), float(acc)])
    import tensorflow as tf

    return {"rows": rows, "tensorflow": tf.__version__}


def in_child(kind: str, epochs: int) -> dict[str, Any]:
    """Run ``child_<kind>`` in a new Python at the worker's niceness; its JSON answer."""
    command = ["nice", "-n", str(NICENESS), sys.executable, __file__, "--child", kind, "--epochs", str(epochs)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench_train: the {kind} child failed:\n{done.stderr[-2000:]}")
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


# ---------------------------------------------------------------------- the worker process, without an interface


def worker_fit(data: Any, epochs: int) -> dict[str, Any]:
    """A new worker trains with a no-op receiver: ``fit_seconds``, the steady ``seconds``, the worker's CPU."""
    from tui_convnet.training.events import TrainBegin, TrainConfig, TrainEnd
    from tui_convnet.training.worker_client import WorkerClient

    client = WorkerClient(idle_seconds=0)
    marks: dict[str, float] = {}

    def on_event(event: object) -> None:  # the worker's CPU when the fit begins and ends, as in the live run
        if isinstance(event, (TrainBegin, TrainEnd)):
            marks[type(event).__name__] = cpu_seconds(client.pid)

    try:
        client.wait_ready()
        config = TrainConfig(epochs=epochs, batch_size=BATCH, seed=SEED, evaluate=False)
        done = client.train(mnist_convnet(), config, data, on_event)
    finally:
        client.close()
    assert done.reason == "completed", done.message
    return {"seconds": done.fit_seconds, "steady": done.seconds, "worker_cpu": marks["TrainEnd"] - marks["TrainBegin"]}


# ---------------------------------------------------------------------- the live interface


class _Clock:
    """This process's and the worker's CPU seconds at TrainBegin and at EvaluationBegin (the fit's ends).

    Instrumentation only: wraps ``TrainingScreen.on_training_events`` (it runs on the interface's event loop)
    to read the clocks when those events arrive.
    """

    def __init__(self) -> None:
        from tui_convnet.training.events import EvaluationBegin, TrainBegin
        from tui_convnet.training.worker_client import shared_client
        from tui_convnet.ui.training.screen import TrainingScreen

        self.marks: dict[str, tuple[float, float, float]] = {}
        original = TrainingScreen.on_training_events
        clock = self

        def on_training_events(screen: Any, message: Any) -> None:
            for event in message.events:
                if isinstance(event, (TrainBegin, EvaluationBegin)):
                    name = "begin" if isinstance(event, TrainBegin) else "end"
                    clock.marks[name] = (time.process_time(), cpu_seconds(shared_client().pid), time.perf_counter())
            original(screen, message)

        TrainingScreen.on_training_events = on_training_events  # type: ignore[assignment]  # timed, otherwise the same

    def cpu(self) -> tuple[float, float, float]:
        """(interface CPU, worker CPU, wall) seconds while the model trained."""
        (i0, w0, t0), (i1, w1, t1) = self.marks["begin"], self.marks["end"]
        return i1 - i0, w1 - w0, t1 - t0


async def _ui_fit(data: Any, epochs: int) -> Any:
    from tui_convnet.ui.app import create_app
    from tui_convnet.ui.training.screen import TrainingScreen

    app = create_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        screen = app.screen
        assert isinstance(screen, TrainingScreen)
        while not (screen.tf_ready and screen.data is not None):
            await asyncio.sleep(0.05)
        screen.data = data  # the same digits as the others, whatever "auto" found
        for field, value in {
            "epochs": str(epochs),
            "batch-size": str(BATCH),
            "seed": str(SEED),
            "validation-split": "0",
            "train-limit": "",
            "test-limit": "",
        }.items():
            screen.query_one(f"#{field}").value = value  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("s")
        assert screen.phase == "training", screen.query_one("#settings-errors").content  # type: ignore[attr-defined]
        while screen.phase == "training":
            # Not pilot.pause(): that posts a callback to every widget each time (a test-harness cost).
            await asyncio.sleep(0.05)
        result = screen.last_result
        assert result is not None and result.reason == "completed", result and result.message
        return result


def ui_fit(data: Any, epochs: int, clock: _Clock) -> dict[str, Any]:
    result = asyncio.run(_ui_fit(data, epochs))  # the app's exit ends its worker
    interface_cpu, worker_cpu, wall = clock.cpu()
    return {
        "interface_ms_per_s": 1000 * interface_cpu / wall,
        "seconds": result.fit_seconds,
        "steady": result.seconds,
        "interface_cpu": interface_cpu,
        "worker_cpu": worker_cpu,
        "result": result,
    }


# ---------------------------------------------------------------------- the report


def _installed(package: str) -> str:
    """``package``'s installed version, read without importing it (the interface process never imports TensorFlow)."""
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def machine_line(tensorflow: str) -> str:
    try:
        textual = version("textual")
    except PackageNotFoundError:
        textual = "?"
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return (
        f"Machine: Python {platform.python_version()}, TensorFlow {tensorflow}, Textual {textual}, "
        f"{os.cpu_count()} CPU(s) ({platform.machine()}); load average at the end of the run: {load} (1, 5, 15 min)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--quick", action="store_true", help="2 epochs, 2 rounds, no accuracy table: a few minutes (a quiet machine)"
    )
    parser.add_argument("--child", choices=["plain", "accuracy"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.rounds = 2, 2
    if args.child:
        answer = child_plain(args.epochs) if args.child == "plain" else child_accuracy(args.epochs)
        print(json.dumps(answer))
        return 0

    data = load_mnist("sample")
    n = len(data.x_train)
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(
        f"Training {n:,} digits x {args.epochs} epochs, batch {BATCH}, {args.rounds} rounds (load {load})…",
        file=sys.stderr,
    )
    runs: dict[str, list[dict[str, Any]]] = {"plain": [], "worker": [], "ui": []}
    clock = _Clock()
    for r in range(args.rounds):
        order = ["plain", "worker", "ui"] if r % 2 == 0 else ["ui", "worker", "plain"]
        for name in order:
            if name == "plain":
                runs[name].append(in_child("plain", args.epochs))
            elif name == "worker":
                runs[name].append(worker_fit(data, args.epochs))
            else:
                runs[name].append(ui_fit(data, args.epochs, clock))
            print(f"  round {r + 1} {name:6s} {runs[name][-1]['seconds']:.2f} s", file=sys.stderr)
    if "tensorflow" in sys.modules:
        raise SystemExit("bench_train: the interface process imported TensorFlow")

    times = {k: [run["seconds"] for run in v] for k, v in runs.items()}
    rate = {k: args.epochs * n / statistics.median(v) for k, v in times.items()}
    # Cost vs plain: the median over rounds of each round's own ratio (runs of one round are adjacent in
    # time, so a slow spell of the machine affects both sides of the ratio).
    cost = {k: statistics.median(t / p - 1 for t, p in zip(times[k], times["plain"], strict=True)) for k in times}
    labels = {
        "plain": "plain `model.fit(verbose=0)`, a process of its own",
        "worker": "the worker process, no interface (`WorkerClient.train`)",
        "ui": "training screen, live interface (headless Textual) + its worker",
    }
    lines = [
        f"### Training speed: live interface vs plain Keras ({n:,} digits x {args.epochs} epochs, batch {BATCH}, "
        f"{args.rounds} interleaved rounds, every run a new process at nice {NICENESS})",
        "",
        "| how | fit time, median (s) | best (s) | samples/s (median) | cost vs plain (median of rounds) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for k in ("plain", "worker", "ui"):
        shown = "—" if k == "plain" else f"{cost[k]:+.1%}"
        lines.append(
            f"| {labels[k]} | {statistics.median(times[k]):.2f} | {min(times[k]):.2f} | {rate[k]:,.0f} | {shown} |"
        )
    steady = {k: [run["steady"] for run in runs[k]] for k in ("worker", "ui")}
    steady_cost = statistics.median(u / w - 1 for u, w in zip(steady["ui"], steady["worker"], strict=True))
    steady_rate = {k: args.epochs * n / statistics.median(v) for k, v in steady.items()}
    plain_cpu = statistics.median(run["cpu"] for run in runs["plain"])
    worker_cpu = statistics.median(run["worker_cpu"] for run in runs["worker"])
    ui_worker_cpu = statistics.median(run["worker_cpu"] for run in runs["ui"])
    interface_cpu = statistics.median(run["interface_cpu"] for run in runs["ui"])
    share = statistics.median(run["interface_cpu"] / run["worker_cpu"] for run in runs["ui"])
    per_second = statistics.median(run["interface_ms_per_s"] for run in runs["ui"])
    lines += [
        "",
        f"Steady training throughput (the epochs' batches only, `TrainDone.seconds`, the same worker code on both "
        f"sides): without an interface {steady_rate['worker']:,.0f} samples/s, with the live interface "
        f"{steady_rate['ui']:,.0f} samples/s: **{steady_cost:+.1%}** (median of rounds; target ≤ {MAX_OVERHEAD:.0%}).",
        "",
        "CPU time, which the machine's load hardly changes:",
        "",
        f"- CPU of the process that trains, per run (median): plain {plain_cpu:.2f} s (the fit), the worker without "
        f"an interface {worker_cpu:.2f} s, the worker under the live interface {ui_worker_cpu:.2f} s (the worker's "
        "from its TrainBegin event to the fit's end);",
        f"- the interface process meanwhile: {interface_cpu:.2f} s, **{share:.1%}** of its worker's CPU (median of "
        "rounds): what the live interface takes from the two cores while its model trains;",
        f"- that is **{per_second:.1f} ms of interface CPU per second of training** (median of rounds; "
        f"{per_second / 10:.1f} % of one core).",
    ]
    last = runs["ui"][-1]["result"]
    if last.evaluation is not None:
        lines += [
            "",
            f"Live interface run: {', '.join(f'{e.seconds:.1f}' for e in last.history)} s per epoch; test accuracy "
            f"after {args.epochs} epochs {last.evaluation.accuracy:.4f} (test loss {last.evaluation.loss:.4f}, "
            f"{last.evaluation.samples:,} test digits).",
        ]
    accuracy: dict[str, Any] = (
        {"rows": [], "tensorflow": _installed("tensorflow")} if args.quick else in_child("accuracy", args.epochs)
    )
    lines += (
        []
        if args.quick
        else [
            "",
            f"### Time per epoch and test accuracy (plain Keras, seed {SEED}, bundled sample, batch {BATCH})",
            "",
            "| epoch | seconds | test loss | test accuracy |",
            "| ---: | ---: | ---: | ---: |",
        ]
    )
    for epoch, seconds, loss, acc in accuracy["rows"]:
        lines.append(f"| {epoch} | {seconds:.2f} | {loss:.4f} | {acc:.4f} |")
    lines += ["", machine_line(accuracy["tensorflow"]), ""]
    text = "\n".join(lines)
    print(text)
    write_atomic(RESULTS.with_name("bench_train_quick.md") if args.quick else RESULTS, text)
    ok = steady_cost <= MAX_OVERHEAD
    print(
        f"Live interface: steady throughput {steady_cost:+.1%} against the worker alone, whole fit {cost['ui']:+.1%} "
        f"against plain Keras, interface CPU {share:.1%} of the worker's, {per_second:.1f} ms per second "
        f"(target ≤ {MAX_OVERHEAD:.0%}): "
        f"{'OK' if ok else 'TOO SLOW'}",
        file=sys.stderr,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
