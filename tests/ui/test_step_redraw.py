"""The step key is the hot path: what a step redraws (and what it does not lay out again)."""

from __future__ import annotations

from textual.widgets import Label

from tui_convnet.ui.app import create_app

SIZE = (130, 42)


async def test_stepping_to_the_next_kernel_relabels_the_products_without_a_relayout(monkeypatch):
    """cs231n's step 10 moves from kernel W0 to W1: the product grid's label changes, its width does not."""
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        label = screen.query_one("#lbl-products", Label)
        assert str(label.content) == "Window × W0, cell by cell"
        layouts: list[int] = []  # the steps at which the whole screen was laid out again
        reflow = screen._compositor.reflow
        monkeypatch.setattr(screen._compositor, "reflow", lambda *args: layouts.append(screen.step) or reflow(*args))
        for _ in range(10):
            await pilot.press("right")
        await pilot.pause()
        assert screen.step == 10
        assert str(label.content) == "Window × W1, cell by cell"
        assert layouts == []
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        region = label.region
        assert lines[region.y][region.x : region.right].strip() == "Window × W1, cell by cell"
