"""What tests/conftest.py does for every test: one BLAS thread, a garbage collector that does not
rescan what the imports and ended apps leave behind, and Pilot's shorter idle waits with the screen
still drawn inside them, not fooled by a busy machine (see the comments there)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy  # noqa: F401  (the BLAS library is loaded with numpy)
import pytest

INNER = """
import asyncio
import gc

from tui_convnet.ui._textual_internals import idle_wait_module, screen_strips, styles_cache_size, update_period
from textual.app import App
from textual.widgets import Static

renders = []


class Counted(Static):
    def render_line(self, y):
        renders.append(y)
        return super().render_line(y)


class Tiny(App):
    def compose(self):
        yield Counted("a line")


def test_a_headless_app_renders_what_a_test_reads_and_fills_textuals_per_widget_cache():
    async def run():
        async with Tiny().run_test() as pilot:
            await pilot.pause()
            assert renders == []  # no frame is rendered for a terminal nobody sees
            assert "a line" in screen_strips(pilot.app)[0].text
            assert renders

    asyncio.run(run())
    assert styles_cache_size() > 0


def test_the_next_test_starts_with_it_empty_and_the_imports_frozen():
    assert styles_cache_size() == 0
    assert gc.get_freeze_count() > 0


def test_a_key_is_drawn_within_the_pilots_shorter_idle_wait():
    wait = idle_wait_module()

    async def run():
        async with Tiny().run_test() as pilot:
            await pilot.pause()
            return update_period(pilot.app.screen)

    period = asyncio.run(run())
    assert wait.SLEEP_GRANULARITY == 0.005 and period < wait.SLEEP_GRANULARITY


def test_a_period_spent_waiting_for_a_core_is_not_taken_for_idle(monkeypatch):
    import conftest
    from textual import app, pilot

    assert pilot.wait_for_idle is conftest._wait_for_idle is app.wait_for_idle
    starved = iter([0.0, 0.004, 0.004, 0.004, 0.004, 0.004])  # the first period: 4 ms of its 5 waiting
    monkeypatch.setattr(conftest, "_waited_for_a_core", lambda: next(starved))
    monkeypatch.setattr(conftest, "process_time", lambda: 0.0)  # no CPU used: only the wait for a core counts
    periods = []
    sleep = asyncio.sleep

    async def counting(seconds):
        periods.append(seconds)
        await sleep(seconds)

    monkeypatch.setattr(asyncio, "sleep", counting)
    asyncio.run(conftest._wait_for_idle(0))
    assert len(periods) == 2  # measured again, then idle
"""


def test_numpy_runs_on_the_blas_threads_the_conftest_set() -> None:
    """One, as `convnet-tui` runs it, unless the developer chose a number."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    threads = {i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"}
    assert threads == {int(os.environ["OPENBLAS_NUM_THREADS"])}


def test_an_ended_apps_widget_lines_do_not_outlive_its_test(tmp_path: Path) -> None:
    shutil.copy(Path(__file__).parent / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_inner.py").write_text(INNER)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout


def test_the_slow_tier_is_what_trains_drives_a_browser_or_compares_every_look(slow_tier: dict[str, bool]) -> None:
    """``make test`` runs ``-m "not slow"``: the tier comes from a test's markers and fixtures, so a new
    snapshot test or training test lands in the slow tier without anyone marking it."""

    def slow(nodeid_end: str) -> bool:
        (tier,) = [tier for nodeid, tier in slow_tier.items() if nodeid.endswith(nodeid_end)]
        return tier

    if len(slow_tier) < 1000:
        pytest.skip("needs the whole suite collected (this file was collected alone)")
    assert slow("test_training_screen_during_a_run")  # snap_looks
    assert slow("test_help_snapshot")  # snapshot
    assert slow("test_a_run_in_the_worker_streams_events_checks_saves_and_loads")  # tf_worker, training
    assert slow("test_the_html_handout_renders_in_chromium")  # browser
    assert slow("test_real_command_prints_pure_json")  # training (module mark)
    assert slow("test_every_lesson_step_shows_what_its_narration_names[80x24]")  # sweep
    assert slow("test_progress_moves_cancel_stops_and_the_app_still_responds")  # integration
    assert slow("test_conv2d_backward_matches_gradient_tape[valid-1-1]")  # keras
    assert not slow("test_the_slow_tier_is_what_trains_drives_a_browser_or_compares_every_look")
    assert not slow("test_cs231n_first_step_writes_the_dot_product_out_and_the_notes_are_on_screen")  # a Pilot test
