"""The private Textual and textual-serve names the app uses: each still exists and behaves as used, and no
module but ``tui_convnet/ui/_textual_internals.py`` uses any."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap
from textual.css.stylesheet import Stylesheet
from textual.widget import Widget
from textual.widgets import Static

import tui_convnet
from tui_convnet.ui import _textual_internals as internals

PACKAGE = Path(tui_convnet.__file__).resolve().parent
INTERNALS = Path(internals.__file__).resolve()


def _defined_names(tree: ast.AST) -> set[str]:
    """Every name a module defines: functions, classes, assigned names and its own attributes (``self._x = …``,
    ``cls._x = …``; not ``app._display = …``, which replaces Textual's)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and _owner(node) in ("self", "cls"):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def _owner(node: ast.Attribute) -> str:
    return node.value.id if isinstance(node.value, ast.Name) else ""


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


#: Private-looking names of other libraries than Textual: argparse's parser internals (tests), and os._exit
#: (public, despite its name: the worker process ends with it).
NOT_TEXTUAL = {"_actions", "_SubParsersAction", "_exit"}


def foreign_private_uses(files: list[Path]) -> list[str]:
    """``file:line name`` for each private attribute the package does not define itself, and each import from a
    private module of Textual or textual-serve, outside the internals module."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in files}
    ours = set().union(*(_defined_names(tree) for tree in trees.values()))
    found = []
    for path, tree in trees.items():
        if path.resolve() in (INTERNALS, Path(__file__).resolve()):  # the module and the test that checks it
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in ours | NOT_TEXTUAL:
                found.append(f"{path.name}:{node.lineno} {node.attr}")
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                parts = node.module.split(".")
                if parts[0] in ("textual", "textual_serve") and any(_private(part) for part in parts[1:]):
                    found.append(f"{path.name}:{node.lineno} {node.module}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] in ("textual", "textual_serve") and any(_private(part) for part in parts[1:]):
                        found.append(f"{path.name}:{node.lineno} {alias.name}")
    return found


TESTS = Path(__file__).resolve().parents[1]
BENCHMARKS = TESTS.parent / "benchmarks"


def test_no_module_but_the_internals_uses_a_private_textual_name() -> None:
    """Neither the package nor its tests nor the benchmarks (the harness and the clocks follow the same rule)."""
    files = sorted(PACKAGE.rglob("*.py")) + sorted(TESTS.rglob("*.py")) + sorted(BENCHMARKS.rglob("*.py"))
    assert any(path.parent == BENCHMARKS for path in files)
    assert foreign_private_uses(files) == []


def test_the_scan_finds_a_private_name(tmp_path: Path) -> None:
    """The scan above is not blind: the footer's old private flag and a private module are found."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from textual.widgets._footer import FooterKey\n"
        "class F:\n    def go(self, footer):\n        footer.set_reactive(type(footer)._bindings_ready, True)\n"
        "def clock(app):\n    app._display = print\n"
    )
    assert sorted(foreign_private_uses([sample])) == [
        "sample.py:1 textual.widgets._footer",
        "sample.py:4 _bindings_ready",
        "sample.py:6 _display",  # replacing Textual's attribute does not make the name the package's
    ]


def test_the_stylesheet_internals_exist() -> None:
    sheet = Stylesheet(variables={"a": "b"})
    for name in ("_parse_cache", "_style_parse_cache", "_variables", "_invalid_css", "_rules", "_rules_map"):
        assert hasattr(sheet, name), name
    assert hasattr(sheet, "_require_parse")
    assert sheet._variables == {"a": "b"}


def test_a_cached_stylesheet_parses_a_source_once_across_reparses() -> None:
    internals.forget_parses()
    sheet = internals.CachedStylesheet(variables={})
    sheet.add_source("Static { color: red; }", read_from=("test", "Static"))
    sheet.parse()
    cached = len(sheet._parse_cache)
    sheet.reparse()
    assert len(sheet.rules) == 1 and len(sheet._parse_cache) == cached >= 1


class _Two(App[None]):
    BINDINGS = [Binding("x", "bell", "Ring")]

    def compose(self) -> ComposeResult:
        yield Static("one")


async def test_mark_styled_and_the_bindings_map_behave_as_used() -> None:
    app = _Two()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(app._css_update_count, int)
        fresh = type(screen)()
        internals.mark_styled(fresh, app)
        assert fresh._css_update_count == app._css_update_count
        bindings = internals.bindings_map(app)
        assert isinstance(bindings, BindingsMap) and "x" in bindings.key_to_bindings


class _Crashes(App[None]):
    def compose(self) -> ComposeResult:
        yield _Boom()


class _Boom(Widget):
    def on_mount(self) -> None:
        raise RuntimeError("boom")


async def test_unhandled_exception_is_what_ended_the_app() -> None:
    app = _Crashes()
    with pytest.raises(RuntimeError, match="boom"):
        async with app.run_test() as pilot:
            await pilot.pause()
    assert isinstance(internals.unhandled_exception(app), RuntimeError)
    assert internals.unhandled_exception(_Two()) is None


def test_the_textual_serve_internals_exist() -> None:
    from textual_serve.app_service import AppService

    async def nothing(*args: object) -> None:
        return None

    service = AppService("true", write_bytes=nothing, write_str=nothing, close=nothing, download_manager=None)  # type: ignore[arg-type]
    assert internals.app_service_process(service) is None  # set when its process starts


async def test_the_test_harness_internals_exist() -> None:
    from textual.screen import Screen

    assert callable(getattr(Screen, internals.SCREEN_REFRESH_LAYOUT))
    wait = internals.idle_wait_module()
    assert callable(wait.wait_for_idle) and isinstance(wait.SLEEP_GRANULARITY, float)
    app = _Two()
    async with app.run_test() as pilot:
        app.notify("hello")
        await pilot.pause()
        assert internals.notifications(app) == ["hello"]
        assert any("one" in strip.text for strip in internals.compositor(app.screen).render_strips())
        assert 0 < internals.update_period(app.screen) < 1
    assert internals.styles_cache_size() > 0
    internals.clear_styles_cache()
    assert internals.styles_cache_size() == 0
    static = Static("drawn")
    static._render_cache = "cached"  # type: ignore[assignment]
    internals.forget_render(static)
    assert static._render_cache is None


async def test_the_benchmarks_clock_sees_each_frame_and_sends_input_through_the_driver() -> None:
    from textual import events

    class Keys(_Two):
        pressed: list[str] = []

        def on_key(self, event: events.Key) -> None:
            self.pressed.append(event.key)

    app = Keys()
    async with app.run_test() as pilot:
        seen: list[object] = []
        restore = internals.watch_frames(app, lambda screen, renderable: seen.append((screen, renderable)))
        app._display(app.screen, None)  # what Textual calls with each frame for the terminal
        assert seen == [(app.screen, None)]
        restore()
        app._display(app.screen, None)
        assert len(seen) == 1
        key = events.Key("z", "z")
        key.set_sender(app)
        internals.send_to_driver(app, key)
        await pilot.pause()
        assert app.pressed == ["z"]


async def test_the_unseen_frames_skip_and_a_modal_screen_reads_with_the_screen_below() -> None:
    """``skip_unseen_frames`` (the test suite turns it on) replaces Screen._compositor_refresh for headless
    apps only; ``screen_strips`` draws a modal screen over the one below, as Textual's frames do."""
    from textual.screen import ModalScreen, Screen

    assert getattr(Screen._compositor_refresh, "skips_unseen_frames", False)  # on in every test
    internals.skip_unseen_frames()  # a second call changes nothing
    assert getattr(Screen._compositor_refresh, "skips_unseen_frames", False)

    class Modal(ModalScreen[None]):
        DEFAULT_CSS = "Modal { align: center middle; } Modal Static { width: 10; height: 1; }"

        def compose(self) -> ComposeResult:
            yield Static("modal")

    app = _Two()
    async with app.run_test(size=(40, 6)) as pilot:
        await pilot.pause()
        app.push_screen(Modal())
        await pilot.pause()
        text = "\n".join(strip.text for strip in internals.screen_strips(app))
        assert "modal" in text and "one" in text  # the screen below shows through


def test_the_command_palette_gathers_as_it_mounts_as_used() -> None:
    # FirstListGiven skips the gathering Textual's palette starts as it mounts, with an empty search
    import inspect

    from textual.command import CommandPalette

    assert callable(CommandPalette._gather_commands)
    assert 'self._gather_commands("")' in inspect.getsource(CommandPalette._on_mount)
    assert "self._gather_commands(event.value.strip())" in inspect.getsource(CommandPalette._input)
