"""Snapshots of the explorer on cs231n: first step, a middle step, the last step (130x42)."""

from __future__ import annotations

from tui_convnet.ui.app import create_app

SIZE = (130, 42)


def test_cs231n_first_step(snap_compare):
    assert snap_compare(create_app("01"), terminal_size=SIZE)


def test_cs231n_middle_step(snap_compare):
    # step 10 of 18: the second kernel's first window, the first output slice complete
    assert snap_compare(create_app("01"), press=["right"] * 9, terminal_size=SIZE)


def test_cs231n_last_step(snap_compare):
    assert snap_compare(create_app("01"), press=["end"], terminal_size=SIZE)
