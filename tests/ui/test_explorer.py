"""The convolution explorer, driven with real keys and clicks; assertions read what the widgets show."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from textual.app import App

from tests.ui.screens import cell_offset, current
from tui_convnet.explore.panels import bias_key, input_key, kernel_key, output_key
from tui_convnet.ui._textual_internals import SCREEN_REFRESH_LAYOUT, notifications, screen_strips
from tui_convnet.ui.app import create_app
from tui_convnet.ui.explorer.arithmetic import Arithmetic
from tui_convnet.ui.explorer.knob import Knob
from tui_convnet.ui.explorer.screen import ExplorerScreen
from tui_convnet.ui.explorer.volume_view import VolumeView

if TYPE_CHECKING:
    from tests.ui.conftest import UI
    from tui_convnet.core import Example
    from tui_convnet.explore import ConvSettings

SIZE = (130, 42)


def arith(app: App[Any]) -> str:
    return app.screen.query_one("#arith", Arithmetic).plain


def titlebar(ui: type[UI], app: App[Any]) -> str:
    return ui.widget_text(app.screen.query_one("#titlebar"))


def formulas(ui: type[UI], app: App[Any]) -> str:
    """The formulas panel's text (all of it, scrolled into view or not)."""
    return str(app.screen.query_one("#formulas").render())


def messages(app: App[Any]) -> list[str]:
    """The notifications (toasts) the app raised, oldest first."""
    return notifications(app)


def output_rows(ui: type[UI], app: App[Any]) -> list[str]:
    """The output grid rows (title line excluded), as rendered."""
    return ui.view_lines(app.screen.query_one("#output-view", VolumeView))[1:]


def settings(app: App[Any]) -> ConvSettings:
    """The explorer's convolution settings (the current example must be a convolution)."""
    conv = current(app, ExplorerScreen).settings
    assert conv is not None
    return conv


async def test_cs231n_first_step_writes_the_dot_product_out_and_the_notes_are_on_screen(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        notes = str(app.screen.query_one("#notes").render())
        assert "the slide prints o[1,0,0] = 0" in notes
        assert "Note:" in ui.widget_text(app.screen.query_one("#sidebar")) or "Note:" in notes
        text = arith(app)
        lines = text.splitlines()
        assert lines[1] == "ch0: 0·0 + 0·1 + 0·1 + 0·(-1) + 0·0 + 1·0 + 0·(-1) + 1·1 + 2·1 = 3"
        assert lines[2].startswith("ch1: ") and lines[2].endswith(" = -4")
        assert lines[3].startswith("ch2: ") and lines[3].endswith(" = -2")
        assert lines[4] == "o[0,0,0] = 3 + (-4) + (-2) + b0 1 = -2"
        # ... and the screen shows it too, with the first output cell filled in, the rest empty.
        screen = ui.screen_text(app)
        assert "o[0,0,0] = 3 + (-4) + (-2) + b0 1 = -2" in screen
        assert "step 1/18" in titlebar(ui, app)
        rows = output_rows(ui, app)
        assert rows[0].split()[:4] == ["-2", "·", "·", "·"]
        assert rows[1].split() == ["·"] * 6


async def test_step_forward_to_the_end_and_back(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("right")
        assert "step 2/18" in titlebar(ui, app)
        assert arith(app).splitlines()[-1] == "o[0,1,0] = (-2) + 0 + 0 + b0 1 = -1"
        await pilot.press("l", "l")  # l steps too
        assert "o[1,0,0] = 4 + (-4) + 1 + b0 1 = 2" in arith(app)  # the slide prints 0 here; the arithmetic gives 2
        await pilot.press("h")
        assert "o[0,2,0]" in arith(app)
        for _ in range(20):  # past the end: stays on the last step
            await pilot.press("right")
        assert "step 18/18" in titlebar(ui, app)
        assert arith(app).splitlines()[-1] == "o[2,2,1] = 1 + 2 + (-4) + b1 0 = -1"
        rows = output_rows(ui, app)
        first = [r.split() for r in rows[:3]]
        assert [r[:3] for r in first] == [["-2", "-1", "1"], ["2", "-2", "-2"], ["2", "0", "0"]]
        assert [r[3:] for r in first] == [["-4", "7", "5"], ["-7", "1", "4"], ["-6", "-1", "-1"]]
        for _ in range(17):
            await pilot.press("left")
        assert "step 1/18" in titlebar(ui, app)
        assert output_rows(ui, app)[0].split()[:2] == ["-2", "·"]
        await pilot.press("end")
        assert "step 18/18" in titlebar(ui, app)
        await pilot.press("home")
        assert "step 1/18" in titlebar(ui, app)


async def test_the_window_is_highlighted_on_every_channel_at_once() -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("right")  # window rows 0-2, columns 2-4
        view = app.screen.query_one("#input-view", VolumeView)
        window = {(r, c) for r in range(3) for c in range(2, 5)}
        for c in range(3):
            marks = view._marks[input_key(c)]
            assert set(marks) == window
            assert marks[(0, 2)] == "window-pad" and marks[(1, 2)] == "window"
        # the kernel in use is highlighted (title and cells), the other is not
        kernels = app.screen.query_one("#kernel-view", VolumeView)
        assert kernel_key(0, 0) in kernels._active and kernel_key(1, 0) not in kernels._active
        # the cells are drawn with the window style on every channel
        style = view._style("window")
        line = view._render_full_line(2)  # padded row 1
        styled = [seg for seg in line if seg.style is not None and seg.style.bgcolor == style.bgcolor]
        assert len(styled) == 3 * 3  # three window cells on each of the three channels


async def test_changing_stride_and_padding_updates_the_formulas(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "(5 − 3 + 2·1) / 2 + 1 = 3" in formulas(ui, app)
        assert "2·(3·3·3) + 2 = 56" in formulas(ui, app)
        await pilot.click("#knob-stride")
        await pilot.press("up")  # stride 3
        assert "⌊(5 − 3 + 2·1) / 3⌋ + 1 = 2" in formulas(ui, app)
        assert "step 1/8" in titlebar(ui, app)
        assert "Output o: 2×2×2" in ui.screen_text(app)
        await pilot.click("#knob-padding")
        await pilot.press("up")  # padding 2
        assert "(5 − 3 + 2·2) / 3 + 1 = 3" in formulas(ui, app)
        await pilot.press("down", "down")  # padding same: TensorFlow puts the odd zero after
        assert "(5 − 3 + 0 + 1) / 3 + 1 = 2" in formulas(ui, app)
        assert "Settings" in ui.screen_text(app)
        await pilot.press("down")  # padding valid
        assert "⌊(5 − 3 + 2·0) / 3⌋ + 1 = 1" in formulas(ui, app)
        assert "Input x: 5×5×3" in ui.screen_text(app) and "padded" not in ui.widget_text(
            app.screen.query_one("#lbl-input")
        )


async def test_an_impossible_setting_shows_the_core_message_and_keeps_the_last_valid_state(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("right", "right")
        before_formulas = formulas(ui, app)
        await pilot.click("#knob-ksize")
        await pilot.press("9", "enter")  # 9x9 kernel on a 7x7 padded input
        error = ui.widget_text(app.screen.query_one("#error"))
        assert "larger than the padded input" in error.replace("\n", " ")
        assert "last valid settings are kept" in error.replace("\n", " ")
        assert "‹ 3×3 ›" in ui.widget_text(app.screen.query_one("#knob-ksize"))
        assert formulas(ui, app) == before_formulas
        assert settings(app).kernels.shape == (3, 3, 3, 2)
        assert "step 3/18" in titlebar(ui, app)  # nothing was reset
        # a valid change clears the message
        await pilot.press("down")  # 2x2
        assert not app.screen.query_one("#error").display
        assert "2·(2·2·3) + 2 = 26" in formulas(ui, app)
        assert "modified: r resets" in titlebar(ui, app)
        await pilot.press("9", "enter")
        assert app.screen.query_one("#error").display
        await pilot.press("escape", "r")  # reset: the example as written, no message
        assert not app.screen.query_one("#error").display
        assert "modified" not in titlebar(ui, app)
        assert "2·(3·3·3) + 2 = 56" in formulas(ui, app)


async def test_more_kernels_are_filled_with_a_fixed_pattern_and_old_ones_kept(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        old = settings(app).kernels.copy()
        await pilot.click("#knob-count")
        await pilot.press("up")
        new = settings(app).kernels
        assert new.shape == (3, 3, 3, 3)
        np.testing.assert_array_equal(new[..., :2], old)
        assert set(np.unique(new[..., 2])) <= {-1.0, 0.0, 1.0}
        assert "3·(3·3·3) + 3 = 84" in formulas(ui, app)
        info = " ".join(ui.widget_text(app.screen.query_one("#info")).split())
        assert "Kernel bank now 3 × 3×3" in info and "fixed pattern of −1, 0, 1 (seed 0)" in info
        await pilot.press("down")
        np.testing.assert_array_equal(settings(app).kernels, old)


async def test_switching_examples_with_n_and_N_wraps_around(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        assert "RGB input" in titlebar(ui, app)
        assert "example 2/12" in titlebar(ui, app)
        assert "o[0,0,0] = 308 + (-498) + 164 + b0 1 = -25" in arith(app)
        await pilot.press("N", "N")
        assert "The gradient of a kernel" in titlebar(ui, app)  # the lesson after the examples
        assert "example 12/12" in titlebar(ui, app)
        await pilot.press("N")
        assert "transposed edge kernel" in titlebar(ui, app) and "example 11/12" in titlebar(ui, app)
        await pilot.press("N", "N")
        assert "The MNIST ConvNet" in titlebar(ui, app)
        assert "Total params: 93,322" in ui.screen_text(app)
        await pilot.press("n", "n", "n", "n")
        assert "cs231n" in titlebar(ui, app)


def test_the_builtin_examples_are_read_once_and_never_edited_in_place() -> None:
    """Every app of a process shares the examples (read once); their arrays refuse in-place edits."""
    from tui_convnet.core import ConvExample

    first, second = create_app().examples, create_app().examples
    assert len(first) == len(second) and all(a is b for a, b in zip(first, second, strict=True))
    cs231n = first[0]
    assert isinstance(cs231n, ConvExample)
    for array in (cs231n.x, cs231n.kernels, cs231n.bias):
        with pytest.raises(ValueError, match="read-only"):
            array[(0,) * array.ndim] = 5


def _backgrounds(app: App[Any], selector: str) -> set[str]:
    """The background colours drawn inside a widget's region of the screen."""
    region = app.screen.query_one(selector).region
    colours = set()
    for strip in screen_strips(app)[region.y : region.bottom]:
        x = 0
        for segment in strip:
            if region.x <= x < region.right and segment.style is not None and segment.style.bgcolor is not None:
                colours.add(segment.style.bgcolor.get_truecolor().hex)
            x += segment.cell_length
    return colours


async def test_a_new_theme_redraws_the_formulas_and_the_notes_in_its_colours() -> None:
    """The formulas and notes were written once in the first theme's colours: after Ctrl+P → Theme →
    textual-light they kept the dark theme's background behind every line."""
    looks = {}
    for first, then in (("textual-light", None), ("textual-dark", "textual-light")):
        app = create_app()
        app.theme = first  # the theme the app starts in
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            if then is not None:
                app.theme = then
                await pilot.pause()
            looks[(first, then)] = _backgrounds(app, "#formulas") | _backgrounds(app, "#notes")
    assert looks[("textual-dark", "textual-light")] == looks[("textual-light", None)]


async def test_editing_an_input_cell_recomputes_everything_downstream(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one("#input-view", VolumeView)
        x, y = cell_offset(view, input_key(0), 2, 2)  # padded (2, 2) = x[1, 1, 0] = 2, weight W0[2, 2, 0] = 1
        await pilot.click(view, offset=(x, y))
        assert view.has_focus and view.cursor == (input_key(0), 2, 2)
        await pilot.press("5", "enter")
        assert settings(app).x[1, 1, 0] == 5
        text = arith(app)
        assert text.splitlines()[1].endswith("+ 5·1 = 6")
        assert text.splitlines()[-1] == "o[0,0,0] = 6 + (-4) + (-2) + b0 1 = 1"
        assert output_rows(ui, app)[0].split()[0] == "1"
        assert ui.view_lines(view)[3].split()[2] == "5"  # the grid shows the new value
        await pilot.press("escape")
        assert not view.has_focus
        await pilot.press("right")  # the arrows step again
        assert "step 2/18" in titlebar(ui, app)


async def test_editing_a_kernel_weight_and_a_bias(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one("#kernel-view", VolumeView)
        await pilot.click(view, offset=cell_offset(view, bias_key(0), 0, 0))
        await pilot.press("1", "0", "enter")
        assert arith(app).splitlines()[-1] == "o[0,0,0] = 3 + (-4) + (-2) + b0 10 = 7"
        await pilot.press("left")  # move to the last weight of W0[:,:,2]
        assert view.cursor == (kernel_key(0, 2), 0, 2)
        await pilot.press("minus", "3", "enter")
        assert settings(app).kernels[0, 2, 2, 0] == -3


async def test_clicking_an_output_cell_jumps_to_its_step(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("end")
        view = app.screen.query_one("#output-view", VolumeView)
        await pilot.click(view, offset=cell_offset(view, output_key(1), 1, 2))
        assert "step 15/18" in titlebar(ui, app)
        assert "o[1,2,1]" in arith(app)


async def test_pooling_continues_the_animation_over_the_activated_output(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#knob-activation")
        await pilot.press("up")  # relu
        await pilot.click("#knob-pool")
        await pilot.press("up")  # max pooling 2x2 on the 3x3x2 output → 1x1x2
        assert "step 1/20" in titlebar(ui, app)
        assert "Max pooling 2×2: 1×1×2" in ui.screen_text(app)
        await pilot.press("end")
        assert "p[0,0,1] = max(0, 7, 0, 1) = 7" in arith(app)
        out = app.screen.query_one("#output-view", VolumeView)
        assert set(out._marks[output_key(1)]) == {(0, 0), (0, 1), (1, 0), (1, 1)}
        await pilot.press("left")
        assert "p[0,0,0] = max(0, 0, 2, 0) = 2" in arith(app)
        await pilot.press("left")
        assert "relu: max(0, -1) = 0" in arith(app)


async def test_pooling_example_steps_over_windows(ui: type[UI]) -> None:
    app = create_app("07")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "p[0,0,0] = max(1, 1, 5, 6) = 6" in arith(app)
        await pilot.press("n", "right")
        assert "p[0,1,0] = (2 + 4 + 7 + 8) / 4 = 5.25" in arith(app)


async def test_symbolic_example_writes_the_letters(ui: type[UI]) -> None:
    app = create_app("04")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert arith(app).splitlines()[1] == "o[0,0,0] = aw + bx + ey + fz = 1·1 + 2·0 + 5·2 + 6·(-1) = 5"
        await pilot.press("end")
        out = ui.view_lines(app.screen.query_one("#output-view", VolumeView))
        assert "aw + bx + ey + fz" in out[1] and "cw + dx + gy + hz" in out[1]
        assert "jw + kx + ny + oz" not in "".join(out)
        assert out[2].split()[-3:] == ["13", "15", "17"]


async def test_model_example_steps_through_the_layers(ui: type[UI]) -> None:
    app = create_app("09")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "(28 − 3 + 2·0) / 1 + 1 = 26" in arith(app)
        assert "32·(3·3·1) + 32 = 320" in arith(app)
        await pilot.press("end")
        assert "dense_1 (Dense)" in arith(app)
        assert "64·10 + 10 = 650" in arith(app)
        await pilot.press("left")
        assert "576·64 + 64 = 36,928" in arith(app)


async def test_play_pause_and_speed(monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = current(app, ExplorerScreen)
        # The timer's ticks are counted, and stop moving the step at step 5: the play never reaches the last step
        # (18), whatever the machine's load between seeing step 2 and the pause key arriving (at the last step
        # playing stops by itself, and space then starts again from the first step: the old flake).
        ticks: list[int] = []
        tick = screen._tick

        def counted_tick() -> None:
            ticks.append(screen.step)
            if screen.step < 5:
                tick()

        monkeypatch.setattr(screen, "_tick", counted_tick)  # the timer made for the new speed calls this one
        await pilot.press("plus", "plus", "plus")  # 16 steps/s
        assert "16 steps/s" in str(screen.query_one("#titlebar").render())
        await pilot.press("space")
        assert screen.playing
        for _ in range(200):  # however busy the machine: it plays on by itself (at most 10 s)
            if screen.step >= 2:
                break
            await pilot.pause(0.05)
        assert screen.step >= 2 and ticks
        await pilot.press("space")
        assert not screen.playing
        reached, ticked = screen.step, len(ticks)
        await pilot.pause(0.2)  # a timer still running would tick about three times
        assert screen.step == reached and len(ticks) == ticked


async def test_a_28x28_digit_opens_compact_and_z_shows_the_numbers(ui: type[UI]) -> None:
    app = create_app("03")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one("#input-view", VolumeView)
        assert view.cell_width == 2 and view.compact  # colours only: the whole digit fits
        first_row = ui.view_lines(view)[1]
        assert first_row.startswith("[][]")  # the 1x2 window, drawn over the cells' colours
        await pilot.press("z")
        # ".004" (1/255, the faintest ink) plus a space: the column is as wide as its widest number
        assert view.cell_width == 5 and ui.view_lines(view)[1].split()[:2] == ["0", "0"]
        await pilot.press("z")
        assert view.cell_width == 2 and view.compact


async def test_too_small_terminal_says_how_big_it_must_be(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        text = ui.screen_text(app)
        assert "at least 80×24" in text and "This one is 60×20" in text
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert "at least 80×24" not in ui.screen_text(app)
        assert "step 1/18" in titlebar(ui, app)


async def test_show_example_with_a_digit_and_32_learned_kernels(ui: type[UI], examples: list[Example]) -> None:
    example = ui.digit_example(examples, 32)
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = current(app, ExplorerScreen)
        screen.show_example(example, 5 * 26 * 26)
        await pilot.pause()
        assert screen.has_class("-tall")
        assert f"step {5 * 26 * 26 + 1}/{32 * 26 * 26}" in titlebar(ui, app)
        assert "Learned kernels (32)" in titlebar(ui, app)
        assert "k5 on rows 0–2, columns 0–2 → o[0,0,5]" in arith(app)  # 'valid': no padded input
        out = screen.query_one("#output-view", VolumeView)
        assert len(out.panels) == 32
        # the current feature map is scrolled into view, and its first cell is filled in
        visible = ui.widget_text(out)
        assert "o[:,:,5] = k5" in visible
        assert screen.comp is not None and screen.comp.conv is not None
        assert screen.comp.conv.output.shape == (26, 26, 32)
        expected = screen.comp.conv.output[0, 0, 5]
        assert re.search(r"relu: max\(0, .*\) = ", arith(app))
        await pilot.press("right")
        assert screen.step == 5 * 26 * 26 + 1
        await pilot.press("end")
        assert "o[25,25,31]" in arith(app)
        assert screen.comp is not None and screen.comp.conv is not None
        assert expected == screen.comp.conv.output[0, 0, 5]


async def test_help_lists_the_explorer_and_app_keys(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()  # drawn before it is read, however busy the machine
        from tui_convnet.ui.common.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        text = ui.screen_text(app)
        for words in ("Next example", "Play / pause", "Numbers/colours", "Everywhere", "Quit"):
            assert words in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_knob_arrows_work_with_the_mouse(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        knob = app.screen.query_one("#knob-stride", Knob)
        left, right = knob._arrows()
        await pilot.click(knob, offset=(right, 0))
        assert "⌊(5 − 3 + 2·1) / 3⌋ + 1 = 2" in formulas(ui, app)
        await pilot.click(knob, offset=(left, 0))
        await pilot.click(knob, offset=(left, 0))
        assert "(5 − 3 + 2·1) / 1 + 1 = 5" in formulas(ui, app)
        assert "step 1/50" in titlebar(ui, app)
        await pilot.press("right")  # a focused setting leaves ←/→ to the steps
        assert "step 2/50" in titlebar(ui, app)


async def test_settings_panel_toggles_and_hides_on_narrow_terminals(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#sidebar").display
        assert "s: settings" in titlebar(ui, app)
        await pilot.press("s")
        assert app.screen.query_one("#sidebar").display
        assert "s: settings" not in titlebar(ui, app)
        await pilot.press("s")
        assert not app.screen.query_one("#sidebar").display


async def test_open_in_explorer_message_positions_the_step(ui: type[UI], examples: list[Example]) -> None:
    from tui_convnet.ui.common.messages import OpenInExplorer

    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.post_message(OpenInExplorer(examples[5], 7))  # 06_stride_2
        await pilot.pause()
        assert "Stride 2 halves the size" in titlebar(ui, app)
        assert "step 8/18" in titlebar(ui, app) and "example 6/12" in titlebar(ui, app)
        assert "relu: max(0, " in arith(app)
        await pilot.press("n")
        assert "example 7/12" in titlebar(ui, app)


async def test_a_small_terminal_puts_the_grids_side_by_side(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("right")
        screen = current(app, ExplorerScreen)
        assert screen.has_class("-tall")  # the stacked grids would not fit in 24 lines
        # input window, kernel and output cell are all on screen at once
        assert "o[:,:,0] = W0" in ui.widget_text(screen.query_one("#output-view"))
        output = ui.widget_text(screen.query_one("#output-view")).splitlines()
        assert output[1].split()[:3] == ["-2", "-1", "·"]
        assert "W0[:,:,0]" in ui.widget_text(screen.query_one("#kernel-view"))
        assert "o[0,1,0] = (-2) + 0 + 0 + b0 1 = -1" in ui.screen_text(app)
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.screen.has_class("-tall")


async def test_a_focused_grid_owns_the_typed_keys_and_escape_gives_them_back(ui: type[UI]) -> None:
    # typing "nan" into a cell jumped two examples ahead and "q" quit.
    app = create_app("02")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one("#kernel-view", VolumeView)
        await pilot.click(view, offset=cell_offset(view, kernel_key(0, 0), 2, 2))
        await pilot.press("n", "a", "n", "q", "N", "s", "space")
        await pilot.pause()
        assert app.is_running and "RGB input" in titlebar(ui, app) and "example 2/12" in titlebar(ui, app)
        assert view.has_focus and view.buffer == ""
        assert messages(app)[-1] == "Type a number, then Enter (Esc leaves the grid). Received: ' '"
        await pilot.press("4", "enter")
        assert settings(app).kernels[2, 2, 0, 0] == 4
        await pilot.press("escape", "N")  # Esc leaves the grid: the keys are the explorer's again
        assert not view.has_focus and "cs231n" in titlebar(ui, app)
        await pilot.press("N", "N", "N", "N", "N")  # 12, 11, 10, 09 (model), 08 (pooling): no kernels
        assert view.cursor is None
        await pilot.press("4", "enter")  # nothing happens, nothing breaks
        assert "Average pooling" in titlebar(ui, app)


async def test_a_value_that_is_not_a_number_is_refused(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one("#input-view", VolumeView)
        await pilot.click(view, offset=cell_offset(view, input_key(1), 1, 1))
        await pilot.press("1", "full_stop", "full_stop", "enter")
        await pilot.pause()
        assert messages(app)[-1] == "A cell value must be a number. Received: value='1..'"
        assert settings(app).x[0, 0, 1] == 2  # unchanged
        await pilot.click(view, offset=cell_offset(view, input_key(1), 0, 0))  # a padding cell
        await pilot.press("7", "enter")
        await pilot.pause()
        assert messages(app)[-1].startswith("Padding cells are always 0")
        assert not current(app, ExplorerScreen).modified


async def test_a_step_redraws_its_widgets_without_laying_the_screen_out_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """A step key is the hot path: it repaints what changed, it does not lay out the whole screen again."""
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = current(app, ExplorerScreen)
        layouts = []
        original = getattr(type(screen), SCREEN_REFRESH_LAYOUT)

        def counted(self: ExplorerScreen, *args: Any, **kwargs: Any) -> Any:
            layouts.append(self.step)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(type(screen), SCREEN_REFRESH_LAYOUT, counted)
        for _ in range(6):  # within the first kernel: the same arithmetic shape, the same product grid
            await pilot.press("right")
            await pilot.pause()
        assert screen.step == 6
        assert layouts == []


async def test_a_shortened_title_keeps_a_blank_before_the_right_side(ui: type[UI]) -> None:
    """At 80 columns the title ran into the hint: "The MNIST ConvNet (model.summary…s: settings"."""
    app = create_app("09")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        title = ui.screen_lines(app)[0]
        assert "… s: settings" in title and "example 9/" in title, title
