"""The inspect screen's thread workers on their own (no app): what they post, and the work they skip."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from textual.message import Message

from tests.inspect.fixed_model import fixed_numpy_model
from tui_convnet.data.mnist import MnistData, load_mnist
from tui_convnet.training.inspector import ModelInspector
from tui_convnet.ui.common.session_model import session_model
from tui_convnet.ui.inspect import workers
from tui_convnet.ui.inspect.messages import PredictionsDone, Prepared


def test_a_model_shown_again_on_the_same_digits_reads_its_predictions_instead_of_predicting_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workers, "get_current_worker", lambda: SimpleNamespace(is_cancelled=False))
    monkeypatch.setattr(workers, "_PREDICTED", {})
    data: MnistData = load_mnist("sample").limited(None, 300)
    model = session_model(fixed_numpy_model(), "run 1")
    predicted_digits: list[int] = []
    predict = ModelInspector.predict

    def counted(self: ModelInspector, x: np.ndarray, engine: str = "numpy", **kwargs: object) -> np.ndarray:
        predicted_digits.append(len(x))
        return predict(self, x, engine)

    monkeypatch.setattr(ModelInspector, "predict", counted)

    def show(model_shown: object, digits: MnistData) -> PredictionsDone:
        posted: list[Message] = []
        workers._prepare(posted.append, model_shown, digits, "run 1", False, 1)  # type: ignore[arg-type]
        assert [type(message) for message in posted] == [Prepared, PredictionsDone]
        done = posted[1]
        assert isinstance(done, PredictionsDone)
        return done

    first = show(model, data)
    assert predicted_digits == [256, 44]  # every digit, chunk by chunk
    np.testing.assert_array_equal(first.predicted, ModelInspector(model).predict(data.x_test))
    predicted_digits.clear()

    again = show(session_model(fixed_numpy_model(), "run 1"), data)  # the same weights, another object
    assert predicted_digits == []
    assert again.predicted is first.predicted and not again.predicted.flags.writeable

    show(session_model(fixed_numpy_model(seed=1), "run 2"), data)  # other weights: predicted
    assert predicted_digits == [256, 44]
    predicted_digits.clear()
    show(model, data.limited(None, 299))  # other digits: predicted
    assert predicted_digits == [256, 43]
