"""A model of another image set keeps its class names and input shape through a .keras file: saved by the worker,
loaded by it (the Load button, inspect's o), and read by ``predict MODEL --image`` for a 32x32 RGB picture."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests._npz import savez
from tui_convnet.core import seeded_weights
from tui_convnet.data.image_sets import load_image_set, spec_for_images
from tui_convnet.training.protocol import ModelRef
from tui_convnet.training.worker_client import WorkerClient

pytestmark = pytest.mark.keras


def test_class_names_survive_save_and_load_and_name_the_answer_for_a_picture(
    tmp_path: Path, in_process_worker: WorkerClient, capsys: pytest.CaptureFixture[str]
) -> None:
    from PIL import Image

    from tui_convnet.cli import main

    rng = np.random.default_rng(0)
    arrays: dict[str, np.ndarray] = {
        "x_train": rng.integers(0, 256, size=(8, 32, 32, 3), dtype=np.uint8),
        "y_train": np.arange(8) % 3,
        "x_test": rng.integers(0, 256, size=(6, 32, 32, 3), dtype=np.uint8),
        "y_test": np.arange(6) % 3,
    }
    savez(tmp_path / "pets.npz", arrays)
    (tmp_path / "classes.txt").write_text("cat\ndog\nfish\n")
    images = load_image_set(tmp_path / "pets.npz")
    spec = spec_for_images(images.data)
    model = ModelRef(spec, tuple(seeded_weights(spec, 2)), spec.name, 0, images.class_names)

    saved = in_process_worker.save(model, str(tmp_path / "pets.keras"))
    loaded = in_process_worker.load(saved, images.data.x_test, images.data.y_test)
    assert loaded.model.class_names == ("cat", "dog", "fish")
    assert tuple(loaded.model.spec.input_shape) == (32, 32, 3)
    assert loaded.evaluation is not None and loaded.evaluation.confusion.shape == (3, 3)
    with pytest.raises(Exception, match=r"takes 32x32x3 colour images"):  # the screen's MNIST digits: one line
        in_process_worker.load(saved, np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.int64))

    Image.fromarray(arrays["x_test"][0]).save(tmp_path / "pet.png")
    assert main(["predict", saved, "--image", str(tmp_path / "pet.png"), "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["class_names"] == ["cat", "dog", "fish"] and answer["class_name"] in ("cat", "dog", "fish")
    assert len(answer["probabilities"]) == 3
    assert main(["predict", saved, "--image", str(tmp_path / "pet.png")]) == 0
    out = capsys.readouterr().out
    assert "the network says" in out and "32x32 RGB" in out and "fish" in out
