"""``Knob``: a one-line setting (``stride  ‹ 2 ›``) changed with ↑/↓, typing or the mouse."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "×".join(str(v) for v in value)
    return str(value)


class Knob(Widget, can_focus=True):
    """A labelled value with a fixed list of choices.

    ↑/↓ (or a click on ‹ ›) move through ``options``; when ``parse`` is
    given, digits can be typed and Enter applies them (so values outside the
    list, such as a kernel larger than the input, can be tried too).
    Only user actions post :class:`Knob.Changed`.
    """

    HELP_TITLE = "On a setting (Tab to it, or click its ‹ › arrows)"

    BINDINGS = [
        Binding("up", "turn(1)", "Change", key_display="↑/↓", tooltip="Next value"),
        Binding("down", "turn(-1)", "Previous value", show=False),
        Binding("enter", "commit", "Apply typed number", tooltip="Type a number, then Enter"),
        Binding("escape", "leave", "Leave setting", key_display="Esc", tooltip="Cancel typing / leave the setting"),
    ]

    COMPONENT_CLASSES = {"knob--label", "knob--value", "knob--arrow", "knob--typed"}

    value: reactive[Any] = reactive(None, layout=False)
    buffer: reactive[str] = reactive("")

    class Changed(Message):
        def __init__(self, knob: Knob, value: Any) -> None:
            super().__init__()
            self.knob, self.value = knob, value

        @property
        def control(self) -> Knob:
            return self.knob

    def __init__(
        self,
        label: str,
        options: Sequence[Any],
        value: Any,
        *,
        parse: Callable[[str], Any] | None = None,
        show: Callable[[Any], str] = _show,
        id: str | None = None,
        tooltip: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.label = label
        self.options = list(options)
        self.parse = parse
        self.shower = show
        self.set_reactive(Knob.value, value)
        if tooltip:
            self.tooltip = tooltip

    def set_value(self, value: Any, options: Sequence[Any] | None = None) -> None:
        """Set the value from code (no message)."""
        if options is not None:
            self.options = list(options)
        self.buffer = ""
        self.value = value
        self.refresh()

    def _arrows(self) -> tuple[int, int]:
        """Columns of the ‹ and › arrows."""
        width = self.size.width
        return width - len(self._value_text()) - 4, width - 1

    def _value_text(self) -> str:
        return (self.buffer + "▏") if self.buffer else self.shower(self.value)

    def render(self) -> Text:
        width = max(self.size.width, 10)
        value = self._value_text()
        label_width = max(width - len(value) - 4, 1)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(self.label[:label_width].ljust(label_width), self.get_component_rich_style("knob--label"))
        arrow = self.get_component_rich_style("knob--arrow")
        text.append("‹ ", arrow)
        text.append(value, self.get_component_rich_style("knob--typed" if self.buffer else "knob--value"))
        text.append(" ›", arrow)
        return text

    def _step(self, direction: int) -> Any:
        opts = self.options
        if not opts:
            return self.value
        if self.value not in opts:
            return opts[0 if direction > 0 else -1]
        i = opts.index(self.value) + direction
        return opts[min(max(i, 0), len(opts) - 1)]

    def action_turn(self, direction: int) -> None:
        new = self._step(direction)
        self.buffer = ""
        if new != self.value:
            self.value = new
            self.post_message(self.Changed(self, new))

    def action_commit(self) -> None:
        if not self.buffer or self.parse is None:
            return
        text, self.buffer = self.buffer, ""
        try:
            new = self.parse(text)
        except ValueError as exc:
            self.notify(str(exc), severity="error", title=self.label, markup=False)
            return
        self.value = new
        self.post_message(self.Changed(self, new))

    def action_leave(self) -> None:
        if self.buffer:
            self.buffer = ""
        else:
            self.screen.set_focus(None)

    def on_key(self, event: events.Key) -> None:
        """A focused setting owns the printable keys: digits are typed (when numbers are allowed), the rest refused.

        (So ``q`` or ``n`` typed by mistake never quits or switches examples; Escape leaves the setting.)
        """
        char = event.character
        if event.key == "backspace" and self.buffer:
            self.buffer = self.buffer[:-1]
        elif self.parse is not None and char is not None and char.isdigit() and len(self.buffer) < 3:
            self.buffer += char
        elif event.is_printable and char is not None:
            how = "↑/↓ or a number and Enter" if self.parse is not None else "↑/↓"
            self.notify(
                f"Change {self.label} with {how}; Esc leaves the setting. Received: {char!r}",
                title=self.label,
                severity="warning",
                markup=False,
            )
        else:
            return
        event.stop()
        event.prevent_default()

    def on_click(self, event: events.Click) -> None:
        left, right = self._arrows()
        if event.x in (left, left + 1):
            self.action_turn(-1)
        elif event.x in (right - 1, right):
            self.action_turn(1)

    def on_blur(self, event: events.Blur) -> None:
        self.buffer = ""
