"""The lecture's big ideas as lessons: their steps and narration, outside Textual.

Each lesson is a small stepper: a tour of states (``start(step)``), the key
moves that change a state, and ``frame(state)`` — what to highlight and the
text to show — computed by the numpy core.  ``tui_convnet.ui.lessons``
draws them.

In the contents' order (:mod:`.catalog` numbers them after the examples: 13–18 today):

- :mod:`.pattern` — a kernel is a pattern detector, on explorer examples (``assets/examples``);
- :mod:`.sparse` — sparse connectivity;
- :mod:`.receptive` — the receptive field grows with depth;
- :mod:`.sharing` — parameter sharing and translation invariance;
- :mod:`.hierarchy` — a hierarchy of features;
- :mod:`.dropout_lesson` — dropout in training and inference mode.
"""

from typing import TYPE_CHECKING, Any

from .catalog import LESSONS, LessonInfo, lesson_info

if TYPE_CHECKING:
    from .context import Digit, digit_from_uint8

#: The lesson context's names are imported when first used (PEP 562): the explorer's first frame numbers
#: the contents with the catalog and needs no digit or forward pass.
_CONTEXT = frozenset({"Digit", "digit_from_uint8"})


def __getattr__(name: str) -> Any:
    if name in _CONTEXT:
        from . import context

        return getattr(context, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "LESSONS",
    "Digit",
    "LessonInfo",
    "digit_from_uint8",
    "lesson_info",
]
