"""The arithmetic widget: its line wrapping (pure) and what it draws in an app."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tui_convnet.ui.explorer.arithmetic import Arithmetic, wrap_offsets


def rows_of(plain: str, width: int) -> list[str]:
    return [plain[a:b] for a, b in wrap_offsets(plain, width)]


def test_a_line_that_fits_is_one_row() -> None:
    assert wrap_offsets("o = 1 + 2", 20) == [(0, 9)]
    assert wrap_offsets("", 5) == [(0, 0)]
    assert wrap_offsets("abc", 0) == [(0, 3)]  # no width yet: not wrapped


def test_rows_break_at_the_last_space_that_fits_and_drop_it() -> None:
    assert rows_of("o[0,0,0] = 1 + 2 + 3", 10) == ["o[0,0,0] =", "1 + 2 + 3"]
    assert rows_of("aa bb cc dd", 5) == ["aa bb", "cc dd"]


def test_a_word_longer_than_a_row_is_cut() -> None:
    assert rows_of("abcdefghij kl", 4) == ["abcd", "efgh", "ij", "kl"]
    assert all(b - a <= 4 for a, b in wrap_offsets("x" * 17, 4))
    assert "".join(rows_of("x" * 17, 4)) == "x" * 17


class One(App[None]):
    def compose(self) -> ComposeResult:
        yield Arithmetic(id="arith")


async def test_the_widget_draws_its_lines_and_wraps_them_to_its_width() -> None:
    app = One()
    async with app.run_test(size=(20, 6)) as pilot:
        arith = app.query_one(Arithmetic)
        arith.show([[("o[0,0,0] = ", "label"), ("1 + 2 + 3", "sum")], [("[/] literal", "")]])
        await pilot.pause()
        shown = [arith.render_line(y).text.rstrip() for y in range(4)]
        assert shown == ["o[0,0,0] = 1 + 2 + 3", "[/] literal", "", ""]
        assert arith.size.height == 2
        await pilot.resize_terminal(11, 6)
        await pilot.pause()
        shown = [arith.render_line(y).text.rstrip() for y in range(3)]
        assert shown == ["o[0,0,0] =", "1 + 2 + 3", "[/] literal"]
        assert arith.size.height == 3
        assert arith.plain == "o[0,0,0] = 1 + 2 + 3\n[/] literal"
