"""The labelled images a network learns from, read with numpy only (no Keras, no interface).

- :mod:`.mnist` — MNIST from a given file, the Keras cache or the bundled sample, always saying which;
  the header-first readers of ``.npz`` and IDX files and the checks every set goes through;
- :mod:`.image_sets` — other small-image sets (28x28 grey or 32x32 RGB) with their class names;
- :mod:`.labels` — what the screens call a set's images and classes (MNIST's digits, or another set's names).

The Keras download is :mod:`tui_convnet.training.download` (the training layer); this package never imports it.
"""
