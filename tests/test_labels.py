"""What the screens call the images and their classes: MNIST's words unchanged, another set's "images" and names."""

from __future__ import annotations

import numpy as np
import pytest

from tui_convnet.data.labels import DIGIT_NAMES, MNIST_LABELS, image_labels, labels_of
from tui_convnet.data.mnist import MnistData

SENTENCES = [
    "Test digits",
    "No test digit in this cell.",
    "[b]Test digit #3[/b] of 10,000",
    "Digit index out of range 0..9. Received: index=12",
    "Draw a digit on the canvas",
    "the digits are scaled; digitise is another word",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_mnist_keeps_every_sentence_as_it_was_written(text: str) -> None:
    assert MNIST_LABELS.say(text) is text  # byte-identical: the MNIST snapshots cannot change
    assert MNIST_LABELS.noun == "digit" and MNIST_LABELS.nouns == "digits"


def test_another_set_says_images_with_the_right_article_and_case() -> None:
    pets = image_labels(("cat", "dog"))
    said = [pets.say(text) for text in SENTENCES]
    assert said == [
        "Test images",
        "No test image in this cell.",
        "[b]Test image #3[/b] of 10,000",
        "Image index out of range 0..9. Received: index=12",
        "Draw an image on the canvas",
        "the images are scaled; digitise is another word",
    ]
    assert pets.noun == "image" and pets.nouns == "images"


def test_class_names_their_short_form_and_a_numbered_row() -> None:
    pets = image_labels(("airplane", "automobile", "cat"))
    assert [pets.name(i) for i in range(3)] == ["airplane", "automobile", "cat"]
    assert pets.name(7) == "7"  # no name for it: its number
    assert pets.short(0, 5) == "airp…" and pets.short(2, 5) == "cat"
    assert pets.numbered(1) == "1 automobile"
    assert image_labels(("0", "1")).numbered(1) == "1"  # a set without names: not "1 1"
    assert [MNIST_LABELS.numbered(d) for d in range(10)] == list(DIGIT_NAMES)


def test_labels_come_from_the_first_carrier_that_names_classes() -> None:
    x = np.zeros((2, 28, 28), np.uint8)
    mnist = MnistData(x, np.zeros(2, int), x, np.zeros(2, int), "sample", "s", full=False)
    shoes = MnistData(x, np.zeros(2, int), x, np.zeros(2, int), "path", "s", full=False, class_names=("a", "b"))

    class Model:
        class_names = ("left", "right")

    assert labels_of(None, mnist) is MNIST_LABELS
    assert labels_of(mnist, shoes).names == ("a", "b") and not labels_of(shoes).mnist
    assert labels_of(Model(), shoes).names == ("left", "right")
    assert image_labels(()) is MNIST_LABELS
