"""The numpy core on the lecture's model with fixed weights: the same numbers as Keras, layer by layer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from tui_convnet.core import conv_trace, forward
from tui_convnet.data.mnist import to_model_inputs
from tui_convnet.training import explorer_example
from tui_convnet.training.evaluate import confusion_matrix
from tui_convnet.training.inspector import InspectError, ModelInspector
from tui_convnet.training.protocol import ModelRef

if TYPE_CHECKING:
    from tui_convnet.data.mnist import MnistData

pytestmark = [pytest.mark.keras]


def test_numpy_forward_equals_keras_predict_on_a_batch(
    tiny_model: Any, inspector: ModelInspector, sample: MnistData
) -> None:
    x = to_model_inputs(sample.x_test[:64])
    ours = forward(inspector.spec, tiny_model.get_weights(), x)
    theirs = tiny_model.predict(x, verbose=0)
    assert ours.shape == theirs.shape == (64, 10)
    np.testing.assert_allclose(ours, theirs, atol=1e-4, rtol=0)
    # Not a constant output: predictions vary across digits.
    assert len(set(np.argmax(theirs, axis=1).tolist())) > 2


@pytest.mark.parametrize("index", [0, 1, 1234, 9999])
def test_every_layer_equals_keras_intermediate_outputs(
    tiny_model: Any, inspector: ModelInspector, sample: MnistData, index: int
) -> None:
    digit = sample.x_test[index]
    comparisons = inspector.compare(digit)
    # One comparison per Keras layer, in order (names may carry a suffix in a busy process: conv2d_3).
    assert [c.info.type for c in comparisons] == [type(layer).__name__ for layer in tiny_model.layers]
    keras = pytest.importorskip("keras")
    extractor = keras.Model(tiny_model.inputs[0], [layer.output for layer in tiny_model.layers])
    direct = extractor(to_model_inputs(digit[None]), training=False)
    for c, expected in zip(comparisons, direct, strict=False):
        expected = np.asarray(expected)[0]
        assert c.numpy.shape == expected.shape == tuple(c.info.output_shape)
        np.testing.assert_allclose(c.numpy, expected, atol=1e-4, rtol=0, err_msg=c.info.name)
        assert c.max_abs_diff == pytest.approx(float(np.max(np.abs(c.numpy.astype(float) - expected))), abs=1e-12)
        assert c.agrees and c.verdict.startswith("numpy = Keras ✓ max |Δ| ")
    # The first layer's maps are not all zero (a dead network would make the comparison trivial).
    assert comparisons[0].numpy.max() > 0.01


def test_keras_extractor_is_built_once(inspector: ModelInspector, sample: MnistData) -> None:
    inspector.keras_layers(sample.x_test[0])
    first = inspector._keras_extractor()
    inspector.keras_layers(sample.x_test[1])
    assert inspector._keras_extractor() is first


def test_both_engines_agree_on_1000_test_digits(inspector: ModelInspector, sample: MnistData) -> None:
    x = sample.x_test[:1000]
    by_numpy = inspector.probabilities(x, "numpy")
    by_keras = inspector.probabilities(x, "keras")
    np.testing.assert_allclose(by_numpy, by_keras, atol=1e-4, rtol=0)
    assert np.array_equal(np.argmax(by_numpy, axis=1), np.argmax(by_keras, axis=1))
    # Batching does not change anything: odd batch sizes give the same predictions.
    assert np.array_equal(inspector.predict(x, "numpy", batch_size=37), np.argmax(by_numpy, axis=1))


def test_evaluate_counts_and_confusion_matrix(inspector: ModelInspector, sample: MnistData) -> None:
    result = inspector.evaluate(sample.x_test[:500], sample.y_test[:500], "numpy")
    assert result.samples == 500 and result.engine == "numpy" and result.seconds > 0
    m = result.confusion
    assert m.shape == (10, 10) and m.sum() == 500
    assert np.array_equal(m.sum(axis=1), np.bincount(sample.y_test[:500], minlength=10))
    assert result.accuracy == pytest.approx(np.trace(m) / 500)
    d = result.to_dict()
    assert {"engine", "test_loss", "test_accuracy", "test_samples", "confusion_matrix", "seconds"} <= set(d)
    by_keras = inspector.evaluate(sample.x_test[:500], sample.y_test[:500], "keras")
    assert by_keras.engine == "keras" and by_keras.loss == pytest.approx(result.loss, abs=1e-5)


def test_a_numpy_model_needs_no_keras_model_and_compares_the_same(inspector: ModelInspector, sample: MnistData) -> None:
    numpy_only = ModelInspector(ModelRef(inspector.spec, tuple(inspector.weights)))
    digit = sample.x_test[3]
    for a, b in zip(numpy_only.numpy_layers(digit), inspector.numpy_layers(digit), strict=True):
        np.testing.assert_array_equal(a, b)
    assert all(c.agrees for c in numpy_only.compare(digit))  # Keras built from the spec and the weights
    with pytest.raises(InspectError, match=r"needs 10 weight arrays.*Received: weights=9"):
        ModelInspector(ModelRef(inspector.spec, tuple(inspector.weights[:-1])))


def test_confusion_matrix_by_hand() -> None:
    m = confusion_matrix(np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 0, 2]), classes=3)
    assert m.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


def test_kernels_are_the_models_own_weights(tiny_model: Any, inspector: ModelInspector) -> None:
    conv = inspector.conv_layers()
    assert [c.name for c in conv] == ["conv2d", "conv2d_1", "conv2d_2"]
    k, b = inspector.kernel_and_bias(conv[1])
    assert k.shape == (3, 3, 32, 64) and b.shape == (64,)
    np.testing.assert_array_equal(k, tiny_model.layers[2].get_weights()[0])
    with pytest.raises(ValueError, match="has no weights"):
        inspector.kernel_and_bias(inspector.layers[1])


def test_explorer_example_reproduces_the_first_layer(inspector: ModelInspector, sample: MnistData) -> None:
    index = 123
    digit, label = sample.x_test[index], int(sample.y_test[index])
    ex = explorer_example.learned_kernel_example(inspector, digit, label, index)
    assert ex.kind == "conv" and ex.activation == "relu"
    assert ex.title == f"Learned conv2d kernels on test digit #123 (a {label})"
    assert ex.x.shape == (28, 28, 1) and ex.x.min() >= 0 and ex.x.max() <= 1
    assert ex.kernels.shape == (3, 3, 1, 32) and ex.bias.shape == (32,)
    trace = conv_trace(ex.x, ex.kernels, ex.bias, stride=ex.stride, padding=ex.padding, activation=ex.activation)
    maps = inspector.numpy_layers(digit)[0]
    np.testing.assert_allclose(trace.output, maps, atol=1e-5)


def test_bad_digits_and_engines_are_refused(inspector: ModelInspector) -> None:
    with pytest.raises(ValueError, match=r"shape \(28, 28\). Received: digit.shape=\(27, 28\)"):
        inspector.numpy_layers(np.zeros((27, 28), np.uint8))
    with pytest.raises(ValueError, match=r"Unknown engine.*Received: engine='torch'"):
        inspector.predict(np.zeros((2, 28, 28), np.uint8), "torch")


def test_models_the_screens_cannot_show_are_refused_and_other_image_sets_models_are_taken() -> None:
    from tui_convnet.core import Conv2DSpec, DenseSpec, FlattenSpec, ModelSpec, seeded_weights
    from tui_convnet.training.protocol import ModelRef

    def model(shape: tuple[int, int, int], units: int) -> ModelRef:
        spec = ModelSpec(shape, (Conv2DSpec(4, (3, 3)), FlattenSpec(), DenseSpec(units, activation="softmax")))
        return ModelRef(spec, tuple(seeded_weights(spec)), "m")

    with pytest.raises(InspectError, match=r"28x28x1 .*Received: input_shape=\(16, 16, 3\)"):
        ModelInspector(model((16, 16, 3), 10))
    with pytest.raises(InspectError, match=r"Dense\(10\).*Received: last_layer=Dense\(1\)"):
        ModelInspector(model((28, 28, 1), 1))
    rgb = ModelInspector(model((32, 32, 3), 5))  # another image set's model: 32x32 RGB in, 5 classes out
    assert rgb.probabilities(np.zeros((2, 32, 32, 3), np.uint8)).shape == (2, 5)
    with pytest.raises(InspectError, match=r"takes 32x32x3 colour images.*Received: x.shape=\(2, 28, 28\)"):
        rgb.probabilities(np.zeros((2, 28, 28), np.uint8))


def test_a_model_with_dropout_compares_layer_by_layer(sample: MnistData) -> None:
    from tui_convnet.core import mnist_convnet
    from tui_convnet.training.model import build_model

    model = build_model(mnist_convnet(dropout=0.5), seed=1)
    ins = ModelInspector(model)
    comparisons = ins.compare(sample.x_test[7])
    assert [c.info.type for c in comparisons][-2:] == ["Dropout", "Dense"]
    dropout = comparisons[-2]
    np.testing.assert_array_equal(dropout.numpy, comparisons[-3].numpy)  # identity at inference
    assert all(c.agrees for c in comparisons)


def test_batch_size_does_not_change_the_result(inspector: ModelInspector, sample: MnistData) -> None:
    x = sample.x_test[:300]
    by_64 = inspector.probabilities(x, "numpy", batch_size=64)
    assert np.array_equal(by_64, inspector.probabilities(x, "numpy", batch_size=64))  # deterministic
    by_300 = inspector.probabilities(x, "numpy", batch_size=300)
    np.testing.assert_allclose(by_64, by_300, atol=1e-6, rtol=0)
    assert np.array_equal(by_64.argmax(1), by_300.argmax(1))
