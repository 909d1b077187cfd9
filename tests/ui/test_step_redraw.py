"""The step key is the hot path: what a step redraws (and what it does not lay out again)."""

from __future__ import annotations

import pytest
from textual.widget import Widget
from textual.widgets import Label

from tests.ui.screens import current
from tui_convnet.ui._textual_internals import compositor, forget_render, screen_strips
from tui_convnet.ui.app import create_app
from tui_convnet.ui.explorer.screen import ExplorerScreen
from tui_convnet.ui.explorer.title_bar import TitleBar

SIZE = (130, 42)


async def test_stepping_to_the_next_kernel_relabels_the_products_without_a_relayout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """cs231n's step 10 moves from kernel W0 to W1: the product grid's label changes, its width does not."""
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = current(app, ExplorerScreen)
        label = screen.query_one("#lbl-products", Label)
        assert str(label.content) == "Window × W0, cell by cell"
        layouts: list[int] = []  # the steps at which the whole screen was laid out again
        reflow = compositor(screen).reflow

        def reflowed(*args: object) -> object:
            layouts.append(screen.step)
            return reflow(*args)

        monkeypatch.setattr(compositor(screen), "reflow", reflowed)
        for _ in range(10):
            await pilot.press("right")
        await pilot.pause()
        assert screen.step == 10
        assert str(label.content) == "Window × W1, cell by cell"
        assert layouts == []
        lines = [strip.text for strip in screen_strips(app)]
        region = label.region
        assert lines[region.y][region.x : region.right].strip() == "Window × W1, cell by cell"


async def test_the_title_bar_strip_is_what_textual_would_draw() -> None:
    """The title bar makes its line straight from its text: the same cells and styles as Textual's own path."""
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right")
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            await pilot.pause()
            bar = app.screen.query_one(TitleBar)
            ours = bar.render_line(0)
            forget_render(bar)  # Textual's own rendering of the widget's render()
            textual = Widget.render_line(bar, 0)
            assert "step 3/18 · paused" in ours.text
            assert ours.cell_length == textual.cell_length == SIZE[0]
            assert list(ours.simplify()) == list(textual.simplify())
