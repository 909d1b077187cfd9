"""Benchmark: ``convnet-tui serve`` on this machine: one tab's memory, N tabs opened at once, K trainings.

Starts the real server (``python -m tui_convnet serve`` on a free localhost port) and opens tabs the way
a browser does, as websocket clients (aiohttp) that only read what the app draws and send keys as
``["stdin", …]`` messages. Each tab is an app process of its own (a child of the server); a tab that
trains starts a TensorFlow worker process (a child of the tab). Memory is VmRSS from Linux
``/proc/PID/status`` (and VmHWM, the peak), read from outside the processes.

1. **One tab**: the explorer drawn; then ``t`` (the training screen; its worker starts and imports
   TensorFlow); then ``s`` (Start, the default settings on the digits the tab finds): the tab's and the
   worker's memory sampled every 0.25 s until the run's results are drawn; then the tab is closed and
   the script checks that its app and its worker have ended.
2. **N tabs at once**: N websockets opened together; for each, the time from the start to its first
   message and to its drawn explorer; the total memory of the N app processes and the server.
3. **K trainings at once** (``--trainings K``, 0 skips it): K tabs, each ``t`` then ``s``; the server's
   ``--max-training`` is its default (or ``--max-training N``), so the runs beyond it wait in line, showing
   their place; the time until every run is done, the peak total memory, the peak RSS per tab and per worker.

    .venv/bin/python benchmarks/bench_serve.py [--tabs 30] [--trainings 2] [--max-training N] [--no-one-tab]

Prints markdown and writes it atomically to ``benchmarks/results/bench_serve.md``. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp

# Run as a script, this folder is on sys.path (for bench_conv); the package is installed (make bench).
from bench_conv import write_atomic

# The tests' `convnet-tui serve` process and its children read from /proc (tests/_serve_processes.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _serve_processes import Served as Server
from _serve_processes import children as _children
from _serve_processes import running as alive

from tui_convnet.training.slots import MEMORY_PER_RUN, default_max_training

RESULTS = Path(__file__).resolve().parent / "results" / "bench_serve.md"
SCREEN_BYTES = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]")  # the terminal's escape sequences
EXPLORER = "padded to 7×7×3".encode()  # drawn once the explorer's first frame is complete
TRAINING = b"TensorFlow:"  # the training screen's panel
RUN_DONE = b"misclassified"  # the Results tab's test digits, shown when a run completes
WAIT_S = 180.0
MB = 1 << 20


# ---------------------------------------------------------------------- processes, from /proc


def memory(pid: int | None, field: str = "VmRSS") -> int:
    """Bytes of ``field`` (VmRSS, VmHWM) of process ``pid``; 0 when it is gone."""
    if pid is None:
        return 0
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def mb(n: float) -> str:
    return f"{n / MB:,.0f} MB"


def children(pid: int) -> list[int]:
    return sorted(_children(pid))


class Tab:
    """One tab: a websocket that keeps reading the app's output (its text, escape sequences removed)."""

    def __init__(self, session: aiohttp.ClientSession, server: Server, width: int = 130, height: int = 42) -> None:
        self.session, self.server, self.size = session, server, (width, height)
        self.text = b""
        self.opened = time.monotonic()
        self.first_message: float | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None

    async def open(self) -> None:
        self.opened = time.monotonic()
        width, height = self.size
        self.ws = await self.session.ws_connect(
            f"{self.server.url}ws?width={width}&height={height}", origin=self.server.url.rstrip("/"), max_msg_size=0
        )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.ws is not None
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                if self.first_message is None:
                    self.first_message = time.monotonic()
                self.text += SCREEN_BYTES.sub(b"", message.data)

    async def wait_for(self, needle: bytes, timeout: float = WAIT_S) -> float:
        """Seconds from the tab's opening until ``needle`` has been drawn."""
        deadline = time.monotonic() + timeout
        while needle not in self.text:
            if time.monotonic() > deadline or (self._reader is not None and self._reader.done()):
                raise SystemExit(f"bench_serve: {needle!r} was not drawn within {timeout:.0f} s")
            await asyncio.sleep(0.05)
        return time.monotonic() - self.opened

    async def press(self, key: str) -> None:
        assert self.ws is not None
        await self.ws.send_str(f'["stdin", "{key}"]')

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                self._reader.cancel()
                await self._reader


def new_pids(server: Server, before: set[int]) -> list[int]:
    return sorted(server.tabs() - before)


async def wait_until(condition: Callable[[], object], what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench_serve: timed out waiting for {what}")
        await asyncio.sleep(0.1)


# ---------------------------------------------------------------------- 1. one tab


async def one_tab(server: Server, session: aiohttp.ClientSession) -> list[str]:
    before = server.tabs()
    tab = Tab(session, server)
    await tab.open()
    drawn = await tab.wait_for(EXPLORER)
    await wait_until(lambda: new_pids(server, before), "the tab's app process")
    [app] = new_pids(server, before)
    await asyncio.sleep(1.0)
    explorer_rss = memory(app)
    await tab.press("t")
    await tab.wait_for(TRAINING)
    await wait_until(lambda: children(app), "the tab's TensorFlow worker")
    [worker] = children(app)
    await tab.wait_for(b"TensorFlow: ready in")
    ready = time.monotonic()
    await asyncio.sleep(1.0)
    training_rss, worker_ready_rss = memory(app), memory(worker)
    mark = len(tab.text)
    await tab.press("s")
    peak_app = peak_worker = 0
    samples: list[int] = []
    while RUN_DONE not in tab.text[mark:]:
        if time.monotonic() - ready > WAIT_S:
            tail = tab.text[-1500:].decode(errors="replace")
            raise SystemExit(f"bench_serve: the run did not end; the tab's last text:\n{tail}")
        samples.append(memory(app))
        peak_app, peak_worker = max(peak_app, samples[-1]), max(peak_worker, memory(worker))
        await asyncio.sleep(0.25)
    trained = time.monotonic() - ready
    after_app, after_worker = memory(app), memory(worker)
    hwm_app, hwm_worker = memory(app, "VmHWM"), memory(worker, "VmHWM")
    closed = time.monotonic()
    await tab.close()
    await wait_until(lambda: not alive(app) and not alive(worker), "the tab's processes to end", 30)
    ended = time.monotonic() - closed
    ok = "met" if max(peak_app, hwm_app) < 120 * MB else "NOT met"
    return [
        "### One tab (130x42)",
        "",
        "| moment | the tab's app process | its TensorFlow worker |",
        "| --- | ---: | ---: |",
        f"| explorer drawn ({drawn:.1f} s after the websocket opened) | {mb(explorer_rss)} | — |",
        f"| training screen open, TensorFlow ready | {mb(training_rss)} | {mb(worker_ready_rss)} |",
        f"| while its model trains (default settings, {trained:.0f} s to its drawn results; peak of 0.25 s samples) "
        f"| {mb(peak_app)} (median {mb(statistics.median(samples))}) | {mb(peak_worker)} |",
        f"| after the run | {mb(after_app)} | {mb(after_worker)} |",
        f"| peak over the tab's life (VmHWM) | {mb(hwm_app)} | {mb(hwm_worker)} |",
        "",
        f"Target: a tab under 120 MB while its student trains: **{ok}**. The tab closed: its app and its worker "
        f"had both ended {ended:.1f} s later.",
    ]


# ---------------------------------------------------------------------- 2. N tabs at once


async def many_tabs(server: Server, session: aiohttp.ClientSession, n: int) -> list[str]:
    before = server.tabs()
    tabs = [Tab(session, server, 100, 30) for _ in range(n)]
    start = time.monotonic()
    await asyncio.gather(*(tab.open() for tab in tabs))
    drawn = await asyncio.gather(*(tab.wait_for(EXPLORER) for tab in tabs))
    all_drawn = time.monotonic() - start
    firsts = [(tab.first_message or start) - start for tab in tabs]
    await asyncio.sleep(2.0)
    apps = new_pids(server, before)
    rss = [memory(pid) for pid in apps]
    server_rss = memory(server.pid)
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    for tab in tabs:
        await tab.close()
    await wait_until(lambda: not any(alive(pid) for pid in apps), "the tabs' apps to end", 60)
    return [
        f"### {n} tabs opened at once (100x30 each)",
        "",
        "| | value |",
        "| --- | ---: |",
        f"| app processes running | {len(apps)} |",
        f"| time to the first message, last tab / median | {max(firsts):.1f} s / {statistics.median(firsts):.1f} s |",
        f"| time to the drawn explorer, last tab / median | {max(drawn):.1f} s / {statistics.median(drawn):.1f} s |",
        f"| RSS per tab, median (min-max) | {mb(statistics.median(rss))} ({mb(min(rss))}-{mb(max(rss))}) |",
        f"| total RSS, the {n} tabs + the server | {mb(sum(rss) + server_rss)} (server {mb(server_rss)}) |",
        "",
        f"Every tab drawn {all_drawn:.1f} s after the first websocket opened; 1-minute load average just after: "
        f"{load.split(',')[0]}.",
    ]


# ---------------------------------------------------------------------- 3. K trainings at once


PLACE = re.compile(rb"(\d+)(?:st|nd|rd|th) in line")


async def trainings(server: Server, session: aiohttp.ClientSession, k: int, limit: int, default: bool) -> list[str]:
    before = server.tabs()
    tabs = [Tab(session, server) for _ in range(k)]
    await asyncio.gather(*(tab.open() for tab in tabs))
    await asyncio.gather(*(tab.wait_for(EXPLORER) for tab in tabs))
    apps = new_pids(server, before)
    for tab in tabs:
        await tab.press("t")
    await asyncio.gather(*(tab.wait_for(b"TensorFlow: ready in") for tab in tabs))
    start = time.monotonic()
    marks = [len(tab.text) for tab in tabs]
    for tab in tabs:
        await tab.press("s")
    peak = 0
    tab_peak: dict[int, int] = {}  # each tab's app process, and each worker, at its largest while the runs went on
    worker_peak: dict[int, int] = {}
    done: dict[int, float] = {}
    while len(done) < k:
        if time.monotonic() - start > 4 * WAIT_S:
            raise SystemExit("bench_serve: the runs did not end")
        workers = [w for app in apps for w in children(app)]
        sizes = {pid: memory(pid) for pid in apps + workers}
        peak = max(peak, sum(sizes.values()))
        for pid in apps:
            tab_peak[pid] = max(tab_peak.get(pid, 0), sizes[pid])
        for pid in workers:
            worker_peak[pid] = max(worker_peak.get(pid, 0), sizes[pid])
        for i, tab in enumerate(tabs):
            if i not in done and RUN_DONE in tab.text[marks[i] :]:
                done[i] = time.monotonic() - start
        await asyncio.sleep(0.25)
    queued = sum(b"in line" in tab.text for tab in tabs)
    places = sorted({int(m.group(1)) for tab in tabs for m in PLACE.finditer(SCREEN_BYTES.sub(b"", tab.text))})
    for tab in tabs:
        await tab.close()
    await wait_until(lambda: not any(alive(pid) for pid in apps), "the tabs' apps to end", 60)
    ends = sorted(done.values())
    tabs_mb, workers_mb = sorted(tab_peak.values()), sorted(worker_peak.values())
    return [
        f"### {k} tabs press Start together (`--max-training {limit}`{', its default here' if default else ''})",
        "",
        f"Runs done after {', '.join(f'{s:.0f}' for s in ends)} s (default settings each); {queued} of the tabs "
        f"showed their place in line (places shown: {', '.join(map(str, places)) or 'none'}); peak total memory "
        f"of the {k} tabs and their workers: {mb(peak)}. Peak RSS per tab's app process: median "
        f"{mb(statistics.median(tabs_mb))} (max {mb(tabs_mb[-1])}); per TensorFlow worker "
        f"({len(workers_mb)} workers): median {mb(statistics.median(workers_mb))} (max {mb(workers_mb[-1])}).",
    ]


# ---------------------------------------------------------------------- the report


def max_training_line() -> str:
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return (
        f"`--max-training` defaults to {default_max_training()} on this machine: one run per two cores "
        f"({cores} cores here: TensorFlow keeps every core busy, so a second run only halves both) and at most one "
        f"per {MEMORY_PER_RUN / MB / 1024:.0f} GiB of available memory ({available / MB / 1024:.1f} GiB available "
        "now; a worker peaks at about 0.8 GB)."
    )


async def run(args: argparse.Namespace) -> list[str]:
    limit = args.max_training or default_max_training()
    extra = ["--max-training", str(args.max_training)] if args.max_training else []
    server = Server("--max-sessions", str(max(args.tabs, args.trainings, 1) + 1), *extra)
    try:
        async with aiohttp.ClientSession() as session:
            lines = [] if args.no_one_tab else await one_tab(server, session)
            if args.tabs:
                lines += ["", *await many_tabs(server, session, args.tabs)]
            if args.trainings:
                lines += ["", *await trainings(server, session, args.trainings, limit, not args.max_training)]
    finally:
        out = server.stop()
    if "Traceback" in out:
        raise SystemExit("bench_serve: the server logged a traceback:\n" + out)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--tabs", type=int, default=30, help="tabs opened at once (0: skip)")
    parser.add_argument("--trainings", type=int, default=0, help="tabs that press Start together (0: skip)")
    parser.add_argument("--max-training", type=int, default=0, help="the server's --max-training (0: its default)")
    parser.add_argument("--no-one-tab", action="store_true", help="skip the one-tab measurement")
    args = parser.parse_args(argv)
    if not Path("/proc/self/task").is_dir():
        print("bench_serve: reads the tabs' processes from Linux /proc", file=sys.stderr)
        return 2
    start_load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    lines = asyncio.run(run(args))
    end_load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    lines += [
        "",
        max_training_line(),
        "",
        f"Machine: Python {platform.python_version()}, {os.cpu_count()} CPU(s) ({platform.machine()}); "
        f"load average at the start: {start_load}, at the end: {end_load} (1, 5, 15 min)",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    write_atomic(RESULTS, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
