"""The explorer's side panel: one :class:`~.knob.Knob` per setting of a convolution (how each parses typed
text, how the knobs follow a state's settings), the last refusal or change, the formulas and the notes."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.dom import DOMNode
from textual.widgets import Label, Static

from ...explore import ConvSettings, ConvState, ExplorerState, Setting
from ...explore.state import ACTIVATIONS, POOL_CHOICES, single
from ...explore.transpose_example import TransposeState
from .knob import Knob

#: The knob of each setting (ids in the compose below).
KNOBS: dict[str, Setting] = {
    "knob-stride": Setting.STRIDE,
    "knob-padding": Setting.PADDING,
    "knob-ksize": Setting.KERNEL_SIZE,
    "knob-count": Setting.KERNEL_COUNT,
    "knob-dilation": Setting.DILATION,
    "knob-activation": Setting.ACTIVATION,
    "knob-pool": Setting.POOL,
    "knob-pool-size": Setting.POOL_SIZE,
}


def parse_int(low: int, high: int, name: str) -> Callable[[str], int]:
    """A parser of typed text for a knob: a whole number from ``low`` to ``high`` (Keras' message otherwise)."""

    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise ValueError(f"`{name}` must be between {low} and {high}. Received: {name}={value}")
        return value

    return parse


def _kernel_size(text: str) -> tuple[int, int]:
    n = parse_int(1, 64, "kernel_size")(text)
    return n, n


def settings_knobs() -> ComposeResult:
    """The settings panel's knobs, in order (ids ``knob-…``, see :data:`KNOBS`)."""
    yield Knob(
        "stride",
        range(1, 7),
        1,
        parse=parse_int(1, 64, "strides"),
        id="knob-stride",
        tooltip="Distance between two windows (both axes)",
    )
    yield Knob(
        "padding",
        ("valid", "same", 1, 2, 3, 4),
        "valid",
        parse=parse_int(0, 64, "padding"),
        id="knob-padding",
        tooltip="valid (none), same (keep the size) or a number of zero rings",
    )
    yield Knob(
        "kernel size",
        [(k, k) for k in range(1, 8)],
        (3, 3),
        parse=_kernel_size,
        id="knob-ksize",
        tooltip="Height and width of every kernel",
    )
    yield Knob(
        "kernels",
        range(1, 17),
        1,
        parse=parse_int(1, 64, "filters"),
        id="knob-count",
        tooltip="Number of kernels = depth of the output",
    )
    yield Knob(
        "dilation",
        range(1, 5),
        1,
        parse=parse_int(1, 64, "dilation_rate"),
        id="knob-dilation",
        tooltip="Gap between the kernel's taps",
    )
    yield Knob("activation", ACTIVATIONS, "linear", id="knob-activation")
    yield Knob("pooling", POOL_CHOICES, "none", id="knob-pool", tooltip="Pooling after the convolution")
    yield Knob(
        "pool size",
        range(1, 7),
        2,
        parse=parse_int(1, 64, "pool_size"),
        id="knob-pool-size",
        tooltip="Window and stride of the pooling",
    )


def sync_knobs(screen: DOMNode, state: ConvState) -> None:
    """Set the knobs under ``screen`` to the settings of ``state``."""
    s = state.settings
    q = screen.query_one
    if isinstance(s, ConvSettings):
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
    pool_choices = POOL_CHOICES if isinstance(s, ConvSettings) else ("max", "avg")
    q("#knob-pool", Knob).set_value(s.pool.mode if s.pool else "none", pool_choices)
    q("#knob-pool-size", Knob).set_value(single(s.pool.size) if s.pool else 2)


def sync_settings(screen: DOMNode, state: ExplorerState) -> None:
    """Set the knobs to ``state``'s settings (a transposed convolution's entry has only stride and padding)."""
    if isinstance(state, TransposeState):
        screen.query_one("#knob-stride", Knob).set_value(state.stride)
        screen.query_one("#knob-padding", Knob).set_value(state.padding)
    elif isinstance(state, ConvState):
        sync_knobs(screen, state)


def side_panel() -> ComposeResult:
    """The panel's widgets: the settings' knobs, the error and info lines, the formulas and the notes."""
    yield Label("Settings", classes="side-title", id="settings-title")
    yield from settings_knobs()
    yield Static(id="error")
    yield Static(id="info")
    yield Label("Formulas", classes="side-title", id="formulas-title")
    yield Static(id="formulas")
    yield Label("About this example", classes="side-title")
    yield Static(id="notes")


def show_info(screen: DOMNode, text: str) -> None:
    """What the last change did (new kernel weights …), or nothing."""
    widget = screen.query_one("#info", Static)
    widget.update(Text(text))
    widget.set_class(bool(text), "-shown")


def show_error(screen: DOMNode, text: str) -> None:
    """Why the last setting was refused, or nothing."""
    widget = screen.query_one("#error", Static)
    widget.update(Text(f"✗ {text}\nThe last valid settings are kept.") if text else Text(""))
    widget.set_class(bool(text), "-shown")
