"""Cold start of ``convnet-tui`` to its first drawn frame (median of several runs).

Method: each run starts the real command (``python -m tui_convnet``, the same
code path as the ``convnet-tui`` script: argument parsing, example loading,
the app, the explorer) in a fresh process attached to a pseudo-terminal of
130x42, so Textual drives a real terminal.  The clock starts just before the
process is spawned.  The explorer, when the environment variable
``CONVNET_TUI_FIRST_FRAME_FILE`` names a file, waits until the screen has
been painted once (``call_after_refresh`` from its ``on_mount``), writes the
wall-clock time and whether ``tensorflow`` is in ``sys.modules`` to that
file, and exits.  Startup = that time − spawn time.  A minimal Textual app
(one ``Static``), timed the same way, gives the floor on this machine.

    .venv/bin/python benchmarks/bench_startup.py [--runs N]

Prints a markdown table and writes it to ``benchmarks/results/bench_startup.md``.
Exits 1 if the median is not under 1 s or if TensorFlow was imported.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_step import publish

ROOT = Path(__file__).resolve().parent.parent
ENV_NAME = "CONVNET_TUI_FIRST_FRAME_FILE"
COLS, ROWS = 130, 42
TARGET = 1.0

MINIMAL_APP = f"""
import os, sys, time
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.report)
    def report(self):
        with open(os.environ["{ENV_NAME}"], "w") as fh:
            fh.write(f"{{time.time():.6f}} tensorflow={{'tensorflow' in sys.modules}}\\n")
        self.exit()

Minimal().run()
"""


def _drain(fd: int) -> None:
    while True:
        try:
            if not os.read(fd, 65536):
                return
        except OSError:
            return


def one_run(argv: list[str]) -> tuple[float, bool]:
    """Seconds from spawn to the first frame, and whether TensorFlow was imported."""
    with tempfile.TemporaryDirectory() as tmp:
        stamp = Path(tmp) / "first-frame"
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        env = dict(os.environ, **{ENV_NAME: str(stamp)}, TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS))
        env.pop("TEXTUAL", None)
        reader = threading.Thread(target=_drain, args=(master,), daemon=True)
        reader.start()
        start = time.time()
        proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True
        )
        os.close(slave)
        try:
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            os.close(master)
        if not stamp.exists():
            raise RuntimeError(f"{' '.join(argv)} exited ({proc.returncode}) without drawing a frame")
        when, tf = stamp.read_text().split()
        return float(when) - start, tf == "tensorflow=True"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (default 7)")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    cases = [
        ("`convnet-tui` (explorer, cs231n)", [sys.executable, "-m", "tui_convnet"], TARGET),
        ("minimal Textual app (floor)", [sys.executable, "-c", MINIMAL_APP], None),
    ]
    one_run(cases[0][1])  # warm the file cache once; not counted
    rows, ok = [], True
    for label, cmd, target in cases:
        times, tf_seen = [], False
        for _ in range(args.runs):
            seconds, tf = one_run(cmd)
            times.append(seconds)
            tf_seen |= tf
        median = statistics.median(times)
        met = "—" if target is None else ("yes" if median < target and not tf_seen else "**no**")
        if target is not None:
            ok &= median < target and not tf_seen
        rows.append(
            f"| {label} | {args.runs} | {median:.3f} | {min(times):.3f} | {max(times):.3f} | "
            f"{'yes' if tf_seen else 'no'} | {'—' if target is None else f'< {target:g} s'} | {met} |"
        )
    publish(
        "bench_startup.md",
        f"Cold start to first frame, pty {COLS}x{ROWS}",
        "| command | runs | median s | min s | max s | TensorFlow imported | target | met |",
        "|---|---:|---:|---:|---:|:---:|---:|:---:|",
        rows,
        load,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
