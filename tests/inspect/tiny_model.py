"""One tiny but real trained model, shared by the inspect tests (imported by path from tests/ui too).

The lecture's ConvNet, seed 0, one epoch on the first 300 digits of the
bundled sample in a fixed order: the weights are the same on every run (the
inspect snapshot depends on it).
"""

from __future__ import annotations

from pathlib import Path

TRAIN_DIGITS = 300


def train_tiny_model(folder: Path) -> Path:
    """Train and save the model to ``folder/tiny.keras``; returns the path."""
    from tui_convnet.core import mnist_convnet
    from tui_convnet.data import load_mnist, one_hot, to_model_inputs
    from tui_convnet.training.model import build_model, compile_model, save_model_atomic

    data = load_mnist("sample")
    model = compile_model(build_model(mnist_convnet(), seed=0))
    model.fit(
        to_model_inputs(data.x_train[:TRAIN_DIGITS]),
        one_hot(data.y_train[:TRAIN_DIGITS]),
        epochs=1,
        batch_size=64,
        shuffle=False,
        verbose=0,
    )
    return save_model_atomic(model, Path(folder) / "tiny.keras")
