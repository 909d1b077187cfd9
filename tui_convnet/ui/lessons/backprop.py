"""The backpropagation lessons that are not a step-by-step grid: learn a kernel, and the gradient
flowing back through the whole network.

Both screens only compose, bind keys and push a pure state down to widgets:
the state and its arithmetic live in :mod:`tui_convnet.core.lessons`
(tested without an app).  (The first lesson, the gradient of one kernel
cell by cell, runs in the explorer: :mod:`tui_convnet.explore.gradient`.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Label, Static

from ...core import numbers
from ...core.lessons import (
    TARGET_KERNELS,
    LearnState,
    NetworkGradients,
    learn_step,
    network_gradients,
    start_learning,
    update_line,
    with_learning_rate,
)
from ...teach.layer_names import KERAS_NAMES_NOTE, slide_named
from ..common.footer import KeysFooter
from ..common.heatmap import Heatmap, HeatmapGrid, glyph_legend, layer_strips, no_color, quantise, scale_for
from ..common.messages import ModelReady
from ..common.plot import LinePlot, Series
from ..common.session import session_app
from ..common.session_model import session_model
from .value_grid import ValueGrid

STYLES = Path(__file__).resolve().parent  # the .tcss files sit beside their screen

#: Learning rates the + and − keys move through (×2 each): 4 and 8 diverge on the digits.
LEARNING_RATES = (0.0625, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
DEFAULT_RATE = 1.0
#: How many digits the kernel learns on.
LEARN_DIGITS = 4


def bundled_digits(count: int) -> np.ndarray:
    """The first ``count`` test digits of the bundled sample, scaled to [0, 1], ``(count, 28, 28)``."""
    from ...data import bundled_digit

    return np.stack([bundled_digit(i)[0] for i in range(count)]).astype(np.float64) / 255.0


class Title(Static):
    """The lesson's one-line title and status."""


class LessonScreen(Screen[None]):
    """A backpropagation lesson's screen: pushed over the screen it was opened from; Esc goes back; x asks a
    question on the lesson (:mod:`.quiz_key`)."""

    #: The lesson's key in ``lessons.catalog`` (what x asks about).
    LESSON_KEY = ""
    BINDINGS = [
        Binding("x", "quiz", "Quiz", show=False, tooltip="A question on this lesson: predict, then see the arithmetic"),
    ]

    def __init__(self) -> None:
        super().__init__()
        #: Where the quiz's questions are drawn from (a test seeds it).
        self.quiz_rng = np.random.default_rng()

    def action_quiz(self) -> None:
        from .quiz_key import ask_lesson_question

        ask_lesson_question(self, self.LESSON_KEY, self.quiz_rng)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_next_lesson(self) -> None:
        """The next lesson in the contents, in this one's place (Esc still goes back where this one came from)."""
        self.app.switch_screen(lesson_screen("network"))

    def lesson_heading(self, key: str, title: str) -> str:
        """``Lesson 19 · Learn a kernel by gradient descent``: its number in the app's contents."""
        from ...lessons.catalog import contents, lesson_entry

        examples = session_app(self).examples
        return f"Lesson {lesson_entry(contents(examples), key).number:02d} · {title}"


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


# --------------------------------------------------------------------------- lesson 3: through the network


class GradientsReady(Message):
    """The network's gradients for one digit (computed in a worker)."""

    def __init__(self, result: NetworkGradients | None, image: np.ndarray | None, source: str, error: str = "") -> None:
        super().__init__()
        self.result, self.image, self.source, self.error = result, image, source, error


#: Channels shown per layer (the rest are summarised in the label).
MAX_CHANNELS = 8
#: Below this width the network lesson leaves out the dL/dx map (the status needs the room).
NARROW_BELOW = 110


class NetworkGradientScreen(LessonScreen):
    """Lesson: the gradient of one digit's loss flowing back through the network, layer by layer."""

    LESSON_KEY = "network"

    CSS_PATH = [STYLES / "backprop.tcss"]
    AUTO_FOCUS = ""

    HELP = """\
**Backpropagation through the network.** One digit goes forward through the model trained or
loaded in this session (the bundled trained model until there is one: the status says which); the
loss (cross-entropy of the true label) sends a gradient back. Each step goes one layer further
back and shows dL/d(output of that layer) as heatmaps (blue negative, red positive). Max pooling
sends each window's gradient only to the cell that won the window: the routed map is zero
everywhere else. Dense layers are shown as one row of values. Esc goes back.
"""

    BINDINGS = [
        Binding("right,l", "step(1)", "Layer", key_display="←/→", tooltip="Back one layer (toward the input)"),
        Binding("left,h", "step(-1)", "Forward one layer", show=False, tooltip="Forward one layer (toward the loss)"),
        Binding("n", "digit(1)", "Digit", key_display="n/N", tooltip="Next digit"),
        Binding("N", "digit(-1)", "Previous digit", show=False),
        Binding("c", "channels", "More channels"),
        Binding("escape", "back", "Back", key_display="Esc", tooltip="Back to the screen this lesson was opened from"),
        # at 80x24 the gradient routed back sits below the screen: the keyboard reaches it
        Binding("pagedown", "scroll_maps(1)", "Scroll", key_display="PgUp/PgDn", show=False, tooltip="Scroll the maps"),
        Binding("pageup", "scroll_maps(-1)", "Scroll up", show=False),
    ]

    result: reactive[NetworkGradients | None] = reactive(None, init=False, always_update=True)
    position: reactive[int] = reactive(0, init=False)

    def __init__(self, model: Any = None, digit: int = 0) -> None:
        super().__init__()
        self._model = model  # (spec, weights, description), or None: the session's model, else the bundled one
        self._digit = digit
        self._page = 0
        self._source = ""
        self._image: np.ndarray | None = None
        self._ready: ModelReady | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="lesson"):
            yield Title(id="title")
            with Horizontal(id="net-top"):
                with Vertical(classes="map-box"):
                    yield Label("the digit", classes="map-title")
                    yield Heatmap(id="map-digit")
                with Vertical(classes="map-box", id="box-dx"):
                    yield Label("dL/dx", classes="map-title")
                    yield Heatmap(id="map-dx")
                yield Static(id="net-status")
            with VerticalScroll(id="net-maps"):
                yield Label(id="lbl-grad", classes="map-title")
                yield HeatmapGrid(palette="diverging", label="dL/d ch", id="grid-grad")
                yield Label(id="lbl-back", classes="map-title")
                yield HeatmapGrid(palette="diverging", label="ch", id="grid-back")
        yield KeysFooter()

    def action_scroll_maps(self, pages: int) -> None:
        maps = self.query_one("#net-maps", VerticalScroll)
        if pages > 0:
            maps.scroll_page_down(animate=False)
        else:
            maps.scroll_page_up(animate=False)

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < NARROW_BELOW, "-narrow")
        if self._model is None:  # the session's model when there is one (now or later), else the bundled one
            self.watch(self.app, "trained", self._trained_changed, init=True)
        else:
            self._compute()

    def _trained_changed(self, ready: ModelReady | None) -> None:
        self._ready = ready
        self._compute()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW_BELOW, "-narrow")

    def _choose_model(self) -> tuple[Any, Any, str]:
        """The model given, else the session's (trained or loaded), else the bundled one — and its name."""
        if self._model is not None:
            spec, weights, source = self._model
            return spec, weights, str(source)
        if self._ready is not None:
            try:
                return session_model(self._ready)
            except Exception as exc:  # an architecture the numpy engine cannot run, or Keras failing
                spec, weights, source = _bundled()
                return spec, weights, f"{source} (the session's model cannot be used: {exc})"
        return _bundled()

    @work(thread=True, exclusive=True)
    def _compute(self) -> None:
        try:
            spec, weights, source = self._choose_model()
            from ...data import bundled_digit

            image, label = bundled_digit(self._digit)
            x = (image.astype(np.float32) / 255.0)[:, :, None]
            result = network_gradients(spec, weights, x, label)
        except (ValueError, OSError) as exc:
            self.post_message(GradientsReady(None, None, "", str(exc)))
            return
        self.post_message(GradientsReady(result, x[:, :, 0], source))

    def on_gradients_ready(self, message: GradientsReady) -> None:
        if message.result is None:
            self.query_one("#title", Title).update(Text(f"Cannot compute the gradients: {message.error}"))
            return
        self._source = message.source
        self._image = message.image
        self.position = 0
        self.result = message.result

    def action_step(self, delta: int) -> None:
        if self.result is not None:
            self._page = 0
            self.position = min(max(self.position + delta, 0), len(self.result.layers) - 1)

    def action_digit(self, delta: int) -> None:
        self._digit = max(self._digit + delta, 0)
        self._compute()

    def action_channels(self) -> None:
        if self.result is not None:
            self._page += 1
            self._show(self.result)

    def watch_position(self) -> None:
        if self.result is not None:
            self._show(self.result)

    def watch_result(self, result: NetworkGradients | None) -> None:
        if result is not None:
            self._show(result)

    @property
    def layer_index(self) -> int:
        """The layer shown: the last at position 0, one further back per step."""
        assert self.result is not None
        return len(self.result.layers) - 1 - self.position

    def _show(self, result: NetworkGradients) -> None:
        i = self.layer_index
        layer = result.layers[i]
        below = result.layers[i - 1].grad if i else result.grad_input
        below_name = result.layers[i - 1].name if i else "the input"
        if self._image is not None:
            self.query_one("#map-digit", Heatmap).set_values(self._image)
        self.query_one("#map-dx", Heatmap).set_values(result.grad_input[:, :, 0], palette="diverging")
        probs = result.probabilities
        guess = int(np.argmax(probs))
        status = Text()
        status.append(f"label {result.label} · model says {guess} ({numbers.percent(float(probs[guess]))})\n")
        status.append(f"loss −log p({result.label}) = {result.loss:.4g}\n", "bold")
        status.append(f"model: {self._source}\n")
        named = slide_named(layer.name, layer.type)
        status.append(f"{numbers.position(i, len(result.layers), 'layer')}: {named}\n")
        if layer.routes is not None:
            status.append(
                "max pooling routes each window's gradient to its winner: "
                f"{numbers.count(int(layer.routes.sum()))} routes among"
                f" {numbers.count(layer.routes.size)} input cells; "
                f"{numbers.count(int(np.count_nonzero(below)))} cells get a non-zero gradient for this digit",
            )
        elif i == len(result.layers) - 1:
            status.append(
                "dL/dz = p − y for the softmax's inputs: " + _vector_text(probs - np.eye(len(probs))[result.label])
            )
        status.append(f"\n{KERAS_NAMES_NOTE}", "dim")
        self.query_one("#net-status", Static).update(status)
        grad_label = self._show_maps("#grid-grad", layer.grad)
        self.query_one("#lbl-grad", Label).update(
            Text(f"dL/d(output of {layer.name}) {layer.grad.shape}{grad_label}", no_wrap=True, overflow="ellipsis")
        )
        back_label = self._show_maps("#grid-back", below)
        what = "routed back to" if layer.routes is not None else "flows back to"
        self.query_one("#lbl-back", Label).update(
            Text(f"dL/d(input) {what} {below_name} {below.shape}{back_label}", no_wrap=True, overflow="ellipsis")
        )
        self.query_one("#title", Title).update(
            Text(
                f"{self.lesson_heading('network', 'Backpropagation')} · digit {self._digit} · "
                f"{numbers.position(self.position, len(result.layers), short=True)}: {layer.name}",
                no_wrap=True,
                overflow="ellipsis",
            )
        )

    def _show_maps(self, selector: str, values: np.ndarray) -> str:
        """Draw a page of channels of ``values`` (a vector as one row); returns what the label adds."""
        grid = self.query_one(selector, HeatmapGrid)
        maps = values[None, :, None] if values.ndim == 1 else values
        channels = maps.shape[2]
        pages = -(-channels // MAX_CHANNELS)
        start = (self._page % pages) * MAX_CHANNELS
        stop = min(start + MAX_CHANNELS, channels)
        shown = maps[:, :, start:stop]
        vmin, vmax = scale_for(maps, "diverging")  # one scale for every channel of the layer
        tiles = layer_strips(quantise(shown, vmin, vmax, "diverging"), "diverging", no_color(grid))
        names = ["values"] if values.ndim == 1 else [f"{grid.label}{c}" for c in range(start, stop)]
        grid.set_tiles(tiles, names, line_width=shown.shape[1])
        if no_color(grid):  # the maps are glyphs: say what each means
            scale = f" · {glyph_legend(vmin, vmax, 'diverging').plain}"
        else:
            scale = f" · colour scale ±{numbers.plain(max(abs(vmin), abs(vmax)), decimals=3)}"
        return scale + (f" · channels {start}–{stop - 1} of {channels} (c: more)" if pages > 1 else "")


def _vector_text(values: np.ndarray) -> str:
    return "[" + ", ".join(numbers.plain(float(v), decimals=3) for v in values) + "]"


def _bundled() -> tuple[Any, Any, str]:
    from ...bundled_model import load_bundled_model

    model = load_bundled_model()
    return model.spec, model.weights, model.description


# --------------------------------------------------------------------------- the command palette


def lesson_screen(key: str) -> Screen[None]:
    """The screen of the backpropagation lesson called ``key`` (see ``lessons.catalog.BACKPROP_LESSONS``)."""
    screens: dict[str, type[Screen[None]]] = {"learn": LearnKernelScreen, "network": NetworkGradientScreen}
    if key not in screens:
        raise ValueError(f"There is no such backpropagation lesson. Received: key={key!r}")
    return screens[key]()
