"""The import-linter contracts guard what their names say: a forbidden import added to a copy of the
package breaks them (a contract that names too few packages would still be kept)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy(tmp_path: Path) -> Path:
    """The package and its contracts in ``tmp_path`` (lint-imports reads the package from its working folder)."""
    shutil.copytree(ROOT / "tui_convnet", tmp_path / "tui_convnet", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint(folder: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on ``folder``, its report one contract a line (no wrapping)."""
    env = {**os.environ, "COLUMNS": "400"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=folder, capture_output=True, text=True, timeout=300, env=env
    )


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed in this environment")
@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("core/weights.py", "from ..explore import panels", "The core is pure numpy"),
        ("explore/panels.py", "from ..lessons import catalog", "The explorer's state and narration are pure"),
        ("teach/handout_html.py", "from ..ui.common import palette", "The lecturer's tools are plain text"),
        ("util/visible.py", "from ..core import numbers", "The plain helpers"),
        ("model/model.py", "from ..training import events", "Images and the model are data"),
        ("data/mnist.py", "from ..ui.common import palette", "Data is numpy"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, module: str, line: str, broken: str) -> None:
    folder = _copy(tmp_path)
    path = folder / "tui_convnet" / module
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("from __future__ import annotations\n")
    assert sep, f"{module} has no 'from __future__ import annotations' line to add an import after"
    path.write_text(f"{head}{sep}\n{line}  # noqa\n{body}", encoding="utf-8")

    done = _lint(folder)

    assert done.returncode != 0, done.stdout
    broken_lines = [ln for ln in done.stdout.splitlines() if ln.endswith("BROKEN")]
    assert any(ln.startswith(broken) for ln in broken_lines), done.stdout
