"""The explorer's keys (its bindings) and the help text the help screen shows for it."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from .lecturer import LecturerKeys
from .panes import PANE_BINDINGS

HELP = """\
**Convolution explorer.** Each step computes one output cell: the highlighted window of the
input (on every channel at once) times the highlighted kernel, summed, plus the bias.

- **Edit a value**: click an input or kernel cell (or Tab into a grid and move with the arrows),
  type a number, press Enter. Everything downstream is recomputed. Esc leaves the grid.
- **Click an output cell** to jump to the step that computes it.
- **Settings** (right; s shows or hides them): Tab to a setting, change it with ↑/↓ or by typing a number and Enter,
  or click its ‹ › arrows. Each change recomputes at once and restarts the animation.
- While a grid or a setting is focused it takes the typed keys; Esc gives them back to the explorer.
- **Scroll** what does not fit: PgUp/PgDn the grids (or the model's summary and code), [ and ] the
  settings panel. The next step brings the grids back to what it computes.
"""

BINDINGS: list[BindingType] = [
    Binding("right", "step(1)", "Step", key_display="←/→"),
    Binding("left", "step(-1)", "Previous step", show=False),
    Binding("l", "step(1)", "Step", show=False),
    Binding("h", "step(-1)", "Previous step", show=False),
    Binding("o", "app.open_contents", "Open…", tooltip="Every example and lesson, numbered, with its slide"),
    # The app's e (this screen) stays out of this footer, to leave room for o, Help and Quit at 130 columns.
    Binding("e", "app.switch_mode('explorer')", "Explorer", show=False, system=True),
    Binding("home", "first", "First step", show=False),
    Binding("end", "last", "Last step", show=False),
    Binding("space", "play", "Play", key_display="space", tooltip="Play / pause the animation"),
    Binding("plus", "speed(1)", "Play faster", show=False),
    Binding("minus", "speed(-1)", "Play slower", show=False),
    # Short footer words (Help and Quit must fit at 130 columns); ? shows the tooltips in full.
    Binding("n", "example(1)", "Example", key_display="n/N", tooltip="Next example (N: the previous one)"),
    Binding("N", "example(-1)", "Previous example", show=False),
    Binding("r", "reset", "Reset", show=False, tooltip="Back to the example as written (undo edits and settings)"),
    Binding("z", "zoom", "Numbers/colours", tooltip="Cells with numbers, or compact cells with colours only"),
    Binding("s", "toggle_side", "Panel", tooltip="Show / hide the settings, formulas and notes panel"),
    *LecturerKeys.LECTURER_BINDINGS,
    *PANE_BINDINGS,
]
