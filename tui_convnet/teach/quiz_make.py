"""Quiz questions made from the lecture's examples and from the core, with a seed: every answer is exact.

- :func:`output_cell_question`: one convolution step of an example (the window, the kernel, the bias);
- :func:`pool_winner_question`: which cell of a max-pooling window wins;
- :func:`output_size_question`: a convolution's output size from n, k, p and s;
- :func:`parameters_question`: a layer's parameter count;
- :func:`receptive_field_question`: the receptive field of a layer of a small stack.

:func:`make_quiz` mixes them, one kind after another, from one seed: the same seed gives the same sheet.
The screens' quiz mode asks :func:`output_cell_question` and :func:`pool_winner_question` about the step
on screen. A window of zeros only is never drawn (:func:`pick_step`): its answer is the bias, nothing to
work out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..core import (
    Conv2DSpec,
    ConvExample,
    DenseSpec,
    Example,
    FlattenSpec,
    ModelSpec,
    Pool2DSpec,
    PoolExample,
    conv_geometry,
    conv_trace,
    infer_shapes,
    mnist_convnet,
    pool_trace,
)
from ..core.conv import ConvTrace
from ..core.model import LayerSpec
from ..core.pooling import PoolTrace
from ..core.receptive_field import receptive_field_size
from ..explore import ConvState, open_example
from ..explore.narration import conv_lines, plain_text, pool_lines
from ..model.layer_names import slide_named
from .quiz import KINDS, Question, decimal_tolerance

MAX_COUNT = 200


def trivial_window(window: np.ndarray) -> bool:
    """A window of zeros only (padding counts as zero): its output is the bias, nothing to work out."""
    return not np.any(np.nan_to_num(np.asarray(window, dtype=float)))


def informative_steps(trace: ConvTrace | PoolTrace) -> list[int]:
    """The steps of a convolution or pooling trace whose window holds a non-zero value.

    Each window is looked at once (a convolution's kernels share their windows), not built as a step.
    """
    g = trace.geometry
    ink = np.nan_to_num(np.asarray(trace.padded, dtype=float)) != 0
    per_channel = isinstance(trace, PoolTrace)  # a pooling window is one channel's; a convolution's, all
    seen: dict[tuple[int, int, int], bool] = {}
    steps = []
    for i in range(trace.num_steps):
        k, row, col = trace.position(i)
        key = (k if per_channel else 0, row, col)
        if key not in seen:
            window = ink[np.ix_(g.window_rows(row), g.window_cols(col))]
            seen[key] = bool(window[:, :, k].any() if per_channel else window.any())
        if seen[key]:
            steps.append(i)
    return steps


def pick_step(
    rng: np.random.Generator, trace: ConvTrace | PoolTrace, cache: dict[str, list[int]] | None = None, key: str = ""
) -> int:
    """A step of ``trace`` drawn from ``rng``, never one whose window is all zeros (unless every one is)."""
    steps = cache.get(key) if cache is not None else None
    if steps is None:
        steps = informative_steps(trace)
        if cache is not None:
            cache[key] = steps
    if not steps:
        return int(rng.integers(trace.num_steps))
    return steps[int(rng.integers(len(steps)))]


def _number(v: float) -> float | int | None:
    """A grid's number for JSON: whole numbers as integers, NaN (padding of a 'same' window) as None."""
    if v != v:
        return None
    return int(v) if float(v).is_integer() else round(float(v), 4)


def _grid(values: np.ndarray) -> list[list[float | int | None]]:
    return [[_number(float(v)) for v in row] for row in values]


def _named(example: Example) -> str:
    """``Example 01 (cs231n: two 3x3x3 filters, …)``, as the contents list numbers it."""
    number = example.key.split("_", 1)[0]
    return f"Example {number} ({example.title})" if number.isdigit() else example.title


def _state(example: ConvExample | PoolExample) -> ConvState:
    state = open_example(example)
    assert isinstance(state, ConvState)
    return state


def output_cell_question(example: ConvExample, step: int) -> Question:
    """The value of the output cell that step ``step`` of ``example``'s convolution computes."""
    return cell_question(_state(example), step, _named(example))


def cell_question(state: ConvState, step: int, name: str) -> Question:
    """The output cell of convolution step ``step`` of ``state`` (as the explorer shows it, settings and all)."""
    assert state.comp.conv is not None
    s = state.comp.conv.step(step)
    names = state.channel_names()
    kname = state.kernel_names()[s.kernel]
    where = f"o[{s.out_row},{s.out_col},{s.kernel}]"
    act = "" if s.activation == "linear" else f", then {s.activation}"
    prompt = f"{name}: {kname} on the window at padded rows {s.rows[0]}–{s.rows[-1]}, columns "
    prompt += f"{s.cols[0]}–{s.cols[-1]}. What is {where} (window · {kname} + bias{act})?"
    params: dict[str, Any] = {
        "example": state.example.key,
        "step": step,
        "cell": [s.out_row, s.out_col, s.kernel],
        "kernel": kname,
        "window": {names[c]: _grid(s.window[c]) for c in range(len(names))},
        "weights": {names[c]: _grid(s.weights[c]) for c in range(len(names))},
        "bias": int(s.bias) if float(s.bias).is_integer() else round(s.bias, 4),
        "activation": s.activation,
    }
    answer = float(s.activated)
    tol = 0.0 if state.comp.integral and answer.is_integer() else decimal_tolerance(answer)
    return Question("output_cell", prompt, params, answer, plain_text(conv_lines(state, s)), tol)


def _pool_of(example: ConvExample | PoolExample) -> tuple[ConvState, Any]:
    state = _state(example)
    if state.comp.pool is None or state.comp.pool.mode != "max":
        raise ValueError(f"The example has no max pooling. Received: example={example.key!r}")
    return state, state.comp.pool


def pool_winner_question(example: ConvExample | PoolExample, step: int) -> Question:
    """Which cell of pooling step ``step``'s window wins the max (row, column inside the window)."""
    state, _ = _pool_of(example)
    return pool_question(state, step, _named(example))


def pool_question(state: ConvState, step: int, name: str) -> Question:
    """Pooling step ``step`` of ``state``: which cell wins a max, or the value of an average."""
    pool = state.comp.pool
    assert pool is not None
    s = pool.step(step)
    where = f"p[{s.out_row},{s.out_col},{s.channel}]"
    source = "o" if state.comp.conv is not None else "x"
    window = f"{source}[{s.rows[0]}–{s.rows[-1]}, {s.cols[0]}–{s.cols[-1]}, {s.channel}]"
    params = {
        "example": state.example.key,
        "step": state.comp.conv_steps + step,
        "cell": [s.out_row, s.out_col, s.channel],
    }
    working = plain_text(pool_lines(state, s))
    if s.mode == "max":
        prompt = f"{name}: {where} max-pools {window}. Which cell of the window wins (row, column inside it, from 0)?"
        return _winner(prompt, params, s.window, working)
    answer = float(s.value)
    tol = 0.0 if answer.is_integer() else decimal_tolerance(answer)
    prompt = f"{name}: {where} averages {window}. What is {where}?"
    return Question("output_cell", prompt, {**params, "window": _grid(s.window)}, answer, working, tol)


def _winner(prompt: str, params: dict[str, Any], window: np.ndarray, working: str) -> Question:
    best = np.nanmax(window)
    cells = [(int(i), int(j)) for i, j in zip(*np.nonzero(window == best), strict=True)]
    tie = f" (a tie: {len(cells)} cells hold {best:g}; any of them is right)" if len(cells) > 1 else ""
    return Question(
        "pool_winner",
        prompt,
        {**params, "window": _grid(window)},
        cells[0],
        f"{working}; the winner is at row {cells[0][0]}, column {cells[0][1]} of the window{tie}",
        also=tuple(cells[1:]),
    )


def random_pool_question(rng: np.random.Generator) -> Question:
    size = int(rng.choice([2, 3]))
    x = rng.permutation(np.arange(-9, 10))[: 2 * size * size].reshape(2 * size, size, 1).astype(float)
    trace = pool_trace(x, size)
    s = trace.step(int(rng.integers(trace.num_steps)))
    values = ", ".join(f"{v:g}" for v in s.window.ravel())
    return _winner(
        f"A {size}x{size} max pooling window holds the numbers below. Which cell wins (row, column, from 0)?",
        {"pool_size": size},
        s.window,
        f"max({values}) = {s.value:g}",
    )


def output_size_question(rng: np.random.Generator) -> Question:
    n = int(rng.integers(5, 33))
    k = int(rng.choice([k for k in (1, 2, 3, 5, 7) if k <= n]))
    s = int(rng.choice([1, 1, 2, 2, 3]))
    padding: int | str = "same" if rng.random() < 0.2 else int(rng.integers(0, 3))
    g = conv_geometry((n, n, 1), (k, k, 1, 1), stride=s, padding=padding)
    pad_text = "'same' padding" if padding == "same" else f"padding {padding}"
    return Question(
        "output_size",
        f"A {n}x{n} input, a {k}x{k} kernel, stride {s}, {pad_text}: how many rows does the output have?",
        {"n": n, "k": k, "stride": s, "padding": padding},
        float(g.out_shape[0]),
        g.output_formulas()[0],
    )


def parameters_question(rng: np.random.Generator) -> Question:
    if rng.random() < 0.4:  # a layer of the lecture's model
        infos = [info for info in infer_shapes(mnist_convnet()) if info.params]
        info = infos[int(rng.integers(len(infos)))]
        where = f"takes {info.input_shape} to {info.output_shape}"
        prompt = f"The lecture's layer {slide_named(info.name, info.type)} {where}. How many parameters does it have?"
        params: dict[str, Any] = {"layer": info.name, "type": info.type, "input_shape": list(info.input_shape)}
        return Question(
            "parameters", prompt, {**params, "model": "mnist_convnet"}, float(info.params), info.param_formula
        )
    n, c = int(rng.integers(5, 29)), int(rng.choice([1, 3, 8, 16, 32]))
    if rng.random() < 0.7:
        k = int(rng.choice([1, 3, 5]))
        conv = Conv2DSpec(int(rng.choice([4, 8, 16, 32, 64])), (k, k))
        spec = ModelSpec((n, n, c), (conv,))
        what = f"Conv2D({conv.filters}, ({k}, {k})) on a {n}x{n}x{c} input"
        params = {"type": "Conv2D", "filters": conv.filters, "kernel_size": [k, k]}
    else:
        units = int(rng.choice([10, 32, 64, 128]))
        spec = ModelSpec((n, n, c), (FlattenSpec(), DenseSpec(units)))
        what = f"Dense({units}) after Flatten of a {n}x{n}x{c} volume"
        params = {"type": "Dense", "units": units}
    info = infer_shapes(spec)[-1]
    return Question(
        "parameters",
        f"{what}: how many parameters (weights and biases)?",
        {**params, "input_shape": [n, n, c]},
        float(info.params),
        info.param_formula,
    )


def _stack_text(spec: ModelSpec) -> str:
    parts = []
    for layer in spec.layers:
        if isinstance(layer, Conv2DSpec):
            parts.append(f"{layer.kernel_size[0]}x{layer.kernel_size[1]} conv, stride {layer.strides[0]}")
        elif isinstance(layer, Pool2DSpec):
            parts.append(f"{layer.pool_size[0]}x{layer.pool_size[1]} max pool, stride {(layer.strides or (0,))[0]}")
    return " → ".join(parts)


def receptive_field_working(spec: ModelSpec, layer: int) -> str:
    """The recurrence ``size += (k − 1)·jump; jump *= stride`` written out, layer by layer."""
    size, jump, lines = 1, 1, []
    for i, s in enumerate(spec.layers[: layer + 1]):
        if isinstance(s, Conv2DSpec):
            k, stride = s.dilation_rate[0] * (s.kernel_size[0] - 1) + 1, s.strides[0]
        elif isinstance(s, Pool2DSpec):
            k, stride = s.pool_size[0], (s.strides or s.pool_size)[0]
        else:
            continue
        new = size + (k - 1) * jump
        lines.append(f"layer {i + 1}: {size} + ({k} − 1)·{jump} = {new}, jump {jump}·{stride} = {jump * stride}")
        size, jump = new, jump * stride
    return "; ".join(lines)


def receptive_field_question(rng: np.random.Generator) -> Question:
    if rng.random() < 0.4:
        spec, layer = mnist_convnet(), int(rng.integers(0, 5))
        info = infer_shapes(spec)[layer]
        prompt = "In the lecture's model, how large is the receptive field (on the 28x28 input) of one cell of "
        prompt += f"{slide_named(info.name, info.type)}, layer {layer + 1}?"
        params: dict[str, Any] = {"model": "mnist_convnet", "layer": info.name}
    else:
        layers: list[LayerSpec] = []
        for _ in range(int(rng.integers(2, 4))):
            if rng.random() < 0.35:
                layers.append(Pool2DSpec("max", (2, 2)))
            else:
                k, stride = int(rng.choice([3, 5])), int(rng.choice([1, 1, 2]))
                layers.append(Conv2DSpec(1, (k, k), strides=(stride, stride)))
        spec, layer = ModelSpec((64, 64, 1), tuple(layers)), len(layers) - 1
        prompt = f"A stack {_stack_text(spec)} (no padding): how large is the receptive field of one cell of "
        prompt += "its last layer, on the input?"
        params = {"stack": _stack_text(spec)}
    size = receptive_field_size(spec, layer)
    assert size is not None
    return Question("receptive_field", prompt, params, size, receptive_field_working(spec, layer))


def _conv_examples(examples: Sequence[Example]) -> list[ConvExample]:
    return [ex for ex in examples if isinstance(ex, ConvExample) and type(ex) is ConvExample]


def _max_pool_examples(examples: Sequence[Example]) -> list[ConvExample | PoolExample]:
    found: list[ConvExample | PoolExample] = []
    for ex in examples:  # not a lesson's example (a subclass of ConvExample)
        if not isinstance(ex, ConvExample | PoolExample) or type(ex) not in (ConvExample, PoolExample):
            continue
        if ex.pool is not None and ex.pool.mode == "max":
            found.append(ex)
    return found


def example_cell_question(
    rng: np.random.Generator, ex: ConvExample, cache: dict[str, list[int]] | None = None
) -> Question:
    """An output cell of ``ex``'s convolution, drawn from ``rng`` among the windows that are not all zeros."""
    trace = conv_trace(ex.x, ex.kernels, ex.bias, stride=ex.stride, padding=ex.padding, dilation=ex.dilation)
    return output_cell_question(ex, pick_step(rng, trace, cache, f"conv {ex.key}"))


def _from_example_cell(rng: np.random.Generator, examples: Sequence[Example], cache: dict[str, list[int]]) -> Question:
    convs = _conv_examples(examples)
    return example_cell_question(rng, convs[int(rng.integers(len(convs)))], cache)


def _from_example_pool(rng: np.random.Generator, examples: Sequence[Example], cache: dict[str, list[int]]) -> Question:
    pools = _max_pool_examples(examples)
    if not pools or rng.random() < 0.4:
        return random_pool_question(rng)
    ex = pools[int(rng.integers(len(pools)))]
    _, pool = _pool_of(ex)
    return pool_winner_question(ex, pick_step(rng, pool, cache, f"pool {ex.key}"))


def make_quiz(seed: int, count: int, examples: Sequence[Example]) -> list[Question]:
    """``count`` questions, the kinds in turn, every number drawn from ``seed``."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise ValueError(f"`count` must be a whole number from 1 to {MAX_COUNT}. Received: count={count!r}")
    rng = np.random.default_rng(seed)
    cache: dict[str, list[int]] = {}  # each example's informative steps, found once per sheet
    makers = {
        "output_cell": lambda: _from_example_cell(rng, examples, cache),
        "output_size": lambda: output_size_question(rng),
        "parameters": lambda: parameters_question(rng),
        "receptive_field": lambda: receptive_field_question(rng),
        "pool_winner": lambda: _from_example_pool(rng, examples, cache),
    }
    return [makers[KINDS[i % len(KINDS)]]() for i in range(count)]
