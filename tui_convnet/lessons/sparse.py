"""Lesson 2: sparse connectivity (Goodfellow's figure in the lecture).

Inputs x1…x5, outputs s1…s5.  Select an output to see the inputs it depends
on, or an input to see the outputs it reaches, in a convolution of width 3
and in a dense layer; then the counts, and the same counts for the lecture
model's first layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..core import Connectivity1D, LayerConnections, ModelSpec, connectivity_1d, layer_connections

Side = Literal["input", "output"]


@dataclass(frozen=True)
class Node:
    side: Side
    index: int  # 0-based: x1 is ("input", 0)

    @property
    def name(self) -> str:
        return f"{'x' if self.side == 'input' else 's'}{self.index + 1}"


@dataclass(frozen=True)
class SparseFrame:
    step: int
    selected: Node | None  # None on the counting steps
    conv_edges: frozenset[tuple[int, int]]  # (output, input) pairs lit in the convolution's graph
    dense_edges: frozenset[tuple[int, int]]
    lines: tuple[str, ...]
    conv_all: frozenset[tuple[int, int]]  # every (output, input) pair the convolution connects
    n_inputs: int
    n_outputs: int


def _names(side: Side, indices: tuple[int, ...]) -> str:
    return ", ".join(Node(side, i).name for i in indices)


class SparseLesson:
    """The steps: s1…s5, then x1…x5, then the counts, then the lecture model's first layer."""

    def __init__(self, spec: ModelSpec, n: int = 5, width: int = 3) -> None:
        self.graph: Connectivity1D = connectivity_1d(n, width, "same")
        self.layer: LayerConnections = layer_connections(spec, 0)

    @property
    def steps(self) -> int:
        return self.graph.n_outputs + self.graph.n_inputs + 2

    def start(self, step: int) -> int:
        """The state of tour step ``step``: the step itself."""
        return max(0, min(step, self.steps - 1))

    def node_step(self, node: Node) -> int:
        """The step that selects ``node`` (a click on it)."""
        return node.index if node.side == "output" else self.graph.n_outputs + node.index

    def frame(self, step: int) -> SparseFrame:
        g = self.graph
        step = max(0, min(step, self.steps - 1))
        all_conv = frozenset((o, i) for o in range(g.n_outputs) for i in g.conv_inputs_of(o))
        all_dense = frozenset((o, i) for o in range(g.n_outputs) for i in range(g.n_inputs))

        def make(
            selected: Node | None,
            conv: frozenset[tuple[int, int]],
            dense: frozenset[tuple[int, int]],
            lines: tuple[str, ...],
        ) -> SparseFrame:
            return SparseFrame(step, selected, conv, dense, lines, all_conv, g.n_inputs, g.n_outputs)

        if step < g.n_outputs:
            node = Node("output", step)
            conv, dense = g.conv_inputs_of(step), g.dense_inputs_of(step)
            lines: tuple[str, ...] = (
                f"Output {node.name} depends on:",
                f"  convolution (width {g.width}): {_names('input', conv)} — {len(conv)} of {g.n_inputs} inputs",
                f"  dense layer: {_names('input', dense)} — all {g.n_inputs}",
                "The kernel is much smaller than the input, so each output sees only a few inputs."
                + (" At the edge the window hangs over the padding." if len(conv) < g.width else ""),
            )
            return make(
                node,
                frozenset((step, i) for i in conv),
                frozenset((step, i) for i in dense),
                lines,
            )
        if step < g.n_outputs + g.n_inputs:
            i = step - g.n_outputs
            node = Node("input", i)
            conv, dense = g.conv_outputs_of(i), g.dense_outputs_of(i)
            lines = (
                f"Input {node.name} reaches:",
                f"  convolution: {_names('output', conv)} — {len(conv)} outputs",
                f"  dense layer: {_names('output', dense)} — every output",
                "A change of one input moves only the outputs near it in a convolution.",
            )
            return make(
                node,
                frozenset((o, i) for o in conv),
                frozenset((o, i) for o in dense),
                lines,
            )
        if step == g.n_outputs + g.n_inputs:
            lines = (
                f"Counting: {g.n_inputs} inputs, {g.n_outputs} outputs",
                f"  convolution: {g.conv_connections} connections, {g.conv_weights} weights"
                f" (one kernel shared by every output; {g.unshared_weights} without sharing)",
                f"  dense layer: {g.n_inputs}·{g.n_outputs} = {g.dense_connections} connections,"
                f" {g.dense_weights} weights",
            )
            return make(None, all_conv, all_dense, lines)
        c = self.layer
        h, w, ch = c.in_shape
        oh, ow, oc = c.out_shape
        lines = (
            f"The lecture model's first layer ({c.name}): {h}×{w}×{ch} = {c.inputs:,} inputs"
            f" → {oh}×{ow}×{oc} = {c.outputs:,} outputs",
            f"  a dense layer would need {c.dense_formula} parameters",
            f"  the convolution needs {c.conv_formula}",
            f"  each output sees {c.window} inputs (sparse); one kernel is shared by all"
            f" {c.positions} positions ({c.unshared_formula} weights without sharing)",
        )
        return make(None, all_conv, all_dense, lines)
