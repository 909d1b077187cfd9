"""The numpy core: every number the app shows is computed here.

Pure numpy — this package never imports textual, rich, keras or tensorflow
(``tests/core/test_import_hygiene.py`` checks it in a fresh interpreter).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ._validate import MAX_SHOW_CHANNELS, MAX_SHOW_KERNELS, MAX_SHOW_SIDE
from .activations import (
    ACTIVATIONS,
    activation_name,
    apply_activation,
    get_activation,
    relu,
    sigmoid,
    softmax,
)
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
from .examples import (
    ConvExample,
    Example,
    ExampleError,
    ModelExample,
    PoolExample,
    PoolSettings,
    bundled_examples_dir,
    load_example,
    load_examples,
)
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
    infer_shapes,
    layer_from_dict,
    mnist_convnet,
    spec_from_dict,
    summary_rows,
)
from .pooling import PoolGeometry, PoolStep, PoolTrace, pool2d, pool_geometry, pool_steps, pool_trace

#: The modules imported only when one of their names is first used (PEP 562, :func:`__getattr__`), with
#: those names: the explorer's first frame needs none of them (tests/ui/test_startup.py checks it).
_LAZY: dict[str, tuple[str, ...]] = {
    "backward": (
        "ModelGradients",
        "activation_backward",
        "categorical_crossentropy",
        "conv2d_backward",
        "dense_backward",
        "flatten_backward",
        "max_pool_winners",
        "model_backward",
        "pool2d_backward",
        "sgd_step",
        "softmax_crossentropy_backward",
    ),
    "connectivity": ("Connectivity1D", "LayerConnections", "connectivity_1d", "layer_connections"),
    "dropout": ("DropoutResult", "apply_dropout", "dropout", "dropout_mask"),
    "gradcam": (
        "FilterImage",
        "GradCam",
        "ascent_start",
        "conv_layers",
        "filter_visualisation",
        "filter_visualisations",
        "grad_cam",
        "grad_cam_details",
        "last_conv_layer",
        "spatial_layer",
    ),
    "kernel_grad": ("KernelGradStep", "KernelGradTrace", "kernel_grad_steps"),
    "network": ("ForwardPass", "forward", "forward_pass"),
    "receptive_field": (
        "ReceptiveField",
        "Region",
        "receptive_field",
        "receptive_field_path",
        "receptive_field_size",
    ),
    "shift": ("ShiftResult", "shift_experiment", "shift_image", "shifted_interior"),
    "transpose": (
        "ScatterStep",
        "ScatterTrace",
        "TransposeGeometry",
        "TransposeTrace",
        "conv2d_transpose",
        "conv_transpose_output_formula",
        "conv_transpose_output_size",
        "conv_transpose_scatter",
        "conv_transpose_trace",
        "transpose_geometry",
    ),
    "weights": ("seeded_weights", "weight_shapes"),
}

if TYPE_CHECKING:  # the same names, for the type checkers
    from .backward import (
        ModelGradients,
        activation_backward,
        categorical_crossentropy,
        conv2d_backward,
        dense_backward,
        flatten_backward,
        max_pool_winners,
        model_backward,
        pool2d_backward,
        sgd_step,
        softmax_crossentropy_backward,
    )
    from .connectivity import Connectivity1D, LayerConnections, connectivity_1d, layer_connections
    from .dropout import DropoutResult, apply_dropout, dropout, dropout_mask
    from .gradcam import (
        FilterImage,
        GradCam,
        ascent_start,
        conv_layers,
        filter_visualisation,
        filter_visualisations,
        grad_cam,
        grad_cam_details,
        last_conv_layer,
        spatial_layer,
    )
    from .kernel_grad import KernelGradStep, KernelGradTrace, kernel_grad_steps
    from .network import ForwardPass, forward, forward_pass
    from .receptive_field import (
        ReceptiveField,
        Region,
        receptive_field,
        receptive_field_path,
        receptive_field_size,
    )
    from .shift import ShiftResult, shift_experiment, shift_image, shifted_interior
    from .transpose import (
        ScatterStep,
        ScatterTrace,
        TransposeGeometry,
        TransposeTrace,
        conv2d_transpose,
        conv_transpose_output_formula,
        conv_transpose_output_size,
        conv_transpose_scatter,
        conv_transpose_trace,
        transpose_geometry,
    )
    from .weights import seeded_weights, weight_shapes

__all__ = [
    "ACTIVATIONS",
    "MAX_SHOW_CHANNELS",
    "MAX_SHOW_KERNELS",
    "MAX_SHOW_SIDE",
    "Connectivity1D",
    "Conv2DSpec",
    "ConvExample",
    "ConvGeometry",
    "ConvStep",
    "ConvTrace",
    "DenseSpec",
    "DropoutResult",
    "DropoutSpec",
    "Example",
    "ExampleError",
    "FilterImage",
    "FlattenSpec",
    "ForwardPass",
    "GradCam",
    "KernelGradStep",
    "KernelGradTrace",
    "LayerConnections",
    "LayerInfo",
    "ModelExample",
    "ModelGradients",
    "ModelSpec",
    "Pool2DSpec",
    "PoolExample",
    "PoolGeometry",
    "PoolSettings",
    "PoolStep",
    "PoolTrace",
    "ReceptiveField",
    "Region",
    "ScatterStep",
    "ScatterTrace",
    "ShiftResult",
    "TransposeGeometry",
    "TransposeTrace",
    "activation_backward",
    "activation_name",
    "apply_activation",
    "apply_dropout",
    "ascent_start",
    "bundled_examples_dir",
    "categorical_crossentropy",
    "connectivity_1d",
    "conv2d",
    "conv2d_backward",
    "conv2d_transpose",
    "conv_geometry",
    "conv_layers",
    "conv_output_formula",
    "conv_output_size",
    "conv_steps",
    "conv_trace",
    "conv_transpose_output_formula",
    "conv_transpose_output_size",
    "conv_transpose_scatter",
    "conv_transpose_trace",
    "dense",
    "dense_backward",
    "dropout",
    "dropout_mask",
    "effective_kernel",
    "filter_visualisation",
    "filter_visualisations",
    "flatten",
    "flatten_backward",
    "forward",
    "forward_pass",
    "get_activation",
    "grad_cam",
    "grad_cam_details",
    "infer_shapes",
    "kernel_grad_steps",
    "last_conv_layer",
    "layer_connections",
    "layer_from_dict",
    "load_example",
    "load_examples",
    "max_pool_winners",
    "mnist_convnet",
    "model_backward",
    "pool2d",
    "pool2d_backward",
    "pool_geometry",
    "pool_steps",
    "pool_trace",
    "receptive_field",
    "receptive_field_path",
    "receptive_field_size",
    "relu",
    "same_padding",
    "seeded_weights",
    "sgd_step",
    "shift_experiment",
    "shift_image",
    "shifted_interior",
    "sigmoid",
    "softmax",
    "softmax_crossentropy_backward",
    "spatial_layer",
    "spec_from_dict",
    "summary_rows",
    "transpose_geometry",
    "weight_shapes",
]


def __getattr__(name: str) -> object:
    for module, names in _LAZY.items():
        if name in names:
            loaded = importlib.import_module(f".{module}", __name__)
            # All of the module's names at once, found directly from now on. This also binds ``dropout`` and
            # ``receptive_field`` to the functions again: importing a submodule binds its name to the module.
            globals().update({each: getattr(loaded, each) for each in names})
            return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
