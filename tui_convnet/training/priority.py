"""Training yields the cores to the interface: while it runs, the process's other threads get a lower priority.

The interface and a training run share the machine's cores (two, on the benchmark machine). TensorFlow
keeps every core busy, and a small numpy product on the interface thread that is preempted once waits
a whole scheduler slice: the one-digit forward pass of the inspect screen had a p95 of 6.6 ms while a
model trained, 2.9 ms with training's threads at nice 10 (``benchmarks/bench_responsive.py``). The
priority only decides who waits when both want a core, so an idle interface costs training nothing.
Linux only (threads are listed in ``/proc/self/task``); elsewhere this does nothing.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

#: The nice value of training's threads while the interface shares the machine (0 is normal, 19 lowest).
TRAINING_NICENESS = 10


def _thread_ids() -> list[int]:
    try:
        return [int(tid) for tid in os.listdir("/proc/self/task")]
    except (OSError, ValueError):  # not Linux: no per-thread priorities to set
        return []


@contextlib.contextmanager
def below_the_interface(niceness: int = TRAINING_NICENESS) -> Iterator[None]:
    """Run the enclosed work (a training run, in a worker thread) at a lower CPU priority than the interface.

    Every thread of this process except the main one (the interface's) gets at least ``niceness``, the
    calling thread included, so the threads TensorFlow starts from it inherit it. At the end the old
    values come back where the system allows it (an unprivileged process may lower a priority but not
    raise it again: those threads then stay lower, which only slows background work).
    """
    main = threading.main_thread().native_id
    changed: dict[int, int] = {}
    for tid in _thread_ids():
        if tid == main:
            continue
        try:
            before = os.getpriority(os.PRIO_PROCESS, tid)
            if before < niceness:
                os.setpriority(os.PRIO_PROCESS, tid, niceness)
                changed[tid] = before
        except OSError:  # the thread ended meanwhile, or the system refuses: leave it as it is
            continue
    try:
        yield
    finally:
        for tid, before in changed.items():
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, tid, before)


__all__ = ["TRAINING_NICENESS", "below_the_interface"]
