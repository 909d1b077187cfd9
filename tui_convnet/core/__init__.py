"""The numpy core: every number the app shows is computed here.

Pure numpy — this package never imports textual, rich, keras or tensorflow
(``tests/core/test_import_hygiene.py`` checks it in a fresh interpreter).
"""

from ._validate import MAX_SHOW_CHANNELS, MAX_SHOW_KERNELS, MAX_SHOW_SIDE
from .activations import ACTIVATIONS, activation_name, apply_activation, get_activation, relu, sigmoid, softmax
from .conv import (
    ConvGeometry,
    ConvStep,
    ConvTrace,
    conv2d,
    conv_geometry,
    conv_output_formula,
    conv_output_size,
    conv_steps,
    conv_trace,
    effective_kernel,
    same_padding,
)
from .examples import Example, ExampleError, PoolSettings, load_example, load_examples
from .model import (
    Conv2DSpec,
    DenseSpec,
    DropoutSpec,
    FlattenSpec,
    LayerInfo,
    ModelSpec,
    Pool2DSpec,
    dense,
    flatten,
    forward,
    infer_shapes,
    layer_from_dict,
    mnist_convnet,
    spec_from_dict,
    summary_rows,
)
from .pooling import PoolGeometry, PoolStep, PoolTrace, pool2d, pool_geometry, pool_steps, pool_trace

__all__ = [
    "ACTIVATIONS", "MAX_SHOW_CHANNELS", "MAX_SHOW_KERNELS", "MAX_SHOW_SIDE",
    "Conv2DSpec", "ConvGeometry", "ConvStep", "ConvTrace", "DenseSpec", "DropoutSpec", "Example",
    "ExampleError", "FlattenSpec", "LayerInfo", "ModelSpec", "Pool2DSpec", "PoolGeometry", "PoolSettings",
    "PoolStep", "PoolTrace", "activation_name", "apply_activation", "conv2d", "conv_geometry",
    "conv_output_formula", "conv_output_size", "conv_steps", "conv_trace", "dense", "effective_kernel",
    "flatten", "forward", "get_activation", "infer_shapes", "layer_from_dict", "load_example",
    "load_examples", "mnist_convnet", "pool2d", "pool_geometry", "pool_steps", "pool_trace", "relu",
    "same_padding", "sigmoid", "softmax", "spec_from_dict", "summary_rows",
]
