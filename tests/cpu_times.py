"""A pytest plugin that measures each test's CPU time, to compare the suite's cost on a shared machine.

``pytest -p tests.cpu_times --cpu-times=FILE`` appends one tab-separated line per test to FILE (with ``-n``
every worker appends its own): the node id, wall seconds, CPU seconds of the test process (every thread:
``time.process_time``), CPU seconds of the subprocesses it waited for (``RUSAGE_CHILDREN``), its markers,
and CPU seconds of the test's own thread (a Pilot test's event loop; the rest of the process' CPU went to
other threads, e.g. the app's thread workers). Setup and teardown count with the test. At the end it
prints the total, the most costly tests and the most costly test modules. Wall time on a loaded machine
says little; CPU time is what the tests cost the machine (docs/development.md, "The suite's time").
"""

from __future__ import annotations

import resource
import time
from collections.abc import Generator
from pathlib import Path

import pytest

_RESULTS = pytest.StashKey[list[tuple[str, float, float, float, float]]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--cpu-times", metavar="FILE", help="append each test's wall and CPU seconds to FILE")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
    wall, cpu, children, main = time.monotonic(), time.process_time(), _children_cpu(), time.thread_time()
    yield
    row = (
        item.nodeid,
        time.monotonic() - wall,
        time.process_time() - cpu,
        _children_cpu() - children,
        time.thread_time() - main,
    )
    item.config.stash.setdefault(_RESULTS, []).append(row)
    path = item.config.getoption("cpu_times")
    if path:
        marks = ",".join(sorted({mark.name for mark in item.iter_markers()}))
        with Path(path).open("a", encoding="utf-8") as out:
            out.write(f"{row[0]}\t{row[1]:.3f}\t{row[2]:.3f}\t{row[3]:.3f}\t{marks}\t{row[4]:.3f}\n")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    rows = config.stash.get(_RESULTS, [])
    if not rows:
        return
    cpu, children, main = (sum(row[2] for row in rows), sum(row[3] for row in rows), sum(row[4] for row in rows))
    terminalreporter.write_line(
        f"cpu_times: {len(rows)} tests, {cpu:.1f} s CPU in the test process ({cpu - main:.1f} s of it in other "
        f"threads than the tests'), {children:.1f} s in subprocesses; "
        f"the whole process so far {time.process_time():.1f} s"
    )
    for nodeid, wall, test_cpu, test_children, _ in sorted(rows, key=lambda row: -(row[2] + row[3]))[:10]:
        terminalreporter.write_line(f"  {test_cpu + test_children:6.2f} s CPU {wall:6.2f} s wall  {nodeid}")
    modules: dict[str, tuple[int, float]] = {}
    for nodeid, _wall, test_cpu, test_children, _main in rows:
        module = nodeid.split("::")[0]
        count, total = modules.get(module, (0, 0.0))
        modules[module] = (count + 1, total + test_cpu + test_children)
    terminalreporter.write_line("cpu_times: the most costly test modules")
    for module, (count, total) in sorted(modules.items(), key=lambda item: -item[1][1])[:10]:
        terminalreporter.write_line(f"  {total:6.1f} s CPU {count:5d} tests  {module}")
