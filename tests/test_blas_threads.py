"""The command runs numpy on one BLAS thread (small interactive products), unless the user chose a number."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytest.importorskip("threadpoolctl")

PROBE = (
    "import tui_convnet.cli, numpy, threadpoolctl; "
    "print(sorted({i['num_threads'] for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas'}))"
)


def blas_threads(**env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    command = [sys.executable, "-c", PROBE]
    done = subprocess.run(command, capture_output=True, text=True, env={**base, **env}, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_command_sets_one_blas_thread_before_numpy_starts() -> None:
    assert blas_threads() == "[1]"


def test_a_users_own_choice_is_kept() -> None:
    assert blas_threads(OPENBLAS_NUM_THREADS="2") == "[2]"
