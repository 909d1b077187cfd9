"""Cold start of ``convnet-tui`` to its first drawn frame, against a minimal Textual app, in one run.

Method: each run starts the real command (``python -m tui_convnet``, the same
code path as the ``convnet-tui`` script: argument parsing, example loading,
the app, the explorer) in a fresh process attached to a pseudo-terminal of
130x42, so Textual drives a real terminal.  The clock starts just before the
process is spawned and stops when the terminal output contains the first
frame's title bar (``step 1/18``): nothing in the app is instrumented.  A
minimal Textual app (one ``Static``) is timed the same way (its text
``hello``), interleaved run by run, and the ratio of the medians is the
figure that is compared with the target (≤ 1.6x), since absolute times vary
with the machine and its load.  The CPU time each process has used when its
frame appears (all its threads, from ``/proc``) is reported too: on a busy
machine it varies much less than the wall clock.  The package's bytecode is
compiled first, as an installed package's is (``pip`` compiles it, Python
caches it on the first run): without that, an environment with
``PYTHONDONTWRITEBYTECODE`` set would compile every module of the package on
every start, which no user sees.  That the explorer starts without
TensorFlow, the training code or the server is checked by
``tests/core/test_import_hygiene.py`` and ``tests/ui/test_startup.py``.

    .venv/bin/python benchmarks/bench_startup.py [--runs N]

Prints a markdown table (with the load average) and writes it to
``benchmarks/results/bench_startup.md``.  Exits 1 if the ratio is above the target.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import fcntl
import json
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_step import publish

ROOT = Path(__file__).resolve().parent.parent
COLS, ROWS = 130, 42
TARGET_RATIO = 1.6

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("hello")

Minimal().run()
"""


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by every thread of process ``pid`` (Linux; 0 where /proc has no schedstat)."""
    total = 0
    for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        with contextlib.suppress(OSError, ValueError, IndexError):  # a thread that has just ended
            total += int(stat.read_text().split()[0])
    return total / 1e9


def one_run(
    argv: list[str], marker: bytes, timeout: float = 60.0, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Seconds from spawn until ``marker`` appears in the terminal output, and the CPU seconds used by then."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    env = dict(env or os.environ, TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS))
    env.pop("TEXTUAL", None)
    start = time.perf_counter()
    env["PROBE_SPAWNED"] = repr(start)  # for startup_probe.py: the parent's clock at the spawn
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True)
    os.close(slave)
    seen = b""
    try:
        while True:
            if time.perf_counter() - start > timeout:
                raise RuntimeError(f"{' '.join(argv)} drew no frame with {marker!r} in {timeout:g} s")
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                if proc.poll() is not None:
                    raise RuntimeError(f"{' '.join(argv)} exited ({proc.returncode}) without drawing a frame")
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                raise RuntimeError(f"{' '.join(argv)} closed its terminal without drawing a frame")
            seen = seen[-len(marker) :] + chunk
            if marker in seen:
                return time.perf_counter() - start, cpu_seconds(proc.pid)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        os.close(master)


#: The phases of a start, as ``startup_probe.py`` notes their ends: (name, the note that ends it).
PHASES = [
    ("Python's own start", "start"),
    ("the command line module (argparse)", "cli"),
    ("Textual's import", "textual"),
    ("numpy's import", "numpy"),
    ("convnet-tui's modules (app, explorer screen)", "modules"),
    ("reading the examples (TOML) and the lesson", "examples"),
    ("the app: stylesheets, compose, mount, layout, first render", "frame"),
]


def probe_run(which: str) -> dict[str, float]:
    """One run of ``startup_probe.py``: milliseconds from the spawn to the end of each phase it notes."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "times.json"
        marker = b"step 1/18" if which == "explorer" else b"hello"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        one_run([sys.executable, str(Path(__file__).with_name("startup_probe.py")), which, str(out)], marker, env=env)
        notes = json.loads(out.read_text())
    spawned = notes.pop("spawned")
    return {name: (at - spawned) * 1000 for name, at in notes.items()}


def phases(runs: int) -> int:
    """Where the time of a start goes, both commands probed interleaved; medians of each phase's length."""
    load = os.getloadavg()[0]
    lengths: dict[str, dict[str, list[float]]] = {"explorer": {}, "minimal": {}}
    for _ in range(runs):
        for which, phase_lengths in lengths.items():
            ends = probe_run(which)
            previous = 0.0
            for _name, note in PHASES:
                if note in ends:
                    phase_lengths.setdefault(note, []).append(ends[note] - previous)
                    previous = ends[note]
    rows = []
    totals = {which: 0.0 for which in lengths}
    for name, note in PHASES:
        cells = []
        for which in lengths:
            values = lengths[which].get(note)
            totals[which] += statistics.median(values) if values else 0.0
            cells.append(f"{statistics.median(values):.0f}" if values else "")
        rows.append(f"| {name} | {' | '.join(cells)} |")
    ours, floor = totals["explorer"], totals["minimal"]
    rows.append(f"| sum of the medians | **{ours:.0f}** | **{floor:.0f}** |")
    budget = TARGET_RATIO * floor - floor
    fixed = sum(statistics.median(lengths["explorer"][note]) for note in ("numpy", "modules", "examples"))
    app_ours, app_floor = (statistics.median(lengths[which]["frame"]) for which in ("explorer", "minimal"))
    rows += [
        "",
        f"At {TARGET_RATIO:g}x the explorer may take {budget:.0f} ms more than the minimal app. numpy, the modules and",
        f"the examples take {fixed:.0f} ms, and the app's start to its first frame {app_ours:.0f} ms against the",
        f"minimal app's {app_floor:.0f} ms.",
    ]
    publish(
        "bench_startup_phases.md",
        f"Where a cold start goes, ms from the spawn (medians of {runs} runs each), pty {COLS}x{ROWS}",
        "| phase | `convnet-tui` | minimal app |",
        "|---|---:|---:|",
        rows,
        load,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (default 7)")
    parser.add_argument(
        "--phases", action="store_true", help="instead: where the time goes, phase by phase (startup_probe.py)"
    )
    args = parser.parse_args(argv)
    if args.phases:
        compileall.compile_dir(ROOT / "tui_convnet", quiet=1)
        return phases(args.runs)
    compileall.compile_dir(ROOT / "tui_convnet", quiet=1)
    load = os.getloadavg()[0]
    cases = [
        ("`convnet-tui` (explorer, cs231n)", [sys.executable, "-m", "tui_convnet"], b"step 1/18"),
        ("minimal Textual app (floor)", [sys.executable, "-c", MINIMAL_APP], b"hello"),
    ]
    for _label, cmd, marker in cases:  # warm the file caches once; not counted
        one_run(cmd, marker)
    times: list[list[float]] = [[] for _ in cases]
    cpus: list[list[float]] = [[] for _ in cases]
    for _ in range(args.runs):  # interleaved, so that a busy moment hits both
        for i, (_label, cmd, marker) in enumerate(cases):
            wall, cpu = one_run(cmd, marker)
            times[i].append(wall)
            cpus[i].append(cpu)
    medians = [statistics.median(t) for t in times]
    cpu_medians = [statistics.median(c) for c in cpus]
    ratio = medians[0] / medians[1]
    cpu_ratio = cpu_medians[0] / cpu_medians[1]
    rows = [
        f"| {label} | {args.runs} | {median:.3f} | {min(t):.3f} | {max(t):.3f} | {cpu:.3f} |"
        for (label, _cmd, _marker), median, t, cpu in zip(cases, medians, times, cpu_medians, strict=True)
    ]
    ok = ratio <= TARGET_RATIO
    verdict = "met" if ok else "**not met**"
    target = f"≤ {TARGET_RATIO:g}x: {verdict}"
    rows.append(f"| ratio explorer / minimal (medians) | | **{ratio:.2f}x** | | {target} | {cpu_ratio:.2f}x |")
    publish(
        "bench_startup.md",
        f"Cold start to first frame, pty {COLS}x{ROWS}",
        "| command | runs | median s | min s | max s | median CPU s |",
        "|---|---:|---:|---:|---:|---:|",
        rows,
        load,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
