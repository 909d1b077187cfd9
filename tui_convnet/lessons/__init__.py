"""The lecture's big ideas as lessons: their steps and narration, outside Textual.

Each lesson is a small stepper: a tour of states (``start(step)``), the key
moves that change a state, and ``frame(state)`` — what to highlight and the
text to show — computed by the numpy core.  ``tui_convnet.ui.lessons``
draws them.

1. a kernel is a pattern detector — explorer examples (``assets/examples``);
2. :mod:`.sparse` — sparse connectivity;
3. :mod:`.receptive` — the receptive field grows with depth;
4. :mod:`.sharing` — parameter sharing and translation invariance;
5. :mod:`.hierarchy` — a hierarchy of features;
6. :mod:`.dropout_lesson` — dropout in training and inference mode.
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
