"""The backpropagation lessons that are not a step-by-step grid: learn a kernel (here), and the gradient
flowing back through the whole network (:mod:`.network_gradient`); :func:`lesson_screen` opens either.

Both screens only compose, bind keys and push a pure state down to widgets:
the state and its arithmetic live in :mod:`tui_convnet.core.lessons`
(tested without an app).  (The first lesson, the gradient of one kernel
cell by cell, runs in the explorer: :mod:`tui_convnet.explore.gradient`.)
"""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Label, Static

from ...core import numbers
from ...core.lessons import (
    TARGET_KERNELS,
    LearnState,
    learn_step,
    start_learning,
    update_line,
    with_learning_rate,
)
from ..common.footer import KeysFooter
from ..common.heatmap import Heatmap, scale_for
from ..common.plot import LinePlot, Series
from .backprop_base import STYLES, LessonScreen, Title
from .network_gradient import NetworkGradientScreen as NetworkGradientScreen
from .value_grid import ValueGrid

#: Learning rates the + and − keys move through (×2 each): 4 and 8 diverge on the digits.
LEARNING_RATES = (0.0625, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
DEFAULT_RATE = 1.0
#: How many digits the kernel learns on.
LEARN_DIGITS = 4


def bundled_digits(count: int) -> np.ndarray:
    """The first ``count`` test digits of the bundled sample, scaled to [0, 1], ``(count, 28, 28)``."""
    from ...data.mnist import bundled_digit

    return np.stack([bundled_digit(i)[0] for i in range(count)]).astype(np.float64) / 255.0


# --------------------------------------------------------------------------- lesson 2: learn a kernel


class LearnKernelScreen(LessonScreen):
    """Lesson: one 3x3 kernel learns, by gradient descent, to reproduce a target kernel's output."""

    LESSON_KEY = "learn"

    CSS_PATH = [STYLES / "backprop.tcss"]
    AUTO_FOCUS = ""

    HELP = """\
**Learn a kernel.** A 3×3 kernel starts from random values and learns, by gradient descent on a few
digits, to give the same output as a target kernel (a diagonal-edge detector, or the edge kernel
[1, −1]). The loss is L = ½·mean((o − t)²) over every output cell; each step moves every weight
against its gradient: w ← w − lr·dL/dw. Raise the learning rate (+) to see the loss explode.
"""

    BINDINGS = [
        Binding("right,l,space", "step", "Step", key_display="→"),
        Binding("left,h", "undo", "Undo", key_display="←", tooltip="Undo the last step"),
        Binding("up,k", "select(-1)", "Weight", key_display="↑/↓"),
        Binding("down,j", "select(1)", "Next weight", show=False),
        Binding("plus,equals_sign", "rate(1)", "lr ×2", key_display="+/−"),
        Binding("minus", "rate(-1)", "lr ÷2", show=False),
        Binding("g", "target", "Target"),
        Binding("r", "restart", "Restart", show=False, tooltip="Start again from the random kernel"),
        Binding("n", "next_lesson", "Lesson", key_display="n/N", tooltip="The next lesson: backpropagation"),
        Binding("N", "back", "Previous lesson", show=False),
        Binding("escape", "back", "Back", key_display="Esc", tooltip="Back to the screen this lesson was opened from"),
    ]

    state: reactive[LearnState | None] = reactive(None, init=False, always_update=True)
    selected: reactive[int] = reactive(4, init=False)

    def __init__(self, images: np.ndarray | None = None) -> None:
        super().__init__()
        self._images = images
        self._history: list[LearnState] = []
        self._target = 0
        self._rate = DEFAULT_RATE

    def compose(self) -> ComposeResult:
        with Vertical(id="lesson"):
            yield Title(id="title")
            with Horizontal(id="learn-top"):
                with Vertical(id="learn-grids"):
                    yield ValueGrid("kernel w", id="grid-kernel")
                    yield ValueGrid("dL/dw", id="grid-grad")
                    yield ValueGrid("target w*", id="grid-target")
                with Vertical(classes="map-box"):
                    yield Label("output o = x ⋆ w", classes="map-title", id="lbl-output")
                    yield Heatmap(id="map-output")
                with Vertical(classes="map-box"):
                    yield Label("target t = x ⋆ w*", classes="map-title")
                    yield Heatmap(id="map-target")
            yield Static(id="update-line")
            yield Label("loss over the steps (log₁₀)", classes="map-title", id="lbl-loss")
            yield LinePlot([Series("log₁₀ loss", "dodger_blue1")], y_floor=None, id="loss-plot")
        yield KeysFooter()

    def on_mount(self) -> None:
        if self._images is None:
            self._images = bundled_digits(LEARN_DIGITS)
        self.action_restart()

    # ----------------------------------------------------------------- actions

    def _target_name(self) -> str:
        return list(TARGET_KERNELS)[self._target]

    def action_restart(self) -> None:
        assert self._images is not None
        self._history = []
        self.state = start_learning(self._images, TARGET_KERNELS[self._target_name()], lr=self._rate)

    def action_step(self) -> None:
        if self.state is None:
            return
        if self.state.diverged:
            self.notify("The loss has blown up: lower the learning rate (−) and restart (r).", markup=False)
            return
        self._history.append(self.state)
        self.state = learn_step(self.state)

    def action_undo(self) -> None:
        if self._history:
            self.state = self._history.pop()

    def action_select(self, delta: int) -> None:
        self.selected = (self.selected + delta) % 9

    def action_rate(self, delta: int) -> None:
        if self.state is None:
            return
        i = LEARNING_RATES.index(self._rate) if self._rate in LEARNING_RATES else 4
        self._rate = LEARNING_RATES[min(max(i + delta, 0), len(LEARNING_RATES) - 1)]
        self.state = with_learning_rate(self.state, self._rate)

    def action_target(self) -> None:
        self._target = (self._target + 1) % len(TARGET_KERNELS)
        self.action_restart()

    # ----------------------------------------------------------------- pushing the state down

    def watch_selected(self) -> None:
        if self.state is not None:
            self._show(self.state)

    def watch_state(self, state: LearnState | None) -> None:
        if state is not None:
            self._show(state)

    def _show(self, state: LearnState) -> None:
        row, col = divmod(self.selected, 3)
        weights = np.concatenate([state.kernel.ravel(), state.target_kernel.ravel()])
        finite = weights[np.isfinite(weights)]
        scale = float(np.max(np.abs(finite))) if finite.size else 1.0
        kernel = self.query_one("#grid-kernel", ValueGrid)
        kernel.set_values(state.kernel, scale=scale)
        kernel.selected = (row, col)
        grad = self.query_one("#grid-grad", ValueGrid)
        grad.set_values(state.grad)
        grad.selected = (row, col)
        self.query_one("#grid-target", ValueGrid).set_values(state.target_kernel, scale=scale)
        maps = np.stack([state.outputs[0, :, :, 0], state.targets[0, :, :, 0]])
        vmin, vmax = scale_for(maps[np.isfinite(maps)], "diverging")
        self.query_one("#map-output", Heatmap).set_values(
            np.nan_to_num(maps[0], posinf=vmax, neginf=vmin), palette="diverging", scale=(vmin, vmax)
        )
        self.query_one("#map-target", Heatmap).set_values(maps[1], palette="diverging", scale=(vmin, vmax))
        line = Text(no_wrap=True, overflow="ellipsis")
        if state.diverged:
            line.append("the loss blew up: − lowers the learning rate, r restarts", "bold")
        else:
            line.append("next step: ", "bold")
            line.append(update_line(state, row, col))
        self.query_one("#update-line", Static).update(line)
        plot = self.query_one("#loss-plot", LinePlot)
        with np.errstate(divide="ignore"):
            points = [(float(i), float(np.log10(v))) for i, v in enumerate(state.losses) if np.isfinite(v) and v > 0]
        plot.series[0].points = points
        plot.x_max = float(max(10, len(state.losses) - 1))
        plot.changed()
        self.query_one("#title", Title).update(
            Text(
                f"{self.lesson_heading('learn', 'Learn a kernel')} ({self._target_name()}) · step {state.step} · "
                f"lr {numbers.plain(state.lr, decimals=4)} · loss {_loss_text(state.loss)}"
                + (" · diverged" if state.diverged else ""),
                no_wrap=True,
                overflow="ellipsis",
            )
        )


def _loss_text(loss: float) -> str:
    if not np.isfinite(loss):
        return "inf"
    return f"{loss:.4g}"


# --------------------------------------------------------------------------- the command palette


def lesson_screen(key: str) -> Screen[None]:
    """The screen of the backpropagation lesson called ``key`` (see ``lessons.catalog.BACKPROP_LESSONS``)."""
    screens: dict[str, type[Screen[None]]] = {"learn": LearnKernelScreen, "network": NetworkGradientScreen}
    if key not in screens:
        raise ValueError(f"There is no such backpropagation lesson. Received: key={key!r}")
    return screens[key]()
