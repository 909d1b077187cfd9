"""A standalone Python script of the lecture's code: ``convnet-tui code`` writes it.

The script needs only Keras (with TensorFlow) and numpy. It loads MNIST as the slides do
(``mnist.load_data()``), or the sample bundled with convnet-tui when that fails (offline) or when asked
to; prepares the data with the slides' three steps, builds the model line by line as :func:`model_code`
writes it, prints ``model.summary()``, trains, evaluates and prints the test accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core import ModelSpec, infer_shapes
from ..training.events import TrainConfig
from .keras_code import code_text, model_code

#: Where the data comes from: ``auto`` (download as the slides do, else the sample), ``keras`` (download
#: only), ``sample`` (the bundled sample only) or the path of a ``mnist.npz`` file.
DATASETS = ("auto", "keras", "sample")


@dataclass(frozen=True)
class ScriptData:
    """The data settings of the script: where MNIST comes from and how much of it is used."""

    dataset: str = "auto"
    sample_path: str = ""  # the bundled sample (a path on the machine that wrote the script)
    limit: int | None = None  # the first N training digits
    test_limit: int | None = None


_HEADER = '''\
"""The lecture's ConvNet in Keras (Chollet, Deep Learning with Python), written by convnet-tui.

Model: {summary}.
Run it with a Python that has Keras and TensorFlow: python {name}
"""

import numpy as np
'''

_LOAD_KERAS = """\
from keras.datasets import mnist
from keras.utils import to_categorical

(train_images, train_labels), (test_images, test_labels) = mnist.load_data()
"""

_LOAD_AUTO = """\
from keras.datasets import mnist
from keras.utils import to_categorical

# The bundled sample of convnet-tui (5,000 training digits, the 10,000 test digits), used offline.
SAMPLE = {sample!r}

try:
    (train_images, train_labels), (test_images, test_labels) = mnist.load_data()
except Exception as exc:  # no network: the same arrays, fewer training digits
    print(f"MNIST could not be downloaded ({{exc}}); using the bundled sample {{SAMPLE}}")
    with np.load(SAMPLE) as data:
        train_images, train_labels = data["x_train"], data["y_train"]
        test_images, test_labels = data["x_test"], data["y_test"]
"""

_LOAD_FILE = """\
from keras.utils import to_categorical

# {what}
SAMPLE = {sample!r}

with np.load(SAMPLE) as data:
    train_images, train_labels = data["x_train"], data["y_train"]
    test_images, test_labels = data["x_test"], data["y_test"]
"""

_PREPARE = """\
# The slides reshape to (60000, 28, 28, 1) and (10000, 28, 28, 1): len() gives the same for full MNIST.
train_images = train_images.reshape((len(train_images), 28, 28, 1))
train_images = train_images.astype('float32') / 255

test_images = test_images.reshape((len(test_images), 28, 28, 1))
test_images = test_images.astype('float32') / 255

# 10 classes: the slides' to_categorical(train_labels) counts them from the labels (a few digits may miss one).
train_labels = to_categorical(train_labels, 10)
test_labels = to_categorical(test_labels, 10)
"""

_SHUFFLE = """\
# validation_split holds out the *last* fraction of the arrays: shuffle first (as convnet-tui does),
# or it could be the digits of one kind only.
order = np.random.default_rng({seed}).permutation(len(train_images))
train_images, train_labels = train_images[order], train_labels[order]
"""

_FOOTER = """\
print(f"Test accuracy: {test_acc:.4f} (loss {test_loss:.4f}) on {len(test_images):,} test digits")
"""


def _load(data: ScriptData) -> str:
    if data.dataset == "keras":
        return _LOAD_KERAS
    if data.dataset == "auto":
        return _LOAD_AUTO.format(sample=data.sample_path)
    what = "The bundled sample of convnet-tui" if data.dataset == "sample" else "An MNIST file (mnist.npz)"
    return _LOAD_FILE.format(what=what + ".", sample=data.sample_path)


def _limits(data: ScriptData) -> str:
    out = ""
    if data.limit is not None:
        out += f"train_images, train_labels = train_images[:{data.limit}], train_labels[:{data.limit}]\n"
    if data.test_limit is not None:
        out += f"test_images, test_labels = test_images[:{data.test_limit}], test_labels[:{data.test_limit}]\n"
    return out


def training_script(spec: ModelSpec, config: TrainConfig, data: ScriptData, name: str = "convnet.py") -> str:
    """The whole script, ready to run."""
    params = sum(info.params for info in infer_shapes(spec))
    summary = f"{len(spec.layers)} layers, {params:,} parameters"
    parts = [_HEADER.format(summary=summary, name=name)]
    if config.seed is not None:
        parts.append(f"from keras import utils\n\nutils.set_random_seed({config.seed})  # the same weights every run\n")
    parts += [_load(data)]
    limits = _limits(data)
    if limits:
        parts.append("# Only part of the data (convnet-tui code --limit / --test-limit).\n" + limits)
    parts.append(_PREPARE)
    if config.validation_split:
        parts.append(_SHUFFLE.format(seed=0 if config.seed is None else config.seed))
    code = code_text(model_code(spec, config))
    code = code.replace(
        "test_loss, test_acc = model.evaluate",
        "# The slide writes test_acc = model.evaluate(...): it returns [loss, accuracy].\n"
        "test_loss, test_acc = model.evaluate",
    )
    parts += [code, _FOOTER]
    return "\n".join(part.rstrip("\n") + "\n" for part in parts)


def script_name(path: Path | None) -> str:
    return path.name if path is not None else "convnet.py"
