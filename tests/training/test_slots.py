"""Training slots of a served classroom: at most N runs at once, the others wait in line and see their place."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tui_convnet.training.slots import (
    ENV_FOLDER,
    ENV_LIMIT,
    Slot,
    Slots,
    configure_serving,
    default_max_training,
    ordinal,
    parse_limit,
)


def wait_until(condition: Callable[[], object], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_one_slot_serves_the_line_in_order_and_shows_each_place(tmp_path: Path) -> None:
    slots = Slots(tmp_path, 1)
    first = slots.acquire(lambda place: None, lambda: False, poll=0.01)
    assert first is not None
    places: dict[str, list[int]] = {"b": [], "c": []}
    got: dict[str, Slot | None] = {}

    def wait(name: str) -> None:
        got[name] = slots.acquire(places[name].append, lambda: False, poll=0.01)

    b = threading.Thread(target=wait, args=("b",))
    b.start()
    wait_until(lambda: places["b"] == [1])
    time.sleep(0.01)  # c's ticket is made after b's
    c = threading.Thread(target=wait, args=("c",))
    c.start()
    wait_until(lambda: places["c"] == [2])
    first.release()
    b.join(5)
    b_slot = got["b"]
    assert b_slot is not None and "c" not in got
    wait_until(lambda: places["c"] == [2, 1])
    b_slot.release()
    c.join(5)
    c_slot = got["c"]
    assert c_slot is not None and places == {"b": [1], "c": [2, 1]}
    c_slot.release()


def test_two_slots_take_two_runs_and_a_cancel_leaves_the_line(tmp_path: Path) -> None:
    slots = Slots(tmp_path, 2)
    held = [slots.acquire(lambda place: None, lambda: False) for _ in range(2)]
    assert all(held)
    cancel = threading.Event()
    places: list[int] = []
    result: list[Slot | None] = []
    waiter = threading.Thread(target=lambda: result.append(slots.acquire(places.append, cancel.is_set, poll=0.01)))
    waiter.start()
    wait_until(lambda: places == [1])
    cancel.set()
    waiter.join(5)
    assert result == [None] and not list(tmp_path.glob("queue-*"))
    for slot in held:
        assert slot is not None
        slot.release()


def test_a_dead_tab_frees_its_slot_and_its_place(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from tui_convnet.training.slots import Slots\n"
            f"slot = Slots({str(tmp_path)!r}, 1).acquire(lambda place: None, lambda: False)\n"
            "print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    (tmp_path / f"queue-{0:020d}-{child.pid + 10**7}").touch()  # a ticket of a process that is gone
    slots = Slots(tmp_path, 1)
    places: list[int] = []
    result: list[Slot | None] = []
    waiter = threading.Thread(target=lambda: result.append(slots.acquire(places.append, lambda: False, poll=0.01)))
    waiter.start()
    wait_until(lambda: places == [1])  # the dead ticket does not count
    child.kill()
    child.wait()
    waiter.join(10)
    assert result and result[0] is not None
    result[0].release()


def test_the_limit_is_checked_and_handed_to_the_tabs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_FOLDER, "")  # restored after the test, whatever configure_serving sets
    monkeypatch.setenv(ENV_LIMIT, "")
    assert Slots.from_environment() is None  # not served: no limit
    for bad in ("0", "-1", "x", "1.5", "65", ""):
        with pytest.raises(ValueError, match=r"^--max-training must be a whole number from 1 to 64\. Received: "):
            parse_limit(bad)
    assert "--max-training 3" in configure_serving("3")
    slots = Slots.from_environment()
    assert slots is not None and slots.limit == 3 and os.path.isdir(os.environ[ENV_FOLDER])
    assert 1 <= default_max_training() <= 64
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
    ]


def test_serve_refuses_a_bad_limit_in_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui_convnet", "serve", "--max-training", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "convnet-tui serve: --max-training must be a whole number from 1 to 64. Received: '0'"
    )


def test_a_free_slot_is_taken_without_waiting_for_the_tickets_ahead(tmp_path: Path) -> None:
    """Two slots, both free, and an older ticket ahead in line (another tab's, whose run is taking its slot):
    this run takes the other slot at once and is never shown a place in line."""
    slots = Slots(tmp_path, 2)
    (tmp_path / f"queue-{1:020d}-{os.getpid()}").touch()  # older than any ticket acquire makes
    places: list[int] = []
    deadline = time.monotonic() + 2
    slot = slots.acquire(places.append, lambda: time.monotonic() > deadline, poll=0.01)
    assert slot is not None and places == []
    slot.release()
