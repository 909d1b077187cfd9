"""The student's choices kept between runs (the theme), in ``$XDG_CONFIG_HOME/convnet-tui/settings.json``.

A missing, unreadable or malformed file is no settings at all (the defaults), never an error; a save is
atomic (``fileio.atomic_write_bytes``), so an interrupted one leaves the previous file whole.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .fileio import atomic_write_bytes, os_reason


def settings_path() -> Path:
    """``$XDG_CONFIG_HOME/convnet-tui/settings.json`` (``~/.config`` when the variable is unset or empty)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "convnet-tui" / "settings.json"


def load_settings(path: Path) -> dict[str, str]:
    """The settings saved at ``path``: text values by name; ``{}`` when there are none or they cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def save_setting(path: Path, name: str, value: str) -> str | None:
    """Keep ``name = value`` at ``path`` (the other settings stay); the reason in words when it cannot."""
    data = load_settings(path)
    data[name] = value
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    except OSError as exc:
        return f"{path}: {os_reason(exc)}"
    return None
