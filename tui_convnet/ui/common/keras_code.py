"""``KerasCode``: the lecture's Keras code for the model on screen, the lines of the current layer or setting
marked ``▶`` (the code itself: :mod:`tui_convnet.teach.keras_code`). The explorer's model example and the
training screen's Model tab show it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widget import Widget

from ...core import ModelSpec
from ...teach.keras_code import CodeLine, model_code, pane_lines

if TYPE_CHECKING:
    from ...training.events import TrainConfig


class KerasCode(Widget):
    """The code; :meth:`show` sets the model, the settings and which lines to mark."""

    COMPONENT_CLASSES = {"keras-code--current", "keras-code--title"}
    DEFAULT_CSS = """
    KerasCode { height: auto; padding: 0 1; }
    KerasCode > .keras-code--current { color: $text-warning; text-style: bold; }
    KerasCode > .keras-code--title { color: $text-muted; text-style: italic; }
    """

    def __init__(
        self, caption: str = "the layer on screen", *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.caption = caption  # what the ▶ marks
        self.lines: tuple[CodeLine, ...] = ()
        self.code_layer: int | None = None
        self.settings: tuple[str, ...] = ()

    def show(
        self,
        spec: ModelSpec,
        config: TrainConfig | None = None,
        *,
        layer: int | None = None,
        settings: tuple[str, ...] = (),
    ) -> None:
        self.lines, self.code_layer, self.settings = model_code(spec, config), layer, settings
        self.refresh(layout=True)

    def reveal_marked(self, view: Widget) -> None:
        """Scroll ``view`` (the scrolling container this pane is in) as little as shows the marked lines (a long
        line wraps: its rows are counted at the pane's width)."""
        width = self.content_region.width or self.size.width
        if width <= 0:
            return
        row, end = 1, None  # the title line (never wrapped), then the code
        for line in self.marked():
            rows = max(1, len(Text("".join(t for t, _ in line)).wrap(self.app.console, width)))
            if line and line[0][1]:
                end = row + rows - 1
            row += rows
        if end is None:
            return
        y = self.virtual_region.y + end
        # The least scrolling that shows the line: as much of the summary above it as fits, at any size.
        view.scroll_to(y=max(0, y - view.scrollable_content_region.height + 1), animate=False, immediate=True)

    def marked(self) -> list[list[tuple[str, str]]]:
        return pane_lines(self.lines, layer=self.code_layer, settings=self.settings)

    @property
    def plain(self) -> str:
        return "\n".join("".join(t for t, _ in line) for line in self.marked())

    def render(self) -> Text:
        current = self.get_component_rich_style("keras-code--current")
        text = Text(f"The lecture's Keras code for this model (▶ {self.caption})\n", no_wrap=True)
        text.stylize(self.get_component_rich_style("keras-code--title"))
        for line in self.marked():
            for piece, role in line:
                text.append(piece, current if role else None)
            text.append("\n")
        text.rstrip()
        return text
