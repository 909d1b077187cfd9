"""The inspect screen's side panel: the test digit, its prediction, Grad-CAM, the Keras check, the accuracy.

It composes its widgets and shows what the screen gives it; the screen computes (numpy core) and decides.
"""

from __future__ import annotations

import numpy as np
from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...core import numbers
from ...data.labels import MNIST_LABELS, ClassLabels
from ..common.bars import ProbabilityBars
from ..common.digits import DigitView
from ..common.gradcam import GradCamView


class SidePanel(VerticalScroll, can_focus=False):
    """The digit, its prediction and the checks (scrolls with the mouse wheel on short terminals)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="inspect-digit-title")
        yield DigitView(np.zeros((28, 28), dtype=np.uint8), id="inspect-digit")
        yield Static("", id="inspect-field")
        yield Static("", id="inspect-prediction")
        yield ProbabilityBars(id="inspect-probs")
        yield GradCamView(id="inspect-gradcam")
        yield Static("", id="inspect-check")
        yield Static("", id="inspect-accuracy")

    def show_digit(
        self,
        index: int,
        total: int,
        digit: np.ndarray,
        label: int,
        probs: np.ndarray,
        *,
        keras_check: bool,
        labels: ClassLabels = MNIST_LABELS,
    ) -> None:
        """Test digit ``index`` of ``total``, its label, the model's probabilities; the check still to come
        (``labels``: another image set's words and class names)."""
        pred = int(np.argmax(probs))
        self.query_one("#inspect-digit-title", Static).update(labels.say(f"[b]Test digit #{index:,}[/b] of {total:,}"))
        self.query_one("#inspect-digit", DigitView).set_image(digit)
        verdict = "[$text-success]✓ correct[/]" if pred == label else "[b $text-error]✗ wrong[/]"
        shown_label, shown_pred = (
            (label, pred) if labels.mnist else (escape(labels.name(label)), escape(labels.name(pred)))
        )
        self.query_one("#inspect-prediction", Static).update(
            f"label [b]{shown_label}[/b], predicted [b]{shown_pred}[/b] {verdict}"
        )
        bars = self.query_one("#inspect-probs", ProbabilityBars)
        bars.labels = labels
        bars.set_probabilities(probs, label)
        self.query_one(GradCamView).labels = labels
        check = self.query_one("#inspect-check", Static)
        check.set_class(False, "-error")
        check.update(
            "[dim]numpy = Keras? Keras is computing the same layers…[/]"
            if keras_check
            else "[dim]numpy engine, no TensorFlow.[/]\n[b]k[/b]: check every layer against Keras (loads TensorFlow)"
        )

    def show_check(self, diffs: list[float], tolerance: float) -> None:
        """Keras' largest difference from the numpy engine over every layer."""
        check = self.query_one("#inspect-check", Static)
        worst = max(diffs) if diffs else 0.0
        ok = all(d < tolerance for d in diffs)
        check.set_class(not ok, "-error")
        check.update(
            f"[green]numpy = Keras ✓[/] ({len(diffs)} layers)\nmax |Δ| {worst:.1e} < {tolerance:.0e}"
            if ok
            else f"[b red]numpy ≠ Keras ✗[/]\nmax |Δ| {worst:.1e}, must be < {tolerance:.0e}"
        )

    def show_check_failed(self, error: str) -> None:
        """Keras could not compute the layers (the error is shown literally)."""
        check = self.query_one("#inspect-check", Static)
        check.update(Text.assemble(("Keras could not compute the layers: ", "bold red"), error))

    def show_accuracy(self, predicted: np.ndarray | None, labels: np.ndarray) -> None:
        """The numpy engine's accuracy on the test set (None: still predicting)."""
        accuracy = self.query_one("#inspect-accuracy", Static)
        if predicted is None:
            accuracy.update("Predicting the test set with the numpy engine…")
            return
        wrong = int(np.count_nonzero(predicted != labels))
        acc = 1 - wrong / len(labels)
        accuracy.update(
            f"Test accuracy [b]{numbers.percent(acc)}[/b] (numpy)\n{wrong:,}/{len(labels):,} wrong · [b]n[/b]: next"
        )
