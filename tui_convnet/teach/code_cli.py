"""``convnet-tui code``: write the lecture's Keras code for the model and settings as a standalone script.

It takes the training options of ``convnet-tui train`` (dropout, optimizer, learning rate, epochs, batch
size, validation split, seed, data and limits) and writes, to standard output or ``-o FILE``, the script
:func:`~tui_convnet.teach.script.training_script` makes of them. No TensorFlow is imported here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core import mnist_convnet
from ..training.defaults import config_from_args
from ..util.paths import bundled_mnist_path
from .output import OutputError, check_output, emit, fail
from .script import DATASETS, ScriptData, script_name, training_script

PROG = "convnet-tui code"


def add_output_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("-o", "--output", metavar="FILE", help=f"write the {what} to FILE (atomically), not stdout")


def _dataset(text: str) -> tuple[str, str]:
    """``(dataset, path of the .npz file)``; a path must be a readable ``mnist.npz``-style file."""
    if text in DATASETS:
        return text, str(bundled_mnist_path())
    path = Path(text).expanduser()
    if path.suffix != ".npz" or not path.is_file():
        raise ValueError(
            f"--dataset must be auto, keras, sample or an existing .npz file (x_train, y_train, x_test, y_test). "
            f"Received: --dataset={text!r}"
        )
    return "path", str(path.resolve())


def run_code(args: argparse.Namespace) -> int:
    try:
        output = check_output(args.output)
        dataset, sample = _dataset(args.dataset)
        config = config_from_args(args)
        spec = mnist_convnet(args.dropout)
        if args.spec is not None:  # the architecture screen's model file, checked to train on MNIST
            from ..architect.spec_file import read_trainable_spec

            spec = read_trainable_spec(args.spec)  # as train --spec: the file's own layers
    except (OutputError, ValueError) as exc:
        return fail(PROG, str(exc))
    data = ScriptData(dataset, sample, args.limit, args.test_limit)
    text = training_script(spec, config, data, script_name(output))
    return emit(text, output, PROG)
