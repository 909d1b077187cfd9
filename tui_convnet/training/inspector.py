"""Inside a trained model: every layer's output for one digit, by numpy and by Keras.

The numbers the inspect screen and ``convnet-tui predict --engine numpy`` show
come from the numpy core (:func:`tui_convnet.core.forward`) run on the model's
own weights.  A model is either a Keras model or a spec with its weights (the
worker's :class:`~.protocol.ModelRef`, or the screens'
:class:`~tui_convnet.model.model.Model` such as the bundled pre-trained model:
no TensorFlow needed to look at it).  Keras computes the same layers
(:meth:`ModelInspector.keras_layers`, building a Keras model from the spec and
weights when none was given) so that the screen can show, layer by layer, the
largest absolute difference between the two.

Nothing here imports Textual; Keras is imported only when Keras is asked.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..core import (
    Conv2DSpec,
    DenseSpec,
    ForwardPass,
    LayerInfo,
    ModelSpec,
    ReceptiveField,
    forward_pass,
    infer_shapes,
    receptive_field,
)
from ..data.mnist import to_model_inputs
from .evaluate import ENGINES, Evaluation, evaluation_from_probabilities

#: numpy = Keras when every layer agrees to within this (float32 arithmetic in both).
TOLERANCE = 1e-4
#: Digits per numpy forward pass when predicting a whole test set: small enough that
#: the first layer's output (32·26·26·32 floats, 2.8 MB) stays near the core's 2 MB L2
#: cache for the pooling that reads it again. On one BLAS thread the bundled model's
#: 10,000 test digits took 1.1 s of CPU in batches of 32, 2.0 s in batches of 64 and
#: 2.4 s in batches of 256, with bit-identical probabilities (2026-11-29; Keras'
#: default batch is 32 too).
NUMPY_BATCH = 32
KERAS_BATCH = 256


class InspectError(ValueError):
    """The model or the data cannot be inspected; the message says why."""


def is_numpy_model(model: object) -> bool:
    """A model given as a spec and its weights (a :class:`~.protocol.ModelRef`, or anything with a ``ModelSpec``
    ``spec`` and ``weights``, such as the bundled model), not a Keras model."""
    return isinstance(getattr(model, "spec", None), ModelSpec) and hasattr(model, "weights")


#: The inputs a model may take: MNIST's 28x28 grey digits, or another set's 28x28 grey or 32x32 RGB images.
INPUT_SHAPES = ((28, 28, 1), (32, 32, 3))


def check_mnist_model(spec: ModelSpec) -> None:
    """Refuse models that cannot classify 28x28x1 digits (or 32x32x3 colour images) into classes."""
    if tuple(spec.input_shape) not in INPUT_SHAPES:
        raise InspectError(
            "The model must take 28x28x1 MNIST digits (or 28x28x1 / 32x32x3 images of another set). "
            f"Received: input_shape={tuple(spec.input_shape)}"
        )
    last = spec.layers[-1] if spec.layers else None
    if not isinstance(last, DenseSpec) or last.units < 2:
        kind = (
            "no layers" if last is None else f"{last.type}" + (f"({last.units})" if isinstance(last, DenseSpec) else "")
        )
        raise InspectError(
            "The model's last layer must be Dense(10), one unit per digit (Dense(K) for K classes of another "
            f"image set). Received: last_layer={kind}"
        )


def check_images(spec: ModelSpec, x: np.ndarray) -> None:
    """Refuse images ``(N, H, W[, 3])`` of another shape than the model takes (raises :class:`InspectError`)."""
    h, w, c = spec.input_shape
    expected = (h, w) if c == 1 else (h, w, c)
    if x.shape[1:] != expected:
        what = "digits" if expected == (28, 28) else f"{h}x{w}{'x3 colour' if c == 3 else ' grey'} images"
        shape = ", ".join(map(str, expected))
        raise InspectError(f"This model takes {what}, shape (N, {shape}). Received: x.shape={x.shape}")


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
        return verdict(self.max_abs_diff)


def verdict(max_abs_diff: float) -> str:
    """``numpy = Keras ✓ max |Δ| 2.4e-07`` (or ``✗ … (must be < 1e-04)``)."""
    if max_abs_diff < TOLERANCE:
        return f"numpy = Keras ✓ max |Δ| {max_abs_diff:.1e}"
    return f"numpy ≠ Keras ✗ max |Δ| {max_abs_diff:.1e} (must be < {TOLERANCE:.0e})"


class ModelInspector:
    """A model seen through the numpy core.

    Reads the spec and the weights once (they do not change while inspecting);
    builds the Keras model that returns every layer's output once, on demand
    (from the spec and the weights when the model is given as a spec and its weights).
    """

    def __init__(self, model: Any) -> None:
        self.model = model  # what was given: a keras.Model, or a spec with its weights (a ModelRef, a Model)
        if is_numpy_model(model):
            self.spec: ModelSpec = model.spec
            weights: Sequence[Any] = model.weights
        else:
            from .model import spec_from_model  # lazy: imports Keras (loaded anyway when a Keras model exists)

            self.spec = spec_from_model(model)
            weights = model.get_weights()
        check_mnist_model(self.spec)
        self.weights: list[np.ndarray] = [np.asarray(w) for w in weights]
        self.layers: list[LayerInfo] = infer_shapes(self.spec)
        expected = sum(2 for info in self.layers if info.params)
        if len(self.weights) != expected:
            raise InspectError(
                f"The model needs {expected} weight arrays (a kernel and a bias per layer with weights). "
                f"Received: weights={len(self.weights)}"
            )
        try:  # checked once here (spec, weights, every layer's geometry), not on every key press
            self.forward: ForwardPass = forward_pass(self.spec, self.weights)
        except ValueError as exc:
            raise InspectError(str(exc)) from None
        self._extractor: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.spec.name

    # ------------------------------------------------------------------ one digit

    @staticmethod
    def model_input(digit: np.ndarray) -> np.ndarray:
        """A uint8 ``(28, 28)`` digit as the model's input ``(28, 28, 1)`` in [0, 1] (an RGB image ``(32, 32, 3)``
        keeps its channels)."""
        d = np.asarray(digit)
        if d.shape not in ((28, 28), (32, 32, 3)):
            raise InspectError(f"A digit must have shape (28, 28). Received: digit.shape={d.shape}")
        return np.asarray(to_model_inputs(d[None])[0])

    def numpy_layers(self, digit: np.ndarray) -> list[np.ndarray]:
        """Every layer's output for one digit, computed by the numpy core (one BLAS thread: a small
        product split between threads waits for them when training keeps the cores busy)."""
        x = self.model_input(digit)
        with single_blas_thread():
            return list(self.forward(x, intermediates=True))

    def keras_model(self) -> Any:
        """The Keras model (built from the spec and the weights for a model given as a spec and its weights)."""
        if not is_numpy_model(self.model):
            return self.model
        from .model import build_model

        model = build_model(self.spec, seed=None)
        model.set_weights(self.weights)
        return model

    def _keras_extractor(self) -> Any:
        with self._lock:
            if self._extractor is None:
                from .tf_env import import_keras

                keras = import_keras()
                model = self.keras_model()
                self._extractor = keras.Model(
                    model.inputs[0], [layer.output for layer in model.layers], name="layer_outputs"
                )
            return self._extractor

    def keras_layers(self, digit: np.ndarray) -> list[np.ndarray]:
        """Every layer's output for one digit, computed by Keras (inference mode)."""
        x = self.model_input(digit)[None]
        outs = self._keras_extractor()(x, training=False)
        if not isinstance(outs, (list, tuple)):
            outs = [outs]
        return [np.asarray(o)[0] for o in outs]

    def compare(
        self,
        digit: np.ndarray,
        numpy_outputs: Sequence[np.ndarray] | None = None,
        *,
        keras_outputs: Sequence[np.ndarray] | None = None,
    ) -> list[LayerComparison]:
        """numpy and Keras, layer by layer, with the largest absolute difference of each layer (``keras_outputs``:
        Keras' layers computed elsewhere, by the TensorFlow worker process)."""
        ours = list(numpy_outputs) if numpy_outputs is not None else self.numpy_layers(digit)
        theirs = list(keras_outputs) if keras_outputs is not None else self.keras_layers(digit)
        if len(theirs) != len(ours):
            raise InspectError(f"Keras returned {len(theirs)} layer outputs for {len(ours)} layers.")
        result = []
        for info, a, b in zip(self.layers, ours, theirs, strict=True):
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
        if tuple(self.spec.input_shape) == (28, 28, 1) and (x.ndim != 3 or x.shape[1:] != (28, 28)):
            raise InspectError(f"Digits must have shape (N, 28, 28). Received: x.shape={x.shape}")
        check_images(self.spec, x)
        if engine == "keras":
            n = batch_size or KERAS_BATCH
            return np.asarray(self.keras_model().predict(to_model_inputs(x), batch_size=n, verbose=0))
        n = batch_size or NUMPY_BATCH
        out = np.empty((len(x), self.layers[-1].output_shape[-1]), dtype=np.float32)

        for start in range(0, len(x), n):
            out[start : start + n] = self.forward(to_model_inputs(x[start : start + n]))
        return out

    def predict(self, x: np.ndarray, engine: str = "numpy", *, batch_size: int | None = None) -> np.ndarray:
        """Predicted classes ``(N,)`` for uint8 digits ``(N, 28, 28)``."""
        return np.asarray(np.argmax(self.probabilities(x, engine, batch_size=batch_size), axis=1))

    def evaluate(self, x: np.ndarray, y: np.ndarray, engine: str = "numpy") -> Evaluation:
        """The test-set :class:`Evaluation` of uint8 digits ``x`` with labels ``y``, by ``engine``; timed."""
        start = time.perf_counter()
        probabilities = self.probabilities(x, engine)
        return evaluation_from_probabilities(
            probabilities,
            np.asarray(y),
            int(probabilities.shape[1]),
            engine=engine,
            seconds=time.perf_counter() - start,
        )

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


@contextlib.contextmanager
def single_blas_thread() -> Iterator[None]:
    """Run the enclosed numpy products on one BLAS thread (threadpoolctl when it is installed).

    OpenBLAS splits even a one-digit convolution between its threads; while
    TensorFlow keeps the cores busy they wait for each other (p95 16 ms instead
    of 0.3 ms for one 13x13x32→64 product).  Interactive work runs on one thread.
    Nested and concurrent uses share one limit: the last to leave restores it.
    When every BLAS library already runs one thread (the command sets
    ``OPENBLAS_NUM_THREADS=1`` before numpy starts) nothing is limited or
    restored: that costs a key press 0.1 ms when the thread comes back from sleep.
    """
    global _blas_users, _blas_restore
    with _blas_lock:
        if _blas_users == 0:
            controller = _blas_controller()
            if controller is not None and any((lib.num_threads or 1) > 1 for lib in controller.lib_controllers):
                _blas_restore = controller.limit(limits=1, user_api="blas")
        _blas_users += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_users -= 1
            if _blas_users == 0 and _blas_restore is not None:
                _blas_restore.restore_original_limits()
                _blas_restore = None


_blas_lock = threading.Lock()
_blas_users = 0
_blas_restore: Any = None
_controller: list[Any] = []


def _blas_controller() -> Any:
    if not _controller:
        try:
            from threadpoolctl import ThreadpoolController

            _controller.append(ThreadpoolController().select(user_api="blas"))
        except ImportError:  # threadpoolctl is optional: without it numpy keeps its threads
            _controller.append(None)
    return _controller[0]


# ---------------------------------------------------------------------- receptive fields


@dataclass(frozen=True)
class FieldChoice:
    """A cell of one feature map, chosen to see its receptive field on the digit.

    ``layer`` is the index of a layer with a 3-D output (Conv2D, pooling) in the
    spec, as ``model.summary()`` lists it; ``map`` its channel; ``row``/``col`` the cell.
    """

    layer: int
    map: int
    row: int
    col: int

    @staticmethod
    def map_layers(layers: Sequence[LayerInfo]) -> list[int]:
        """The layers whose cells can be chosen: those with feature maps (a 3-D output)."""
        return [info.index for info in layers if len(info.output_shape) == 3]

    @classmethod
    def centre_of(cls, layers: Sequence[LayerInfo], layer: int, feature_map: int = 0) -> FieldChoice:
        """The middle cell of ``feature_map`` of ``layer``."""
        h, w, c = layers[layer].output_shape
        return cls(layer, feature_map % c, h // 2, w // 2)

    def moved(self, layers: Sequence[LayerInfo], d_row: int, d_col: int) -> FieldChoice:
        """One cell further, kept inside the map."""
        h, w, _ = layers[self.layer].output_shape
        return replace(self, row=min(max(self.row + d_row, 0), h - 1), col=min(max(self.col + d_col, 0), w - 1))

    def on_map(self, layers: Sequence[LayerInfo], delta: int) -> FieldChoice:
        """The same cell of the next (or previous) map of the layer, wrapping around."""
        return replace(self, map=(self.map + delta) % layers[self.layer].output_shape[2])

    def on_layer(self, layers: Sequence[LayerInfo], delta: int) -> FieldChoice:
        """The same place (scaled to the other layer's size) on the next (or previous) layer with maps."""
        order = self.map_layers(layers)
        here = order.index(self.layer) if self.layer in order else 0
        layer = order[(here + delta) % len(order)]
        h0, w0, _ = layers[self.layer].output_shape
        h, w, c = layers[layer].output_shape
        return FieldChoice(layer, self.map % c, min(self.row * h // h0, h - 1), min(self.col * w // w0, w - 1))

    def field(self, spec: ModelSpec) -> ReceptiveField:
        """The input region this cell depends on (:func:`tui_convnet.core.receptive_field`)."""
        return receptive_field(spec, self.layer, self.row, self.col)

    def describe(self, layers: Sequence[LayerInfo], spec: ModelSpec) -> str:
        """``conv2d_2 #5 cell (2, 2) sees input rows 8–25, columns 8–25: 18×18 pixels``."""
        f = self.field(spec)
        name = layers[self.layer].name
        return (
            f"{name} #{self.map} cell ({self.row}, {self.col}) sees input rows {f.first_row}–{f.last_row}, "
            f"columns {f.first_col}–{f.last_col}: {f.size_text} pixels"
        )

    @classmethod
    def strongest(cls, layers: Sequence[LayerInfo], layer: int, feature_map: int, output: np.ndarray) -> FieldChoice:
        """The cell of ``feature_map`` with the largest value in ``output`` (the layer's ``(H, W, C)`` output)."""
        c = layers[layer].output_shape[2]
        values = np.asarray(output)[:, :, feature_map % c]
        row, col = np.unravel_index(int(np.argmax(values)), values.shape)
        return cls(layer, feature_map % c, int(row), int(col))
