"""Training's threads run below the interface thread while it trains (Linux), and get their priority back."""

from __future__ import annotations

import os
import threading
from typing import Any

import pytest

from tui_convnet.training.priority import TRAINING_NICENESS, below_the_interface

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="per-thread priorities: Linux only")


def nice(tid: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, tid)


def test_the_training_thread_and_the_threads_it_starts_run_below_the_interface() -> None:
    main = threading.main_thread().native_id
    assert main is not None
    main_before = nice(main)
    seen: dict[str, Any] = {}

    def training() -> None:
        me = threading.get_native_id()
        seen["before"] = nice(me)
        with below_the_interface():
            seen["inside"] = nice(me)
            child = threading.Thread(target=lambda: seen.__setitem__("child", nice(threading.get_native_id())))
            child.start()
            child.join()
            seen["main"] = nice(main)
        seen["after"] = nice(me)

    thread = threading.Thread(target=training)
    thread.start()
    thread.join()
    assert seen["inside"] >= TRAINING_NICENESS and seen["child"] >= TRAINING_NICENESS  # TensorFlow's, too
    assert seen["main"] == main_before  # the interface keeps its priority
    if os.geteuid() == 0 or seen["before"] >= TRAINING_NICENESS:  # only root may raise a priority again
        assert seen["after"] == seen["before"]
