"""The model summary drawn at the width there is: with its formulas, as Keras prints it, or compact."""

from __future__ import annotations

import pytest
from rich.console import Console

from tui_convnet.core import mnist_convnet
from tui_convnet.model.summary import FittedSummary


def drawn(width: int) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(FittedSummary(mnist_convnet()))
    return console.export_text()


@pytest.mark.parametrize(
    ("width", "shows", "hides"),
    [
        (80, ["(None, 26, 26, 32)", "(28 − 3 + 2·0) / 1 + 1 = 26", "32·(3·3·1) + 32"], ["26×26×32"]),
        (66, ["(None, 26, 26, 32)", "conv2d (Conv2D)", "Param #"], ["(28 − 3", "26×26×32"]),
        (42, ["26×26×32", "(MaxPooling2D)", "18,496", "Params"], ["(None,", "…"]),
    ],
)
def test_the_most_detailed_form_that_fits_and_nothing_cut(width: int, shows: list[str], hides: list[str]) -> None:
    """At 80 columns beside the training form the table had 42 cells and was cut to "Layer…", "(Conv…"."""
    text = drawn(width)
    assert max(len(line) for line in text.splitlines()) <= width
    for words in shows:
        assert words in text, (width, words)
    for words in hides:
        assert words not in text, (width, words)
