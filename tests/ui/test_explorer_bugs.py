"""Explorer bugs found by students and testers, each pressed through with real keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from rich.style import Style
from textual.app import App
from textual.screen import Screen

from tests.core.core_testing import conv_example
from tests.ui.screens import current
from tui_convnet.core import ConvExample
from tui_convnet.explore import focus_on_map
from tui_convnet.ui._textual_internals import notifications
from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.messages import OpenInExplorer
from tui_convnet.ui.explorer.arithmetic import Arithmetic
from tui_convnet.ui.explorer.screen import ExplorerScreen
from tui_convnet.ui.explorer.volume_view import VolumeView

if TYPE_CHECKING:
    from tests.ui.conftest import UI
    from tui_convnet.core import Example
    from tui_convnet.explore.panels import PanelKey

SIZE = (130, 42)
SECTIONS = ("#sec-input", "#sec-kernels", "#sec-output", "#sec-pool", "#sidebar", "#bottom")


def layout_of(app: App[Any]) -> tuple[object, ...]:
    screen = app.screen
    return (
        frozenset(c for c in screen.classes if c.startswith("-")),
        tuple((s, screen.query_one(s).display, screen.query_one(s).region) for s in SECTIONS),
    )


def focused_id(screen: Screen[Any]) -> str | None:
    """The id of the focused widget (None if nothing has the focus)."""
    return screen.focused.id if screen.focused is not None else None


def titlebar(ui: type[UI], app: App[Any]) -> str:
    return ui.widget_text(app.screen.query_one("#titlebar"))


async def fresh_layout(name: str) -> tuple[object, ...]:
    app = create_app(name)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        return layout_of(app)


async def test_bug1_visiting_examples_in_any_order_gives_the_fresh_layout() -> None:
    expected = {name: await fresh_layout(name) for name in ("01", "02", "03")}
    app = create_app("03")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert layout_of(app) == expected["03"]
        await pilot.press("N")  # 02, after the tall 28x28 digit
        await pilot.pause()
        assert layout_of(app) == expected["02"]
        await pilot.press("N")  # cs231n: the kernel panel is not left narrow, the output is on screen
        await pilot.pause()
        assert layout_of(app) == expected["01"]
        output = app.screen.query_one("#output-view")
        assert output.region.bottom <= app.screen.query_one("#bottom").region.y


async def test_bug2_the_settings_panel_never_hides_while_a_setting_is_focused(ui: type[UI]) -> None:
    app = create_app("01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = current(app, ExplorerScreen)
        for _ in range(4):  # the input grid, the kernel grid, stride, padding
            await pilot.press("tab")
        assert focused_id(screen) == "knob-padding"
        await pilot.press("up", "up")  # padding 1 → 3: input 11x11x3, the grids go side by side
        await pilot.pause()
        assert screen.settings is not None and screen.settings.padding == 3 and screen.has_class("-tall")
        assert screen.query_one("#sidebar").display and focused_id(screen) == "knob-padding"
        await pilot.press("up")  # the next ↑ changes the padding again, not the stride unseen
        assert screen.settings is not None and screen.settings.padding == 4 and screen.settings.stride == 2
        assert "‹ 4 ›" in ui.widget_text(screen.query_one("#knob-padding"))
        await pilot.press("escape")  # leaving the setting lets the panel go
        await pilot.pause()
        assert screen.focused is None and not screen.query_one("#sidebar").display
        await pilot.press("r")
        await pilot.click("#knob-count")
        await pilot.press("9", "enter")  # nine kernels
        await pilot.pause()
        assert screen.settings is not None and screen.settings.kernels.shape[3] == 9
        assert screen.query_one("#sidebar").display and focused_id(screen) == "knob-count"


async def test_bug4_s_toggles_the_notes_of_the_model_example_and_its_table_fits_80x24(ui: type[UI]) -> None:
    app = create_app("09")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = ui.screen_text(app)
        assert "Layer (type)" in text and "Laye…" not in text
        assert "(None, 26, 26, 32)" in text and "(None, 26, 26, 3…" not in text
        sidebar = app.screen.query_one("#sidebar")
        assert not sidebar.display
        await pilot.press("s")
        await pilot.pause()
        assert sidebar.display and "About this example" in ui.screen_text(app)
        await pilot.press("s")
        await pilot.pause()
        assert not sidebar.display


async def test_bug5_at_80x24_with_the_settings_shown_the_grids_and_the_arithmetic_stay_legible(ui: type[UI]) -> None:
    app = create_app("01")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        screen = current(app, ExplorerScreen)
        assert screen.query_one("#sidebar").display
        label = screen.query_one("#lbl-input")
        assert label.region.height == 1 and ui.widget_text(label).startswith("Input x")
        view = screen.query_one("#input-view", VolumeView)
        assert view.region.width >= 7 * 3  # one whole 7-column channel
        text = ui.screen_text(app)
        assert "ch2: " in text and "o[0,0,0] = 3 + (-4) + (-2) + b0 1 = -2" in text


async def test_bug6_the_title_bar_is_redrawn_after_a_resize(ui: type[UI]) -> None:
    app = create_app("01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "s: settings" not in titlebar(ui, app)
        await pilot.resize_terminal(90, 30)
        await pilot.pause()
        assert "s: settings" in titlebar(ui, app)  # no key pressed
        assert titlebar(ui, app).rstrip().endswith("steps/s")
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert "s: settings" not in titlebar(ui, app)


async def test_bug7_a_learned_map_opens_on_its_largest_activation_and_home_end_stay_in_it(
    ui: type[UI], examples: list[Example]
) -> None:
    base = conv_example(next(ex for ex in examples if ex.key.startswith("03_")))
    rng = np.random.default_rng(3)
    learned = ConvExample(
        key="learned",
        title="Learned kernels",
        x=base.x,
        kernels=rng.normal(0, 0.3, (3, 3, 1, 32)),
        bias=np.zeros(32),
        kernel_names=tuple(f"k{k}" for k in range(32)),
        activation="relu",
    )
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.post_message(OpenInExplorer.of(focus_on_map(learned, 5)))
        await pilot.pause()
        screen = current(app, ExplorerScreen)
        assert screen.comp is not None and screen.comp.conv is not None
        out = screen.comp.conv.output[:, :, 5]
        kernel, row, col = screen.comp.conv.position(screen.step)
        assert kernel == 5 and out[row, col] == out.max() > 0
        assert "map k5 · step" in titlebar(ui, app) and "/676" in titlebar(ui, app)
        await pilot.press("end")
        assert screen.step == 6 * 676 - 1 and "o[25,25,5]" in screen.query_one("#arith", Arithmetic).plain
        await pilot.press("home")
        assert screen.step == 5 * 676 and "o[0,0,5]" in screen.query_one("#arith", Arithmetic).plain
        await pilot.press("left")
        assert screen.step == 5 * 676


async def test_bug8_a_one_row_window_says_row(ui: type[UI]) -> None:
    app = create_app("03")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("end")
        assert "edge on row 27, columns 26–27" in screen_arith(app)


def screen_arith(app: App[Any]) -> str:
    return app.screen.query_one("#arith", Arithmetic).plain


async def test_a_focused_setting_owns_the_typed_keys(ui: type[UI]) -> None:
    app = create_app("01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#knob-activation")
        await pilot.press("q", "n", "z")
        await pilot.pause()
        # q, n and z went to the setting: still example 1, not quit, not compact
        total = sum(not ex.after_lessons for ex in app.examples)
        assert app.is_running and f"example 1/{total}" in titlebar(ui, app) and not current(app, ExplorerScreen).compact
        assert "Change activation with ↑/↓" in notifications(app)[-1]
        footer = ui.widget_text(app.screen.query_one("Footer"))
        assert "↑/↓ Change" in footer and "Esc Leave setting" in footer
        await pilot.press("escape", "n")
        assert f"example 2/{total}" in titlebar(ui, app)


async def test_user_text_is_never_read_as_markup(ui: type[UI], examples: list[Example]) -> None:
    base = conv_example(next(ex for ex in examples if ex.key.startswith("01_")))
    from dataclasses import replace

    odd = replace(
        base,
        key="odd",
        title="[b]x[/] and [/]",
        kernel_names=("[red]W0", "W1[/]"),
        channel_names=("[/]", "[i]", "b"),
        description="A [link]description[/link] with [/] brackets.",
        notes=("[bold]note",),
    )
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        current(app, ExplorerScreen).show_example(odd)
        await pilot.pause()
        text = ui.screen_text(app)
        assert "[b]x[/] and [/]" in titlebar(ui, app)
        assert "[red]W0" in text and "[/]" in text
        assert "[red]W0 on rows 0–2" in screen_arith(app)
        assert "[link]description[/link]" in str(app.screen.query_one("#notes").render())


def _warm(style: Style | None) -> bool:
    """True for a red/orange background, False for a blue one."""
    assert style is not None and style.bgcolor is not None
    r, _g, b = style.bgcolor.get_truecolor()
    return r > b


async def test_bug3_one_colour_convention_on_both_screens_and_a_legend(ui: type[UI]) -> None:
    from tui_convnet.ui.inspect.kernels import KernelGrid

    app = create_app("01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("end")
        view = app.screen.query_one("#output-view", VolumeView)
        segments = list(view._render_full_line(1))  # o[0,:,0] = -2 -1 1 | o[0,:,1] = -4 7 5
        cells = {seg.text.strip(): seg.style for seg in segments if seg.text.strip()}
        assert _warm(cells["7"]) and _warm(cells["1"]) and not _warm(cells["-4"]) and not _warm(cells["-2"])
        legend = ui.widget_text(app.screen.query_one("#legend"))
        for word in ("window", "current cell", "padding", "negative", "positive"):
            assert word in legend
        # the inspect screen's weight grid: the same learned kernel, the same colours
        grid = KernelGrid()
        grid.set_kernels(np.array([[1.0, -1.0]]).reshape(1, 2, 1, 1), np.zeros(1))
        tile = grid._tiles[0][0]
        assert _warm(tile[0].style) and not _warm(tile[1].style)


async def test_without_colour_the_window_and_the_current_cell_stay_visible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = create_app("01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.no_color
        await pilot.press("right")  # window rows 0-2, columns 2-4; current cell o[0,1,0]
        from textual.color import Color
        from textual.filter import NoColor

        from tui_convnet.explore.panels import input_key, output_key

        def styles_of(view_id: str, key: PanelKey, row: int) -> list[Style]:
            view = app.screen.query_one(view_id, VolumeView)
            band, _placed = view._where[key]
            strip = view._render_full_line(band.y + 1 + row)
            cells = NoColor().apply(list(strip), Color(0, 0, 0))  # what a monochrome terminal gets (any background)
            styles = []
            for seg in cells:
                if seg.text.strip():
                    assert seg.style is not None
                    styles.append(seg.style)
            return styles

        row = styles_of("#input-view", input_key(0), 1)  # padded row 1: cells 2-4 are in the window
        assert all(s.underline and s.bold for s in row[2:5]) and not any(s.underline for s in row[:2])
        out = styles_of("#output-view", output_key(0), 0)
        assert out[1].reverse and not out[0].reverse
