"""Train the model that ships in ``assets/model/`` (``make bundled-model``).

The lecture's ConvNet trained on the bundled 5,000-digit MNIST sample and on
copies of those digits made to look like what the preprocessing delivers from
real pictures (:mod:`tui_convnet.training.augment`: turned, sheared, scaled,
the pen thicker or thinner, blurred; and drawn on paper, photographed with
light, blur, noise and JPEG, and run through the preprocessing), seeded, with
the lecture's settings otherwise (seed 0, batch 64, rmsprop) by the project's
own trainer; then written, each file atomically, as

- ``mnist_convnet.keras``        the Keras model;
- ``mnist_convnet.weights.npz``  the same weights as float32 arrays (numpy engine, no TensorFlow);
- ``mnist_convnet.json``         the spec, the settings and the accuracy on the official 10,000 test digits,
                                 measured by the numpy engine on the weights read back from the ``.npz``.

TensorFlow's kernels are not bit-for-bit reproducible across machines, so a
rerun elsewhere gives a model of the same accuracy within a few tenths of a
percent, not the same bytes.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

from tui_convnet.core import forward, mnist_convnet
from tui_convnet.data.mnist import load_mnist, one_hot, to_model_inputs
from tui_convnet.model.bundled import (
    INFO_NAME,
    KERAS_NAME,
    WEIGHTS_NAME,
    load_bundled_model,
    model_dir,
    write_info,
    write_weights,
)
from tui_convnet.training.augment import Augmentation, augmented, non_digits

EPOCHS = 8
#: Drawings without a digit (stars, zigzags, scribbles, marks), photographed and preprocessed, learned with every
#: class at 10 %: the model is sure only of digits.
NON_DIGITS = 1500


def numpy_record(folder: Path, x_test: np.ndarray, y_test: np.ndarray) -> dict[str, object]:
    """Test accuracy and the misclassified test digits of the model in ``folder``, as the app computes
    them: numpy forward, batches of 500."""
    model = load_bundled_model(folder)
    x = to_model_inputs(x_test)
    predicted = np.concatenate(
        [np.argmax(forward(model.spec, model.weights, x[i : i + 500]), axis=1) for i in range(0, len(x), 500)]
    )
    wrong = np.flatnonzero(predicted != y_test)
    return {"test_accuracy": round(1 - len(wrong) / len(y_test), 6), "misclassified": wrong.tolist()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=model_dir(), help="folder to write (default: assets/model)")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--varied", type=int, default=Augmentation.varied, help="varied copies of each digit")
    parser.add_argument("--photographed", type=int, default=Augmentation.photographed, help="photographed copies")
    parser.add_argument("--non-digits", type=int, default=NON_DIGITS, help="drawings without a digit")
    args = parser.parse_args(argv)
    out: Path = args.output
    out.mkdir(parents=True, exist_ok=True)

    from tui_convnet.training.events import TrainConfig
    from tui_convnet.training.model import save_model_atomic
    from tui_convnet.training.trainer import train

    data = load_mnist("sample")
    aug = Augmentation(varied=args.varied, photographed=args.photographed)
    started = time.perf_counter()
    x_train, y_train = augmented(data.x_train, data.y_train, aug)
    doodles = non_digits(args.non_digits, seed=aug.seed)
    print(
        f"Made {len(x_train) - len(data.x_train):,} copies of the training digits and {len(doodles):,} drawings "
        f"without a digit in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    trained_on = (
        f"bundled MNIST sample: {len(data.x_train):,} training digits, {len(x_train) - len(data.x_train):,} "
        f"augmented copies of them and {len(doodles):,} drawings without a digit / {len(data.x_test):,} test digits"
    )
    targets = np.concatenate([one_hot(y_train, 10), np.full((len(doodles), 10), 0.1, dtype=np.float32)])
    data = dataclasses.replace(data, x_train=np.concatenate([x_train, doodles]), y_train=targets)
    config = TrainConfig(epochs=args.epochs, batch_size=64, optimizer="rmsprop", seed=0)
    spec = mnist_convnet()
    print(f"Training on {len(data.x_train):,} pictures with {config.to_dict()} …", flush=True)
    started = time.perf_counter()
    result = train(spec, data, config)
    if result.reason != "completed" or result.evaluation is None:
        print(f"train_bundled_model: training did not complete ({result.message})", file=sys.stderr)
        return 1
    print(f"Trained in {time.perf_counter() - started:.1f} s; Keras test accuracy {result.evaluation.accuracy:.4f}")

    save_model_atomic(result.model, out / KERAS_NAME)
    write_weights(out / WEIGHTS_NAME, spec, result.model.get_weights())
    # A first record so the weights can be read back; the accuracy is then measured on them.
    info = {
        "spec": spec.to_dict(),
        "trained_on": trained_on,
        "augmentation": {**aug.to_dict(), "non_digits": len(doodles)},
        "config": config.to_dict(),
        "keras_test_accuracy": round(result.evaluation.accuracy, 6),
        "test_accuracy": round(result.evaluation.accuracy, 6),
        "test_samples": len(data.x_test),
        "engine": "numpy",
        "reproduce": "make bundled-model",
    }
    write_info(out / INFO_NAME, info)
    info.update(numpy_record(out, data.x_test, data.y_test))
    write_info(out / INFO_NAME, info)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import bench_photos  # the photo test set's accuracy, which the inspect screen shows with the test set's

    share, pictures = bench_photos.record(bench_photos.accuracy(bench_photos.PHOTOS, out), out)
    print(f"{share:.2%} on the {pictures} photos of digits of tests/images/photos")
    print(
        f"Wrote {out / KERAS_NAME}, {out / WEIGHTS_NAME}, {out / INFO_NAME}: "
        f"{info['test_accuracy']:.2%} on the {len(data.x_test):,} official test digits (numpy engine)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
