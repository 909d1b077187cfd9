"""Another image set on the screens (``convnet-tui --data``): the line about the data, the class names in a column.

Pure Rich (no widgets): the training panel, the Results tab and the inspect screen show what these return.
The class names come from the user's file: they are always shown as plain text, never parsed as markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from ...data.labels import MNIST_LABELS, ClassLabels, labels_of

if TYPE_CHECKING:
    from ...data.mnist import MnistData

#: The most characters of class names the data line lists (a set of 100 classes names the first few).
NAMES_SHOWN = 120


def shape_words(data: MnistData) -> str:
    """``32x32 RGB`` or ``28x28 grey``."""
    h, w = data.x_train.shape[1:3]
    return f"{h}x{w} {'RGB' if data.x_train.ndim == 4 else 'grey'}"


def names_line(labels: ClassLabels, limit: int = NAMES_SHOWN) -> str:
    """``cat, dog, fish`` (cut with ``…`` past ``limit`` characters)."""
    line = ", ".join(labels.names)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def image_set_text(data: MnistData) -> Text:
    """The training panel's data line for another image set: its shape, classes, sizes, names and file."""
    labels = labels_of(data)
    return Text.assemble(
        ("Data: ", "bold"),
        f"{shape_words(data)} images, {len(labels.names)} classes\n",
        (f"{len(data.x_train):,}", "bold"),
        " training · ",
        (f"{len(data.x_test):,}", "bold"),
        " test images\n",
        ("Classes: ", "bold"),
        names_line(labels),
        "\n",
        (Path(data.location).name, "dim"),
    )


def class_cell(labels: ClassLabels, index: int, width: int) -> str:
    """A column header: the digit for MNIST, the class name cut to ``width`` for another set."""
    return str(index) if labels.mnist else labels.short(index, width)


class ImageWords:
    """A screen's words for the images it shows: :attr:`labels` (MNIST's, until the screen is given another set's)
    and :meth:`say`, which the footer also uses for the screen's keys ("n/p Images")."""

    #: What the screen calls the images and their classes (MNIST's digits, or another set's names).
    labels: ClassLabels = MNIST_LABELS

    def say(self, text: str) -> str:
        """``text`` in this screen's words ("images" instead of "digits" for another image set)."""
        return self.labels.say(text)

    def take_words(self, *carriers: object, help_text: str = "") -> bool:
        """The words of the first of ``carriers`` (a model, data) that names its classes; for another image set,
        the screen's help (``help_text``) and footer in them too. True when they are not MNIST's."""
        self.labels = labels_of(*carriers)
        if help_text:  # MNIST's: the text itself
            setattr(self, "HELP", self.labels.say(help_text))  # noqa: B010  # this screen's help (? reads HELP)
        refresh = getattr(self, "refresh_bindings", None)
        if refresh is not None:
            refresh()  # the footer's keys, in these words
        return not self.labels.mnist


def colour_model_line() -> str:
    """The draw screen's one line for a model of 32x32 colour images (drawing keeps the model it had); what matters
    first, so that 80 columns show it."""
    return (
        "[b]This model reads 32x32 colour images[/b]: [i]convnet-tui --data SET --image FILE[/i] shows it one "
        "(drawing keeps the model below)"
    )
