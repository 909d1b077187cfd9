"""The contents: one numbering for every example and lesson, each with the slide it comes from."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tui_convnet.core import load_examples
from tui_convnet.explore.gradient_example import lesson_examples
from tui_convnet.lessons.catalog import (
    BACKPROP_LESSONS,
    LESSONS,
    TEACH_LESSONS,
    ExampleEntry,
    LessonEntry,
    contents,
    lesson_entry,
)

if TYPE_CHECKING:
    from tui_convnet.lessons.catalog import ContentsEntry


@pytest.fixture(scope="module")
def entries() -> tuple[ContentsEntry, ...]:
    examples = load_examples()
    return contents([*examples, *lesson_examples(examples)])


def test_examples_then_lessons_numbered_once_each(entries: tuple[ContentsEntry, ...]) -> None:
    assert [e.number for e in entries] == list(range(1, 22))
    assert all(isinstance(e, ExampleEntry) for e in entries[:12])
    assert [e.index for e in entries[:12] if isinstance(e, ExampleEntry)] == list(range(12))
    assert [e.info for e in entries[12:] if isinstance(e, LessonEntry)] == [*LESSONS, *BACKPROP_LESSONS, *TEACH_LESSONS]
    labels = [e.label for e in entries]
    assert labels[0] == "Example 01: cs231n: two 3x3x3 filters, stride 2, padding 1"
    assert labels[9] == "Example 10: A diagonal-edge kernel is high exactly where its pattern is"
    assert labels[11] == "Example 12: The gradient of a kernel: cs231n with a target output"
    assert labels[12] == "Lesson 13: A kernel is a pattern detector"
    assert labels[19] == "Lesson 20: Backpropagation through the network"
    assert labels[20] == "Lesson 21: Preparing the data, step by step"


def test_every_entry_names_where_it_comes_from(entries: tuple[ContentsEntry, ...]) -> None:
    for entry in entries:
        assert entry.source, entry.label
    assert all(e.source.startswith("From the lecture's slide") for e in entries if isinstance(e, LessonEntry))
    assert entries[2].source.startswith("Lecture slide 'Example: Edge Detection'")


def test_lesson_entry_by_key(entries: tuple[ContentsEntry, ...]) -> None:
    assert lesson_entry(entries, "receptive").number == 15
    assert lesson_entry(entries, "learn").number == 19
    with pytest.raises(ValueError, match=r"There is no such lesson in the contents\. Received: key='nope'"):
        lesson_entry(entries, "nope")
    assert isinstance(lesson_entry(contents([]), "sparse"), LessonEntry)  # numbers start after the examples
    assert lesson_entry(contents([]), "sparse").number == 2
