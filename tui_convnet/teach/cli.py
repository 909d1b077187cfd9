"""The lecturer's commands on the command line: ``quiz``, ``handout`` and ``examples`` (``code`` is
declared in :mod:`tui_convnet.cli` with the training options it shares with ``train``).

This module imports only the standard library: ``convnet-tui`` builds its parser on every start, and
the explorer must not wait for the quiz. :func:`run` imports the command's module when it runs.
"""

from __future__ import annotations

import argparse
from typing import Any

#: The largest number of questions on a sheet (kept equal to quiz_make.MAX_COUNT by a test).
MAX_QUESTIONS = 200


def add_parsers(sub: Any) -> None:
    """Declare ``quiz``, ``handout`` and ``examples`` on the subparsers ``sub``."""
    q = sub.add_parser(
        "quiz",
        help="print a quiz sheet and its answer key (exact answers, from a seed)",
        description="Questions from the lecture's examples and the core: output cells, output sizes, parameter "
        "counts, receptive fields, pooling winners. The same seed gives the same sheet.",
    )
    q.add_argument("--seed", type=int, default=0, metavar="S", help="the sheet's seed (default 0)")
    q.add_argument("--count", type=int, default=10, metavar="N", help=f"how many questions, 1 to {MAX_QUESTIONS} (10)")
    q.add_argument("--format", choices=("md", "json"), default="md", help="Markdown (default) or JSON")
    q.add_argument("-o", "--output", metavar="FILE", help="write the sheet to FILE (atomically), not stdout")

    h = sub.add_parser(
        "handout",
        help="write every step of an example as a printable handout (Markdown or HTML)",
        description="The input, the kernels, the window and arithmetic of every step, the output volume and the "
        "notes where the slide is corrected, as Markdown or one self-contained HTML page.",
    )
    h.add_argument("example", metavar="EXAMPLE", help="a built-in example (number or name, e.g. 01) or a .toml file")
    h.add_argument("--format", choices=("md", "html"), default="md", help="Markdown (default) or HTML")
    h.add_argument("-o", "--output", metavar="FILE", help="write the handout to FILE (atomically), not stdout")

    e = sub.add_parser(
        "examples",
        help="the lecturer's own example files: a commented template, or check a file",
        description="Example files are TOML, in the built-in examples' format (docs/guide/examples-format.md).",
    )
    what = e.add_mutually_exclusive_group(required=True)
    what.add_argument("--template", action="store_true", help="print a commented template of an example file")
    what.add_argument("--check", metavar="PATH", nargs="+", help="validate example files without opening the app")


def run(args: argparse.Namespace) -> int:
    if args.command == "code":
        from .code_cli import run_code

        return run_code(args)
    if args.command == "quiz":
        from .quiz_sheet import run_quiz

        return run_quiz(args)
    if args.command == "handout":
        from .handout import run_handout

        return run_handout(args)
    from .example_files import run_examples

    return run_examples(args)
