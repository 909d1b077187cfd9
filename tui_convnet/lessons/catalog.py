"""The lessons: which of the lecture's big ideas each one teaches, and from which slide; and the
contents — one numbered list of everything a student can open, examples first, then the lessons.

A lesson has no number of its own: the code names it by its key (``"sparse"``), and its number is
its place in the contents (lesson 13 is the first lesson after the twelve examples), the one
numbering the contents, the palette, the screens' titles and the docs share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..core import Example


@dataclass(frozen=True)
class LessonInfo:
    key: str  # a short name: "sparse", "receptive", …
    title: str
    slide: str  # the lecture slide it comes from, as the lecture names it
    summary: str  # one line for the palette and the list

    @property
    def source(self) -> str:
        return f"From the lecture's slide “{self.slide}”"


LESSONS: tuple[LessonInfo, ...] = (
    LessonInfo(
        "pattern",
        "A kernel is a pattern detector",
        "Convolution (Diagonal edge) · Example: Edge Detection",
        "A diagonal-edge kernel is high exactly where its pattern is; [1, −1] finds vertical edges",
    ),
    LessonInfo(
        "sparse",
        "Sparse connectivity",
        "Sparse Connectivity (Goodfellow 2016)",
        "Which inputs an output depends on, in a convolution of width 3 and in a dense layer",
    ),
    LessonInfo(
        "receptive",
        "The receptive field grows with depth",
        "Deep Convolution Networks: Receptive Field Grows with Layers",
        "Select a cell of any layer: the part of the digit it depends on (3×3 … 18×18)",
    ),
    LessonInfo(
        "sharing",
        "Parameter sharing and translation invariance",
        "Parameter Sharing",
        "Shift the digit: the feature maps shift with it, exactly; the prediction mostly stays",
    ),
    LessonInfo(
        "hierarchy",
        "A hierarchy of features",
        "Learn Hierarchies of Patterns",
        "The first layer's small edge maps beside the deepest layer's large shapes",
    ),
    LessonInfo(
        "dropout",
        "Dropout",
        "Can add a dropout layer (tf.keras.layers.Dropout(rate))",
        "A dense layer in training mode (a fresh mask each press) and in inference mode",
    ),
)


#: The backpropagation lessons that run on screens of their own; the first one, the
#: gradient of a kernel, is an explorer example.
BACKPROP_LESSONS: tuple[LessonInfo, ...] = (
    LessonInfo(
        "learn",
        "Learn a kernel by gradient descent",
        "Weights (Kernel) need to be learned using training data and backpropagation",
        "A random 3x3 kernel learns a diagonal-edge detector on four digits: w ← w − lr·dL/dw, key by key",
    ),
    LessonInfo(
        "network",
        "Backpropagation through the network",
        "Weights (Kernel) need to be learned using training data and backpropagation",
        "One digit's gradient flowing back layer by layer, with max pooling's routing",
    ),
)


#: The lecturer's entries after the lessons: the slides' data preparation, step by step, on a real digit.
TEACH_LESSONS: tuple[LessonInfo, ...] = (
    LessonInfo(
        "data",
        "Preparing the data, step by step",
        "Handwritten Digit Recognition Example: preparing the data",
        "A real digit and its label through the slide's three lines: shape, dtype and values before and after",
    ),
)


@dataclass(frozen=True)
class ExampleEntry:
    """An explorer example in the contents: ``index`` is its place in the app's example list."""

    number: int
    title: str
    source: str
    index: int

    @property
    def label(self) -> str:
        return f"Example {self.number:02d}: {self.title}"


@dataclass(frozen=True)
class LessonEntry:
    """A lesson with a screen of its own in the contents."""

    number: int
    info: LessonInfo

    @property
    def title(self) -> str:
        return self.info.title

    @property
    def source(self) -> str:
        return self.info.source

    @property
    def label(self) -> str:
        return f"Lesson {self.number:02d}: {self.title}"


ContentsEntry = ExampleEntry | LessonEntry


def contents(examples: Sequence[Example]) -> tuple[ContentsEntry, ...]:
    """Everything a student can open, numbered 01, 02, … in one list: the explorer's examples in their
    order (the lecture's, lesson 1's, the kernel gradient's), then the lessons' screens (the
    six, then the two backpropagation screens, then the data preparation), then the examples that go
    beyond the lecture (``after_lessons``: the transposed convolution). The palette and the contents list
    both show it."""
    lecture = [i for i, ex in enumerate(examples) if not ex.after_lessons]
    entries: list[ContentsEntry] = [
        ExampleEntry(number, examples[i].title, examples[i].source, i) for number, i in enumerate(lecture, 1)
    ]
    first = len(entries) + 1
    entries.extend(LessonEntry(n, info) for n, info in enumerate((*LESSONS, *BACKPROP_LESSONS, *TEACH_LESSONS), first))
    beyond = [i for i, ex in enumerate(examples) if ex.after_lessons]  # the transposed convolution's entries
    entries.extend(
        ExampleEntry(n, examples[i].title, examples[i].source, i) for n, i in enumerate(beyond, len(entries) + 1)
    )
    return tuple(entries)


def lesson_entry(entries: Sequence[ContentsEntry], key: str) -> LessonEntry:
    """The entry of the lesson called ``key`` ("sparse", "learn", …) in ``entries``."""
    for entry in entries:
        if isinstance(entry, LessonEntry) and entry.info.key == key:
            return entry
    raise ValueError(f"There is no such lesson in the contents. Received: key={key!r}")


def lesson_info(key: str) -> LessonInfo:
    """The lesson of the lessons screen called ``key`` (``"sparse"``, …)."""
    for info in LESSONS:
        if key == info.key:
            return info
    known = ", ".join(i.key for i in LESSONS)
    raise ValueError(f"There is no such lesson. Choose one of: {known}. Received: lesson={key!r}")
