"""The commented template ``convnet-tui examples --template`` prints: an example file that loads as it is.

A test loads it with the built-in examples' loader, so the template never drifts from the rules.
"""

from __future__ import annotations

TEMPLATE = '''\
# An example file for convnet-tui, in the format of the built-in examples.
# Check it:   convnet-tui examples --check my_example.toml
# Open it:    convnet-tui --example my_example.toml
# Print it:   convnet-tui handout my_example.toml --format html -o my_example.html
# Every field is described in docs/guide/examples-format.md.

# Required: the name shown in the contents list, and what the file describes:
# "conv" (a convolution, optionally followed by pooling), "pool" (pooling alone) or "model" (a layer stack).
title = "My first convolution: a vertical-edge kernel"
kind = "conv"

# Optional: the explanation, remarks (e.g. where a slide's number is wrong) and where it comes from.
description = """
A 3x3 kernel that answers where the left column of the window is brighter than the right one.
"""
notes = ["Where a slide prints a number the arithmetic does not give, say so here: the handout prints it."]
source = "My slide 12"

# The convolution's settings; every one has a default.
[conv]
stride = 1              # an integer >= 1, or [rows, cols]
padding = "valid"       # "valid", "same", an integer (rings of zeros), or [rows, cols]
dilation = 1            # spacing between the kernel's cells
activation = "relu"     # "linear" (none), "relu", "tanh", "sigmoid" or "softmax"

# The input volume: one grid per channel, each a list of rows (at most 64x64 cells, 16 channels).
[input]
names = ["gray"]        # optional: one name per channel
# scale = 255           # optional: every value is divided by it (pixels written as 0-255)
channels = [
  [[1, 1, 0, 0, 0],
   [1, 1, 0, 0, 0],
   [1, 1, 0, 0, 0],
   [1, 1, 0, 0, 0],
   [1, 1, 0, 0, 0]],
]

# One [[kernels]] table per kernel: one grid per *input* channel, all kernels the same size.
[[kernels]]
name = "vertical edge"  # optional: default W0, W1, ...
bias = 0                # optional: default 0
channels = [
  [[1, 0, -1],
   [1, 0, -1],
   [1, 0, -1]],
]

# Optional: pooling applied to the convolution's output.
# [pool]
# mode = "max"          # "max" or "avg"
# size = 2              # window size: an integer or [rows, cols]
# stride = 2            # default: the size
# padding = "valid"     # "valid" or "same"

# Optional: the output you expect, one grid per output channel (after pooling, if any).
# A wrong size is an error; the values document the worked numbers.
[expected]
output = [
  [[3, 3, 0],
   [3, 3, 0],
   [3, 3, 0]],
]
'''
