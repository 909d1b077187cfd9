"""The interface process never imports TensorFlow: a whole (tiny) training run, the Keras check on the inspect
screen and a save, driven by keys in a fresh Python process, leave no ``tensorflow`` or ``keras`` in its
``sys.modules``; and when the app ends, its worker process has ended too (no child process is left)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent(
    """
    import asyncio, json, os, sys, time

    from tui_convnet.ui.app import create_app
    from tui_convnet.training import worker_client


    def children():
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == os.getpid() and fields[0] != "Z":
                    found.append(int(entry))
        return found


    async def until(pilot, condition, what, timeout=240):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out waiting for {what}")
            await pilot.pause(0.05)


    def shown(screen, selector):
        return str(screen.query_one(selector).render())


    async def main(folder):
        report = {}
        app = create_app(screen="train")
        async with app.run_test(size=(130, 42)) as pilot:
            screen = app.screen
            values = {"epochs": "1", "batch-size": "64", "train-limit": "128", "test-limit": "50"}
            for field, value in values.items():
                screen.query_one(f"#{field}").value = value
            await until(pilot, lambda: screen.data is not None, "the data")
            await pilot.press("s")  # before TensorFlow is ready: the run waits for it and starts by itself
            report["queued"] = screen.query_one("#progress").state.status
            await until(pilot, lambda: screen.phase == "ready" and screen.evaluation is not None, "the run")
            report["tf_status"] = shown(screen, "#tf-status")
            await pilot.press("u")
            await pilot.press("i")
            inspect = app.screen
            await until(pilot, lambda: "numpy = Keras ✓" in shown(inspect, "#inspect-check"), "the Keras check")
            await pilot.press("t")
            screen.query_one("#model-path").value = os.path.join(folder, "m.keras")
            await pilot.press("w")
            await until(pilot, lambda: "Saved" in shown(screen, "#file-status"), "the save")
            report["worker_running"] = worker_client.shared_client().pid in children()
        report["children_after_exit"] = children()
        report["modules"] = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
        report["saved"] = os.path.isfile(os.path.join(folder, "m.keras"))
        print(json.dumps(report))


    asyncio.run(main(sys.argv[1]))
    """
)


@pytest.mark.keras
@pytest.mark.training
def test_training_checking_and_saving_import_no_tensorflow_here(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, timeout=420, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["modules"] == []
    assert report["worker_running"] and report["saved"]
    assert report["children_after_exit"] == []
    assert report["queued"].startswith("Starting when TensorFlow is ready, about ")
    assert report["tf_status"].startswith("TensorFlow: ready in ") and (
        "CPU, " in report["tf_status"] or "GPU" in report["tf_status"]
    )
