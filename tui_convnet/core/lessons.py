"""The backpropagation lessons' domain logic: pure numpy, no Textual.

* :func:`kernel_gradient_lesson`: a convolution with a target output; the
  loss ``L = ½·Σ (o − t)²`` gives ``dL/do = o − t`` and the kernel gradient
  is stepped weight by weight (:class:`~.kernel_grad.KernelGradTrace`; the
  explorer narrates each step, ``tui_convnet.explore.gradient``).
* :class:`LearnState` and :func:`start_learning` / :func:`learn_step`: one
  kernel learns by gradient descent to reproduce a target kernel's output
  on a few images; each step is ``w ← w − lr·dL/dw`` (:func:`update_line`).
* :func:`network_gradients`: the gradient flowing back through a whole
  model for one digit, layer by layer, with max pooling's routing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ._validate import fail, numeric_array
from .backward import ModelGradients, conv2d_backward, max_pool_winners, model_backward
from .conv import conv2d
from .conv_sizes import Padding
from .examples import CS231N_TARGET as CS231N_TARGET  # the lesson's target, defined with the examples
from .kernel_grad import KernelGradStep, KernelGradTrace
from .model import ModelSpec, Pool2DSpec, infer_shapes

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

# --------------------------------------------------------------------------- numbers


def num(value: float) -> str:
    """A number as the lessons write it: integers without a decimal point, else up to 4 significant digits."""
    v = float(value)
    if v == int(v) and abs(v) < 1e9:
        return str(int(v))
    text = f"{v:.4g}"
    return "0" if text in ("0", "-0") else text


def factor(value: float) -> str:
    """A number as a factor of a product: negative numbers in parentheses, ``(-3)``."""
    text = num(value)
    return f"({text})" if text.startswith("-") else text


# --------------------------------------------------------------------------- lesson 1: the gradient of a kernel


@dataclass(frozen=True)
class KernelGradientLesson:
    """A convolution, its target output, the loss and the stepped kernel gradient."""

    output: np.ndarray  # o, (H', W', C_out), before any activation
    target: np.ndarray  # t, same shape
    grad_out: np.ndarray  # dL/do = o − t
    loss: float  # ½·Σ (o − t)²
    trace: KernelGradTrace

    def step(self, index: int) -> KernelGradStep:
        return self.trace.step(index)

    def __len__(self) -> int:
        return len(self.trace)


def kernel_gradient_lesson(
    x: Any,
    kernels: Any,
    bias: Any,
    target: Any,
    *,
    stride: Any = 1,
    padding: Padding = "valid",
    dilation: Any = 1,
) -> KernelGradientLesson:
    """Build lesson 1: ``o = conv(x)``, ``L = ½·Σ (o − t)²``, ``dL/do = o − t``, and the trace of dL/dW."""
    x = numeric_array(x, "x", ndims=(3,))
    output = conv2d(x, kernels, bias, stride=stride, padding=padding, dilation=dilation).astype(np.float64)
    t = numeric_array(target, "target", ndims=(3,))
    if t.shape != output.shape:
        raise fail(f"The target must have the convolution's output shape {output.shape}", **{"target.shape": t.shape})
    grad = output - t
    trace = KernelGradTrace(x, kernels, grad, stride=stride, padding=padding, dilation=dilation)
    return KernelGradientLesson(output, t.astype(np.float64), grad, float(0.5 * np.sum(grad * grad)), trace)


# --------------------------------------------------------------------------- lesson 2: learn a kernel

#: Target kernels a learner can be asked to reproduce (3x3, one channel).
TARGET_KERNELS: dict[str, np.ndarray] = {
    # Bright on the upper right, dark on the lower left: responds to a "/" edge.
    "diagonal edge": np.array([[0.0, 1.0, 1.0], [-1.0, 0.0, 1.0], [-1.0, -1.0, 0.0]]),
    # The lecture's edge detector [1, -1], placed in the middle row of a 3x3 kernel.
    "edge [1, -1]": np.array([[0.0, 0.0, 0.0], [0.0, 1.0, -1.0], [0.0, 0.0, 0.0]]),
}

#: A loss this many times the starting loss has blown up: the state is marked diverged and stops stepping.
DIVERGED_FACTOR = 1e6


@dataclass(frozen=True)
class LearnState:
    """One moment of gradient descent on a single 3x3 kernel (no bias).

    The loss is ``L = ½·mean((o − t)²)`` over every output cell of every
    image, where ``o = x ⋆ w`` and ``t = x ⋆ w_target``; ``grad`` is
    ``dL/dw`` at the current kernel.  ``losses`` is the history, one per
    step taken (the current loss last).
    """

    images: np.ndarray  # (N, H, W, 1)
    targets: np.ndarray  # (N, H', W', 1)
    target_kernel: np.ndarray  # (3, 3)
    kernel: np.ndarray  # (3, 3)
    lr: float
    step: int
    outputs: np.ndarray  # (N, H', W', 1)
    loss: float
    grad: np.ndarray  # (3, 3)
    losses: tuple[float, ...]

    @property
    def diverged(self) -> bool:
        return not np.isfinite(self.loss) or self.loss > DIVERGED_FACTOR * self.losses[0]


def _evaluate(images: np.ndarray, targets: np.ndarray, kernel: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
    k = kernel[:, :, None, None]
    with np.errstate(over="ignore", invalid="ignore"):
        outputs = conv2d(images, k)
        diff = outputs - targets
        loss = float(0.5 * np.mean(diff * diff))
        _, grad_k, _ = conv2d_backward(images, k, diff / diff.size)
    return outputs, loss, grad_k[:, :, 0, 0]


def _learning_rate(lr: Any) -> float:
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating)) or not (np.isfinite(lr) and lr > 0):
        raise fail("The learning rate must be a positive, finite number", learning_rate=lr)
    return float(lr)


def start_learning(images: Any, target_kernel: Any, *, lr: float = 1.0, seed: int = 0) -> LearnState:
    """Start from a random 3x3 kernel (uniform in [−1, 1], ``seed``) on ``images`` ``(N, H, W)`` or ``(N, H, W, 1)``."""
    imgs = numeric_array(images, "images", ndims=(3, 4)).astype(np.float64)
    if imgs.ndim == 3:
        imgs = imgs[..., None]
    if imgs.shape[-1] != 1:
        raise fail("The images must have one channel", **{"images.shape": imgs.shape})
    tk = numeric_array(target_kernel, "target_kernel", ndims=(2,)).astype(np.float64)
    if tk.shape != (3, 3):
        raise fail("The target kernel must be 3x3", **{"target_kernel.shape": tk.shape})
    kernel = np.random.default_rng(seed).uniform(-1.0, 1.0, (3, 3))
    targets = conv2d(imgs, tk[:, :, None, None])
    outputs, loss, grad = _evaluate(imgs, targets, kernel)
    return LearnState(imgs, targets, tk, kernel, _learning_rate(lr), 0, outputs, loss, grad, (loss,))


def learn_step(state: LearnState) -> LearnState:
    """One step of gradient descent, ``w ← w − lr·dL/dw``; a diverged state stays as it is."""
    if state.diverged:
        return state
    with np.errstate(over="ignore", invalid="ignore"):
        kernel = state.kernel - state.lr * state.grad
    outputs, loss, grad = _evaluate(state.images, state.targets, kernel)
    return replace(
        state,
        kernel=kernel,
        step=state.step + 1,
        outputs=outputs,
        loss=loss,
        grad=grad,
        losses=(*state.losses, loss),
    )


def with_learning_rate(state: LearnState, lr: Any) -> LearnState:
    """The same moment with another learning rate (it applies from the next step)."""
    return replace(state, lr=_learning_rate(lr))


def update_line(state: LearnState, row: int, col: int) -> str:
    """The next update of one weight written out: ``w[1,2] ← 0.42 − 0.5·(-0.31) = 0.575``."""
    if not (0 <= row < 3 and 0 <= col < 3):
        raise fail("The weight must be in the 3x3 kernel", row=row, col=col)
    w, g = state.kernel[row, col], state.grad[row, col]
    with np.errstate(over="ignore", invalid="ignore"):
        new = w - state.lr * g
    return f"w[{row},{col}] ← w − lr·dL/dw = {num(w)} − {num(state.lr)}·{factor(g)} = {num(new)}"


# --------------------------------------------------------------------------- lesson 3: through the network


@dataclass(frozen=True)
class LayerGradient:
    """One layer of the backward pass for one input: its output and dL/d(output).

    ``routes`` is set for max-pooling layers: the cells of the layer's
    *input* that won a window, the only ones the gradient flows back to.
    """

    name: str
    type: str
    output: np.ndarray
    grad: np.ndarray
    routes: np.ndarray | None


@dataclass(frozen=True)
class NetworkGradients:
    loss: float
    probabilities: np.ndarray  # (classes,)
    label: int
    layers: tuple[LayerGradient, ...]
    grad_input: np.ndarray  # dL/dx, (H, W, C)


def _float32(g: ModelGradients) -> ModelGradients:
    def f32(arrays: Sequence[np.ndarray]) -> tuple[np.ndarray, ...]:
        return tuple(np.asarray(a, dtype=np.float32) for a in arrays)

    return replace(
        g,
        loss=float(np.float32(g.loss)),
        outputs=f32(g.outputs),
        grad_outputs=f32(g.grad_outputs),
        grad_input=np.asarray(g.grad_input, dtype=np.float32),
        grads=f32(g.grads),
    )


def network_gradients(spec: ModelSpec, weights: Sequence[ArrayLike], x: Any, label: int) -> NetworkGradients:
    """The gradient of one input's cross-entropy flowing back through ``spec``, layer by layer."""
    x = numeric_array(x, "x", ndims=(3,))
    infos = infer_shapes(spec)
    classes = infos[-1].output_shape[-1]
    if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or not 0 <= label < classes:
        raise fail(f"The label must be a class in 0..{classes - 1}", label=label)
    # In float64, then rounded to float32 (as _float32 below): with p(label) near 1 the gradients are ~1e-5
    # and float32 sums in a BLAS kernel's order (AVX2 and AVX-512 differ) would change their last digits
    # and colours from one CPU to the next.
    weights64 = [np.asarray(w, dtype=np.float64) for w in weights]
    result = _float32(model_backward(spec, weights64, x.astype(np.float64), np.array(int(label))))
    layers = []
    for i, info in enumerate(infos):
        routes = None
        if isinstance(info.spec, Pool2DSpec) and info.spec.mode == "max":
            layer_in = result.outputs[i - 1][0] if i else x
            routes = max_pool_winners(layer_in, info.spec.pool_size, info.spec.strides, info.spec.padding)
        layers.append(LayerGradient(info.name, info.type, result.outputs[i][0], result.grad_outputs[i][0], routes))
    return NetworkGradients(result.loss, result.probabilities[0], int(label), tuple(layers), result.grad_input[0])
