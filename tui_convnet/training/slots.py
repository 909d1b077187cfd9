"""Training slots shared by the tabs of one ``convnet-tui serve``: at most N models train at once, the other
runs wait in line, first come first served, and see their place.

``convnet-tui serve --max-training N`` (:func:`configure_serving`) makes a folder and names it, with N, in
the environment its tabs inherit. A tab's training screen takes a slot (:meth:`Slots.acquire`) before it
asks its TensorFlow worker to train, and gives it back when the run ends. A slot is an exclusive ``flock``
on one of N files, so a tab that dies frees its slot with it; the line is one ticket file per waiting run,
ordered by the time it was made, and a ticket whose process has died is swept away. Standard library
only (the command line imports this before it starts the server). Outside ``serve`` there is no limit.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ENV_FOLDER = "CONVNET_TUI_TRAINING_SLOTS"
ENV_LIMIT = "CONVNET_TUI_MAX_TRAINING"
#: What one training run takes: the worker's TensorFlow (about 600-850 MB measured) and its share of the cores.
MEMORY_PER_RUN = 1 << 30
MAX_LIMIT = 64


def default_max_training() -> int:
    """What this machine allows: one run per two cores (TensorFlow keeps every core busy), and a GiB of
    available memory per run; at least 1."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    try:
        available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        available = MEMORY_PER_RUN
    return max(1, min(max(1, cores // 2), available // MEMORY_PER_RUN, MAX_LIMIT))


def parse_limit(text: str) -> int:
    """``--max-training``'s value, or ``ValueError`` with one line."""
    value = text.strip()
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise ValueError(f"--max-training must be a whole number from 1 to {MAX_LIMIT}. Received: {text!r}")
    return int(value)


def configure_serving(text: str | None) -> str:
    """Set up the slots for ``serve``'s tabs (they inherit the environment); returns the line that says so.
    ``ValueError`` (one line) for a bad value."""
    limit = default_max_training() if text is None else parse_limit(text)
    folder = tempfile.mkdtemp(prefix="convnet-tui-training-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ[ENV_FOLDER] = folder
    os.environ[ENV_LIMIT] = str(limit)
    runs = "1 model trains" if limit == 1 else f"{limit} models train"
    return f"At most {runs} at once (--max-training {limit}); further runs wait in line and see their place."


@dataclass
class Slot:
    """A slot held: training may start. :meth:`release` (or the process's end) frees it."""

    handle: IO[bytes]

    def release(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.handle.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Slots:
    """N slots in ``folder``, shared by every process that uses the same folder."""

    def __init__(self, folder: str | os.PathLike[str], limit: int) -> None:
        self.folder = Path(folder)
        self.limit = limit

    @classmethod
    def from_environment(cls) -> Slots | None:
        """The slots ``serve`` set up for this tab, or None (not served: no limit)."""
        folder, limit = os.environ.get(ENV_FOLDER), os.environ.get(ENV_LIMIT)
        if not folder or not limit:
            return None
        try:
            return cls(folder, parse_limit(limit))
        except ValueError:
            return None

    def _line(self) -> list[Path]:
        """The waiting tickets, oldest first; those of processes that have died are removed."""
        tickets = []
        for path in sorted(self.folder.glob("queue-*")):
            try:
                pid = int(path.name.rsplit("-", 1)[1])
            except (IndexError, ValueError):
                continue
            if _alive(pid):
                tickets.append(path)
            else:
                with contextlib.suppress(OSError):
                    path.unlink()
        return tickets

    def _try_take(self) -> Slot | None:
        for index in range(self.limit):
            handle = open(self.folder / f"slot-{index}", "ab")  # noqa: SIM115  (held open while training)
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            return Slot(handle)
        return None

    def acquire(self, on_wait: Callable[[int], None], cancelled: Callable[[], bool], poll: float = 0.25) -> Slot | None:
        """Wait in line for a slot: ``on_wait(place)`` (1: next) whenever the place changes; None if
        ``cancelled()`` becomes true first. The first ``limit`` tickets of the line try for a slot: five runs
        started at once with four slots free used to wait for each other in turn, one poll each, the second
        shown "2nd in line" although a slot was free."""
        self.folder.mkdir(parents=True, exist_ok=True)
        ticket = self.folder / f"queue-{time.time_ns():020d}-{os.getpid()}"
        ticket.touch()
        place = 0
        try:
            while not cancelled():
                line = self._line()
                now = line.index(ticket) + 1 if ticket in line else 1
                if now <= self.limit:  # a free slot may be this ticket's: the ones ahead may be taking theirs now
                    slot = self._try_take()
                    if slot is not None:
                        return slot
                if now != place:
                    place = now
                    on_wait(place)
                time.sleep(poll)
            return None
        finally:
            with contextlib.suppress(OSError):
                ticket.unlink()


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
