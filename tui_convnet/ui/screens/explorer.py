"""The convolution explorer: step through a convolution (and pooling) one key at a time.

The screen holds the state — the example, the current settings
(:class:`Settings`), the computation built from them by the core
(:class:`Computation`) and the step — and pushes it down into the widgets:
three or four :class:`VolumeView` grids (input, kernels, output, pooling),
the :class:`Arithmetic` line and the control :class:`Knob` s.  Every number
comes from ``tui_convnet.core`` (``conv_trace``, ``pool_trace``); this module
only decides what to show.
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from ...core import ConvTrace, Example, PoolSettings, PoolTrace, conv_trace, infer_shapes, pool_trace
from ...core.activations import ACTIVATION_FORMULAS
from ..widgets.arithmetic import Arithmetic, Piece
from ..widgets.knob import Knob
from ..widgets.volume_view import Panel, VolumeView, all_integral

STYLES = Path(__file__).resolve().parent.parent / "styles"

#: Below this terminal size the explorer shows a message instead of the grids.
MIN_WIDTH, MIN_HEIGHT = 80, 24
#: Play speeds, in steps per second.
SPEEDS = (0.5, 1, 2, 4, 8, 16, 32)
#: Narrower terminals hide the settings panel until s shows it.
SIDE_MIN_WIDTH = 110
#: Width of the settings panel (as in explorer.tcss).
SIDEBAR_WIDTH = 38
#: Grids taller than this are laid out side by side (input | kernels | output).
TALL_ROWS = 12
#: Seed of the fixed pattern that fills new kernel weights.
KERNEL_SEED = 0
#: Environment variable: write the first-frame time to this file and exit (benchmarks/bench_startup.py).
FIRST_FRAME_ENV = "CONVNET_TUI_FIRST_FRAME_FILE"

NEW_WEIGHTS_NOTE = (
    "Changing the kernel size or count keeps every weight that still fits (top-left corner, "
    f"first kernels); new weights come from a fixed pattern of −1, 0 and 1 (seed {KERNEL_SEED}), "
    "new biases are 0."
)

ACTIVATIONS = ("linear", "relu", "tanh", "sigmoid")
POOL_CHOICES = ("none", "max", "avg")


# --------------------------------------------------------------------------- state (no widgets)


@dataclass(frozen=True)
class Settings:
    """Everything the user can change; one valid set is always kept."""

    x: np.ndarray  # (H, W, C)
    kernels: np.ndarray | None  # (kh, kw, C, K); None for a pooling-only example
    bias: np.ndarray | None
    stride: Any = 1
    padding: Any = "valid"
    dilation: Any = 1
    activation: str = "linear"
    pool: PoolSettings | None = None

    @classmethod
    def from_example(cls, ex: Example) -> Settings:
        x = np.asarray(ex.x, dtype=np.float64)
        if ex.kind == "pool":
            return cls(x=x, kernels=None, bias=None, pool=ex.pool)
        kernels = np.asarray(ex.kernels, dtype=np.float64)
        bias = np.zeros(kernels.shape[3]) if ex.bias is None else np.asarray(ex.bias, dtype=np.float64)
        return cls(
            x=x,
            kernels=kernels,
            bias=bias,
            stride=_single(ex.stride),
            padding=_single(ex.padding),
            dilation=_single(ex.dilation),
            activation=ex.activation,
            pool=ex.pool,
        )


def _single(value: Any) -> Any:
    """``(2, 2)`` → ``2`` (the knobs show one number when both axes agree)."""
    if isinstance(value, (tuple, list)) and len(value) == 2 and value[0] == value[1]:
        return int(value[0])
    return value


class Computation:
    """The core's traces for a :class:`Settings`; building it validates the settings."""

    def __init__(self, s: Settings) -> None:
        self.settings = s
        self.conv: ConvTrace | None = None
        self.pool: PoolTrace | None = None
        if s.kernels is not None:
            self.conv = conv_trace(
                s.x,
                s.kernels,
                s.bias,
                stride=s.stride,
                padding=s.padding,
                dilation=s.dilation,
                activation=s.activation,
            )
        if s.pool is not None:
            source = self.conv.output if self.conv is not None else s.x
            self.pool = pool_trace(source, s.pool.size, s.pool.stride, s.pool.mode, s.pool.padding)
        self.conv_steps = self.conv.num_steps if self.conv is not None else 0
        self.num_steps = self.conv_steps + (self.pool.num_steps if self.pool is not None else 0)
        values = [s.x] + ([s.kernels, s.bias] if s.kernels is not None else [])
        self.integral = all_integral(values)


def resize_bank(
    kernels: np.ndarray, bias: np.ndarray, size: tuple[int, int], count: int
) -> tuple[np.ndarray, np.ndarray]:
    """A kernel bank of a new size/count: old weights kept where they fit, new ones a fixed pattern."""
    kh, kw = size
    old_h, old_w, cin, old_k = kernels.shape
    rng = np.random.default_rng(KERNEL_SEED)
    new = rng.integers(-1, 2, size=(kh, kw, cin, count)).astype(np.float64)
    h, w, k = min(kh, old_h), min(kw, old_w), min(count, old_k)
    new[:h, :w, :, :k] = kernels[:h, :w, :, :k]
    new_bias = np.zeros(count)
    new_bias[:k] = bias[:k]
    return new, new_bias


def num(value: float, integral: bool) -> str:
    """A number in the arithmetic: integers plainly, others with up to 3 decimals."""
    if integral and float(value).is_integer():
        return str(int(value))
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def par(value: float, integral: bool) -> str:
    text = num(value, integral)
    return f"({text})" if text.startswith("-") else text


def _padding_text(p: Any) -> str:
    return "×".join(map(str, p)) if isinstance(p, tuple) else str(p)


def _parse_int(low: int, high: int, name: str):
    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise ValueError(f"`{name}` must be between {low} and {high}. Received: {name}={value}")
        return value

    return parse


# --------------------------------------------------------------------------- the screen


class QuietScroll(VerticalScroll, inherit_bindings=False):
    """A scrolling column without keys of its own (so ←/→/Home/End keep stepping)."""


class ExplorerScreen(Screen):
    """Step through the lecture's convolution examples, one key at a time."""

    CSS_PATH = [STYLES / "explorer.tcss"]
    AUTO_FOCUS = ""  # nothing focused: the arrow keys step

    HELP = """\
**Convolution explorer.** Each step computes one output cell: the highlighted window of the
input (on every channel at once) times the highlighted kernel, summed, plus the bias.

- **Edit a value**: click an input or kernel cell (or Tab into a grid and move with the arrows),
  type a number, press Enter. Everything downstream is recomputed. Esc leaves the grid.
- **Click an output cell** to jump to the step that computes it.
- **Settings** (right; s shows or hides them): Tab to a setting, change it with ↑/↓ or by typing a number and Enter,
  or click its ‹ › arrows. Each change recomputes at once and restarts the animation.
"""

    BINDINGS = [
        Binding("right", "step(1)", "Step", key_display="←/→"),
        Binding("left", "step(-1)", "Previous step", show=False),
        Binding("l", "step(1)", "Step", show=False),
        Binding("h", "step(-1)", "Previous step", show=False),
        Binding("home", "first", "First step", show=False),
        Binding("end", "last", "Last step", show=False),
        Binding("space", "play", "Play", key_display="space", tooltip="Play / pause the animation"),
        Binding("plus", "speed(1)", "Play faster", show=False),
        Binding("minus", "speed(-1)", "Play slower", show=False),
        Binding("n", "example(1)", "Next example", key_display="n/N"),
        Binding("N", "example(-1)", "Previous example", show=False),
        Binding("r", "reset", "Reset", tooltip="Back to the example as written (undo edits and settings)"),
        Binding("z", "zoom", "Zoom", tooltip="Compact cells (colours only) / numbers"),
        Binding("s", "toggle_side", "Settings", tooltip="Show / hide the settings, formulas and notes panel"),
    ]

    # repaint=False: a step repaints only the grid lines that change, never the whole screen.
    step: reactive[int] = reactive(0, init=False, always_update=True, repaint=False)
    playing: reactive[bool] = reactive(False, init=False, repaint=False)
    speed: reactive[int] = reactive(2, init=False, repaint=False)
    compact: reactive[bool] = reactive(False, init=False, repaint=False)

    def __init__(self) -> None:
        super().__init__()
        self.example: Example | None = None
        self.example_index = 0
        self.settings: Settings | None = None
        self.comp: Computation | None = None
        self.error = ""
        self._pending: tuple[Example, int] | None = None
        self._ready = False
        self._timer = None
        self._symbolic = False
        self.knames: list[str] = []
        self.modified = False  # settings or values differ from the example as written
        self._builtin = True  # the example is one of app.examples (the title bar counts them)
        self._side_choice: bool | None = None  # None: automatic (see _update_side)

    # ----------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        with Vertical(id="explorer"):
            yield Static(id="titlebar")
            with Horizontal(id="main"):
                with Vertical(id="stage"):
                    with Container(id="volumes"):
                        with Vertical(id="sec-input", classes="section"):
                            yield Label(id="lbl-input", classes="section-title")
                            yield VolumeView(editable=True, id="input-view")
                        with Vertical(id="sec-kernels", classes="section"):
                            yield Label(id="lbl-kernels", classes="section-title")
                            yield VolumeView(editable=True, id="kernel-view")
                        with Vertical(id="sec-output", classes="section"):
                            yield Label(id="lbl-output", classes="section-title")
                            yield VolumeView(id="output-view")
                        with Vertical(id="sec-pool", classes="section"):
                            yield Label(id="lbl-pool", classes="section-title")
                            yield VolumeView(id="pool-view")
                    with QuietScroll(id="model-view"):
                        yield Static(id="model-table")
                    yield Arithmetic(id="arith")
                with QuietScroll(id="sidebar"):
                    yield Label("Settings", classes="side-title", id="settings-title")
                    yield Knob(
                        "stride",
                        range(1, 7),
                        1,
                        parse=_parse_int(1, 64, "strides"),
                        id="knob-stride",
                        tooltip="Distance between two windows (both axes)",
                    )
                    yield Knob(
                        "padding",
                        ("valid", "same", 1, 2, 3, 4),
                        "valid",
                        parse=_parse_int(0, 64, "padding"),
                        id="knob-padding",
                        tooltip="valid (none), same (keep the size) or a number of zero rings",
                    )
                    yield Knob(
                        "kernel size",
                        [(k, k) for k in range(1, 8)],
                        (3, 3),
                        parse=lambda t: (_parse_int(1, 64, "kernel_size")(t),) * 2,
                        id="knob-ksize",
                        tooltip="Height and width of every kernel",
                    )
                    yield Knob(
                        "kernels",
                        range(1, 17),
                        1,
                        parse=_parse_int(1, 64, "filters"),
                        id="knob-count",
                        tooltip="Number of kernels = depth of the output",
                    )
                    yield Knob(
                        "dilation",
                        range(1, 5),
                        1,
                        parse=_parse_int(1, 64, "dilation_rate"),
                        id="knob-dilation",
                        tooltip="Gap between the kernel's taps",
                    )
                    yield Knob("activation", ACTIVATIONS, "linear", id="knob-activation")
                    yield Knob(
                        "pooling",
                        POOL_CHOICES,
                        "none",
                        id="knob-pool",
                        tooltip="Pooling after the convolution",
                    )
                    yield Knob(
                        "pool size",
                        range(1, 7),
                        2,
                        parse=_parse_int(1, 64, "pool_size"),
                        id="knob-pool-size",
                        tooltip="Window and stride of the pooling",
                    )
                    yield Static(id="error")
                    yield Static(id="info")
                    yield Label("Formulas", classes="side-title", id="formulas-title")
                    yield Static(id="formulas")
                    yield Label("About this example", classes="side-title")
                    yield Static(id="notes")
        yield Static(id="too-small")
        yield Footer()

    def on_mount(self) -> None:
        self._ready = True
        self._timer = self.set_interval(1 / SPEEDS[self.speed], self._tick, pause=True)
        if self._pending is not None:
            example, step = self._pending
            self._pending = None
            self._load(example, step)
        elif self.example is None:
            index = min(max(self.app.initial_example, 0), len(self.app.examples) - 1)
            self.example_index = index
            self._load(self.app.examples[index], 0)
        self._check_size(self.app.size.width, self.app.size.height)
        path = os.environ.get(FIRST_FRAME_ENV)
        if path:
            self.call_after_refresh(self._report_first_frame, path)

    def _report_first_frame(self, path: str) -> None:
        """For benchmarks/bench_startup.py: when the first frame is drawn, write the time and exit."""
        line = f"{time.time():.6f} tensorflow={'tensorflow' in sys.modules}\n"
        tmp = f"{path}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(line)
        os.replace(tmp, path)
        self.app.exit()

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        self._arrange()
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        self.set_class(small, "-too-small")
        if small:
            self.query_one("#too-small", Static).update(
                f"The explorer needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT} characters.\n"
                f"This one is {width}×{height}: enlarge the window or make the font smaller."
            )

    # ----------------------------------------------------------------- public API

    def show_example(self, example: Example, step: int = 0) -> None:
        """Show any example (built-in or not), positioned on ``step``."""
        index = self._builtin_index(example)
        if index is not None:
            self.example_index = index
        if not self._ready:
            self._pending = (example, step)
            return
        self._load(example, step)

    def _builtin_index(self, example: Example) -> int | None:
        """Where ``example`` is in ``app.examples`` (None for an example made elsewhere)."""
        for i, ex in enumerate(self.app.examples):
            if ex is example or (ex.key, ex.title, ex.path) == (example.key, example.title, example.path):
                return i
        return None

    # ----------------------------------------------------------------- loading & settings

    def _load(self, example: Example, step: int = 0) -> None:
        self.example = example
        self._builtin = self._builtin_index(example) is not None
        self.error = ""
        self.modified = False
        self._set_info("")
        self._set_error("")
        self.playing = False
        self.set_class(example.kind == "model", "-model")
        self.set_class(example.kind == "pool", "-pool-kind")
        if example.kind == "model":
            self.settings, self.comp = None, None
            self._show_notes()
            self.step = min(max(step, 0), self._num_steps() - 1)
            return
        settings = Settings.from_example(example)
        try:
            comp = Computation(settings)
        except ValueError as exc:  # an example that the core refuses: say so, show nothing stale
            self.settings, self.comp = None, None
            self._set_error(str(exc))
            return
        self._symbolic = example.symbolic
        self._install(settings, comp, step)

    def _install(self, settings: Settings, comp: Computation, step: int = 0) -> None:
        """Make ``settings`` the current valid state and redraw everything."""
        self.settings, self.comp = settings, comp
        ex = self.example
        if ex is not None and ex.symbolic:
            self._symbolic = settings.kernels is not None and settings.kernels.shape == ex.kernels.shape
        self._sync_knobs()
        self._build_panels()
        self._show_formulas()
        self._show_notes()
        self.step = min(max(step, 0), max(comp.num_steps - 1, 0))

    def _sync_knobs(self) -> None:
        s = self.settings
        q = self.query_one
        if s.kernels is not None:
            kh, kw, _, count = s.kernels.shape
            sizes = [(k, k) for k in range(1, 8)]
            if (kh, kw) not in sizes:
                sizes = sorted(set(sizes) | {(kh, kw)})
            q("#knob-stride", Knob).set_value(s.stride)
            q("#knob-padding", Knob).set_value(s.padding)
            q("#knob-ksize", Knob).set_value((kh, kw), sizes)
            q("#knob-count", Knob).set_value(count)
            q("#knob-dilation", Knob).set_value(s.dilation)
            q("#knob-activation", Knob).set_value(s.activation)
        pool_knob = q("#knob-pool", Knob)
        pool_knob.set_value(s.pool.mode if s.pool else "none", ("max", "avg") if s.kernels is None else POOL_CHOICES)
        q("#knob-pool-size", Knob).set_value(_single(s.pool.size) if s.pool else 2)

    def on_knob_changed(self, message: Knob.Changed) -> None:
        message.stop()
        s = self.settings
        if s is None:
            return
        knob_id, value = message.knob.id, message.value
        try:
            if knob_id == "knob-stride":
                new = replace(s, stride=value)
            elif knob_id == "knob-padding":
                new = replace(s, padding="valid" if value == 0 else value)
            elif knob_id == "knob-dilation":
                new = replace(s, dilation=value)
            elif knob_id == "knob-activation":
                new = replace(s, activation=value)
            elif knob_id == "knob-ksize":
                kernels, bias = resize_bank(s.kernels, s.bias, value, s.kernels.shape[3])
                new = replace(s, kernels=kernels, bias=bias)
            elif knob_id == "knob-count":
                kernels, bias = resize_bank(s.kernels, s.bias, s.kernels.shape[:2], value)
                new = replace(s, kernels=kernels, bias=bias)
            elif knob_id == "knob-pool":
                size = s.pool.size if s.pool else (2, 2)
                new = replace(s, pool=None if value == "none" else PoolSettings(value, size, None, "valid"))
            elif knob_id == "knob-pool-size":
                mode = s.pool.mode if s.pool else "max"
                new = replace(s, pool=PoolSettings(mode, (value, value), None, "valid"))
            else:
                return
            comp = Computation(new)
        except ValueError as exc:
            self._set_error(str(exc))
            self._sync_knobs()  # back to the last valid values
            return
        self._set_error("")
        self.playing = False
        self.modified = True
        info = ""
        if knob_id in ("knob-ksize", "knob-count"):
            kh, kw, _, count = new.kernels.shape
            info = (
                f"Kernel bank now {count} × {kh}×{kw}: the old weights that fit are kept, the new ones "
                f"come from a fixed pattern of −1, 0, 1 (seed {KERNEL_SEED}), new biases are 0. r resets."
            )
        self._set_info(info)
        self._install(new, comp, 0)

    def _set_info(self, text: str) -> None:
        widget = self.query_one("#info", Static)
        widget.update(text)
        widget.set_class(bool(text), "-shown")

    def _set_error(self, text: str) -> None:
        self.error = text
        widget = self.query_one("#error", Static)
        widget.update(Text(f"✗ {text}\nThe last valid settings are kept.") if text else "")
        widget.set_class(bool(text), "-shown")

    # ----------------------------------------------------------------- panels

    def _build_panels(self) -> None:
        s, comp, ex = self.settings, self.comp, self.example
        compact = self.compact
        names = list(ex.channel_names) or [f"ch{i}" for i in range(s.x.shape[2])]
        names += [f"ch{i}" for i in range(len(names), s.x.shape[2])]
        geom = comp.conv.geometry if comp.conv is not None else comp.pool.geometry
        padded = comp.conv.padded if comp.conv is not None else comp.pool.padded
        hp, wp, cin = padded.shape
        pad = np.ones((hp, wp), dtype=bool)
        pad[geom.pad_top : geom.pad_top + s.x.shape[0], geom.pad_left : geom.pad_left + s.x.shape[1]] = False
        x_scale = float(np.max(np.abs(s.x))) if s.x.size else 1.0
        x_div = bool(np.any(s.x < 0))
        inputs: list[Panel] = []
        if self._symbolic:
            letters = [["0"] * wp for _ in range(hp)]
            for r, row in enumerate(ex.input_symbols):
                for c, sym in enumerate(row):
                    letters[r + geom.pad_top][c + geom.pad_left] = sym
            inputs.append(
                Panel(
                    "xs0",
                    f"{names[0]} (letters)",
                    padded[:, :, 0],
                    texts=letters,
                    pad=pad,
                    group="x",
                    coloured=False,
                )
            )
        for c in range(cin):
            title = names[c] if not self._symbolic else f"{names[c]} (numbers)"
            inputs.append(
                Panel(
                    f"x{c}",
                    title,
                    padded[:, :, c],
                    pad=pad,
                    editable=True,
                    group="x",
                    diverging=x_div,
                    scale=x_scale,
                )
            )
        self.query_one("#input-view", VolumeView).set_panels(inputs, compact=compact)
        h, w, _ = s.x.shape
        pads = ""
        if any((geom.pad_top, geom.pad_bottom, geom.pad_left, geom.pad_right)):
            pads = f", padded to {hp}×{wp}×{cin}"
        self.query_one("#lbl-input", Label).update(f"Input x: {h}×{w}×{cin}{pads}")

        kernel_panels: list[Panel] = []
        if s.kernels is not None:
            _kh, _kw, _, count = s.kernels.shape
            kscale = float(max(np.max(np.abs(s.kernels)), np.max(np.abs(s.bias)) if s.bias.size else 0)) or 1.0
            knames = list(ex.kernel_names)[:count] + [f"W{k}" for k in range(len(ex.kernel_names), count)]
            for k in range(count):
                if self._symbolic:
                    kernel_panels.append(
                        Panel(
                            f"ks{k}",
                            f"{knames[k]} (letters)",
                            s.kernels[:, :, 0, k],
                            texts=[list(r) for r in ex.kernel_symbols],
                            group=f"k{k}",
                            coloured=False,
                        )
                    )
                for c in range(cin):
                    title = knames[k] if cin == 1 else f"{knames[k]}[:,:,{c}]"
                    if self._symbolic:
                        title += " (numbers)"
                    kernel_panels.append(
                        Panel(
                            f"k{k}.{c}",
                            title,
                            s.kernels[:, :, c, k],
                            group=f"k{k}",
                            editable=True,
                            scale=kscale,
                        )
                    )
                kernel_panels.append(
                    Panel(f"b{k}", f"b{k}", np.array([[s.bias[k]]]), group=f"k{k}", editable=True, scale=kscale)
                )
            self.knames = knames
        self.query_one("#kernel-view", VolumeView).set_panels(kernel_panels, compact=compact)

        out_panels: list[Panel] = []
        if comp.conv is not None:
            out = comp.conv.output
            oh, ow, oc = out.shape
            oscale = float(np.max(np.abs(out))) or 1.0
            if self._symbolic:
                out_panels.append(
                    Panel(
                        "os0",
                        "o (letters)",
                        out[:, :, 0],
                        texts=self._symbol_grid(),
                        progressive=True,
                        group="o",
                        coloured=False,
                    )
                )
            for k in range(oc):
                title = f"o[:,:,{k}] = {self.knames[k]}"
                out_panels.append(Panel(f"o{k}", title, out[:, :, k], progressive=True, group="o", scale=oscale))
            act = "" if s.activation == "linear" else f", after {s.activation}"
            self.query_one("#lbl-output", Label).update(f"Output o: {oh}×{ow}×{oc}{act}")
        self.query_one("#output-view", VolumeView).set_panels(out_panels, compact=compact)

        pool_panels: list[Panel] = []
        if comp.pool is not None:
            pout = comp.pool.output
            ph, pw, pc = pout.shape
            pscale = float(np.nanmax(np.abs(pout))) if pout.size else 1.0
            pdiv = bool(np.any(pout < 0))
            for k in range(pc):
                title = f"p[:,:,{k}]"
                pool_panels.append(
                    Panel(
                        f"p{k}",
                        title,
                        pout[:, :, k],
                        progressive=True,
                        group="p",
                        scale=pscale or 1.0,
                        diverging=pdiv if comp.conv is None else True,
                    )
                )
            size = "×".join(map(str, comp.pool.geometry.size))
            self.query_one("#lbl-pool", Label).update(
                f"{'Max' if comp.pool.mode == 'max' else 'Average'} pooling {size}: {ph}×{pw}×{pc}"
            )
        self.query_one("#pool-view", VolumeView).set_panels(pool_panels, compact=compact)
        if comp.conv is None:  # pooling only: the pooled map is the output
            self.query_one("#lbl-output", Label).update("")

        self.set_class(comp.pool is not None, "-pooling")
        self.set_class(comp.conv is not None, "-conv")
        self._arrange()

    def _arrange(self) -> None:
        """Stacked or side by side, settings panel or not, for these grids and this terminal."""
        if self.comp is None:
            return
        tall = self._is_tall()
        self.set_class(tall, "-tall")
        self._update_side()
        s = self.settings
        if s.kernels is not None:
            kh, kw, cin, count = s.kernels.shape
            dilation = f" · dilation {_padding_text(s.dilation)}" if s.dilation not in (1, (1, 1)) else ""
            self.query_one("#lbl-kernels", Label).update(
                f"Kernels: {count} × {kh}×{kw}×{cin}" + ("" if tall else " + bias") + dilation
            )
            if tall:
                view = self.query_one("#kernel-view", VolumeView)
                group = [p for p in view.panels if p.group == "k0"]
                width = sum(max(p.shape[1] * p.cell_width, len(p.title)) for p in group) + 2 * (len(group) - 1)
                third = max(self.app.size.width // 3, 22)
                self.query_one("#sec-kernels").styles.width = min(max(width + 2, 22), 48, third)

    def _is_tall(self) -> bool:
        """Side by side (input | kernels | output | pooling) when the grids are tall or the stack does not fit."""
        comp = self.comp
        padded = comp.conv.padded if comp.conv is not None else comp.pool.padded
        out_rows = comp.conv.output.shape[0] if comp.conv is not None else 0
        if max(padded.shape[0], out_rows) > TALL_ROWS:
            return True
        width, height = self.app.size
        side_shown = width >= SIDE_MIN_WIDTH if self._side_choice is None else self._side_choice
        stage = width - (SIDEBAR_WIDTH if side_shown else 0) - 2
        views = ["#input-view"] + (["#kernel-view", "#output-view"] if comp.conv is not None else [])
        views += ["#pool-view"] if comp.pool is not None else []
        stacked = sum(2 + self.query_one(v, VolumeView).natural_height(stage) for v in views)
        channels = self.settings.x.shape[2] if comp.conv is not None else 0
        arithmetic = 1 + 2 + min(channels, 6) + (self.settings.activation != "linear")
        return stacked > height - 2 - arithmetic

    def _symbol_grid(self) -> list[list[str]]:
        conv = self.comp.conv
        g = conv.geometry
        oh, ow, _ = g.out_shape
        grid = []
        for r in range(oh):
            row = []
            for c in range(ow):
                row.append(" + ".join(self._symbol_terms(g.window_rows(r), g.window_cols(c), compact=True)))
            grid.append(row)
        return grid

    def _symbol_terms(self, rows, cols, compact: bool = False) -> list[str]:
        g, ex = self.comp.conv.geometry, self.example
        terms = []
        for i, r in enumerate(rows):
            for j, c in enumerate(cols):
                rr, cc = r - g.pad_top, c - g.pad_left
                k = ex.kernel_symbols[i][j]
                if 0 <= rr < len(ex.input_symbols) and 0 <= cc < len(ex.input_symbols[0]):
                    terms.append(f"{ex.input_symbols[rr][cc]}{k}" if compact else f"{ex.input_symbols[rr][cc]}·{k}")
                else:
                    terms.append(f"0{k}" if compact else f"0·{k}")
        return terms

    # ----------------------------------------------------------------- steps

    def _num_steps(self) -> int:
        if self.example is not None and self.example.kind == "model":
            return len(self.example.model.layers)
        return self.comp.num_steps if self.comp is not None else 0

    def validate_step(self, step: int) -> int:
        return min(max(step, 0), max(self._num_steps() - 1, 0))

    def watch_step(self, step: int) -> None:
        if self.example is None:
            return
        if self.example.kind == "model":
            self._show_model_step(step)
        elif self.comp is not None:
            self._show_step(step)

    def _show_step(self, step: int) -> None:
        comp, s = self.comp, self.settings
        input_view = self.query_one("#input-view", VolumeView)
        kernel_view = self.query_one("#kernel-view", VolumeView)
        output_view = self.query_one("#output-view", VolumeView)
        pool_view = self.query_one("#pool-view", VolumeView)
        lines: list[list[Piece]] = []
        if comp.conv is not None and step < comp.conv_steps:
            st = comp.conv.step(step)
            g = comp.conv.geometry
            kind = {(r, c): ("window-pad" if g.is_padding(r, c) else "window") for r in st.rows for c in st.cols}
            in_keys = [p.key for p in input_view.panels]
            input_view.set_state({key: kind for key in in_keys})
            input_view.follow(in_keys[-1], st.rows, st.cols)
            kh, kw, cin, _ = s.kernels.shape
            all_cells = {(r, c): "window" for r in range(kh) for c in range(kw)}
            kkeys = [f"k{st.kernel}.{c}" for c in range(cin)] + ([f"ks{st.kernel}"] if self._symbolic else [])
            kernel_view.set_state(
                {k: all_cells for k in kkeys} | {f"b{st.kernel}": {(0, 0): "window"}},
                active=[*kkeys, f"b{st.kernel}"],
            )
            kernel_view.follow_panel(f"b{st.kernel}")
            kernel_view.follow_panel(kkeys[0])
            oh, ow, oc = g.out_shape
            cell = st.out_row * ow + st.out_col
            fill = {f"o{k}": (oh * ow if k < st.kernel else cell + 1 if k == st.kernel else 0) for k in range(oc)}
            if self._symbolic:
                fill["os0"] = cell + 1
            cur = {(st.out_row, st.out_col): "current"}
            marks = {f"o{st.kernel}": cur} | ({"os0": cur} if self._symbolic else {})
            output_view.set_state(marks, active=[f"o{st.kernel}"], fill=fill)
            output_view.follow(f"o{st.kernel}", [st.out_row], [st.out_col])
            pool_view.set_state()
            lines = self._conv_lines(st)
        else:
            ps = comp.pool.step(step - comp.conv_steps)
            win = {(r, c): "window" for r in ps.rows for c in ps.cols}
            if ps.argmax is not None:
                win[ps.argmax] = "argmax"
            oh, ow, oc = comp.pool.geometry.out_shape
            cell = ps.out_row * ow + ps.out_col
            fill = {f"p{k}": (oh * ow if k < ps.channel else cell + 1 if k == ps.channel else 0) for k in range(oc)}
            pool_view.set_state(
                {f"p{ps.channel}": {(ps.out_row, ps.out_col): "current"}},
                active=[f"p{ps.channel}"],
                fill=fill,
            )
            pool_view.follow(f"p{ps.channel}", [ps.out_row], [ps.out_col])
            if comp.conv is not None:
                input_view.set_state()
                kernel_view.set_state()
                cg = comp.conv.geometry
                oh2, ow2, oc2 = cg.out_shape
                pt, pl = comp.pool.geometry.pad_top, comp.pool.geometry.pad_left
                shifted = {(r - pt, c - pl): k for (r, c), k in win.items()}
                output_view.set_state(
                    {f"o{ps.channel}": shifted},
                    active=[f"o{ps.channel}"],
                    fill={f"o{k}": oh2 * ow2 for k in range(oc2)} | ({"os0": oh2 * ow2} if self._symbolic else {}),
                )
                output_view.follow(f"o{ps.channel}", [r - pt for r in ps.rows], [c - pl for c in ps.cols])
            else:
                input_view.set_state({f"x{ps.channel}": win}, active=[f"x{ps.channel}"])
                input_view.follow(f"x{ps.channel}", ps.rows, ps.cols)
            lines = self._pool_lines(ps)
        self.query_one("#arith", Arithmetic).show(lines)
        self._show_title()

    def _conv_lines(self, st) -> list[list[Piece]]:
        comp, s = self.comp, self.settings
        integral = comp.integral
        _, _, cin, _count = s.kernels.shape
        kname = self.knames[st.kernel]
        where = f"o[{st.out_row},{st.out_col},{st.kernel}]"
        rows = f"{st.rows[0]}–{st.rows[-1]}" if len(st.rows) > 1 else f"{st.rows[0]}"
        cols = f"{st.cols[0]}–{st.cols[-1]}" if len(st.cols) > 1 else f"{st.cols[0]}"
        lines: list[list[Piece]] = [
            [
                ("Step ", "label"),
                (f"{st.index + 1}", "total"),
                (f" of {comp.num_steps}: ", "label"),
                (
                    f"{kname} on the window at rows {rows}, columns {cols} of the padded input → {where}",
                    "dim",
                ),
            ]
        ]
        if self._symbolic:
            terms = self._symbol_terms(st.rows, st.cols)
            line: list[Piece] = [
                (f"{where} = ", "label"),
                (" + ".join(t.replace("·", "") for t in terms), "symbol"),
                (" = ", ""),
            ]
            line += self._products(st, 0, integral)
            line += [(" = ", ""), (num(st.total, integral), "total")]
            lines.append(line)
        else:
            max_lines = 6
            for c in range(cin):
                if c == max_lines - 1 and cin > max_lines:
                    rest = st.channel_sums[c:]
                    lines.append(
                        [
                            (f"ch{c}–ch{cin - 1}: ", "label"),
                            (" + ".join(par(v, integral) for v in rest), ""),
                            (" = ", ""),
                            (num(float(rest.sum()), integral), "sum"),
                        ]
                    )
                    break
                line = [(f"ch{c}: ", "label")]
                line += self._products(st, c, integral)
                line += [(" = ", ""), (num(float(st.channel_sums[c]), integral), "sum")]
                lines.append(line)
            total: list[Piece] = [(f"{where} = ", "label")]
            for c in range(cin):
                if c:
                    total.append((" + ", ""))
                total.append((par(float(st.channel_sums[c]), integral), "sum"))
            total += [
                (" + ", ""),
                (f"b{st.kernel} ", "label"),
                (par(st.bias, integral), "weight"),
                (" = ", ""),
                (num(st.total, integral), "total"),
            ]
            lines.append(total)
        if st.activation != "linear":
            formula = ACTIVATION_FORMULAS[st.activation].format(x=num(st.total, integral))
            lines.append(
                [
                    (f"{st.activation}: ", "label"),
                    (formula, ""),
                    (" = ", ""),
                    (num(st.activated, integral and st.activation == "relu"), "total"),
                ]
            )
        return lines

    def _products(self, st, c: int, integral: bool) -> list[Piece]:
        g = self.comp.conv.geometry
        out: list[Piece] = []
        win, wts = st.window[c], st.weights[c]
        for i in range(win.shape[0]):
            for j in range(win.shape[1]):
                if out:
                    out.append((" + ", ""))
                is_pad = g.is_padding(st.rows[i], st.cols[j])
                out.append((par(float(win[i, j]), integral), "pad" if is_pad else "value"))
                out.append(("·", "dim"))
                out.append((par(float(wts[i, j]), integral), "weight"))
        return out

    def _pool_lines(self, ps) -> list[list[Piece]]:
        comp = self.comp
        integral = all_integral([comp.pool.x])
        values = [float(v) for v in ps.window.ravel() if v == v]
        rows = f"{ps.rows[0]}–{ps.rows[-1]}" if len(ps.rows) > 1 else f"{ps.rows[0]}"
        cols = f"{ps.cols[0]}–{ps.cols[-1]}" if len(ps.cols) > 1 else f"{ps.cols[0]}"
        source = "o" if comp.conv is not None else "x"
        where = f"p[{ps.out_row},{ps.out_col},{ps.channel}]"
        lines: list[list[Piece]] = [
            [
                ("Step ", "label"),
                (f"{ps.index + comp.conv_steps + 1}", "total"),
                (f" of {comp.num_steps}: ", "label"),
                (
                    f"{'max' if ps.mode == 'max' else 'average'} pooling of "
                    f"{source}[{rows}, {cols}, {ps.channel}] → {where}",
                    "dim",
                ),
            ]
        ]
        shown = ", ".join(num(v, integral) for v in values)
        if ps.mode == "max":
            lines.append(
                [
                    (f"{where} = ", "label"),
                    (f"max({shown})", ""),
                    (" = ", ""),
                    (num(ps.value, integral), "total"),
                ]
            )
        else:
            lines.append(
                [
                    (f"{where} = ", "label"),
                    (f"({' + '.join(par(v, integral) for v in values)}) / {len(values)}", ""),
                    (" = ", ""),
                    (num(ps.value, False), "total"),
                ]
            )
        return lines

    def _show_title(self) -> None:
        ex = self.example
        n = self._num_steps()
        state = "▶ playing" if self.playing else "paused"
        speed = SPEEDS[self.speed]
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(f" {ex.title} ", "bold")
        if self.modified:
            title.append("(modified: r resets) ", "italic")
        right = Text(f"step {self.step + 1}/{n} · {state} · {speed:g} steps/s ")
        if self._builtin:
            right = Text(f"example {self.example_index + 1}/{len(self.app.examples)} · ") + right
        if self.has_class("-no-side") and (ex.notes or ex.kind != "model"):
            right = Text("s: settings, formulas, notes  ", "dim") + right
        width = max(self.app.size.width - right.cell_len - 1, 10)
        title.truncate(width, pad=True)
        title.append_text(right)
        self.query_one("#titlebar", Static).update(title, layout=False)  # always one line

    # ----------------------------------------------------------------- the model example

    def _show_model_step(self, step: int) -> None:
        from ...summary import summary_table

        spec = self.example.model
        self.query_one("#model-table", Static).update(summary_table(spec, formulas=True, highlight=step))
        info = infer_shapes(spec)[step]
        lines: list[list[Piece]] = [
            [
                ("Layer ", "label"),
                (f"{step + 1}", "total"),
                (f" of {len(spec.layers)}: ", "label"),
                (f"{info.name} ({info.type})", "symbol"),
                (f"  {info.input_shape} → {info.output_shape}", "dim"),
            ]
        ]
        lines.append(
            [
                ("output shape: ", "label"),
                (info.shape_formula or "—", ""),
                ("  → ", "dim"),
                (info.shape_text, "total"),
            ]
        )
        lines.append(
            [
                ("parameters:   ", "label"),
                (
                    info.param_formula or "0 (this layer has no weights)",
                    "sum" if info.param_formula else "dim",
                ),
            ]
        )
        self.query_one("#arith", Arithmetic).show(lines)
        self._show_title()

    # ----------------------------------------------------------------- side panel text

    def _show_formulas(self) -> None:
        comp = self.comp
        text = Text()
        if comp.conv is not None:
            g = comp.conv.geometry
            fr, fc = g.output_formulas()
            oh, ow, oc = g.out_shape
            text.append("Output size ", "bold")
            text.append("(n − k + 2p) / s + 1\n", "dim")
            if fr == fc:
                text.append(f"rows = cols:\n  {fr}\n")
            else:
                text.append(f"rows:\n  {fr}\ncols:\n  {fc}\n")
            text.append(f"depth = kernels = {oc}  → {oh}×{ow}×{oc}\n")
            text.append("Parameters ", "bold")
            text.append("K·(kh·kw·C) + K\n", "dim")
            text.append(f"{g.param_formula}\n")
        if comp.pool is not None:
            pg = comp.pool.geometry
            fr, fc = pg.output_formulas()
            ph, pw, pc = pg.out_shape
            text.append(f"Pooling {pg.size[0]}×{pg.size[1]}, stride {pg.stride[0]}\n", "bold")
            text.append(f"rows = cols:\n  {fr}\n" if fr == fc else f"rows:\n  {fr}\ncols:\n  {fc}\n")
            text.append(f"→ {ph}×{pw}×{pc}, no parameters\n")
        self.query_one("#formulas", Static).update(text)

    def _show_notes(self) -> None:
        ex = self.example
        text = Text()
        if ex.description:
            text.append(" ".join(ex.description.split()) + "\n")
        for note in ex.notes:
            text.append("\nNote: ", "bold yellow")
            text.append(note + "\n")
        if ex.source:
            text.append(f"\nSource: {ex.source}\n", "dim")
        if ex.kind == "conv":
            text.append(f"\n{NEW_WEIGHTS_NOTE}\n", "dim italic")
        self.query_one("#notes", Static).update(text)

    # ----------------------------------------------------------------- actions

    def action_step(self, delta: int) -> None:
        self.playing = False
        self.step = self.validate_step(self.step + delta)

    def action_first(self) -> None:
        self.playing = False
        self.step = 0

    def action_last(self) -> None:
        self.playing = False
        self.step = self.validate_step(self._num_steps() - 1)

    def action_play(self) -> None:
        if not self.playing and self.step >= self._num_steps() - 1:
            self.step = 0
        self.playing = not self.playing

    def watch_playing(self, playing: bool) -> None:
        if self._timer is not None:
            self._timer.resume() if playing else self._timer.pause()
        if self.example is not None:
            self._show_title()

    def action_speed(self, delta: int) -> None:
        self.speed = min(max(self.speed + delta, 0), len(SPEEDS) - 1)

    def watch_speed(self, speed: int) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_interval(1 / SPEEDS[speed], self._tick, pause=not self.playing)
        if self.example is not None:
            self._show_title()

    def _tick(self) -> None:
        if self.step >= self._num_steps() - 1:
            self.playing = False
        else:
            self.step += 1

    def action_example(self, delta: int) -> None:
        examples = self.app.examples
        if not examples:
            return
        self.example_index = (self.example_index + delta) % len(examples)
        self._load(examples[self.example_index], 0)

    def action_reset(self) -> None:
        if self.example is not None:
            self._set_error("")
            self._load(self.example, 0)

    def action_toggle_side(self) -> None:
        self._side_choice = self.has_class("-no-side")
        self._arrange()
        if self.example is not None:
            self._show_title()

    def _update_side(self) -> None:
        """The settings panel: shown when there is room (wide terminal, small grids) unless s says otherwise."""
        auto = self.app.size.width >= SIDE_MIN_WIDTH and not self.has_class("-tall")
        show = auto if self._side_choice is None else self._side_choice
        self.set_class(not show, "-no-side")

    def action_zoom(self) -> None:
        self.compact = not self.compact

    def watch_compact(self, compact: bool) -> None:
        if self.comp is not None:
            self._build_panels()
            self.step = self.step

    # ----------------------------------------------------------------- mouse & editing

    def on_volume_view_cell_clicked(self, message: VolumeView.CellClicked) -> None:
        comp = self.comp
        if comp is None:
            return
        key = message.key
        target = None
        if key.startswith("o") and key[1:].isdigit() and comp.conv is not None:
            target = comp.conv.index_of(int(key[1:]), message.row, message.col)
        elif key == "os0" and comp.conv is not None:
            target = comp.conv.index_of(0, message.row, message.col)
        elif key.startswith("p") and comp.pool is not None:
            target = comp.conv_steps + comp.pool.index_of(int(key[1:]), message.row, message.col)
        if target is not None:
            self.playing = False
            self.step = target

    def on_volume_view_cell_edited(self, message: VolumeView.CellEdited) -> None:
        s, comp = self.settings, self.comp
        if s is None or comp is None:
            return
        try:
            value = float(message.text)
        except ValueError:
            self.notify(f"A cell value must be a number. Received: value={message.text!r}", severity="error")
            return
        if not math.isfinite(value):
            self.notify(f"A cell value must be finite. Received: value={message.text!r}", severity="error")
            return
        key, r, c = message.key, message.row, message.col
        if key.startswith("x"):
            g = comp.conv.geometry if comp.conv is not None else comp.pool.geometry
            rr, cc = r - g.pad_top, c - g.pad_left
            if not (0 <= rr < s.x.shape[0] and 0 <= cc < s.x.shape[1]):
                self.notify("Padding cells are always 0: edit a cell of the input itself.", severity="warning")
                return
            x = s.x.copy()
            x[rr, cc, int(key[1:])] = value
            new = replace(s, x=x)
        elif key.startswith("k"):
            k, ch = (int(v) for v in key[1:].split("."))
            kernels = s.kernels.copy()
            kernels[r, c, ch, k] = value
            new = replace(s, kernels=kernels)
        elif key.startswith("b"):
            bias = s.bias.copy()
            bias[int(key[1:])] = value
            new = replace(s, bias=bias)
        else:
            return
        try:
            new_comp = Computation(new)
        except ValueError as exc:
            self._set_error(str(exc))
            return
        view = message.view
        cursor = view.cursor
        self._set_error("")
        self.modified = True
        self._install(new, new_comp, self.step)
        if cursor is not None and view.has_focus:
            view.set_cursor(cursor)
