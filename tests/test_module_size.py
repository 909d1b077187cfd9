"""Every module of the package is at most 500 lines and opens with a docstring that says its one job
(read from the files: nothing is imported)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tui_convnet"
MAX_LINES = 500


def _modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if "__pycache__" not in path.parts)


def too_long(paths: list[Path], root: Path = PACKAGE, limit: int = MAX_LINES) -> list[str]:
    """``path: N lines`` (relative to ``root``) for each file of more than ``limit`` lines."""
    counts = {path: len(path.read_text(encoding="utf-8").splitlines()) for path in paths}
    return [f"{path.relative_to(root).as_posix()}: {n} lines" for path, n in counts.items() if n > limit]


def without_docstring(paths: list[Path], root: Path = PACKAGE) -> list[str]:
    """The files whose first statement is not a docstring (an empty ``__init__.py`` too: say what the package is)."""
    return [
        path.relative_to(root).as_posix()
        for path in paths
        if not (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").strip()
    ]


def test_the_package_has_modules_to_check() -> None:
    assert len(_modules()) > 100


def test_no_module_is_over_500_lines() -> None:
    assert too_long(_modules()) == []


def test_every_module_says_its_job_in_a_docstring() -> None:
    assert without_docstring(_modules()) == []


def test_the_checks_find_a_long_module_and_one_without_a_docstring(tmp_path: Path) -> None:
    long, bare, fine = tmp_path / "long.py", tmp_path / "bare.py", tmp_path / "fine.py"
    long.write_text('"""One job."""\n' + "x = 1\n" * MAX_LINES, encoding="utf-8")
    bare.write_text("# a comment is not a docstring\nx = 1\n", encoding="utf-8")
    fine.write_text('"""One job."""\n' + "x = 1\n" * (MAX_LINES - 1), encoding="utf-8")
    assert too_long([long, bare, fine], tmp_path) == [f"long.py: {MAX_LINES + 1} lines"]
    assert without_docstring([long, bare, fine], tmp_path) == ["bare.py"]
