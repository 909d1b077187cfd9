"""The Model tab's Keras code: the lecture's code for the model and the form's settings, the lines of the
setting being edited marked ``▶`` (the widget is :class:`~tui_convnet.ui.common.keras_code.KerasCode`)."""

from __future__ import annotations

from textual.widget import Widget

from ...core import ModelSpec, mnist_convnet
from ..common.keras_code import KerasCode
from .form import TrainSettings

#: Form field id → the settings its lines of the Keras code set (marked while the field is focused).
CODE_SETTINGS: dict[str, tuple[str, ...]] = {
    "epochs": ("epochs",),
    "batch-size": ("batch_size",),
    "optimizer": ("optimizer",),
    "learning-rate": ("learning_rate",),
    "validation-split": ("validation_split",),
    "dropout": ("dropout",),
}


class TrainingCode(KerasCode):
    """The code of the model on the Model tab (the lecture's, or a loaded model's own layers) with the form's
    settings; :meth:`follow` shows it again for new settings or a newly focused field."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("the setting being edited", id=id)
        #: The model's own spec (a run's or a loaded file's), or None: the lecture's, with the form's dropout.
        self.spec: ModelSpec | None = None

    def follow(self, settings: TrainSettings, focused: str | None) -> None:
        spec = self.spec or mnist_convnet(settings.dropout_rate)
        marked = CODE_SETTINGS.get(focused or "", ())
        self.show(spec, settings.config, settings=marked)
        view = self.parent
        if marked and isinstance(view, Widget):  # the marked line scrolled into view (the summary above it as fits)
            self.call_after_refresh(self.reveal_marked, view)
