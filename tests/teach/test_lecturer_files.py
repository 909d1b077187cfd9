"""The lecturer's own example files: the template loads, `examples --check` reports every problem with its
file, line and field, and `convnet-tui --example PATH.toml` opens one (or shows its problems, app up)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_convnet.cli import main
from tui_convnet.core import ConvExample, bundled_examples_dir, load_example
from tui_convnet.teach.example_files import example_problems, field_line
from tui_convnet.teach.example_template import TEMPLATE


def test_the_template_is_an_example_that_loads_and_matches_its_expected_output(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(TEMPLATE)
    example, problems = example_problems(path)
    assert problems == [] and isinstance(example, ConvExample)
    from tui_convnet.core import conv2d

    out = conv2d(example.x, example.kernels, example.bias, activation=example.activation)
    assert (out[:, :, 0] == example.expected["output"][0]).all()


def test_every_builtin_example_passes_the_check() -> None:
    for path in sorted(bundled_examples_dir().glob("*.toml")):
        assert example_problems(path)[1] == [], path.name


def test_template_and_check_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["examples", "--template"]) == 0
    text = capsys.readouterr().out
    assert text == TEMPLATE
    (tmp_path / "a.toml").write_text(text)
    assert main(["examples", "--check", str(tmp_path / "a.toml")]) == 0
    assert "a.toml: ok (conv: My first convolution" in capsys.readouterr().out


def test_check_reports_every_problem_with_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = TEMPLATE.replace('kind = "conv"', 'kind = "conv"\ncolour = "red"').replace("stride = 1 ", "strid = 1 ")
    bad = bad.replace("   [1, 0, -1]],\n]", "   [1, 0]],\n]", 1)  # the kernel's last row is short
    path = tmp_path / "bad.toml"
    path.write_text(bad)
    lines = bad.splitlines()
    assert main(["examples", "--check", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3
    colour = next(i for i, line in enumerate(lines, 1) if line.startswith("colour"))
    strid = next(i for i, line in enumerate(lines, 1) if line.startswith("strid"))
    assert err[0] == f"{path}:{colour}: field `colour`: is not a field of an example file. Received: colour"
    assert err[1].startswith(f"{path}:{strid}: field `conv.strid`: is not a field of [conv]")
    assert "field `kernels[0].channels`: is ragged" in err[2]
    assert lines[int(err[2].split(":")[1]) - 1].startswith("channels")  # the kernel's channels line


def test_a_file_that_is_not_toml_names_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.toml"
    path.write_text('title = "x"\nkind = \n')
    assert main(["examples", "--check", str(path), str(tmp_path / "missing.toml")]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2: not valid TOML" in err and "missing.toml: cannot read it" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "fld, text, line",
    [
        ("title", 'kind = "conv"\ntitle = "x"\n', 2),
        ("conv.padding", "[input]\npadding = 1\n[conv]\nstride = 1\npadding = 2\n", 5),
        ("kernels[1].bias", "[[kernels]]\nbias = 1\n[[kernels]]\nname = 'b'\nbias = 2\n", 5),
        ("model.layers[1]", "[model]\nlayers = [\n  { type = 'Flatten' },\n  { type = 'Dense' },\n]\n", 4),
        ("input.channels", "title = 'x'\n", 0),
    ],
)
def test_field_line_finds_the_field(fld: str, text: str, line: int) -> None:
    assert field_line(text, fld) == line


def test_a_builtin_example_copied_by_a_lecturer_loads_the_same(tmp_path: Path) -> None:
    source = bundled_examples_dir() / "01_cs231n.toml"
    path = tmp_path / "cs231n_copy.toml"
    path.write_text(source.read_text())
    mine, problems = example_problems(path)
    assert problems == [] and mine is not None and mine.title == load_example(source).title
