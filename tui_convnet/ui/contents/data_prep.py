"""``DataPrepScreen``: the slides' data preparation, step by step, on a real digit and its label.

An entry of the contents (after the lessons). The three lines of the slide (``reshape``,
``astype('float32') / 255``, ``to_categorical``) each with the array's shape, dtype and value range
before and after, what happens to one digit (its brightest pixels, its label's one-hot vector), then the
batch shapes ``model.fit`` takes the whole set in. The numbers come from :mod:`tui_convnet.teach.data_prep`
(pure, tested without an app); this screen loads MNIST in a thread (the Keras cache when it is there, else
the bundled sample), composes, binds keys and shows them. ←/→ go through the steps (the step is marked
``▶`` and scrolled into view), ↑/↓ and PgUp/PgDn scroll, [/] choose another digit, Esc goes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static

from ...core import numbers
from ...data.mnist import DataError, MnistData
from ...teach.data_prep import Batches, PixelRow, PrepStep, batches, data_preparation, pixel_row
from ..common.digits import digit_text
from ..common.footer import KeysFooter
from ..common.session import session_app

STYLES = Path(__file__).resolve().parent  # the .tcss files sit beside their screen

#: The slide's batch size and the full training set's size (``mnist.load_data()``).
BATCH_SIZE = 64
FULL_TRAIN = 60000
#: The steps ←/→ go through: the three lines, then the batches.
STEPS = 4


@dataclass(frozen=True)
class Prepared:
    """Everything the screen shows for one digit of the loaded set."""

    source: str  # where the digits came from, in a few words
    index: int
    image: np.ndarray  # (28, 28) uint8
    label: int
    steps: tuple[PrepStep, ...]
    pixels: PixelRow
    batches: tuple[Batches, ...]  # the loaded set's, then full MNIST's if the set is not the full one


class DataReady(Message):
    def __init__(self, prepared: Prepared | None, error: str = "") -> None:
        super().__init__()
        self.prepared = prepared
        self.error = error


def prepare(data: MnistData, index: int) -> Prepared:
    """The three steps on ``data``'s training set, following digit ``index`` (pure, numpy)."""
    n = len(data.x_train)
    kind = {"sample": "bundled MNIST sample", "keras": "MNIST (Keras cache)", "path": "MNIST from a file"}
    source = f"{kind[data.source]}, {numbers.count(n)} training digits"
    sets = (batches(n, BATCH_SIZE),) if n == FULL_TRAIN else (batches(n, BATCH_SIZE), batches(FULL_TRAIN, BATCH_SIZE))
    image = np.asarray(data.x_train[index])
    return Prepared(
        source,
        index,
        image,
        int(data.y_train[index]),
        data_preparation(data.x_train, data.y_train, index),
        pixel_row(image, 5),
        sets,
    )


def one_hot_text(label: int, classes: int = 10) -> Text:
    """The label's one-hot vector under the class numbers, the 1 in bold (it reads without colour too)."""
    text = Text("class    " + " ".join(str(c) for c in range(classes)) + "\n", style="dim")
    text.append("one-hot  ")
    for c in range(classes):
        text.append("1" if c == label else "0", style="bold reverse" if c == label else "")
        if c < classes - 1:
            text.append(" ")
    return text


def _numbered(number: int, current: bool, head: str, body: Text) -> Table:
    """``▶ 2  head`` over ``body``, the body's wrapped lines kept under the head (not under the number)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=4, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(f"{'▶' if current else ' '} {number}", style="bold"), Text(head, style="bold"))
    grid.add_row("", body)
    return grid


def step_text(number: int, step: PrepStep, pixels: PixelRow, current: bool) -> Table:
    """One line of the slide: the code, the array before and after, the digit's part, why."""
    text = Text(f"before  {step.before.text}\nafter   {step.after.text}\n")
    text.append(f"{step.digit}\n", style="italic")
    if number == 2:  # the scaling: a few pixels before and after
        raw = " ".join(f"{v:>6d}" for v in pixels.raw)
        scaled = " ".join(f"{v:6.4f}" for v in pixels.scaled)
        text.append(f"{pixels.columns}:\n  uint8    {raw}\n  float32  {scaled}\n")
    text.append(step.why, style="dim")
    return _numbered(number, current, step.code, text)


def batches_text(prepared: Prepared, current: bool) -> Table:
    text = Text()
    for i, b in enumerate(prepared.batches):
        which = "this set" if i == 0 else f"full MNIST ({numbers.count(FULL_TRAIN)}, the slide's)"
        last = f", the last holds {b.last}" if b.last != b.size else ""
        text.append(f"{which}: {numbers.count(b.count)} batches an epoch{last}\n")
        text.append(f"  images {b.images}, labels {b.labels}\n")
    text.append("Each step of training sees one batch: 64 digits and their 64 one-hot labels.", style="dim")
    head = "model.fit(train_images, train_labels, epochs=5, batch_size=64)"
    return _numbered(STEPS, current, head, text)


class PrepBody(VerticalScroll, inherit_bindings=False):
    """The scrolling body: ↑/↓ (and Home/End) scroll it; ←/→ and PgUp/PgDn stay the screen's keys."""

    BINDINGS = [
        Binding("up,k", "scroll_up", "Scroll up", show=False),
        Binding("down,j", "scroll_down", "Scroll down", show=False),
        Binding("home", "scroll_home", "Top", show=False),
        Binding("end", "scroll_end", "Bottom", show=False),
    ]


class DataPrepScreen(Screen[None]):
    """The data preparation entry: pushed over the screen it was opened from; Esc goes back."""

    CSS_PATH = [STYLES / "data_prep.tcss"]
    AUTO_FOCUS = "#prep-body"

    HELP = """\
**Preparing the data.** The slide's three lines after `mnist.load_data()`, on a real digit: `reshape`
adds the channel axis Conv2D wants, `astype('float32') / 255` turns 0–255 into 0–1, `to_categorical`
turns each label into ten numbers. Each step shows the array's shape, dtype and values before and
after; the last one, the batches `model.fit` takes the set in.
"""

    BINDINGS = [
        Binding("right,l,space", "step(1)", "Step", key_display="←/→"),
        Binding("left,h", "step(-1)", "Previous step", show=False),
        Binding("right_square_bracket", "digit(1)", "Digit", key_display="[/]"),
        Binding("left_square_bracket", "digit(-1)", "Previous digit", show=False),
        Binding("pagedown", "scroll_body(1)", "Scroll", key_display="PgUp/PgDn", show=False),
        Binding("pageup", "scroll_body(-1)", "Scroll up", show=False),
        Binding("escape", "back", "Back", key_display="Esc", tooltip="Back to the screen this was opened from"),
    ]

    step: reactive[int] = reactive(0, init=False)
    prepared: reactive[Prepared | None] = reactive(None, init=False)

    def __init__(self, data: MnistData | None = None) -> None:
        super().__init__()
        self._data = data
        self._index = 0

    def compose(self) -> ComposeResult:
        yield Static(id="prep-title")
        with PrepBody(id="prep-body"):
            yield Static(id="prep-source")
            with Horizontal(id="prep-top"):
                yield Static(id="prep-digit")
                yield Static(id="prep-label")
            for i in range(STEPS):
                yield Static(id=f"prep-step-{i}", classes="prep-step")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._title("loading MNIST…")
        self._load()

    def _title(self, status: str) -> None:
        from ...lessons.catalog import contents, lesson_entry

        entry = lesson_entry(contents(session_app(self).examples), "data")
        text = Text(f"Lesson {entry.number:02d} · {entry.title}", style="bold", no_wrap=True, overflow="ellipsis")
        text.append(f"   {status}")
        source = Text(entry.source, style="italic", no_wrap=True, overflow="ellipsis")
        title = Text("\n", no_wrap=True, overflow="ellipsis").join([text, source])
        self.query_one("#prep-title", Static).update(title)

    @work(thread=True, exclusive=True)
    def _load(self) -> None:
        try:
            if self._data is None:
                from ...data.mnist import load_mnist

                self._data = load_mnist("auto", download=False)  # the Keras cache if it is there, never a download
            self._index %= len(self._data.x_train)
            prepared = prepare(self._data, self._index)
        except (DataError, ValueError, OSError) as exc:
            self.post_message(DataReady(None, str(exc)))
            return
        self.post_message(DataReady(prepared))

    def on_data_ready(self, message: DataReady) -> None:
        if message.prepared is None:
            self._title("")
            self.query_one("#prep-source", Static).update(Text(f"Cannot load MNIST: {message.error}"))
            return
        self.prepared = message.prepared

    def watch_prepared(self) -> None:
        self._show()
        self.call_after_refresh(self._follow)

    def on_resize(self) -> None:
        self._show()

    def watch_step(self) -> None:
        self._show()
        self.call_after_refresh(self._follow)

    def _show(self) -> None:
        p = self.prepared
        if p is None:
            return
        self._title(numbers.position(self.step, STEPS, short=True))
        source = Text(f"Data: {p.source} · digit {p.index}, a {p.label}")
        self.query_one("#prep-source", Static).update(source)
        # at 24 rows the digit is drawn at half size (7 rows), so that the first step shows under it
        half = 2 if self.app.size.height < 36 else 1
        self.query_one("#prep-digit", Static).update(digit_text(p.image, shrink_by=half, glyphs=self.app.no_color))
        label = Text()
        label.append(f"train_images[{p.index}]\n", style="bold")
        label.append(f"  {p.image.shape} {p.image.dtype}, values {int(p.image.min())}–{int(p.image.max())}\n\n")
        label.append(f"train_labels[{p.index}] = {p.label}\n\n", style="bold")
        label.append(one_hot_text(p.label))
        self.query_one("#prep-label", Static).update(label)
        for i, step in enumerate(p.steps):
            widget = self.query_one(f"#prep-step-{i}", Static)
            widget.update(step_text(i + 1, step, p.pixels, i == self.step))
            widget.set_class(i == self.step, "-current")
        last = self.query_one(f"#prep-step-{STEPS - 1}", Static)
        last.update(batches_text(p, self.step == STEPS - 1))
        last.set_class(self.step == STEPS - 1, "-current")

    def _follow(self) -> None:
        """Scroll the body so that the current step is in view."""
        widget = self.query_one(f"#prep-step-{self.step}", Static)
        self.query_one("#prep-body", VerticalScroll).scroll_to_widget(widget, animate=False, immediate=True)

    def action_step(self, delta: int) -> None:
        self.step = max(0, min(self.step + delta, STEPS - 1))

    def action_digit(self, delta: int) -> None:
        if self._data is None:
            return
        self._index = (self._index + delta) % len(self._data.x_train)
        self._load()

    def action_scroll_body(self, pages: int) -> None:
        body = self.query_one("#prep-body", VerticalScroll)
        if pages > 0:
            body.scroll_page_down(animate=False)
        else:
            body.scroll_page_up(animate=False)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
