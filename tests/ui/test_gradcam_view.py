"""Grad-CAM on the inspect screen: the prediction and the runner-up over the digit, a sentence on how to read it,
and G moving to the next convolution; every map the numpy core's."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest
from textual.pilot import Pilot

from tests.ui.screens import current
from tui_convnet.core import grad_cam, numbers
from tui_convnet.ui.app import create_app
from tui_convnet.ui.common.gradcam import GradCamView, overlay_rgb
from tui_convnet.ui.draw.screen import DrawScreen

if TYPE_CHECKING:
    from tests.ui.conftest import UI
    from tui_convnet.data.mnist import MnistData

SIZE = (130, 60)


@pytest.fixture
def small_test_set(monkeypatch: pytest.MonkeyPatch) -> MnistData:
    import tui_convnet.data.mnist

    sample = tui_convnet.data.mnist.load_mnist("sample").limited(None, 50)
    monkeypatch.setattr(tui_convnet.data.mnist, "load_mnist", lambda *args, **kwargs: sample)
    return sample


async def _shown(pilot: Pilot[int], layer: str) -> GradCamView:
    """The Grad-CAM view once it shows ``layer`` (computed in a thread: on a busy machine, seconds later)."""
    import time

    view = pilot.app.screen.query_one(GradCamView)
    deadline = time.monotonic() + 90
    while view.shown is None or view.shown.layer != layer:
        assert time.monotonic() < deadline, f"Grad-CAM at {layer} was not shown in time"
        await pilot.pause(0.05)
    await pilot.pause()
    return view


async def test_inspect_shows_where_the_network_looks_for_its_two_best_classes(
    small_test_set: MnistData, ui: type[UI]
) -> None:
    from tui_convnet.model.bundled import load_bundled_model

    bundled = load_bundled_model()
    app = create_app(screen="inspect")
    async with app.run_test(size=SIZE) as pilot:
        view = await _shown(pilot, "conv2d_2")
        text = ui.widget_text(view)
        assert "Where it looks · Grad-CAM at conv2d_2" in " ".join(text.split())
        assert "predicted 7:" in text and "runner-up" in text
        app.screen.query_one("#inspect-side").scroll_end(animate=False)
        await pilot.pause()
        note = " ".join(ui.widget_text(view.query_one(".gradcam-note")).split())
        assert note.startswith("Bright = where the evidence for that class lies: each map of conv2d_2 is weighted")
        x = small_test_set.x_test[0].astype("float32")[:, :, None] / 255
        expected = grad_cam(bundled.spec, bundled.weights, x, layer="conv2d_2", class_index=7)
        shown = view.shown
        assert shown is not None and shown.classes[0] == 7 and shown.peaks[0] == pytest.approx(float(expected.max()))
        await pilot.press("G")
        view = await _shown(pilot, "conv2d")
        assert "Grad-CAM at conv2d" in " ".join(ui.widget_text(view).split())


def test_the_overlay_is_the_digit_under_the_heat() -> None:
    image = np.zeros((2, 2))
    image[0, 0] = 1.0
    heat = np.array([[0.0, 1.0], [0.0, 0.0]])
    rgb = overlay_rgb(image, heat)
    assert rgb.shape == (2, 2, 3) and rgb.dtype == np.uint8
    assert rgb[0, 0].sum() > rgb[1, 0].sum()  # the ink shows through
    assert rgb[0, 1].sum() > rgb[1, 1].sum()  # and so does the heat


async def test_draw_shows_where_the_network_looks_at_the_drawing(ui: type[UI]) -> None:
    app = create_app(screen="draw")
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.press(*["space", "down"] * 6)
        view = await _shown(pilot, "conv2d_2")
        text = " ".join(ui.widget_text(view).split())
        analysis = current(app, DrawScreen).analysis
        assert analysis is not None and analysis.probabilities is not None
        probs = analysis.probabilities
        best, second = np.argsort(probs)[::-1][:2]
        assert f"predicted {best}: {numbers.percent(float(probs[best]))}" in text and f"runner-up {second}:" in text
        assert "Bright = where the evidence for that class lies" in text
        await pilot.press("G")
        await _shown(pilot, "conv2d")
