"""Where the bundled assets live: inside the installed wheel, or beside the source tree."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # tui_convnet/


def assets_dir() -> Path:
    """The ``assets/`` folder (``tui_convnet/assets`` in a wheel, ``assets/`` in a checkout)."""
    for candidate in (_PACKAGE / "assets", _PACKAGE.parent / "assets"):
        if (candidate / "examples").is_dir():
            return candidate
    raise FileNotFoundError(
        f"The bundled assets folder is missing. Looked in: {_PACKAGE / 'assets'}, {_PACKAGE.parent / 'assets'}"
    )


def examples_dir() -> Path:
    return assets_dir() / "examples"


def bundled_mnist_path() -> Path:
    return assets_dir() / "mnist" / "mnist-sample.npz"
