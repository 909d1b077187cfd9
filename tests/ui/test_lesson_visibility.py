"""Rule (c) of docs/development.md: at every step of every lesson, at 80x24 and at 130x42, what the narration
names is on screen.

On the lessons screen the narration is about one block of the picture (a map, a kernel, a layer's cells:
the view's *current* block) and its view knows the lines of the band that holds it (``focus_lines``). After
each key, that band must be inside the visible part of the scrolling body: all of it, or (taller than the
body) its first line and as much as fits. A picture without a current block is named as a whole: its first
line must be visible. Lessons 19 and 20 (screens of their own) are checked on the widgets each step
names: the kernel, its gradient and the update line; the title of the layer's gradient maps (the
gradient routed back below it is reached with PgDn).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from textual.widget import Widget

from tui_convnet.lessons import LESSONS
from tui_convnet.ui.app import create_app
from tui_convnet.ui.lessons.blocks import BlocksView
from tui_convnet.ui.lessons.screen import LessonsScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI

SIZES = [(80, 24), (130, 42)]


def _missed(screen: LessonsScreen) -> str | None:
    """Why the focus band of the lesson on ``screen`` is not on screen (None: it is)."""
    from textual.widgets import ContentSwitcher

    switcher = screen.query_one("#lesson-views", ContentSwitcher)
    view = switcher.query_one(f"#{switcher.current}", BlocksView)
    lines = view.focus_lines()
    first, end = lines if lines is not None else (0, 1)
    body = screen.query_one("#lesson-body")
    top = switcher.virtual_region.y + view.virtual_region.y + first
    height = body.scrollable_content_region.height
    bottom = top + min(end - first, height)
    shown = (int(body.scroll_y), int(body.scroll_y) + height)
    if shown[0] <= top and bottom <= shown[1]:
        return None
    pos = screen.position
    where = f"lines {top}–{bottom} of the picture, the body shows {shown[0]}–{shown[1]}"
    return f"{pos.lesson} step {pos.step + 1}: {where}"


@pytest.mark.sweep
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "130x42"])
async def test_every_lesson_step_shows_what_its_narration_names(ui: type[UI], size: tuple[int, int]) -> None:
    app = create_app(screen="lessons")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonsScreen)
        missed, seen = [], 0
        for number, info in enumerate(LESSONS):
            if number:
                await pilot.press("n")
                await pilot.pause()
            assert screen.position.lesson == info.key
            steps = screen.lesson(info.key, screen.position.digit).steps
            for step in range(steps):
                if step:
                    await pilot.press("right")
                    await pilot.pause()
                assert screen.position.step == step
                seen += 1
                if (why := _missed(screen)) is not None:
                    missed.append(why)
        assert seen > len(LESSONS)
        assert not missed, "\n".join(missed)


def _inside(widget: Widget, container: Widget) -> bool:
    """``widget``'s first line is within the part of ``container`` shown on screen."""
    region, shown = widget.region, container.content_region
    return bool(shown.y <= region.y < shown.bottom)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "130x42"])
async def test_lesson_20_shows_each_layers_gradient_and_pages_to_the_routed_one(
    ui: type[UI], size: tuple[int, int]
) -> None:
    from tui_convnet.ui.lessons.backprop import NetworkGradientScreen

    app = create_app()
    async with app.run_test(size=size) as pilot:
        screen = NetworkGradientScreen()
        await ui.open_screen(pilot, screen, lambda s: s.result is not None)
        maps = screen.query_one("#net-maps")
        assert screen.result is not None
        for step in range(len(screen.result.layers)):
            if step:
                await pilot.press("right")
                await pilot.pause()
            # the narration names the layer: its gradient maps' title is on screen
            assert _inside(screen.query_one("#lbl-grad"), maps), f"step {step + 1}"
        back = screen.query_one("#lbl-back")
        while not _inside(back, maps) and maps.scroll_y < maps.max_scroll_y:
            before = maps.scroll_y
            await pilot.press("pagedown")
            await pilot.pause()
            assert maps.scroll_y > before  # PgDn pages the maps
        assert _inside(back, maps)  # the gradient routed back, reached by keyboard


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "130x42"])
async def test_lesson_19_keeps_the_kernel_its_gradient_and_the_update_on_screen(
    ui: type[UI], size: tuple[int, int]
) -> None:
    # each step names a weight of the kernel, its gradient and the update: all three stay in view
    from tui_convnet.ui.lessons.backprop import LearnKernelScreen

    app = create_app("04")
    async with app.run_test(size=size) as pilot:
        screen = LearnKernelScreen()
        await ui.open_screen(pilot, screen)
        shown = screen.region
        for step in range(12):
            if step:
                await pilot.press("right" if step % 3 else "down")
                await pilot.pause()
            for selector in ("#grid-kernel", "#grid-grad", "#update-line"):
                region = screen.query_one(selector).region
                assert shown.y <= region.y and region.bottom <= shown.bottom - 1, (step, selector, region)
