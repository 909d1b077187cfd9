"""The explorer's state, changes and narration, without an app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from tui_convnet.core import ConvExample, ModelExample, PoolExample, load_examples
from tui_convnet.explore import (
    ConvSettings,
    ConvState,
    EditError,
    ExplorerState,
    ModelState,
    Setting,
    StepRange,
    change_setting,
    edit_cell,
    focus_on_map,
    open_example,
    open_request,
    reset,
    step_for_cell,
    stepper_for,
)
from tui_convnet.explore.layout import choose_layout
from tui_convnet.explore.narration import plain_text, span, where_text
from tui_convnet.explore.panels import Volume, bias_key, input_key, kernel_key, output_key, pool_key
from tui_convnet.explore.state import keras_refuses, parse_value

if TYPE_CHECKING:
    from tui_convnet.core import Example


@pytest.fixture(scope="module")
def examples() -> dict[str, Example]:
    return {ex.key[:2]: ex for ex in load_examples()}


def lines(state: ExplorerState) -> list[str]:
    return plain_text(stepper_for(state).frame(state.step).lines).splitlines()


def conv_state(example: Example) -> ConvState:
    """The explorer's state on a convolution (or pooling) example."""
    state = open_example(example)
    assert isinstance(state, ConvState), example.key
    return state


def conv_settings(state: ConvState) -> ConvSettings:
    """A state's settings, which must be a convolution's."""
    assert isinstance(state.settings, ConvSettings)
    return state.settings


def test_each_kind_of_example_has_its_own_type(examples: dict[str, Example]) -> None:
    assert isinstance(examples["01"], ConvExample) and isinstance(examples["07"], PoolExample)
    assert isinstance(examples["09"], ModelExample)
    assert isinstance(open_example(examples["09"]), ModelState)
    assert isinstance(open_example(examples["07"]), ConvState)


def test_steps_stay_in_range_and_the_state_is_a_value(examples: dict[str, Example]) -> None:
    state = conv_state(examples["01"])
    assert (state.step, state.num_steps, state.steps) == (0, 18, StepRange(0, 18))
    later = state.moved(5)
    assert later.step == 5 and state.step == 0
    assert state.moved(-3).step == 0 and state.moved(100).step == 17 and state.last().at_end
    assert later.first().step == 0


def test_the_first_cs231n_step_is_written_out(examples: dict[str, Example]) -> None:
    text = lines(conv_state(examples["01"]))
    assert text[0] == "Step 1 of 18: W0 on rows 0–2, columns 0–2 (padded input) → o[0,0,0]"
    assert text[1] == "ch0: 0·0 + 0·1 + 0·1 + 0·(-1) + 0·0 + 1·0 + 0·(-1) + 1·1 + 2·1 = 3"
    assert text[-1] == "o[0,0,0] = 3 + (-4) + (-2) + b0 1 = -2"


def test_a_one_row_window_says_row_not_rows(examples: dict[str, Example]) -> None:
    # "rows 27, columns 26–27" for a one-row window
    assert span("row", "rows", (27,)) == "row 27" and span("row", "rows", (26, 27)) == "rows 26–27"
    assert where_text((27,), (26, 27)) == "row 27, columns 26–27"
    edge = conv_state(examples["03"])
    assert "on row 27, columns 26–27 → o[27,26,0]" in lines(edge.last())[0]


def test_padded_input_is_said_only_where_there_is_padding(examples: dict[str, Example]) -> None:
    # "(padded input)" on an example without padding (03: 'valid') misled; 01 pads by 1
    assert "(padded input)" not in lines(conv_state(examples["03"]).last())[0]
    assert "(padded input)" in lines(conv_state(examples["01"]).last())[0]


def test_a_setting_change_recomputes_and_keeps_the_old_state(examples: dict[str, Example]) -> None:
    state = conv_state(examples["01"]).moved(4)
    wider = change_setting(state, Setting.STRIDE, 3)
    assert wider.num_steps == 8 and wider.step == 0 and wider.modified
    assert state.num_steps == 18 and state.step == 4 and not state.modified
    with pytest.raises(ValueError, match="larger than the padded input"):
        change_setting(state, Setting.KERNEL_SIZE, (9, 9))
    more = change_setting(state, Setting.KERNEL_COUNT, 3)
    assert conv_settings(more).kernels.shape == (3, 3, 3, 3) and "seed 0" in more.info
    np.testing.assert_array_equal(conv_settings(more).kernels[..., :2], conv_settings(state).kernels)
    restored = reset(more)
    assert isinstance(restored, ConvState)
    assert conv_settings(restored).kernels.shape == (3, 3, 3, 2) and not restored.modified


def test_pooling_follows_the_activated_output(examples: dict[str, Example]) -> None:
    state = change_setting(conv_state(examples["01"]), Setting.ACTIVATION, "relu")
    state = change_setting(state, Setting.POOL, "max")
    assert state.num_steps == 20
    assert lines(state.last())[-1] == "p[0,0,1] = max(0, 7, 0, 1) = 7"
    frame = stepper_for(state).frame(19)
    assert set(frame.of(Volume.OUTPUT).marks[output_key(1)]) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert lines(state.at(17))[-1] == "relu: max(0, -1) = 0"


def test_edits_recompute_downstream_and_padding_is_refused(examples: dict[str, Example]) -> None:
    state = conv_state(examples["01"])
    edited = edit_cell(state, input_key(0), 2, 2, 5.0)
    assert conv_settings(edited).x[1, 1, 0] == 5 and lines(edited)[-1] == "o[0,0,0] = 6 + (-4) + (-2) + b0 1 = 1"
    assert conv_settings(edit_cell(state, bias_key(0), 0, 0, 10.0)).bias[0] == 10
    assert conv_settings(edit_cell(state, kernel_key(0, 2), 0, 2, -3.0)).kernels[0, 2, 2, 0] == -3
    with pytest.raises(EditError, match="Padding cells are always 0"):
        edit_cell(state, input_key(1), 0, 0, 7.0)
    for text in ("1..", "nan", "inf", "1e300"):
        with pytest.raises(EditError, match="Received: value="):
            parse_value(text)


def test_clicking_an_output_or_pooled_cell_names_its_step(examples: dict[str, Example]) -> None:
    state = conv_state(examples["01"])
    assert step_for_cell(state, output_key(1), 1, 2) == 14
    assert step_for_cell(state, input_key(0), 1, 2) is None
    pooled = open_example(examples["07"])
    assert step_for_cell(pooled, pool_key(0), 1, 1) == 3


def test_focus_on_a_map_starts_on_its_largest_activation_and_stays_in_it(examples: dict[str, Example]) -> None:
    base = examples["03"]
    assert isinstance(base, ConvExample)
    rng = np.random.default_rng(1)
    digit = ConvExample(
        key="learned",
        title="Learned",
        x=base.x,
        kernels=rng.normal(0, 0.3, (3, 3, 1, 4)),
        bias=np.zeros(4),
        activation="relu",
    )
    request = focus_on_map(digit, 2)
    state = open_request(request)
    assert isinstance(state, ConvState) and state.comp.conv is not None
    assert state.steps == StepRange(2 * 26 * 26, 3 * 26 * 26) and state.label == "map W2"
    kernel, row, col = state.comp.conv.position(state.step)
    assert kernel == 2 and state.comp.conv.output[row, col, 2] == state.comp.conv.output[:, :, 2].max()
    assert state.last().step == 3 * 26 * 26 - 1 and state.first().step == 2 * 26 * 26
    with pytest.raises(ValueError, match="Received: kernel=4"):
        focus_on_map(digit, 4)


def test_keras_refuses_strides_with_dilation_and_the_explorer_says_so(examples: dict[str, Example]) -> None:
    state = change_setting(conv_state(examples["05"]), Setting.DILATION, 2)
    assert keras_refuses(state) == ""
    both = change_setting(state, Setting.STRIDE, 2)
    assert "Keras does not allow strides > 1 together with dilation > 1" in keras_refuses(both)


def test_the_model_example_steps_through_its_layers(examples: dict[str, Example]) -> None:
    state = open_example(examples["09"])
    assert state.num_steps == 8
    assert "32·(3·3·1) + 32 = 320" in "\n".join(lines(state))
    assert "64·10 + 10 = 650" in "\n".join(lines(state.last()))


def test_layout_is_a_function_of_the_stage_and_the_terminal(examples: dict[str, Example]) -> None:
    cs231n = stepper_for(conv_state(examples["01"])).stage()
    digit = stepper_for(conv_state(examples["03"])).stage()
    wide: dict[str, Any] = dict(width=130, height=42, compact=False, side_choice=None)
    assert not choose_layout(cs231n, **wide).side_by_side and choose_layout(cs231n, **wide).side_panel
    assert choose_layout(digit, **wide).side_by_side and not choose_layout(digit, **wide).side_panel
    # a focused setting keeps the panel on screen whatever the grids become
    assert choose_layout(digit, **wide, side_has_focus=True).side_panel
    assert not choose_layout(cs231n, width=90, height=30, compact=False, side_choice=None).side_panel
    assert choose_layout(cs231n, width=90, height=30, compact=False, side_choice=True).side_panel


def _shown_sum(left: str) -> float:
    """The sum of ``a·b + (c)·d + …`` as the numbers are written."""
    total = 0.0
    for term in left.split(" + "):
        factors = [float(f.strip("()")) for f in term.split("·")]
        total += float(np.prod(factors))
    return total


@pytest.mark.parametrize("key", ["03", "11"])
def test_the_terms_shown_add_up_or_the_sum_says_it_is_rounded(examples: dict[str, Example], key: str) -> None:
    # "0.725·1 + 0.624·(−1) = 0.102": the written terms make 0.101; such a line says "≈", not "=".
    from tui_convnet.core import numbers

    state = open_example(examples[key])
    marked = 0
    for step in range(state.num_steps):
        for line in lines(state.moved(step - state.step)):
            if not line.startswith("ch0: "):
                continue
            relation = " ≈ " if " ≈ " in line else " = "
            left, total = line[len("ch0: ") :].rsplit(relation, 1)
            adds_up = numbers.plain(_shown_sum(left)) == total
            assert adds_up == (relation == " = "), f"step {step}: {line}"
            marked += not adds_up
    assert marked > 0  # the sweep met rounded lines (27 in the two examples)


def test_the_descriptions_say_what_the_arithmetic_gives(examples: dict[str, Example]) -> None:
    # Example 10 said the bar "whole in its window" gives −1; the window at (2, 4) holds it whole and gives −2.
    from tui_convnet.core import conv2d

    ex = examples["10"]
    assert isinstance(ex, ConvExample)
    out = conv2d(ex.x, ex.kernels, ex.bias, stride=1, padding="valid")[:, :, 0]
    text = " ".join(ex.description.split())
    assert "(window at row 0, column 5) gives -1" in text and out[0, 5] == -1
    assert "alone in its window (row 3, column 4)" in text and out[3, 4] == -1
    assert "at (2, 4), the window also catches a stroke of the anti-diagonal and gives -2" in text and out[2, 4] == -2
    # Example 03 says once, where the sign matters, that the app (like Keras) computes cross-correlation,
    # and words the sign by values, not by a theme's dark and light.
    edge = " ".join(examples["03"].description.split())
    assert "cross-correlation" in edge and "opposite sign" in edge
    assert "dark" not in edge and "light" not in edge


def test_an_uneven_padding_says_which_side_gets_the_extra_row(examples: dict[str, Example]) -> None:
    # "(6 − 3 + 0 + 1) / 2 + 1" did not say which of 0 and 1 is the top
    from tui_convnet.explore.narration import formula_lines

    state = conv_state(next(ex for key, ex in examples.items() if ex.key.startswith("06_")))
    text = plain_text(formula_lines(state))
    assert "0 + 1) / 2 + 1" in text
    assert "p = 0 top + 1 bottom, 0 left + 1 right" in text
    valid = plain_text(formula_lines(conv_state(examples["03"])))
    assert " top + " not in valid
