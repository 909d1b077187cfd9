"""The benchmark's own parts: its naive baseline computes the same thing, its table and file are right.

(The timings themselves are run by ``make bench``, not by the test suite.)
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from tui_convnet.core import conv2d

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_conv.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_conv", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_naive_loop_is_a_correct_convolution(bench: ModuleType, rng: np.random.Generator) -> None:
    x = rng.standard_normal((2, 6, 5, 3)).astype(np.float32)
    k = rng.standard_normal((3, 3, 3, 4)).astype(np.float32)
    np.testing.assert_allclose(bench.naive_conv2d(x, k), conv2d(x, k), rtol=1e-5, atol=1e-5)


def test_layers_are_the_seed_models_conv_inputs(bench: ModuleType) -> None:
    from tui_convnet.core import Conv2DSpec, infer_shapes, mnist_convnet

    convs = [(*i.input_shape, i.spec.filters) for i in infer_shapes(mnist_convnet()) if isinstance(i.spec, Conv2DSpec)]
    assert [layer[1:] for layer in bench.LAYERS] == convs


def test_side_by_side_timing_returns_a_median_per_function(bench: ModuleType) -> None:
    times = bench.time_side_by_side({"a": lambda: sum(range(100)), "b": lambda: None}, repeat=3, target=0.001)
    assert set(times) == {"a", "b"} and all(t > 0 for t in times.values())


def test_table_and_atomic_write(bench: ModuleType, tmp_path: Path) -> None:
    rows = [
        {
            "shape": "5x5x64 → 64",
            "batch": 64,
            "numpy": 0.0002,
            "tf": 0.0003,
            "naive": 0.64,
            "naive_estimated": True,
        }
    ]
    table = bench.render_table(rows)
    assert table.splitlines()[0].startswith(
        "| layer shape (3x3, valid) | batch | numpy ms | tf ms | naive ms | tf/numpy |"
    )
    assert table.splitlines()[2] == "| 5x5x64 → 64 | 64 | 0.200 | 0.300 | ≈ 640.0 | 1.50x | 3200x |"
    out = tmp_path / "results" / "bench.md"
    bench.write_atomic(out, table)
    bench.write_atomic(out, table + "\n")
    assert out.read_text(encoding="utf-8") == table + "\n"
    assert [p.name for p in out.parent.iterdir()] == ["bench.md"]  # no temporary file left behind
