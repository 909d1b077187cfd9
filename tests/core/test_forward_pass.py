"""A ForwardPass (spec and weights checked once) computes what the per-call checked functions compute, to the bit,
and still refuses what they refuse: non-finite inputs, and oversize work before anything is allocated."""

from __future__ import annotations

import re
import tracemalloc
from typing import Any

import numpy as np
import pytest

from tui_convnet.core import (
    ACTIVATIONS,
    Conv2DSpec,
    DenseSpec,
    DropoutSpec,
    FlattenSpec,
    ModelSpec,
    Pool2DSpec,
    apply_activation,
    conv2d,
    dense,
    forward,
    forward_pass,
    mnist_convnet,
    pool2d,
    seeded_weights,
)
from tui_convnet.core.activations import activate_owned

#: Every option the forward pass resolves once: 'same' padding, strides, dilation, average and max pooling with
#: and without padding, every activation, a Dropout (the identity at inference).
OTHER = ModelSpec(
    (12, 11, 3),
    (
        Conv2DSpec(5, (3, 3), (2, 2), "same", activation="tanh"),
        Pool2DSpec("avg", (3, 3), (1, 1), "same"),
        Conv2DSpec(4, (2, 3), (1, 1), "valid", (2, 1), "sigmoid"),
        Pool2DSpec("max", (2, 2), (1, 1), "same"),
        Conv2DSpec(6, (1, 1), activation="linear"),
        Pool2DSpec("avg", (2, 1)),
        FlattenSpec(),
        DenseSpec(7, "relu"),
        DropoutSpec(0.2),
        DenseSpec(3, "softmax"),
    ),
)


def _weights(spec: ModelSpec, dtype: type = np.float32) -> list[np.ndarray]:
    """Seeded kernels and non-zero biases (a zero bias would hide a bias added twice or not at all)."""
    rng = np.random.default_rng(7)
    return [(w if w.ndim > 1 else rng.uniform(-0.3, 0.3, w.shape)).astype(dtype) for w in seeded_weights(spec, seed=3)]


def _layer_by_layer(spec: ModelSpec, weights: list[np.ndarray], x: np.ndarray) -> list[np.ndarray]:
    """Every layer through the public functions, each checking its arguments on every call."""
    outs, w, h = [], list(weights), x
    for layer in spec.layers:
        if isinstance(layer, Conv2DSpec):
            h = conv2d(
                h,
                w.pop(0),
                w.pop(0),
                stride=layer.strides,
                padding=layer.padding,
                dilation=layer.dilation_rate,
                activation=layer.activation,
            )
        elif isinstance(layer, Pool2DSpec):
            h = pool2d(h, layer.pool_size, layer.strides, layer.mode, layer.padding)
        elif isinstance(layer, FlattenSpec):
            h = h.reshape(h.shape[0], -1) if h.ndim == 4 else h.reshape(-1)  # forward has always reshaped
        elif isinstance(layer, DenseSpec):
            h = dense(h, w.pop(0), w.pop(0), layer.activation)
        outs.append(h)
    return outs


def _assert_identical(got: list[np.ndarray], expected: list[np.ndarray]) -> None:
    assert len(got) == len(expected)
    for i, (a, b) in enumerate(zip(got, expected, strict=True)):
        assert a.dtype == b.dtype and a.shape == b.shape, f"layer {i}: {a.dtype}{a.shape} != {b.dtype}{b.shape}"
        np.testing.assert_array_equal(a, b, err_msg=f"layer {i}")


@pytest.mark.parametrize(
    "spec", [mnist_convnet(), mnist_convnet(dropout=0.5), OTHER], ids=["lecture", "dropout", "other"]
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["w32", "w64"])
def test_forward_pass_equals_the_layer_functions_to_the_bit(spec: ModelSpec, dtype: type[np.floating[Any]]) -> None:
    rng = np.random.default_rng(0)
    weights = _weights(spec, dtype)
    one = rng.uniform(0, 1, spec.input_shape).astype(np.float32)
    batch = rng.uniform(0, 1, (5, *spec.input_shape)).astype(np.float32)
    run = forward_pass(spec, weights)
    _assert_identical(run(one, intermediates=True), _layer_by_layer(spec, weights, one))
    _assert_identical(run(batch, intermediates=True), _layer_by_layer(spec, weights, batch))
    _assert_identical(forward(spec, weights, batch, intermediates=True), run(batch, intermediates=True))
    np.testing.assert_array_equal(run(batch), run(batch, intermediates=True)[-1])
    # One input gives the row of the batch it is in, without a batch axis (not always to the bit: BLAS blocks
    # a 9-row product differently from a 45-row one, for conv2d as for this).
    for alone, row in zip(run(batch[2], intermediates=True), run(batch, intermediates=True), strict=True):
        assert alone.shape == row.shape[1:]
        np.testing.assert_allclose(alone, row[2], rtol=1e-5, atol=1e-6)


def test_integer_inputs_are_computed_in_float_as_forward_does() -> None:
    spec = OTHER
    weights = _weights(spec)
    x = np.arange(np.prod(spec.input_shape)).reshape(spec.input_shape) % 5
    _assert_identical(forward_pass(spec, weights)(x, intermediates=True), _layer_by_layer(spec, weights, x * 1.0))


def test_the_weights_and_the_spec_are_checked_when_it_is_built() -> None:
    spec = mnist_convnet()
    weights = _weights(spec)
    bad = list(weights)
    bad[2] = np.zeros((3, 3, 32, 63), np.float32)
    with pytest.raises(ValueError, match=re.escape("Weights of layer conv2d_1 have the wrong shape")):
        forward_pass(spec, bad)
    bad = list(weights)
    bad[6] = bad[6].copy()
    bad[6][0, 0] = np.nan
    with pytest.raises(ValueError, match=re.escape("`dense kernel` must contain only finite numbers")):
        forward_pass(spec, bad)
    with pytest.raises(
        ValueError, match=re.escape("Not enough weight arrays for the model's layers. Received: weights=9")
    ):
        forward_pass(spec, weights[:-1])


@pytest.mark.parametrize(
    "x, message",
    [
        (np.zeros((28, 28, 3)), "The input must have shape (28, 28, 1). Received: x.shape=(28, 28, 3)"),
        (
            np.full((28, 28, 1), np.nan),
            "`x` must contain only finite numbers (no NaN or inf). Received: x.shape=(28, 28, 1)",
        ),
        ([["a"]], "`x` must contain only numbers"),
        (np.zeros((2, 2)), "`x` must be a 3 or 4-D array. Received: x.shape=(2, 2)"),
    ],
)
def test_every_call_checks_its_input(x: Any, message: str) -> None:  # wrong inputs, on purpose
    run = forward_pass(mnist_convnet(), _weights(mnist_convnet()))
    with pytest.raises(ValueError, match=re.escape(message)):
        run(x)
    with pytest.raises(ValueError, match=re.escape(message)):
        forward(mnist_convnet(), _weights(mnist_convnet()), x)


def test_a_layer_whose_input_overflowed_is_refused_as_the_layer_function_refuses_it() -> None:
    spec = mnist_convnet()
    weights = _weights(spec)
    weights[0] = np.full_like(weights[0], 1e38)  # finite, but 9 of them summed overflow float32
    message = "`x` must contain only finite numbers (no NaN or inf). Received: x.shape=(1, 26, 26, 32)"
    with pytest.raises(ValueError, match=re.escape(message)), np.errstate(over="ignore"):
        forward_pass(spec, weights)(np.ones((28, 28, 1), np.float32))


def test_oversize_work_is_refused_before_anything_is_allocated_with_conv2ds_message() -> None:
    # 200 inputs of 16x16 through 4096 kernels: an output of 200·14·14·4096 = 160,563,200 values (> 2**27).
    spec = ModelSpec((16, 16, 1), (Conv2DSpec(4096, (3, 3)), FlattenSpec(), DenseSpec(2)))
    weights = [np.full((3, 3, 1, 4096), 0.1, np.float32), np.zeros(4096, np.float32)]
    weights += [np.zeros((14 * 14 * 4096, 2), np.float32), np.zeros(2, np.float32)]
    run = forward_pass(spec, weights)
    x = np.zeros((200, 16, 16, 1), np.float32)
    with pytest.raises(ValueError) as per_call:
        conv2d(x, weights[0], weights[1], padding="valid")
    assert "The output would hold 160,563,200 values" in str(per_call.value)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as refused:
            run(x)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(refused.value) == str(per_call.value)
    assert peak < 4 * 2**20, peak  # the output alone would be 642 MB
    with pytest.raises(ValueError, match=re.escape("The output would hold 160,563,200 values")):
        run(x)  # a refused size is refused again: it was not remembered as accepted
    assert run(x[:2]).shape == (2, 2)  # a size that fits runs


def test_a_forward_pass_can_be_shared_between_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    spec = mnist_convnet()
    run = forward_pass(spec, _weights(spec))
    rng = np.random.default_rng(1)
    inputs = [rng.uniform(0, 1, (n, 28, 28, 1)).astype(np.float32) for n in (1, 3, 1, 2, 3, 1, 2, 1)]
    with ThreadPoolExecutor(4) as pool:
        outputs = list(pool.map(run, inputs))
    for x, out in zip(inputs, outputs, strict=True):
        np.testing.assert_array_equal(out, run(x))


@pytest.mark.parametrize("name", [*ACTIVATIONS, None, "none"])
def test_activate_owned_equals_apply_activation(name: str | None) -> None:
    x = np.random.default_rng(2).standard_normal((4, 6)).astype(np.float32) * 5
    expected = apply_activation(x.copy(), name)
    own = x.copy()
    got = activate_owned(own, name)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)
    if name == "relu":
        assert got is own  # in place: no second array


@pytest.mark.parametrize("spec", [mnist_convnet(dropout=0.5), OTHER], ids=["lecture", "other"])
def test_an_overflow_in_any_layer_is_refused_where_the_layer_functions_refuse_it(spec: ModelSpec) -> None:
    """Each layer's input is checked for NaN and inf as conv2d, pool2d and dense check theirs (skipping only
    what a max pooling, a Flatten or a Dropout made of a checked input): the same message, the same layer."""
    x = np.ones(spec.input_shape, np.float32)
    kernels = [i for i, w in enumerate(_weights(spec)) if w.ndim > 1]
    for k in kernels:
        weights = _weights(spec)
        weights[k] = np.full_like(weights[k], 3e38)  # finite; a sum of two of them is not
        weights[k + 1] = np.full_like(weights[k + 1], 3e38)
        expected: str | None
        with np.errstate(all="ignore"):
            try:
                _layer_by_layer(spec, weights, x[None])
            except ValueError as exc:
                expected = str(exc)
            else:
                expected = None
            if expected is None:  # the overflow reached the output unrefused (the last layer): so does the pass
                forward_pass(spec, weights)(x)
                continue
            with pytest.raises(ValueError) as refused:
                forward_pass(spec, weights)(x)
        assert str(refused.value) == expected, f"kernel {k}"
