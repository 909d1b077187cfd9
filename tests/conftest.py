"""Fixtures for every test folder."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
from collections.abc import Iterator
from time import monotonic, process_time
from typing import TYPE_CHECKING

import pytest
import textual.app as textual_app
import textual.pilot as textual_pilot
import textual.screen as textual_screen

from tui_convnet.ui._textual_internals import clear_styles_cache, idle_wait_module, skip_unseen_frames

if TYPE_CHECKING:
    from tui_convnet.training.worker_client import WorkerClient

textual_wait = idle_wait_module()

# The app runs numpy on one BLAS thread (`convnet-tui` sets this before numpy starts, see cli.py); the
# tests run it the same way (nothing above imports numpy). With OpenBLAS' default of a thread per core,
# every small product of the tests was split between threads that spin and wait for each other on a
# machine whose cores the other test workers keep busy. A user's own choice (the variable already set)
# is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# Three things made the garbage collector cost a worker 9-11 s of its ~40 s of CPU:
# - Textual keeps an lru_cache(1024) keyed by each widget's StylesCache (StylesCache.get_inner_outer),
#   so the rendered lines of the last 1,024 widgets of apps that have long ended stay alive: about
#   20,000 objects per app run, hundreds of thousands after a few dozen tests. It is emptied after each
#   test (a cache: the next test fills it again as it needs).
# - Every full collection scans every object alive, and TensorFlow's and Textual's imports leave
#   hundreds of thousands of them for the whole session. What is alive after collection and after
#   TensorFlow's first import lives until the process ends, so it is moved out of the collector's sight
#   (gc.freeze); the apps, models and arrays the tests make are collected as before.
# - A collection of the youngest objects ran every 700 allocations, every tenth of those also looked at
#   the middle generation, and every tenth of those at everything (about 55 full passes per worker,
#   still 6 s of CPU after the freeze): a Textual app allocates in bursts of tens of thousands of
#   objects that mostly die young. With a threshold of 50,000 they die by reference counting first,
#   and the middle generation is looked at every 20th collection: on the whole suite, the collector's
#   time per worker went from 9-10 s (threshold 10,000) to about 6 s, with almost no automatic full
#   pass left. The largest worker's peak memory: 1.11 GB (1.07 GB with 10,000).
gc.set_threshold(50_000, 20, 10)
_frozen_with_tensorflow = False

# Textual's Pilot waits after every key until the process looks idle: it sleeps 1/50 s, and sleeps again
# while the process used more than a twentieth of that (textual._wait). Every key pressed in a test thus
# cost at least 2 × 20 ms of sleep (Pilot.press waits twice), and a test that presses 40 keys slept for
# about 2 s while using 0.7 s of CPU. The tests wait for idle periods of 5 ms instead (same ratio: less
# than a twentieth of it used). A key's repaint comes from the screen's update timer (one period of
# 1/60 s by default): it runs every 2 ms here, so it always fires inside the first of those sleeps and a
# test reads the screen as drawn after the key, exactly as before. Pilot's other waits (the message
# queues, the animations) are unchanged.
textual_wait.SLEEP_GRANULARITY = 0.005
textual_wait.SLEEP_IDLE = textual_wait.SLEEP_GRANULARITY / 20
textual_screen.UPDATE_PERIOD = 0.002  # type: ignore[misc]  # a Final of Textual's, shortened for the tests


def _waited_for_a_core() -> float:
    """Seconds this thread has spent ready to run but waiting for a core (Linux; 0 where unknown)."""
    try:
        with open("/proc/thread-self/schedstat", encoding="ascii") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


async def _wait_for_idle(min_sleep: float = textual_wait.SLEEP_GRANULARITY, max_sleep: float = 1) -> None:
    """Textual's wait_for_idle, which a busy machine could fool: a period counts as idle only if the
    event loop's thread spent less than half of it waiting for a core.

    Textual calls the process idle after a sleep during which it used almost no CPU. On a machine whose
    cores the other test workers keep busy, the loop's thread can wait for a core for the whole sleep:
    it then uses no CPU although work is pending (a resize forwarded by the app to the screen, a layout
    after a key), the wait ends and the test reads a screen not yet updated. That failed two full runs
    of seven (a wrapped line read before the resize, a layout counted after the counters were
    cleared). Such a period is measured again instead.
    """
    start = monotonic()
    while True:
        cpu, waited = process_time(), _waited_for_a_core()
        await asyncio.sleep(textual_wait.SLEEP_GRANULARITY)
        cpu_used, starved = process_time() - cpu, _waited_for_a_core() - waited
        elapsed = monotonic() - start
        if elapsed >= max_sleep:
            break
        quiet = cpu_used < textual_wait.SLEEP_IDLE and starved < textual_wait.SLEEP_GRANULARITY / 2
        if elapsed > min_sleep and quiet:
            break


# A headless app renders no frame that nobody reads (the tests read the screen, or take a screenshot, which
# renders it from the same layout): about half of a Pilot test's CPU. See skip_unseen_frames.
skip_unseen_frames()

for _module in (textual_wait, textual_app, textual_pilot):
    _module.wait_for_idle = _wait_for_idle  # type: ignore[union-attr]  # the name each module calls


def _freeze_what_is_alive() -> None:
    gc.collect()
    gc.freeze()


#: What puts a test in the slow tier (``-m slow``; ``make test`` runs the rest, ``make test-slow`` this):
#: a marker (``keras``: imports TensorFlow, e.g. to compare the core with Keras on the same weights;
#: ``training``: trains a real model; ``integration``: a whole run, save or load through Keras; ``browser``:
#: drives Chromium; ``sweep``: walks every step of every lesson or screen in several looks) or a fixture
#: (``snap_looks`` and ``snapshot``: screenshots compared in every look; ``tf_worker``: a real TensorFlow
#: worker process). The quick tier never imports TensorFlow (checked after each of its tests): its import
#: alone was 8 s of CPU per test worker, and the Keras comparisons a seventh of the quick tier's CPU.
SLOW_MARKERS = frozenset({"keras", "training", "integration", "browser", "sweep"})
SLOW_FIXTURES = frozenset({"snap_looks", "snapshot", "tf_worker"})


def is_slow(marker_names: set[str], fixture_names: set[str]) -> bool:
    """Whether a test with these markers and fixtures belongs to the slow tier."""
    return bool(marker_names & SLOW_MARKERS or fixture_names & SLOW_FIXTURES)


_TIERS = pytest.StashKey[dict[str, bool]]()


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by the marker set here
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tiers = config.stash.setdefault(_TIERS, {})
    for item in items:
        markers = {mark.name for mark in item.iter_markers()}
        tiers[item.nodeid] = is_slow(markers, set(getattr(item, "fixturenames", ())))
        if tiers[item.nodeid]:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def slow_tier(request: pytest.FixtureRequest) -> dict[str, bool]:
    """For every collected test (selected or not), whether it is in the slow tier."""
    return request.config.stash[_TIERS]


def pytest_collection_finish(session: pytest.Session) -> None:
    _freeze_what_is_alive()


#: The test running now, and the one during which TensorFlow's import started (in any thread: the in-process
#: worker imports it in its own thread, which may still be importing when its test ends).
_test_now: list[str] = [""]
_tensorflow_imported_by: list[str] = []


def _note_tensorflow_import(event: str, args: tuple[object, ...]) -> None:
    if event == "import" and args and args[0] == "tensorflow" and not _tensorflow_imported_by:
        _tensorflow_imported_by.append(_test_now[0])


sys.addaudithook(_note_tensorflow_import)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    global _frozen_with_tensorflow
    _test_now[0] = item.nodeid
    if not _frozen_with_tensorflow and "tensorflow" in sys.modules:
        _frozen_with_tensorflow = True
        _freeze_what_is_alive()


def pytest_runtest_teardown(item: pytest.Item) -> None:
    clear_styles_cache()
    if _tensorflow_imported_by == [item.nodeid] and not item.get_closest_marker("slow"):
        pytest.fail(
            f"{item.nodeid} imported TensorFlow in the quick tier: mark it `keras` (it then runs in `make test-slow`)",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def tf_worker() -> Iterator[WorkerClient]:
    """One real TensorFlow worker process, shared by every test of this test process that needs one (its
    start-up imports TensorFlow: seconds). Ended, and checked to be gone, when the session ends."""
    from tui_convnet.training.worker_client import WorkerClient

    client = WorkerClient()
    client.warm_up()
    yield client
    client.close()
    assert client.pid is None


@pytest.fixture(autouse=True)
def in_process_worker(request: pytest.FixtureRequest) -> Iterator[WorkerClient]:
    """Every test's app talks to a TensorFlow worker served by a thread of the test process (started only if
    the test needs TensorFlow): a test can script Keras' ``fit`` with monkeypatch, and TensorFlow is imported
    once per test process, as before the worker process existed. The real process is tested by
    tests/training/test_worker.py and tests/ui/test_no_tensorflow_in_the_interface.py.

    In the quick tier the worker never starts: every request (the training screen's warm-up as it opens
    included) gets a WorkerError saying so, which the screens show as one line. A test that only looks at
    the screens imports nothing of TensorFlow; one that trains, checks or saves through the worker must be
    marked ``keras`` (slow tier)."""
    from tui_convnet.training.worker_client import IN_PROCESS, WorkerClient, WorkerError, set_shared_client

    client = WorkerClient([IN_PROCESS])
    if request.node.get_closest_marker("slow") is None:

        def no_tensorflow() -> None:
            raise WorkerError("The quick tier starts no TensorFlow: mark the test `keras` to use the worker.")

        client._ensure_started = no_tensorflow  # type: ignore[method-assign]
    set_shared_client(client)
    yield client
    set_shared_client(None)
    client.close()
