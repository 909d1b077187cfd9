"""Dropout: x · mask / (1 − rate) in training, the identity in inference; against Keras' Dropout."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import numpy as np
import pytest

from tui_convnet.core import apply_dropout, dropout, dropout_mask


def test_training_zeroes_the_mask_and_scales_the_survivors() -> None:
    x = np.arange(1, 65, dtype=np.float32)
    r = dropout(x, 0.25, training=True, seed=7, press=3)
    assert r.scale == pytest.approx(4 / 3)
    np.testing.assert_array_equal(r.output[~r.mask], 0)
    np.testing.assert_allclose(r.output[r.mask], x[r.mask] / 0.75, rtol=1e-6)
    assert r.dropped == int((~r.mask).sum()) > 0


def test_inference_is_the_identity() -> None:
    x = np.linspace(-1, 1, 10)
    r = dropout(x, 0.5, training=False, press=9)
    np.testing.assert_array_equal(r.output, x)
    assert r.mask.all() and r.scale == 1 and r.dropped == 0


def test_a_fresh_mask_per_press_and_the_same_mask_for_the_same_press() -> None:
    masks = [dropout_mask((64,), 0.5, seed=1, press=p) for p in range(4)]
    assert all(not np.array_equal(masks[0], m) for m in masks[1:])
    np.testing.assert_array_equal(masks[2], dropout_mask((64,), 0.5, seed=1, press=2))
    assert not np.array_equal(masks[0], dropout_mask((64,), 0.5, seed=2, press=0))


def test_the_mask_keeps_about_one_minus_rate() -> None:
    kept = dropout_mask((100_000,), 0.3, seed=0).mean()
    assert abs(kept - 0.7) < 0.01  # 7 standard deviations of a binomial mean are 0.0101
    assert dropout_mask((50,), 0.0).all()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: dropout([1.0], 1.0, training=True), "The dropout `rate` must be in [0, 1). Received: rate=1.0"),
        (lambda: dropout([1.0], -0.1, training=True), "The dropout `rate` must be in [0, 1). Received: rate=-0.1"),
        (
            lambda: dropout([1.0], 0.5, training="yes"),  # type: ignore[arg-type]  # not a bool, on purpose
            "`training` must be True or False. Received: training='yes'",
        ),
        (lambda: dropout([1.0], 0.5, training=True, press=-1), "`press` must be an integer >= 0. Received: press=-1"),
        (lambda: apply_dropout([1.0, 2.0], [1, 0], 0.5), "`mask` must be a boolean array of the shape of `x`"),
    ],
)
def test_refusals(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value).startswith(message)


@pytest.mark.keras
@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_against_keras_dropout(keras: ModuleType, rate: float) -> None:
    # Keras draws its own mask; the units it zeroed give the mask, and with that mask the
    # numpy layer must produce Keras' numbers exactly (survivors scaled by 1 / (1 − rate)).
    x = np.random.default_rng(5).uniform(0.5, 2.0, size=(4, 64)).astype(np.float32)  # no zero inputs
    layer = keras.layers.Dropout(rate, seed=11)
    out = np.asarray(layer(x, training=True))
    mask = out != 0
    assert 0 < mask.sum() < mask.size
    np.testing.assert_allclose(apply_dropout(x, mask, rate), out, rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), dropout(x, rate, training=False).output)
