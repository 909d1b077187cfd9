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

from .catalog import LESSONS, LessonInfo, lesson_info
from .context import Digit, LessonModel, digit_from_uint8, seeded_model, trained_model

__all__ = [
    "LESSONS",
    "Digit",
    "LessonInfo",
    "LessonModel",
    "digit_from_uint8",
    "lesson_info",
    "seeded_model",
    "trained_model",
]
