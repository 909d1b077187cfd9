"""The app's examples: the built-in ones (files, lessons, transposed convolutions) read once and frozen,
and one of them found by the name the command line gives (``--example 04``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import cache

import numpy as np

from ..core import Example, ExampleError, load_examples


def find_example(examples: Sequence[Example], name: str) -> int:
    """Index of the example called ``name``: its file name, number prefix (``4``, ``04``) or a title word."""
    wanted = name.strip().lower()
    for i, ex in enumerate(examples):
        number = ex.key.split("_", 1)[0]
        if wanted in (ex.key.lower(), number, number.lstrip("0")):
            return i
    matches = [i for i, ex in enumerate(examples) if wanted in ex.key.lower() or wanted in ex.title.lower()]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(ex.key for ex in examples)
    if not wanted:
        raise ValueError(f"The example name is empty. Choose one of: {known}. Received: example={name!r}")
    what = "is ambiguous" if matches else "is not a built-in example"
    raise ValueError(f"{name[:60]!r} {what}. Choose one of: {known}. Received: example={name[:60]!r}")


@cache
def builtin_examples() -> tuple[Example, ...]:
    """The bundled examples and the lessons stepped in the explorer, read once per process.

    Every array in them is made read-only: an example is shared by every app of the process (the tests
    start hundreds), so nothing may edit one in place (the explorer edits copies).
    """
    try:
        examples = load_examples()
    except ExampleError as exc:
        raise ValueError(f"A built-in example is broken: {exc}") from None
    from ..explore.gradient_example import lesson_examples
    from ..explore.transpose_example import transpose_examples
    from ..explore.transpose_gradient import transpose_gradient_example
    from ..lessons.catalog import contents

    base = (*examples, *lesson_examples(examples))
    first = len(contents(base)) + 1  # the entries after the lessons are numbered as the contents lists them
    every = (*base, *transpose_examples(first), transpose_gradient_example(first + 2))
    for example in every:
        _freeze_arrays(example)
    return every


def _freeze_arrays(value: object) -> None:
    """Make every array in ``value`` (an example, its dataclass fields, tuples and lists of them) read-only."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            _freeze_arrays(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for item in value:
            _freeze_arrays(item)
