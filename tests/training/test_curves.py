"""Per-batch values recovered from Keras' running means, and the smoothing of the plotted curves."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest

from tui_convnet.training.curves import TrailingMean, batch_value, batch_values


def test_running_means_give_back_each_batch_including_a_short_last_one() -> None:
    losses = np.array([2.3, 1.9, 1.2, 0.8])
    sizes = np.array([64, 64, 64, 8])  # 200 digits in batches of 64
    samples = np.cumsum(sizes)
    means = np.cumsum(losses * sizes) / samples  # what Keras logs after each batch
    np.testing.assert_allclose(batch_values(means, samples), losses, rtol=1e-12)
    previous = (0.0, 0)
    for loss, mean, n in zip(losses, means, samples, strict=True):
        assert batch_value(mean, n, *previous) == pytest.approx(loss, rel=1e-12)
        previous = (mean, n)


def test_the_epoch_boundary_cliff_is_gone() -> None:
    # Two epochs whose batches fall steadily from 1.3 to 0.8: the running mean drops at the boundary
    # (it restarts), the recovered batch values do not.
    per_batch = np.linspace(1.3, 0.8, 20)
    samples = np.arange(1, 11) * 32
    means = [np.cumsum(half * 32) / samples for half in (per_batch[:10], per_batch[10:])]
    assert means[0][-1] - means[1][0] > 0.14  # the cliff a student would read as learning
    recovered = np.concatenate([batch_values(m, samples) for m in means])
    np.testing.assert_allclose(recovered, per_batch, rtol=1e-12)
    assert np.max(np.abs(np.diff(recovered))) < 0.03


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError, match=r"Received: samples=64, previous_samples=64"):
        batch_value(0.5, 64, 0.6, 64)
    with pytest.raises(ValueError, match="grow by at least 1"):
        batch_values([0.5, 0.4], [64, 64])
    with pytest.raises(ValueError, match="Received: window=0"):
        TrailingMean(0)


def test_trailing_mean_smooths_over_the_window_and_skips_non_finite_values() -> None:
    smooth = TrailingMean(3)
    assert math.isnan(smooth.add(math.nan))
    assert [smooth.add(v) for v in (3.0, 6.0, 9.0, 12.0)] == [3.0, 4.5, 6.0, 9.0]
    assert smooth.add(math.inf) == 9.0  # not part of the mean
    smooth.reset()
    assert smooth.add(1.0) == 1.0


@pytest.mark.keras
@pytest.mark.integration
def test_recovered_batch_losses_are_the_losses_keras_computes_for_each_batch() -> None:
    """With a learning rate of 0 the weights never change, so each batch's loss can be computed
    directly; the forwarder's recovered values must match it, the short last batch included."""
    from tui_convnet.core import mnist_convnet
    from tui_convnet.data.mnist import load_mnist, one_hot, to_model_inputs
    from tui_convnet.training.events import BatchEnd, TrainEvent
    from tui_convnet.training.model import build_model, compile_model
    from tui_convnet.training.trainer import EventForwarder

    data = load_mnist("sample")
    x, y = to_model_inputs(data.x_train[:200]), one_hot(data.y_train[:200])
    model = compile_model(build_model(mnist_convnet(), seed=0), "sgd", learning_rate=0.0)
    events: list[TrainEvent] = []
    forwarder = EventForwarder(events.append, threading.Event(), epochs=2, steps=4, batch_size=64, train_samples=200)
    model.fit(x, y, epochs=2, batch_size=64, shuffle=False, verbose=0, callbacks=[forwarder])
    batches = [e for e in events if isinstance(e, BatchEnd)]
    assert len(batches) == 8
    probabilities = model.predict(x, verbose=0)
    labels = data.y_train[:200]
    p_true = np.clip(probabilities[np.arange(200), labels], 1e-7, 1 - 1e-7)
    expected = [float(np.mean(-np.log(p_true[i : i + 64]))) for i in range(0, 200, 64)]
    accuracy = [float(np.mean(probabilities[i : i + 64].argmax(1) == labels[i : i + 64])) for i in range(0, 200, 64)]
    for event, loss, acc in zip(batches, expected * 2, accuracy * 2, strict=True):
        assert event.batch_loss == pytest.approx(loss, abs=2e-4)
        assert event.batch_accuracy == pytest.approx(acc, abs=2e-4)
    assert batches[3].samples == 200 and batches[4].batch_loss == pytest.approx(expected[0], abs=2e-4)
