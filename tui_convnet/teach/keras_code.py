"""The lecture's Keras code for a model and its training settings, each line tied to what it makes.

:func:`model_code` writes the slides' code (``models.Sequential()``, ``model.add(layers.Conv2D(…))``,
``model.compile(…)``, ``model.fit(…)``, ``model.evaluate(…)``) for exactly the model on screen: every
:class:`CodeLine` names the layer (its index in ``spec.layers``, the row of ``model.summary()``) or the
settings it sets, so a pane can light the line of the layer or setting the student looks at.
:func:`training_script` wraps it into a standalone script that loads MNIST as the slides do (falling back
to the bundled sample when it cannot be downloaded), trains, evaluates and prints the summary.

Plain text from the core's :class:`~tui_convnet.core.ModelSpec` and the training settings: no Keras here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core import Conv2DSpec, DenseSpec, DropoutSpec, FlattenSpec, ModelSpec, Pool2DSpec

if TYPE_CHECKING:  # the explorer shows the code without importing the training package
    from ..training.events import TrainConfig

#: The optimizers' class names in ``keras.optimizers`` (for a learning rate other than Keras' default).
_OPTIMIZER_CLASSES = {"rmsprop": "RMSprop", "adam": "Adam", "sgd": "SGD"}


@dataclass(frozen=True)
class CodeLine:
    """One line of code; ``layer`` is the index of the layer it adds, ``settings`` the settings it sets."""

    text: str
    layer: int | None = None
    settings: tuple[str, ...] = ()


def _pair(value: tuple[int, int]) -> str:
    return f"({value[0]}, {value[1]})"


def _same(value: tuple[int, int], default: int) -> bool:
    return value == (default, default)


def layer_call(layer: object, first: bool = False, input_shape: tuple[int, ...] = ()) -> str:
    """``layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1))``: the slide's call for a layer."""
    args: list[str] = []
    if isinstance(layer, Conv2DSpec):
        args = [str(layer.filters), _pair(layer.kernel_size)]
        if not _same(layer.strides, 1):
            args.append(f"strides={_pair(layer.strides)}")
        if layer.padding != "valid":
            args.append(f"padding={layer.padding!r}")
        if not _same(layer.dilation_rate, 1):
            args.append(f"dilation_rate={_pair(layer.dilation_rate)}")
        if layer.activation != "linear":
            args.append(f"activation={layer.activation!r}")
        name = "Conv2D"
    elif isinstance(layer, Pool2DSpec):
        args = [_pair(layer.pool_size)]
        if layer.strides is not None and layer.strides != layer.pool_size:
            args.append(f"strides={_pair(layer.strides)}")
        if layer.padding != "valid":
            args.append(f"padding={layer.padding!r}")
        name = "MaxPooling2D" if layer.mode == "max" else "AveragePooling2D"
    elif isinstance(layer, FlattenSpec):
        name = "Flatten"
    elif isinstance(layer, DenseSpec):
        args = [str(layer.units)]
        if layer.activation != "linear":
            args.append(f"activation={layer.activation!r}")
        name = "Dense"
    elif isinstance(layer, DropoutSpec):
        args = [f"{layer.rate:g}"]
        name = "Dropout"
    else:  # pragma: no cover - the spec's union is closed
        raise ValueError(f"Unknown layer. Received: layer={layer!r}")
    if first:
        args.append(f"input_shape={tuple(input_shape)!r}")
    return f"layers.{name}({', '.join(args)})"


def optimizer_text(config: TrainConfig) -> str:
    """``'rmsprop'`` as the slide writes it, or ``optimizers.Adam(learning_rate=0.0005)`` for another rate."""
    from ..training.events import DEFAULT_LEARNING_RATES

    if config.learning_rate is None or config.learning_rate == DEFAULT_LEARNING_RATES[config.optimizer]:
        return repr(config.optimizer)
    return f"optimizers.{_OPTIMIZER_CLASSES[config.optimizer]}(learning_rate={config.learning_rate:g})"


def uses_optimizer_class(config: TrainConfig) -> bool:
    return not optimizer_text(config).startswith("'")


def model_code(spec: ModelSpec, config: TrainConfig | None = None) -> tuple[CodeLine, ...]:
    """The slides' code that builds ``spec``, compiles it and trains it with ``config``, line by line."""
    if config is None:
        from ..training.events import TrainConfig

        config = TrainConfig()
    lines = [CodeLine("from keras import layers"), CodeLine("from keras import models")]
    if uses_optimizer_class(config):
        lines.append(CodeLine("from keras import optimizers", settings=("optimizer", "learning_rate")))
    lines += [CodeLine(""), CodeLine("model = models.Sequential()")]
    for i, layer in enumerate(spec.layers):
        call = layer_call(layer, first=i == 0, input_shape=spec.input_shape)
        sets: tuple[str, ...] = ("dropout",) if isinstance(layer, DropoutSpec) else ()
        lines.append(CodeLine(f"model.add({call})", layer=i, settings=sets))
    lines += [
        CodeLine("model.summary()"),
        CodeLine(""),
        CodeLine(f"model.compile(optimizer={optimizer_text(config)},", settings=("optimizer", "learning_rate")),
        CodeLine("              loss='categorical_crossentropy',"),
        CodeLine("              metrics=['accuracy'])"),
    ]
    fit = f"model.fit(train_images, train_labels, epochs={config.epochs}, batch_size={config.batch_size}"
    settings: tuple[str, ...] = ("epochs", "batch_size")
    if config.validation_split:
        fit += f", validation_split={config.validation_split:g}"
        settings += ("validation_split",)
    lines += [
        CodeLine(fit + ")", settings=settings),
        CodeLine(""),
        CodeLine("test_loss, test_acc = model.evaluate(test_images, test_labels)"),
    ]
    return tuple(lines)


def code_text(lines: tuple[CodeLine, ...]) -> str:
    return "\n".join(line.text for line in lines) + "\n"


def lines_for_layer(lines: tuple[CodeLine, ...], layer: int) -> list[int]:
    """Indexes of the lines that make layer ``layer`` (the row of ``model.summary()``)."""
    return [i for i, line in enumerate(lines) if line.layer == layer]


def lines_for_setting(lines: tuple[CodeLine, ...], setting: str) -> list[int]:
    """Indexes of the lines that set ``setting`` (``epochs``, ``optimizer``, ``dropout`` …)."""
    return [i for i, line in enumerate(lines) if setting in line.settings]


def pane_lines(
    lines: tuple[CodeLine, ...], *, layer: int | None = None, settings: tuple[str, ...] = ()
) -> list[list[tuple[str, str]]]:
    """The code as ``(text, role)`` lines for a pane: the lines that make ``layer`` or set one of ``settings``
    are marked ``▶`` and take the "total" role (the explorer's look for a result), the others none."""
    out: list[list[tuple[str, str]]] = []
    for line in lines:
        current = (layer is not None and line.layer == layer) or any(s in line.settings for s in settings)
        out.append([("▶ " + line.text, "total")] if current else [("  " + line.text, "")])
    return out
