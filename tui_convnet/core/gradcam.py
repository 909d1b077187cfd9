"""What a trained network looks at: Grad-CAM heatmaps and the inputs that excite a filter most.

Both are gradients of the numpy engine (:mod:`.backward`), computed in float64 from the
model's own weights, so no TensorFlow is needed to show them:

- :func:`grad_cam` (Selvaraju et al., 2017): for a layer with a spatial output
  ``A`` (``(h, w, C)``) and a class ``c``, ``ReLU(Σ_k α_k · A[:, :, k])`` with
  ``α_k`` the mean over the grid of ``∂y_c / ∂A[:, :, k]``, where ``y_c`` is the
  class score *before* the softmax;
- :func:`filter_visualisation` (Chollet, *Deep Learning with Python*, "what
  convnets learn"): gradient ascent on the input, from a seeded start, of the
  mean activation of one filter, each step ``x ← x + lr · g / ‖g‖``.

``tests/core/test_gradcam_keras.py`` checks both against ``tf.GradientTape``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ._validate import fail, is_int, numeric_array, positive_real
from .arrays import Array
from .backward import backward_through
from .model import Conv2DSpec, DenseSpec, LayerInfo, ModelSpec, infer_shapes, layers_with_weights
from .network import forward_pass

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

#: ``tf.math.l2_normalize``'s floor under the squared norm.
L2_EPSILON = 1e-12


def spatial_layer(spec: ModelSpec, layer: Any) -> LayerInfo:
    """The layer named ``layer`` (Keras' default name, e.g. ``"conv2d_1"``) or at index ``layer``, checked
    to have a spatial output ``(h, w, C)``."""
    infos = infer_shapes(spec)
    names = [info.name for info in infos]
    if is_int(layer) and -len(infos) <= layer < len(infos):
        info = infos[int(layer)]
    elif isinstance(layer, str) and layer in names:
        info = infos[names.index(layer)]
    else:
        raise fail("Unknown layer. Expected a layer name (" + ", ".join(names) + ") or an index", layer=layer)
    if len(info.output_shape) != 3:
        raise fail(
            f"Layer {info.name} ({info.type}) has no spatial output: choose a convolution or a pooling layer",
            layer=layer,
        )
    return info


def last_conv_layer(spec: ModelSpec) -> str:
    """The name of the model's last Conv2D layer (the usual Grad-CAM layer)."""
    convs = [info.name for info in infer_shapes(spec) if isinstance(info.spec, Conv2DSpec)]
    if not convs:
        raise fail("The model has no Conv2D layer", layers=[info.name for info in infer_shapes(spec)])
    return convs[-1]


def conv_layers(spec: ModelSpec) -> list[str]:
    """The names of the model's Conv2D layers, in order."""
    return [info.name for info in infer_shapes(spec) if isinstance(info.spec, Conv2DSpec)]


def _as_float64(weights: Sequence[ArrayLike]) -> list[Array]:
    if isinstance(weights, str | bytes | np.ndarray) or not isinstance(weights, Sequence):
        raise fail("`weights` must be a list of arrays (kernel, bias for each layer with weights)", weights=weights)
    return [numeric_array(w, "weights", ndims=(1, 2, 4)).astype(np.float64) for w in weights]


def _truncated(spec: ModelSpec, weights: list[Array], last: int) -> tuple[ModelSpec, list[Array]]:
    """The model up to and including layer ``last``, with its weights."""
    layers = spec.layers[: last + 1]
    count = 2 * sum(isinstance(layer, Conv2DSpec | DenseSpec) for layer in layers)
    return ModelSpec(spec.input_shape, layers, spec.name), weights[:count]


# --------------------------------------------------------------------------- Grad-CAM


@dataclass(frozen=True)
class GradCam:
    """One Grad-CAM map with what it is made of.

    ``heatmap`` is ``(h, w)``, ``ReLU(Σ_k alphas[k] · activations[:, :, k])``;
    ``score`` the class score before the softmax, ``probabilities`` the model's output.
    """

    layer: str
    class_index: int
    score: float
    probabilities: Array  # (classes,)
    activations: Array  # (h, w, C)
    alphas: Array  # (C,) mean gradient per channel
    heatmap: Array  # (h, w)

    def upsampled(self, shape: tuple[int, int]) -> Array:
        """The heatmap stretched (nearest cell) onto a grid of ``shape``, e.g. the input's 28x28."""
        h, w = self.heatmap.shape
        rows = np.minimum((np.arange(shape[0]) * h) // shape[0], h - 1)
        cols = np.minimum((np.arange(shape[1]) * w) // shape[1], w - 1)
        result: Array = self.heatmap[np.ix_(rows, cols)]
        return result


def grad_cam_details(spec: ModelSpec, weights: Sequence[ArrayLike], x: Any, *, layer: Any, class_index: Any) -> GradCam:
    """Grad-CAM of one input ``x`` ``(H, W, C)`` for ``class_index`` at ``layer`` (see :func:`grad_cam`)."""
    info = spatial_layer(spec, layer)
    last = spec.layers[-1] if spec.layers else None
    if not isinstance(last, DenseSpec):
        raise fail("The last layer must be a Dense layer (its units are the class scores)", last_layer=last)
    if not is_int(class_index) or not 0 <= class_index < last.units:
        raise fail(f"`class_index` must be an integer in 0..{last.units - 1}", class_index=class_index)
    x = numeric_array(x, "x", ndims=(3,))
    if tuple(x.shape) != tuple(spec.input_shape):
        raise fail(f"The input must have shape {tuple(spec.input_shape)}", **{"x.shape": x.shape})
    w64 = _as_float64(weights)
    per_layer = [pair for _, pair in layers_with_weights(spec, w64)]
    xb = x[None].astype(np.float64)
    outputs = forward_pass(spec, w64).run(xb, intermediates=True)
    top = len(spec.layers) - 1
    kernel, bias = per_layer[top] or (np.empty(0), np.empty(0))
    before = outputs[top - 1] if top else xb
    score = float((before @ kernel + bias)[0, class_index])
    grad = np.zeros((1, last.units))
    grad[0, class_index] = 1.0  # d(score)/d(the last layer's pre-activation)
    if info.index < top:
        grad = backward_through(spec, per_layer, outputs, xb, grad, top=top, bottom=info.index + 1, pre_activation=True)
    activations = outputs[info.index][0]
    alphas = grad[0].mean(axis=(0, 1))
    heatmap = np.maximum(activations @ alphas, 0)
    return GradCam(info.name, int(class_index), score, outputs[-1][0], activations, alphas, heatmap)


def grad_cam(spec: ModelSpec, weights: Sequence[ArrayLike], x: Any, *, layer: Any, class_index: Any) -> Array:
    """The Grad-CAM map ``(h, w)`` of ``layer`` (a name or an index) for ``class_index`` on one input ``x``.

    ``ReLU(Σ_k α_k · A_k)``: ``A_k`` is channel ``k`` of the layer's output,
    ``α_k`` the mean over its grid of the gradient of the class score before
    the softmax with respect to ``A_k``.  ``weights`` is Keras' ``get_weights()`` list.
    """
    return grad_cam_details(spec, weights, x, layer=layer, class_index=class_index).heatmap


# --------------------------------------------------------------------------- filter visualisation


@dataclass(frozen=True)
class FilterImage:
    """The input found by gradient ascent for one filter.

    ``losses[i]`` is the filter's mean activation on the image after ``i``
    steps (``losses[0]`` on the start); ``image`` is the last one, unclipped.
    """

    layer: str
    filter_index: int
    start: Array  # (H, W, C)
    image: Array  # (H, W, C)
    losses: tuple[float, ...]

    @property
    def fires(self) -> bool:
        """Whether the filter responded at all: a filter whose activation stays 0 (a dead ReLU) has no gradient."""
        return max(self.losses) > 0

    def display(self) -> Array:
        """The image for showing, in [0, 1]: centred, scaled to a standard deviation of 0.25 (Chollet's
        ``64 / 255``) around 0.5, clipped."""
        img = self.image - self.image.mean()
        std = img.std()
        shown: Array = np.clip(0.5 + 0.25 * img / std if std > 0 else img + 0.5, 0, 1)
        return shown


def ascent_start(shape: Sequence[int], seed: int = 0, *, low: float = 0.0, high: float = 1.0) -> Array:
    """The start image: uniform noise in ``[low, high)``, seeded.

    Chollet starts from ``[0.4, 0.6]``, a grey image with a little noise; on the
    bundled MNIST model a ReLU filter only has a gradient where it fires, and
    noise over the whole ``[0, 1]`` range makes more of them fire (31 of the
    first layer's 32 filters, 57 and 50 of the next two layers' 64, against
    27, 41 and 43), so that is the default here.
    """
    if not is_int(seed) or seed < 0:
        raise fail("`seed` must be an integer >= 0", seed=seed)
    if not (isinstance(low, int | float) and isinstance(high, int | float) and low < high):
        raise fail("The start's range must have `low` < `high`", low=low, high=high)
    return np.random.default_rng(int(seed)).uniform(low, high, size=tuple(shape))


def filter_visualisation(
    spec: ModelSpec,
    weights: Sequence[ArrayLike],
    *,
    layer: Any,
    filter_index: Any,
    steps: int = 30,
    learning_rate: float = 1.0,
    seed: int = 0,
    start: Any = None,
) -> FilterImage:
    """The input that excites filter ``filter_index`` of ``layer`` most, by ``steps`` steps of gradient ascent.

    Each step: ``loss`` = the mean of the filter's activation map; ``g`` = d(loss)/d(input);
    ``x ← x + learning_rate · g / max(‖g‖, 1e-6)`` (``tf.math.l2_normalize``).  The start is
    :func:`ascent_start` with ``seed`` unless ``start`` (the input's shape) is given.
    """
    return filter_visualisations(
        spec,
        weights,
        layer=layer,
        filters=[filter_index],
        steps=steps,
        learning_rate=learning_rate,
        seed=seed,
        start=start,
    )[0]


def filter_visualisations(
    spec: ModelSpec,
    weights: Sequence[ArrayLike],
    *,
    layer: Any,
    filters: Sequence[Any] | None = None,
    steps: int = 30,
    learning_rate: float = 1.0,
    seed: int = 0,
    start: Any = None,
) -> list[FilterImage]:
    """:func:`filter_visualisation` for several filters of one layer (all of them by default), from the same
    start, computed as one batch (each image's ascent is its own: the batch only shares the arithmetic)."""
    info = spatial_layer(spec, layer)
    channels = info.output_shape[2]
    chosen = list(range(channels)) if filters is None else list(filters)
    for filter_index in chosen:
        if not is_int(filter_index) or not 0 <= filter_index < channels:
            raise fail(f"`filter_index` must be an integer in 0..{channels - 1}", filter_index=filter_index)
    if not is_int(steps) or steps < 0:
        raise fail("`steps` must be an integer >= 0", steps=steps)
    lr = positive_real(learning_rate, "learning_rate")
    if start is None:
        first = ascent_start(spec.input_shape, seed)
    else:
        first = numeric_array(start, "start", ndims=(3,)).astype(np.float64)
        if tuple(first.shape) != tuple(spec.input_shape):
            raise fail(f"`start` must have the input's shape {tuple(spec.input_shape)}", **{"start.shape": first.shape})
    sub, sub_weights = _truncated(spec, _as_float64(weights), info.index)
    per_layer = [pair for _, pair in layers_with_weights(sub, sub_weights)]
    run = forward_pass(sub, sub_weights)
    h, w, _ = info.output_shape
    count = len(chosen)
    picked = np.arange(count)
    seed_grad = np.zeros((count, *info.output_shape))
    seed_grad[picked, :, :, chosen] = 1.0 / (h * w)  # d(mean of its map)/d(each of its cells), per image
    images = np.repeat(first[None], count, axis=0)
    losses = []
    for step in range(int(steps) + 1):
        outputs = run.run(images, intermediates=True)
        losses.append(outputs[-1][picked, :, :, chosen].mean(axis=(1, 2)))
        if step == steps:
            break
        grad = backward_through(sub, per_layer, outputs, images, seed_grad, top=info.index)
        norms = np.sqrt(np.maximum(np.sum(grad * grad, axis=(1, 2, 3), keepdims=True), L2_EPSILON))
        images = images + lr * grad / norms
    history = np.array(losses)  # (steps + 1, count)
    return [
        FilterImage(info.name, int(f), first, images[i], tuple(float(v) for v in history[:, i]))
        for i, f in enumerate(chosen)
    ]


__all__ = [
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
]
