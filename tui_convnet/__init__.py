"""convnet-tui: learn how convolutional networks compute, one key at a time."""

__version__ = "0.1.0"
