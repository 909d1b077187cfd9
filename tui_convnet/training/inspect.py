"""Inside a trained model: every layer's output for one digit, by numpy and by Keras.

The numbers the inspect screen and ``convnet-tui predict --engine numpy`` show
come from the numpy core (:func:`tui_convnet.core.forward`) run on the model's
own weights (``model.get_weights()``).  Keras computes the same layers
(:meth:`ModelInspector.keras_layers`) so that the screen can show, layer by
layer, the largest absolute difference between the two.

Nothing here imports Textual.  Keras is imported lazily (a Keras model is
passed in, so by then TensorFlow is loaded anyway).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core import Conv2DSpec, ConvExample, DenseSpec, LayerInfo, ModelSpec, forward, infer_shapes
from ..data import MnistData, to_model_inputs

ENGINES = ("numpy", "keras")
#: numpy = Keras when every layer agrees to within this (float32 arithmetic in both).
TOLERANCE = 1e-4
#: Digits per numpy forward pass when predicting a whole test set: small enough that
#: the first layer's output (64·26·26·32 floats, 5.5 MB) stays in the CPU's caches
#: for the pooling that reads it again (measured with benchmarks/bench_forward.py).
NUMPY_BATCH = 64
KERAS_BATCH = 256


class InspectError(ValueError):
    """The model or the data cannot be inspected; the message says why."""


def _model_error(message: str) -> Exception:
    from .model import ModelFileError  # lazy: imports Keras

    return ModelFileError(message)


def check_mnist_model(spec: ModelSpec) -> None:
    """Refuse models that cannot classify 28x28x1 digits into 10 classes."""
    if tuple(spec.input_shape) != (28, 28, 1):
        raise _model_error(f"The model must take 28x28x1 MNIST digits. Received: input_shape={tuple(spec.input_shape)}")
    last = spec.layers[-1] if spec.layers else None
    if not isinstance(last, DenseSpec) or last.units != 10:
        kind = (
            "no layers" if last is None else f"{last.type}" + (f"({last.units})" if isinstance(last, DenseSpec) else "")
        )
        raise _model_error(f"The model's last layer must be Dense(10), one unit per digit. Received: last_layer={kind}")


@dataclass(frozen=True, eq=False)
class LayerComparison:
    """One layer's output for one digit, from numpy and from Keras."""

    info: LayerInfo
    numpy: np.ndarray  # the layer's output, without the batch axis
    keras: np.ndarray
    max_abs_diff: float

    @property
    def agrees(self) -> bool:
        return bool(self.max_abs_diff < TOLERANCE)

    @property
    def verdict(self) -> str:
        """``numpy = Keras ✓ max |Δ| 2.4e-07`` (or ``✗`` when it is not below the tolerance)."""
        if self.agrees:
            return f"numpy = Keras ✓ max |Δ| {self.max_abs_diff:.1e}"
        return f"numpy ≠ Keras ✗ max |Δ| {self.max_abs_diff:.1e} (must be < {TOLERANCE:.0e})"


class ModelInspector:
    """A Keras model seen through the numpy core.

    Reads the spec and the weights once (they do not change while inspecting);
    builds the Keras model that returns every layer's output once, on demand.
    """

    def __init__(self, model: Any) -> None:
        from .model import spec_from_model  # lazy: imports Keras

        self.model = model
        self.spec: ModelSpec = spec_from_model(model)
        check_mnist_model(self.spec)
        self.weights: list[np.ndarray] = [np.asarray(w) for w in model.get_weights()]
        self.layers: list[LayerInfo] = infer_shapes(self.spec)
        self._extractor: Any = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ one digit

    @staticmethod
    def model_input(digit: np.ndarray) -> np.ndarray:
        """A uint8 ``(28, 28)`` digit as the model's input ``(28, 28, 1)`` in [0, 1]."""
        d = np.asarray(digit)
        if d.shape != (28, 28):
            raise InspectError(f"A digit must have shape (28, 28). Received: digit.shape={d.shape}")
        return to_model_inputs(d[None])[0]

    def numpy_layers(self, digit: np.ndarray) -> list[np.ndarray]:
        """Every layer's output for one digit, computed by the numpy core."""
        return forward(self.spec, self.weights, self.model_input(digit), intermediates=True)

    def _keras_extractor(self) -> Any:
        with self._lock:
            if self._extractor is None:
                from .tf_env import import_keras

                keras = import_keras()
                self._extractor = keras.Model(
                    self.model.inputs[0], [layer.output for layer in self.model.layers], name="layer_outputs"
                )
            return self._extractor

    def keras_layers(self, digit: np.ndarray) -> list[np.ndarray]:
        """Every layer's output for one digit, computed by Keras (inference mode)."""
        x = self.model_input(digit)[None]
        outs = self._keras_extractor()(x, training=False)
        if not isinstance(outs, (list, tuple)):
            outs = [outs]
        return [np.asarray(o)[0] for o in outs]

    def compare(self, digit: np.ndarray, numpy_outputs: Sequence[np.ndarray] | None = None) -> list[LayerComparison]:
        """numpy and Keras, layer by layer, with the largest absolute difference of each layer."""
        ours = list(numpy_outputs) if numpy_outputs is not None else self.numpy_layers(digit)
        theirs = self.keras_layers(digit)
        if len(theirs) != len(ours):
            raise InspectError(f"Keras returned {len(theirs)} layer outputs for {len(ours)} layers.")
        result = []
        for info, a, b in zip(self.layers, ours, theirs, strict=False):
            if a.shape != b.shape:
                raise InspectError(f"Layer {info.name}: numpy gives {a.shape}, Keras gives {b.shape}.")
            diff = float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)))) if a.size else 0.0
            result.append(LayerComparison(info, a, b, diff))
        return result

    # ------------------------------------------------------------------ many digits

    def probabilities(self, x: np.ndarray, engine: str = "numpy", *, batch_size: int | None = None) -> np.ndarray:
        """Class probabilities ``(N, 10)`` for uint8 digits ``(N, 28, 28)``, in batches."""
        if engine not in ENGINES:
            raise InspectError(f"Unknown engine. Expected one of {', '.join(ENGINES)}. Received: engine={engine!r}")
        x = np.asarray(x)
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise InspectError(f"Digits must have shape (N, 28, 28). Received: x.shape={x.shape}")
        if engine == "keras":
            n = batch_size or KERAS_BATCH
            return np.asarray(self.model.predict(to_model_inputs(x), batch_size=n, verbose=0))
        n = batch_size or NUMPY_BATCH
        out = np.empty((len(x), 10), dtype=np.float32)

        for start in range(0, len(x), n):
            out[start : start + n] = forward(self.spec, self.weights, to_model_inputs(x[start : start + n]))
        return out

    def predict(self, x: np.ndarray, engine: str = "numpy", *, batch_size: int | None = None) -> np.ndarray:
        """Predicted classes ``(N,)`` for uint8 digits ``(N, 28, 28)``."""
        return np.argmax(self.probabilities(x, engine, batch_size=batch_size), axis=1)

    # ------------------------------------------------------------------ kernels

    def conv_layers(self) -> list[LayerInfo]:
        return [info for info in self.layers if isinstance(info.spec, Conv2DSpec)]

    def kernel_and_bias(self, layer: LayerInfo) -> tuple[np.ndarray, np.ndarray]:
        """The learned ``(kh, kw, C_in, C_out)`` kernels and ``(C_out,)`` biases of a layer."""
        i = 0
        for info in self.layers:
            if info.params:
                if info.index == layer.index:
                    return self.weights[i], self.weights[i + 1]
                i += 2
        raise InspectError(f"Layer {layer.name} has no weights. Received: layer={layer.name!r}")


# ---------------------------------------------------------------------- evaluation


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int = 10) -> np.ndarray:
    """Counts ``(classes, classes)``: rows are true labels, columns predictions."""
    m = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(m, (np.asarray(labels, dtype=np.int64), np.asarray(predicted, dtype=np.int64)), 1)
    return m


@dataclass(frozen=True, eq=False)
class PredictResult:
    engine: str
    labels: np.ndarray
    predicted: np.ndarray
    seconds: float
    dataset: str  # "sample" | "keras" | "path"
    description: str

    @property
    def samples(self) -> int:
        return len(self.labels)

    @property
    def accuracy(self) -> float:
        return float(np.mean(self.predicted == self.labels)) if len(self.labels) else 0.0

    @property
    def confusion(self) -> np.ndarray:
        return confusion_matrix(self.labels, self.predicted)

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "dataset": self.dataset,
            "dataset_description": self.description,
            "test_accuracy": round(self.accuracy, 6),
            "test_samples": self.samples,
            "misclassified": int(np.count_nonzero(self.predicted != self.labels)),
            "confusion_matrix": self.confusion.tolist(),
            "seconds": round(self.seconds, 3),
        }


def evaluate(
    inspector: ModelInspector, data: MnistData, engine: str = "numpy", limit: int | None = None
) -> PredictResult:
    """Predict every test digit (the first ``limit``) with ``engine``; timed."""
    x, y = data.x_test[:limit], data.y_test[:limit]
    start = time.perf_counter()
    predicted = inspector.predict(x, engine)
    return PredictResult(engine, np.asarray(y), predicted, time.perf_counter() - start, data.source, data.description)


# ---------------------------------------------------------------------- explorer


def learned_kernel_example(inspector: ModelInspector, digit: np.ndarray, label: int, index: int) -> ConvExample:
    """The first conv layer on a real test digit, as an explorer :class:`Example`.

    The input is the digit scaled to [0, 1] (28x28x1), the kernels and biases
    are the model's learned ones, the activation is ReLU as in the lecture.
    """
    conv = inspector.conv_layers()
    if not conv:
        raise InspectError("The model has no Conv2D layer to step through.")
    info = conv[0]
    if info.input_shape[2] != 1:
        raise InspectError(
            f"The first Conv2D layer must read the digit itself. Received: input_shape={info.input_shape}"
        )
    kernels, bias = inspector.kernel_and_bias(info)
    spec: Conv2DSpec = info.spec  # type: ignore[assignment]
    x = inspector.model_input(digit).astype(np.float64)
    kh, kw, _, n = kernels.shape
    return ConvExample(
        key=f"learned_{info.name}_test_{index}",
        title=f"Learned {info.name} kernels on test digit #{index} (a {label})",
        description=(
            f"Test digit #{index} (labelled {label}), scaled to [0, 1], under the {n} learned "
            f"{kh}x{kw} kernels of layer {info.name} of the trained model, each with its learned bias, "
            f"then the activation {spec.activation!r} — exactly the numbers of the inspect screen."
        ),
        source="the trained model's weights (model.get_weights())",
        x=x,
        channel_names=("digit",),
        kernels=np.asarray(kernels, dtype=np.float64),
        bias=np.asarray(bias, dtype=np.float64),
        kernel_names=tuple(f"k{i}" for i in range(n)),
        stride=tuple(spec.strides),
        padding=spec.padding,
        dilation=tuple(spec.dilation_rate),
        activation=spec.activation,
    )


def first_step_of_map(inspector: ModelInspector, kernel: int) -> int:
    """The explorer step where feature map ``kernel`` of the first conv layer begins (``kernel·H'·W'``)."""
    info = inspector.conv_layers()[0]
    oh, ow, n = info.output_shape
    if not 0 <= kernel < n:
        raise InspectError(f"Feature map index out of range 0..{n - 1}. Received: kernel={kernel}")
    return kernel * oh * ow
