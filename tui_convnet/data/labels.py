"""What the screens call the images and their classes: MNIST's "digits" 0-9, or another set's "images" and names.

:class:`ClassLabels` is pure (standard library only): the words (``digit``/``image``), a class's name, its
short form for a narrow column, and :meth:`ClassLabels.say`, which rewrites a sentence written for MNIST
("Test digits", "a digit") for another image set. For MNIST every method returns exactly what the screens
wrote before (their snapshots stay byte-identical). :func:`labels_of` reads them from a model or a data set
(whatever carries ``class_names``: an empty tuple means MNIST).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

#: MNIST's classes, named by their digit.
DIGIT_NAMES = tuple(str(d) for d in range(10))

_DIGIT_WORD = re.compile(r"\b(?:([Aa]) )?([Dd])igit(s?)\b")


def _image_word(match: re.Match[str]) -> str:
    article, d, plural = match.group(1), match.group(2), match.group(3)
    word = ("I" if d == "D" else "i") + "mage" + plural
    return f"{article}n {word}" if article else word


@dataclass(frozen=True)
class ClassLabels:
    """The classes of a data set and what the screens call its images."""

    names: tuple[str, ...] = DIGIT_NAMES
    #: MNIST: the images are "digits" and each class is named by its digit.
    mnist: bool = True

    @property
    def noun(self) -> str:
        """``digit`` or ``image``."""
        return "digit" if self.mnist else "image"

    @property
    def nouns(self) -> str:
        """``digits`` or ``images``."""
        return f"{self.noun}s"

    def say(self, text: str) -> str:
        """``text`` (written for MNIST) for these images: "digit(s)" becomes "image(s)"; MNIST: ``text`` itself."""
        if self.mnist:
            return text
        return _DIGIT_WORD.sub(_image_word, text)

    def name(self, index: int) -> str:
        """Class ``index``'s name (its number when there is no name for it)."""
        return self.names[index] if 0 <= index < len(self.names) else str(index)

    def short(self, index: int, width: int) -> str:
        """The name cut to ``width`` characters (an ellipsis marks a cut)."""
        name = self.name(index)
        return name if len(name) <= width else name[: max(width - 1, 0)] + "…"

    def numbered(self, index: int) -> str:
        """``3`` for MNIST; ``3 cat`` for another set (its number and its name, unless the name is the number)."""
        name = self.name(index)
        return name if self.mnist or name == str(index) else f"{index} {name}"


#: MNIST's labels: the digits 0-9.
MNIST_LABELS = ClassLabels()


def image_labels(names: Sequence[str]) -> ClassLabels:
    """The labels of another image set, or MNIST's when ``names`` is empty."""
    return ClassLabels(tuple(names), mnist=False) if names else MNIST_LABELS


def labels_of(*carriers: object) -> ClassLabels:
    """The labels of the first of ``carriers`` (a model, a data set, None) that names its classes; else MNIST's."""
    for carrier in carriers:
        names = getattr(carrier, "class_names", ())
        if names:
            return image_labels(tuple(str(n) for n in names))
    return MNIST_LABELS
