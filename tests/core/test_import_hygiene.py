"""The core and the data loader stay numpy-only; the CLI and the app never pull in TensorFlow.

Each check runs in a fresh interpreter, so nothing imported by other tests
can hide (or fake) an import.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("textual", "rich", "keras", "tensorflow")


def imported_after(code: str) -> list[str]:
    """Which of ``HEAVY`` are in ``sys.modules`` after running ``code`` in a new interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    names: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return names


def test_probe_sees_an_import() -> None:
    # The check itself works: importing rich shows up.
    assert imported_after("import rich") == ["rich"]


def test_core_and_data_import_only_numpy() -> None:
    assert imported_after("import tui_convnet.core, tui_convnet.data.mnist") == []


def test_using_the_core_imports_only_numpy() -> None:
    code = """
import numpy as np
from tui_convnet import core
from tui_convnet.data import mnist as data
examples = core.load_examples()  # the edge example reads a bundled digit
for ex in examples:
    if ex.kind == "conv":
        list(core.conv_trace(ex.x, ex.kernels, ex.bias, stride=ex.stride, padding=ex.padding))
spec = core.mnist_convnet(0.5)
core.infer_shapes(spec)
weights = [np.zeros(s) for s in [(3, 3, 1, 32), (32,), (3, 3, 32, 64), (64,), (3, 3, 64, 64), (64,),
                                 (576, 64), (64,), (64, 10), (10,)]]
core.forward(spec, weights, data.to_model_inputs(data.load_mnist("sample").x_test[:2]))
data.load_mnist("auto", download=False)
"""
    assert imported_after(code) == []


def test_the_bundled_model_and_an_image_run_without_tensorflow(tmp_path: Path) -> None:
    code = f"""
import numpy as np
from PIL import Image
from tui_convnet import core, images
from tui_convnet.model import bundled as bundled_model
from tui_convnet.data import mnist as data
model = bundled_model.load_bundled_model()
digit, _ = data.bundled_digit(0)
Image.fromarray(digit).save({str(tmp_path / "d.png")!r})
x = images.load_digit({str(tmp_path / "d.png")!r}).model_input
assert int(np.argmax(core.forward(model.spec, model.weights, x))) == 7
"""
    assert imported_after(code) == []


@pytest.mark.parametrize("module", ["tui_convnet.cli", "tui_convnet.ui.app"])
def test_cli_and_app_do_not_import_tensorflow(module: str) -> None:
    loaded = imported_after(f"import {module}")
    assert "tensorflow" not in loaded and "keras" not in loaded


def test_the_core_imports_its_rarely_used_modules_when_a_name_of_theirs_is_first_used() -> None:
    """The explorer's first frame needs none of ``core._LAZY`` (backpropagation, the lessons' helpers)."""
    code = """
import json, sys
import tui_convnet.core as core
loaded = lambda: sorted(m for m in core._LAZY if f"tui_convnet.core.{m}" in sys.modules)
before = loaded()
forward_pass = core.forward_pass
from tui_convnet.core import sgd_step
print(json.dumps([before, loaded(), sorted(set(core.__all__) - set(dir(core))), "forward_pass" in vars(core)]))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    before, after, missing, cached = json.loads(done.stdout)
    assert before == [] and after == ["backward", "network"]
    assert missing == [] and cached


def test_the_lazy_names_of_the_core_are_those_its_type_checking_block_imports() -> None:
    import ast
    import inspect

    import tui_convnet.core as core

    tree = ast.parse(inspect.getsource(core))
    block = next(node for node in tree.body if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test))
    imported = {
        node.module: tuple(a.name for a in node.names) for node in block.body if isinstance(node, ast.ImportFrom)
    }
    assert imported == core._LAZY
    assert all(hasattr(core, name) for name in core.__all__)
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        core.nothing  # noqa: B018


@pytest.mark.parametrize(("first", "name"), [("apply_dropout", "dropout"), ("Region", "receptive_field")])
def test_a_function_named_as_its_module_is_the_function_whichever_name_is_used_first(first: str, name: str) -> None:
    code = f"""
import tui_convnet.core as core
getattr(core, {first!r})
print(callable(core.{name}) and type(core.{name}).__name__)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "function", done.stderr
