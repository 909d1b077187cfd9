"""The lecturer's own example files: check them, find the line of each problem, print a template.

A file is read by the core's own loader (:func:`~tui_convnet.core.load_example`, the built-in examples'
rules). :func:`example_problems` adds what the loader does not say: every field it does not know (a
typo such as ``strid = 2`` would otherwise be silently ignored), and the line of each problem in the
file. ``convnet-tui examples --check`` prints them as ``file:line: field `f`: message``;
``convnet-tui examples --template`` prints :data:`TEMPLATE`, a commented example that loads.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core import Example, ExampleError, load_example
from .output import EXIT_OK, EXIT_USAGE

PROG = "convnet-tui examples"

_KNOWN: dict[str, set[str]] = {
    "": {"title", "kind", "source", "description", "notes", "conv", "input", "kernels", "pool", "expected", "model"},
    "input": {"channels", "names", "symbols", "scale"},
    "kernels": {"channels", "bias", "name", "symbols"},
    "conv": {"stride", "padding", "dilation", "activation"},
    "pool": {"mode", "size", "stride", "padding"},
    "model": {"name", "input_shape", "layers"},
}


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int  # 1-based; 0 when the file could not be read
    field: str  # "" when the problem is not about one field
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: field `{self.field}`: {self.message}" if self.field else f"{where}: {self.message}"


_FIELD_MESSAGE = re.compile(r"^[^:]+: field `([^`]+)`: (.*)$", re.S)
_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")


_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z_][\w.]*)\s*\]\]?\s*(#.*)?$")
_FIELD = re.compile(r"^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?(?:\[(\d+)\])?")


def field_line(text: str, fld: str) -> int:
    """The line where ``fld`` (``conv.stride``, ``kernels[1].channels``, ``model.layers[3]``) is written.

    0 when the field is not in the file (a required field that is missing).
    """
    lines = text.splitlines()
    m = _FIELD.match(fld)
    if not m:
        return 0
    first, index, key, item = m.group(1), int(m.group(2) or 0), m.group(3), m.group(4)
    headers = [i for i, line in enumerate(lines) if (h := _HEADER.match(line)) and h.group(1) == first]
    all_headers = [i for i, line in enumerate(lines) if _HEADER.match(line)]
    if not headers:  # a key of the top level (title, kind, notes), before the first table
        return _key_line(lines, first, 0, all_headers[0] if all_headers else len(lines))
    start = headers[min(index, len(headers) - 1)]
    if key is None:
        return start + 1
    end = next((i for i in all_headers if i > start), len(lines))
    found = _key_line(lines, key, start + 1, end)
    if found and item is not None:  # the n-th inline table of a list (model.layers[3])
        tables = [i for i in range(found - 1, end) if "{" in lines[i]]
        if int(item) < len(tables):
            return tables[int(item)] + 1
    return found or start + 1


def _key_line(lines: list[str], key: str, start: int, end: int) -> int:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    return next((i + 1 for i in range(start, end) if pattern.match(lines[i])), 0)


def _unknown_fields(path: Path, text: str, data: dict[str, Any]) -> list[Problem]:
    problems = []
    for key in data:
        if key not in _KNOWN[""]:
            problems.append(
                Problem(path, field_line(text, key), key, f"is not a field of an example file. Received: {key}")
            )
    for table in ("input", "conv", "pool", "model"):
        value = data.get(table)
        if isinstance(value, dict):
            for key in value:
                if key not in _KNOWN[table]:
                    fld = f"{table}.{key}"
                    known = ", ".join(sorted(_KNOWN[table]))
                    problems.append(
                        Problem(path, field_line(text, fld), fld, f"is not a field of [{table}] ({known}).")
                    )
    kernels = data.get("kernels")
    if isinstance(kernels, list):
        for i, entry in enumerate(kernels):
            if isinstance(entry, dict):
                for key in entry:
                    if key not in _KNOWN["kernels"]:
                        fld = f"kernels[{i}].{key}"
                        known = ", ".join(sorted(_KNOWN["kernels"]))
                        problems.append(
                            Problem(path, field_line(text, fld), fld, f"is not a field of [[kernels]] ({known}).")
                        )
    return problems


def example_problems(path: Path) -> tuple[Example | None, list[Problem]]:
    """The example (None if it cannot be used) and every problem found, each with its line and field."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        return None, [Problem(path, 0, "", f"cannot read it ({exc.strerror or exc}).")]
    except UnicodeDecodeError as exc:
        return None, [Problem(path, 0, "", f"is not UTF-8 text ({exc.reason} at byte {exc.start}).")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        return None, [Problem(path, int(found.group(1)) if found else 0, "", f"not valid TOML ({exc}).")]
    problems = _unknown_fields(path, text, data)
    example: Example | None = None
    try:
        example = load_example(path)
    except ExampleError as exc:
        match = _FIELD_MESSAGE.match(str(exc))
        if match:
            fld, message = match.group(1), match.group(2)
            problems.insert(0, Problem(path, field_line(text, fld), fld, message))
        else:
            problems.insert(0, Problem(path, 0, "", str(exc).split(": ", 1)[-1]))
    problems.sort(key=lambda p: p.line)
    return (example if not problems else None), problems


def load_lecturer_example(text: str) -> Example:
    """The example file the lecturer named, or an :class:`ExampleError` listing every problem (one a line)."""
    example, problems = example_problems(Path(text).expanduser())
    if problems or example is None:
        raise ExampleError("\n".join(str(p) for p in problems))
    return example


def add_lecturer_example(app: Any, text: str) -> None:
    """Add the lecturer's file to ``app``'s examples and open on it; if it cannot be used, the app opens on
    its first example and shows every problem (``app.startup_problems``), one a line."""
    example, problems = example_problems(Path(text).expanduser())
    if example is None or problems:
        app.startup_problems = [str(p) for p in problems]
        return
    app.examples.append(example)
    app.initial_example = len(app.examples) - 1


def run_examples(args: argparse.Namespace) -> int:
    if args.template:
        from .example_template import TEMPLATE

        sys.stdout.write(TEMPLATE)
        return EXIT_OK
    code = EXIT_OK
    for name in args.check:
        example, problems = example_problems(Path(name).expanduser())
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems or example is None:
            code = EXIT_USAGE
        else:
            print(f"{name}: ok ({example.kind}: {example.title})")
    return code
