"""The theme a student chose is remembered between runs (an atomic write), and a broken file is no settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_convnet.ui.app import create_app
from tui_convnet.util.settings import load_settings, save_setting, settings_path


def test_settings_live_in_the_xdg_config_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert settings_path() == tmp_path / "convnet-tui" / "settings.json"
    monkeypatch.setenv("XDG_CONFIG_HOME", "")
    assert settings_path().parts[-3:] == (".config", "convnet-tui", "settings.json")


def test_a_setting_is_saved_whole_and_a_broken_file_is_no_settings(tmp_path: Path) -> None:
    path = tmp_path / "convnet-tui" / "settings.json"
    assert load_settings(path) == {}
    assert save_setting(path, "theme", "textual-light") is None
    assert save_setting(path, "other", "kept") is None
    assert json.loads(path.read_text()) == {"other": "kept", "theme": "textual-light"}
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temporary file left
    for broken in ("{not json", "[1, 2]", '{"theme": 3}'):
        path.write_text(broken)
        assert load_settings(path) == {}
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    problem = save_setting(blocked / "settings.json", "theme", "x")
    assert problem is not None and str(blocked) in problem


async def test_the_theme_chosen_is_the_theme_of_the_next_run(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    app = create_app(screen="lessons")
    app.settings_path = path
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
    assert load_settings(path) == {"theme": "textual-light"}
    again = create_app(screen="lessons")
    again.settings_path = path
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.theme == "textual-light"
    path.write_text('{"theme": "no-such-theme"}')
    third = create_app(screen="lessons")
    third.settings_path = path
    async with third.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert third.theme == "textual-dark"  # an unknown name is ignored
