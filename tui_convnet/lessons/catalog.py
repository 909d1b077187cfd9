"""The lessons: which of the lecture's big ideas each one teaches, and from which slide."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LessonInfo:
    number: int
    key: str  # a short name: "sparse", "receptive", …
    title: str
    slide: str  # the lecture slide it comes from, as the lecture names it
    summary: str  # one line for the palette and the list

    @property
    def heading(self) -> str:
        """``Lesson 3 · The receptive field grows with depth``."""
        return f"Lesson {self.number} · {self.title}"

    @property
    def source(self) -> str:
        return f"From the lecture's slide “{self.slide}”"


LESSONS: tuple[LessonInfo, ...] = (
    LessonInfo(
        1,
        "pattern",
        "A kernel is a pattern detector",
        "Convolution (Diagonal edge) · Example: Edge Detection",
        "A diagonal-edge kernel is high exactly where its pattern is; [1, −1] finds vertical edges",
    ),
    LessonInfo(
        2,
        "sparse",
        "Sparse connectivity",
        "Sparse Connectivity (Goodfellow 2016)",
        "Which inputs an output depends on, in a convolution of width 3 and in a dense layer",
    ),
    LessonInfo(
        3,
        "receptive",
        "The receptive field grows with depth",
        "Deep Convolution Networks: Receptive Field Grows with Layers",
        "Select a cell of any layer: the part of the digit it depends on (3×3 … 18×18)",
    ),
    LessonInfo(
        4,
        "sharing",
        "Parameter sharing and translation invariance",
        "Parameter Sharing",
        "Shift the digit: the feature maps shift with it, exactly; the prediction stays",
    ),
    LessonInfo(
        5,
        "hierarchy",
        "A hierarchy of features",
        "Learn Hierarchies of Patterns",
        "The first layer's small edge maps beside the deepest layer's large shapes",
    ),
    LessonInfo(
        6,
        "dropout",
        "Dropout",
        "Can add a dropout layer (tf.keras.layers.Dropout(rate))",
        "A dense layer in training mode (a fresh mask each press) and in inference mode",
    ),
)


def lesson_info(key_or_number: str | int) -> LessonInfo:
    """The lesson called ``key_or_number`` (its key, or its number 1–6)."""
    for info in LESSONS:
        if key_or_number in (info.key, info.number, str(info.number)):
            return info
    known = ", ".join(f"{i.number} ({i.key})" for i in LESSONS)
    raise ValueError(f"There is no such lesson. Choose one of: {known}. Received: lesson={key_or_number!r}")
