"""The numpy backward passes against ``tf.GradientTape`` on the same weights and inputs.

Each layer is a real Keras layer given our weights; the tape differentiates
``Σ output · G`` for a random ``G``, which is exactly the backward pass
with ``grad_out = G``.  The convolution sweep covers 'valid', 'same' and
integer padding (a Keras ``ZeroPadding2D`` in front of a 'valid' Conv2D),
strides 1-3, dilation 1-2 with stride 1, 1-4 channels, non-square inputs,
kernels, strides and dilations.  Every comparison holds to 1e-5 (absolute
plus relative, ``core_testing.assert_close``).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from tests.core.core_testing import assert_close
from tui_convnet.core import (
    activation_backward,
    conv2d_backward,
    dense_backward,
    flatten_backward,
    mnist_convnet,
    model_backward,
    pool2d_backward,
    sgd_step,
)

pytestmark = pytest.mark.keras

SETTINGS = [
    (padding, stride, dilation)
    for padding in ("valid", "same", 1)
    for stride in (1, 2, 3)
    for dilation in (1, 2)
    if stride == 1 or dilation == 1
] + [("same", (2, 1), 1), ("valid", (1, 3), 1), (2, 1, (2, 1)), ("same", 1, (1, 2))]

#: (input H x W, kernel kh x kw, C_in, C_out)
SHAPES = [((7, 7), (3, 3), 1, 2), ((6, 9), (2, 3), 3, 4), ((9, 5), (3, 1), 4, 3), ((8, 10), (1, 2), 2, 1)]


@pytest.fixture(scope="module")
def tf(keras: ModuleType) -> ModuleType:
    return importlib.import_module("tensorflow")


def _tape(
    tf: ModuleType, keras: ModuleType, layers: Sequence[Any], x: np.ndarray, grad_out: np.ndarray
) -> list[np.ndarray]:
    """Gradients of ``Σ model(x) · grad_out`` with respect to x and every trainable weight."""
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        out = xt
        for layer in layers:
            out = layer(out)
        loss = tf.reduce_sum(out * grad_out)
    variables = [v.value for layer in layers for v in layer.trainable_weights]
    grads = tape.gradient(loss, [xt, *variables])
    return [keras.ops.convert_to_numpy(g) for g in grads]


@pytest.mark.parametrize("padding,stride,dilation", SETTINGS, ids=lambda v: str(v))
def test_conv2d_backward_matches_gradient_tape(
    tf: ModuleType,
    keras: ModuleType,
    rng: np.random.Generator,
    padding: str | int | tuple[int, int],
    stride: int | tuple[int, int],
    dilation: int | tuple[int, int],
) -> None:
    for (h, w), (kh, kw), cin, cout in SHAPES:
        x = rng.standard_normal((2, h, w, cin)).astype("float32")
        kernels = rng.standard_normal((kh, kw, cin, cout)).astype("float32")
        bias = rng.standard_normal(cout).astype("float32")
        layers = [] if isinstance(padding, str) else [keras.layers.ZeroPadding2D(padding)]
        conv = keras.layers.Conv2D(
            cout,
            (kh, kw),
            strides=stride,
            padding=padding if isinstance(padding, str) else "valid",
            dilation_rate=dilation,
        )
        layers.append(conv)
        shape = (None, h, w, cin)
        for layer in layers:
            layer.build(shape)
            shape = layer.compute_output_shape(shape)
        conv.set_weights([kernels, bias])
        grad_out = rng.standard_normal((2, *shape[1:])).astype("float32")
        gx, gk, gb = _tape(tf, keras, layers, x, grad_out)

        got = conv2d_backward(x, kernels, grad_out, stride=stride, padding=padding, dilation=dilation)
        case = f"x={x.shape} k={kernels.shape}"
        for ours, theirs in zip(got, (gx, gk, gb), strict=True):
            assert ours.dtype == np.float32, case
            assert_close(ours, theirs, err_msg=case)
        # One image: the image's own gradient, and its share of the weight gradients.
        one = conv2d_backward(x[1], kernels, grad_out[1], stride=stride, padding=padding, dilation=dilation)
        assert one[0].shape == x[1].shape
        assert_close(
            one[1] + conv2d_backward(x[0], kernels, grad_out[0], stride=stride, padding=padding, dilation=dilation)[1],
            gk,
            err_msg=case,
        )


POOLS = [
    (mode, size, stride, padding)
    for mode in ("max", "avg")
    for padding in ("valid", "same")
    for size, stride in (((2, 2), None), ((3, 3), (2, 2)), ((2, 3), (1, 1)), ((3, 2), (2, 1)))
]


@pytest.mark.parametrize("mode,size,stride,padding", POOLS, ids=lambda v: str(v))
def test_pool2d_backward_matches_gradient_tape(
    tf: ModuleType,
    keras: ModuleType,
    rng: np.random.Generator,
    mode: str,
    size: int | tuple[int, int],
    stride: int | tuple[int, int] | None,
    padding: str,
) -> None:
    cls = keras.layers.MaxPooling2D if mode == "max" else keras.layers.AveragePooling2D
    for h, w, c in ((7, 7, 1), (6, 9, 3), (9, 5, 4)):
        x = rng.standard_normal((2, h, w, c)).astype("float32")
        layer = cls(size, strides=stride, padding=padding)
        out_shape = layer.compute_output_shape((None, h, w, c))
        grad_out = rng.standard_normal((2, *out_shape[1:])).astype("float32")
        (gx,) = _tape(tf, keras, [layer], x, grad_out)
        got = pool2d_backward(x, grad_out, size, stride, mode, padding)
        assert got.dtype == np.float32
        assert_close(got, gx, err_msg=f"x={x.shape}")
        assert_close(pool2d_backward(x[0], grad_out[0], size, stride, mode, padding), gx[0])


def test_max_pool_backward_on_relu_ties_routes_like_tensorflow(
    tf: ModuleType, keras: ModuleType, rng: np.random.Generator
) -> None:
    # After a ReLU whole windows are 0: TensorFlow sends the gradient to the first cell of the window.
    x = np.maximum(rng.standard_normal((1, 6, 6, 2)), 0).astype("float32")
    x[0, :2, :2, :] = 0
    grad_out = rng.standard_normal((1, 3, 3, 2)).astype("float32")
    (gx,) = _tape(tf, keras, [keras.layers.MaxPooling2D(2)], x, grad_out)
    assert_close(pool2d_backward(x, grad_out), gx)


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "softmax", "linear"])
def test_activation_backward_matches_gradient_tape(
    tf: ModuleType, keras: ModuleType, rng: np.random.Generator, name: str
) -> None:
    z = rng.standard_normal((3, 4, 5, 6)).astype("float32") * 3
    grad_out = rng.standard_normal(z.shape).astype("float32")
    layer = keras.layers.Activation(name)
    (expected,) = _tape(tf, keras, [layer], z, grad_out)
    y = keras.ops.convert_to_numpy(layer(z))
    assert_close(activation_backward(name, y, grad_out), expected)


def test_dense_and_flatten_backward_match_gradient_tape(
    tf: ModuleType, keras: ModuleType, rng: np.random.Generator
) -> None:
    x = rng.standard_normal((4, 3, 5, 2)).astype("float32")
    flat, dense = keras.layers.Flatten(), keras.layers.Dense(7)
    dense.build((None, 30))
    kernel = rng.standard_normal((30, 7)).astype("float32")
    bias = rng.standard_normal(7).astype("float32")
    dense.set_weights([kernel, bias])
    grad_out = rng.standard_normal((4, 7)).astype("float32")
    gx, gk, gb = _tape(tf, keras, [flat, dense], x, grad_out)
    flat_grad, ok, ob = dense_backward(x.reshape(4, -1), kernel, grad_out)
    assert_close(ok, gk)
    assert_close(ob, gb)
    assert_close(flatten_backward(flat_grad, x.shape), gx)


def _lecture_model(keras: ModuleType, seed: int = 0) -> Any:  # a Keras model
    from tui_convnet.training.model import build_model

    keras.backend.clear_session()
    model = build_model(mnist_convnet(), seed=seed)
    rng = np.random.default_rng(seed)
    # Keras starts biases at zero; random ones make the bias path count.
    model.set_weights([w if w.ndim > 1 else rng.normal(0, 0.1, w.shape).astype(w.dtype) for w in model.get_weights()])
    return model


@pytest.fixture(scope="module")
def batch() -> tuple[np.ndarray, np.ndarray]:
    from tui_convnet.data.mnist import load_mnist, to_model_inputs

    data = load_mnist("sample")
    return to_model_inputs(data.x_train[:8]), np.eye(10, dtype="float32")[data.y_train[:8]]


@pytest.fixture
def float64(keras: ModuleType) -> Iterator[None]:
    """Keras layers in float64 for one test (the global float type is put back afterwards)."""
    before = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield
    keras.config.set_floatx(before)


def test_model_backward_matches_gradient_tape_layer_by_layer(
    tf: ModuleType, keras: ModuleType, batch: tuple[np.ndarray, np.ndarray], float64: None
) -> None:
    # In float64: the gradient of a max pool (which cell of a window wins) and of a ReLU (which side of 0)
    # jumps where two values tie or one crosses zero. float32 rounding differs between CPUs (OpenBLAS'
    # AVX-512 and AVX2 kernels), moved a few windows' winners and with them the maps' gradients below
    # (3% of conv2d's cells on AVX2, while every weight gradient agreed). In float64 every CPU routes alike.
    x, y = (a.astype(np.float64) for a in batch)
    model = _lecture_model(keras)
    assert model.get_weights()[0].dtype == np.float64
    spec = mnist_convnet()
    loss_fn = keras.losses.CategoricalCrossentropy()
    xt = tf.constant(x)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(xt)
        outs, h = [], xt
        for layer in model.layers:
            h = layer(h, training=False)
            outs.append(h)
        loss = loss_fn(y, h)
    expected = tape.gradient(loss, [v.value for v in model.trainable_weights])
    expected_maps = tape.gradient(loss, outs[:-1])
    expected_input = tape.gradient(loss, xt)

    got = model_backward(spec, model.get_weights(), x, y)
    assert got.loss == pytest.approx(float(loss), rel=1e-5)
    assert len(got.grads) == len(expected) == 10
    for ours, theirs, var in zip(got.grads, expected, model.trainable_weights, strict=True):
        assert_close(ours, keras.ops.convert_to_numpy(theirs), err_msg=var.path)
    for i, (ours, theirs) in enumerate(zip(got.grad_outputs[:-1], expected_maps, strict=True)):
        assert_close(ours, keras.ops.convert_to_numpy(theirs), err_msg=model.layers[i].name)
    assert_close(got.grad_input, keras.ops.convert_to_numpy(expected_input))


def test_one_sgd_step_matches_keras_sgd(keras: ModuleType, batch: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = batch
    model = _lecture_model(keras, seed=3)
    before = model.get_weights()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="categorical_crossentropy", run_eagerly=True)
    model.train_on_batch(x, y)

    new, result = sgd_step(mnist_convnet(), before, x, y, learning_rate=0.05)
    after = model.get_weights()
    assert len(new) == len(after) == 10
    for ours, theirs, old in zip(new, after, before, strict=True):
        assert ours.dtype == np.float32
        assert not np.array_equal(ours, old)  # the step moved every array
        assert_close(ours, theirs)
    assert np.isfinite(result.loss)
