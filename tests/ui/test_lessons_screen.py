"""The lessons screen, driven with real keys: each lesson stepped through, its keys pressed."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from textual.app import App
from textual.pilot import Pilot

from tui_convnet.lessons import LESSONS
from tui_convnet.ui.app import create_app

if TYPE_CHECKING:
    from tests.ui.conftest import UI

SIZE = (130, 42)


def title(ui: type[UI], app: App[Any]) -> str:
    return ui.widget_text(app.screen.query_one("#lesson-title"))


def text(app: App[Any]) -> str:
    return str(app.screen.query_one("#lesson-text").render())


def picture(ui: type[UI], app: App[Any], key: str) -> str:
    return ui.widget_text(app.screen.query_one(f"#lesson-{key}"))


async def open_lessons(pilot: Pilot[int], lesson: int = 1) -> None:
    """Lesson ``lesson`` (1: the first), from L in the explorer or on the screen the app opened on."""
    from tui_convnet.ui.lessons.screen import LessonsScreen

    await pilot.pause()
    if not isinstance(pilot.app.screen, LessonsScreen):
        await pilot.press("L")
        await pilot.pause()
    for _ in range(lesson - 1):
        await pilot.press("n")
    await pilot.pause()


async def test_lesson_1_steps_through_three_examples_and_opens_them_in_the_explorer(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_lessons(pilot)
        assert "Lesson 13 · A kernel is a pattern detector" in title(ui, app)  # after the 12 examples
        assert "Convolution (Diagonal edge)" in title(ui, app)
        assert "Example 10" in text(app) and "Output values from -2 to 3" in text(app)
        await pilot.press("right", "right")
        assert "step 3/3" in title(ui, app) and "Example 11" in text(app)
        await pilot.press("left", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ExplorerScreen"
        assert "Edge detection: the kernel [1, -1]" in ui.screen_lines(app)[0]


async def test_lesson_2_outputs_inputs_and_counts(ui: type[UI]) -> None:
    app = create_app(screen="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await open_lessons(pilot, 2)
        await pilot.press("right", "right")
        assert "step 3/12" in title(ui, app)
        assert "Output s3 depends on" in text(app) and "x2, x3, x4 — 3 of 5 inputs" in text(app)
        # s3's row: the convolution's three inputs lit, the dense layer's five
        assert "s3   ·   ●   ●   ●   ·     s3   ●   ●   ●   ●   ●" in picture(ui, app, "sparse")
        await pilot.press("right", "right", "right")
        assert "Input x1 reaches" in text(app) and "s1, s2 — 2 outputs" in text(app)
        await pilot.press("end")
        assert "784·21,632 + 21,632 = 16,981,120" in text(app) and "32·(3·3·1) + 32 = 320" in text(app)


async def test_lesson_3_select_cells_and_layers(ui: type[UI]) -> None:
    app = create_app(screen="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await open_lessons(pilot, 3)
        assert "Model: bundled model" in title(ui, app)
        assert (
            "conv2d (Conv2D; the slide's conv2d_1) cell (12, 12) depends on input rows 12–14, columns 12–14: 3×3"
            in text(app)
        )
        assert "The slide's names (conv2d_1, max_pooling2d_1, dense_2) come from Keras 2" in text(app)
        await pilot.press("right", "right", "right", "right")
        assert "conv2d_2 (Conv2D; the slide's conv2d_3) cell (1, 1)" in text(app) and "18×18" in text(app)
        await pilot.press("l", "j")
        assert "cell (2, 2) depends on input rows 8–25, columns 8–25: 18×18" in text(app)
        assert "input 28×28 · field 18×18" in picture(ui, app, "receptive")
        await pilot.press("plus")
        assert "dense (Dense; the slide's dense_1) unit 0" in text(app) and "last 2 rows and 2 columns" in text(app)
        await pilot.press("minus", "minus")
        assert "max_pooling2d_1 (MaxPooling2D; the slide's max_pooling2d_2)" in text(app)


async def test_lesson_4_shift_the_digit(ui: type[UI]) -> None:
    app = create_app(screen="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await open_lessons(pilot, 4)
        assert "The digit is not shifted" in text(app)
        await pilot.press("j", "l", "l")
        assert "shifted down 1, right 2" in text(app)
        assert "max |Δ| = 0 on the 600 cells away from the borders" in text(app)
        assert "digit shifted (+1, +2)" in picture(ui, app, "sharing")
        assert "Prediction: 7" in text(app)
        await pilot.press("plus")
        assert "map 1 of the shifted digit" in picture(ui, app, "sharing")


async def test_lesson_5_first_to_deepest(ui: type[UI]) -> None:
    app = create_app(screen="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await open_lessons(pilot, 5)
        assert "First layer" in text(app) and "conv2d · field 3×3" in picture(ui, app, "hierarchy")
        await pilot.press("end")
        assert "Deepest layer: each cell sees 18×18 pixels" in text(app)
        assert "Receptive fields: 3×3 in conv2d (the slide's conv2d_1) → 18×18 in conv2d_2 (the slide's conv2d_3)" in (
            " ".join(text(app).split())
        )
        await pilot.press("right_square_bracket")
        assert "test digit 1 (a 2)" in title(ui, app)


async def test_lesson_6_a_fresh_mask_each_press(ui: type[UI]) -> None:
    app = create_app(screen="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await open_lessons(pilot, 6)
        assert "Inference mode" in text(app) and "mask (0 dropped)" in picture(ui, app, "dropout")
        assert "units of dense (the slide's dense_1) pass unchanged" in " ".join(text(app).split())
        assert "so the slide's conv2d_2 is Keras 3's conv2d_1: the same layer" in " ".join(text(app).split())
        await pilot.press("m")
        first = picture(ui, app, "dropout")
        assert "Training mode, rate 0.5, pass 1" in text(app) and "x · mask · 2" in text(app)
        await pilot.press("space")
        assert "pass 2" in text(app) and picture(ui, app, "dropout") != first
        await pilot.press("plus")
        assert "rate 0.6" in text(app) and "x · mask · 2.5" in text(app)
        await pilot.press("m")
        assert "Inference mode" in text(app)


async def test_one_numbering_in_the_palette_and_every_lesson_is_there_with_its_slide(ui: type[UI]) -> None:
    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen) if c.title[:7] in ("Example", "Lesson ")]
        numbers = [int(t.split(":")[0].split()[1]) for t in titles]
        assert numbers == list(range(1, 25))  # no number twice, none missing, in order
        assert titles[9].startswith("Example 10: A diagonal-edge kernel")
        assert titles[11].startswith("Example 12: The gradient of a kernel")
        assert titles[12] == "Lesson 13: A kernel is a pattern detector"
        assert titles[18:21] == [
            "Lesson 19: Learn a kernel by gradient descent",
            "Lesson 20: Backpropagation through the network",
            "Lesson 21: Preparing the data, step by step",
        ]
        assert [t.split(":")[0] for t in titles[21:]] == [
            "Example 22",
            "Example 23",
            "Example 24",
        ]  # beyond the lecture
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        for number, info in enumerate(LESSONS, 13):
            command = commands[f"Lesson {number}: {info.title}"]
            assert info.slide in command.help
        commands["Lesson 16: Parameter sharing and translation invariance"].callback()
        await pilot.pause()
        assert "Lesson 16 · Parameter sharing" in title(ui, app)
        commands["Lesson 14: Sparse connectivity"].callback()
        await pilot.pause()
        assert "Lesson 14 · Sparse connectivity" in title(ui, app)


async def test_d_is_draw_on_every_lesson_and_the_footer_says_one_meaning_per_key(ui: type[UI]) -> None:
    app = create_app(screen="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await open_lessons(pilot, 4)  # the sharing lesson moves the digit with h/j/k/l
        footer = await ui.footer_line(pilot)
        assert "h/j/k/l Move" in footer and "w/a/s/d" not in footer
        await pilot.press("l")
        assert "shifted right 1" in text(app)
        await pilot.press("d")
        await pilot.pause()
        assert type(app.screen).__name__ == "DrawScreen"


async def test_keys_of_other_lessons_do_nothing_and_stay_out_of_the_footer(ui: type[UI]) -> None:
    app = create_app(screen="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await open_lessons(pilot, 2)
        before = text(app)
        await pilot.press("space", "m", "w", "plus")
        assert text(app) == before
        footer = await ui.footer_line(pilot)
        assert "Lesson" in footer and "Move" not in footer and "New mask" not in footer


async def test_every_lessons_footer_fits_at_130_columns_help_and_quit_included(ui: type[UI]) -> None:
    from tui_convnet.ui.lessons.backprop import LearnKernelScreen, NetworkGradientScreen

    app = create_app(screen="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await open_lessons(pilot)
        for lesson in range(13, 19):  # n from lesson 18 goes on to lesson 19, a screen of its own (below)
            footer = await ui.footer_line(pilot)
            assert "o Open…" in footer and "? Help" in footer and "q Quit" in footer, (lesson, footer)
            if lesson < 18:
                await pilot.press("n")
        for screen in (LearnKernelScreen(), NetworkGradientScreen()):
            await ui.open_screen(pilot, screen)
            footer = await ui.footer_line(pilot)
            assert "Esc Back" in footer and "? Help" in footer and "q Quit" in footer, footer
            await pilot.press("escape")
        assert type(app.screen).__name__ == "LessonsScreen"
        await pilot.press("e")
        footer = await ui.footer_line(pilot)  # the explorer: o Open… in, its own e out
        assert "o Open…" in footer and "e Explorer" not in footer and "q Quit" in footer, footer


async def test_lesson_17_labels_every_map_it_shows_and_says_how_many(ui: type[UI]) -> None:
    # "the 8 most active maps" above 3 maps of conv2d at 130x42, the first map of each row unlabelled
    app = create_app(screen="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", "n", "n", "n", "end")
        await pilot.pause()
        shown = picture(ui, app, "hierarchy")
        assert "up to 8 as the width allows" in text(app)
        labels = re.findall(r"map \d+", shown)
        counts = re.findall(r"(\d) of 8 shown", shown)
        assert counts and all(int(c) < 8 for c in counts)
        # each row of maps: one label per map drawn (the first too), and the count is the row's labels
        assert len(labels) == sum(int(c) for c in counts) + 8 * (3 - len(counts))


async def test_lesson_15_says_when_the_view_is_off_the_step(ui: type[UI]) -> None:
    # "step 6/6" stayed after − (another layer): the narration describes the selection, and says it is not the step
    app = create_app(screen="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", "n", "end")
        await pilot.pause()
        assert "Your own choice" not in text(app)
        assert "(not 13 → 6" not in text(app)
        await pilot.press("minus")
        await pilot.pause()
        assert text(app).startswith("Your own choice, away from step 6 (←/→: back to the steps).")
        await pilot.press("right")
        await pilot.pause()
        assert "Your own choice" not in text(app)


async def test_at_80x24_the_picture_follows_the_narration_and_page_keys_scroll(ui: type[UI]) -> None:
    # lesson 15 step 5 (conv2d_2) and lesson 17 step 3 were below the screen, and PageDown did nothing
    app = create_app(screen="lessons")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n", "n", "right", "right", "right", "right")  # lesson 15, step 5: a cell of conv2d_2
        await pilot.pause()
        assert "step 5/6" in title(ui, app) and "conv2d_2" in text(app)
        assert "◆" in ui.widget_text(app.screen.query_one("#lesson-body"))  # the selected cell's map is shown
        await pilot.press("n", "n", "end")  # lesson 17, the deepest layer
        await pilot.pause()
        assert "conv2d_2 · field 18×18" in ui.widget_text(app.screen.query_one("#lesson-body"))
        body = app.screen.query_one("#lesson-body")
        await pilot.press("home")
        await pilot.pause()
        assert body.scroll_y == 0 or "conv2d · field 3×3" in ui.widget_text(body)
        start = body.scroll_y
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > start
        await pilot.press("pageup")
        await pilot.pause()
        assert body.scroll_y == start


async def test_esc_leaves_the_lessons_and_n_reaches_the_backpropagation_lessons(ui: type[UI]) -> None:
    from tui_convnet.ui.explorer.screen import ExplorerScreen
    from tui_convnet.ui.lessons.backprop import LearnKernelScreen, NetworkGradientScreen
    from tui_convnet.ui.lessons.screen import LessonsScreen

    app = create_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_lessons(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ExplorerScreen)  # back where L was pressed
        await open_lessons(pilot)
        await pilot.press(*["n"] * 6)  # 13 → 18, then 19
        await pilot.pause()
        assert isinstance(app.screen, LearnKernelScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NetworkGradientScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LessonsScreen)


async def test_without_colour_the_sign_of_a_map_is_written(ui: type[UI], monkeypatch: pytest.MonkeyPatch) -> None:
    # NO_COLOR: "blue −, orange +" were two greys that look alike; the map then carries − and + glyphs
    from tui_convnet.ui.common.palette import value_legend

    monkeypatch.setenv("NO_COLOR", "1")
    app = create_app(screen="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("right", "right")  # lesson 13's digit with an edge kernel: a signed output
        await pilot.pause()
        shown = picture(ui, app, "pattern")
        assert "output (− and +)" in shown and "blue" not in shown
        assert "−" in shown.split("output (− and +)")[1] and "+" in shown.split("output (− and +)")[1]
    legend = value_legend(True).plain
    assert legend.index("−") < legend.index("negative") < legend.index("+") < legend.index("positive")
