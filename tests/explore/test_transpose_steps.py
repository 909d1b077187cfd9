"""The transposed convolution's explorer entries, without an app: every number of every step of both views,
for stride 1-3 and both paddings, against core.conv2d_transpose."""

from __future__ import annotations

import numpy as np
import pytest

from tui_convnet.core import conv2d_transpose
from tui_convnet.explore import ExplorerState, open_example, reset, stepper_for
from tui_convnet.explore.kinds import has_stride_and_padding, is_lesson
from tui_convnet.explore.narration import note_lines, plain_text
from tui_convnet.explore.panels import Volume, input_key, output_key
from tui_convnet.explore.transpose_example import (
    PADDINGS,
    STRIDES,
    TransposeExample,
    TransposeState,
    change_transpose,
    transpose_examples,
)
from tui_convnet.explore.transpose_steps import SPREAD, GatherStepper, ScatterStepper


@pytest.fixture(scope="module")
def entries() -> list[TransposeExample]:
    return transpose_examples(22)


def _state(example: TransposeExample, stride: int, padding: str) -> TransposeState:
    state = open_example(example)
    assert isinstance(state, TransposeState)
    if stride != state.stride:
        state = change_transpose(state, "stride", stride)
    if padding != state.padding:
        state = change_transpose(state, "padding", padding)
    return state


@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("stride", STRIDES)
def test_every_step_of_both_views_equals_conv2d_transpose(
    entries: list[TransposeExample], stride: int, padding: str
) -> None:
    gather, scatter = entries
    expected = conv2d_transpose(gather.x, gather.kernels, gather.bias, stride=stride, padding=padding)
    oh, ow, _ = expected.shape
    # gather: one output cell per step, the step's products add up to it, the output panel is the core's output
    g = stepper_for(_state(gather, stride, padding))
    assert isinstance(g, GatherStepper) and g.num_steps == oh * ow
    np.testing.assert_array_equal(g.stage().of(Volume.OUTPUT)[0].values, expected[:, :, 0])
    seen = np.full((oh, ow), np.nan)
    for i in range(g.num_steps):
        frame = g.frame(i)
        st = g.trace.step(i)
        seen[st.out_row, st.out_col] = st.total
        assert frame.products[0].values.sum() + st.bias == pytest.approx(st.total)
        assert frame.of(Volume.OUTPUT).fill[output_key(0)] == i + 1
        text = plain_text(frame.lines)
        assert text.splitlines()[1].endswith(f"= {expected[st.out_row, st.out_col, 0]:g}")
    np.testing.assert_allclose(seen, expected[:, :, 0], atol=1e-12)
    # scatter: one input cell per step, stamps = value × K, and the last "o so far" + bias is the output
    s = stepper_for(_state(scatter, stride, padding))
    assert isinstance(s, ScatterStepper) and s.num_steps == scatter.x.shape[0] * scatter.x.shape[1]
    for i in range(s.num_steps):
        frame = s.frame(i)
        stamped = s.trace.step(i)
        stamp, so_far = (p.values for p in frame.products)
        np.testing.assert_allclose(stamp, stamped.values[0] * scatter.kernels[:, :, 0, 0])
        assert frame.of(Volume.INPUT).marks[input_key(0)] == {(stamped.in_row, stamped.in_col): "current"}
    np.testing.assert_allclose(so_far + scatter.bias[0], expected[:, :, 0], atol=1e-12)


def test_the_output_size_formula_follows_the_settings(entries: list[TransposeExample]) -> None:
    gather = entries[0]
    state = open_example(gather)
    assert isinstance(state, TransposeState) and (state.stride, state.padding) == (2, "valid")

    def last(st: ExplorerState) -> str:
        return plain_text(stepper_for(st).frame(0).lines).splitlines()[-1]

    assert last(state) == "Output size (valid, stride 2: (n − 1)·s + k): rows (3 − 1)·2 + 3 = 7 → 7×7"
    three = change_transpose(state, "stride", 3)
    assert three.modified and three.num_steps == 81
    assert last(three) == "Output size (valid, stride 3: (n − 1)·s + k): rows (3 − 1)·3 + 3 = 9 → 9×9"
    same = change_transpose(three, "padding", "same")
    assert last(same) == "Output size (same, stride 3: n·s): rows 3·3 = 9 → 9×9"
    back = reset(same.at(5))
    assert isinstance(back, TransposeState)
    assert back.step == 0 and not back.modified and back.num_steps == len(back.steps) == 49
    one = change_transpose(state, "stride", 1)
    assert one.num_steps == 25 and len(reset(one).steps) == 49


def test_the_gather_view_shows_the_inserted_zeros_and_the_padding(entries: list[TransposeExample]) -> None:
    g = stepper_for(open_example(entries[0]))
    spread = next(p for p in g.stage().of(Volume.INPUT) if p.key == input_key(SPREAD))
    assert spread.values.shape == (9, 9)  # (3 − 1)·2 + 1 = 5, plus 2 rings of padding
    assert spread.pad is not None and spread.pad[0].all() and not spread.pad[2, 2] and not spread.pad[3, 3]
    assert spread.values[3, 3] == 0 and spread.values[2, 2] == entries[0].x[0, 0, 0]  # an inserted zero, x[0,0]
    assert "1 zero between cells" in g.stage().labels[Volume.INPUT]
    first = plain_text(g.frame(0).lines).splitlines()[0]
    assert first == "Step 1 of 49: o[0,0]: the turned kernel covers x[0,0]"


def test_the_scatter_view_says_where_each_stamp_lands(entries: list[TransposeExample]) -> None:
    s = stepper_for(open_example(entries[1]))
    assert plain_text(s.frame(1).lines).splitlines()[:2] == [
        "Step 2 of 9: x[0,1] = 2 stamps 2·K onto rows 0..2 × columns 2..4",
        "stamp rows: 2 0 -2  4 2 0  0 2 2   where stamps overlap they add up",
    ]
    assert "Every stamp laid: o = o so far + bias 0" in plain_text(s.frame(8).lines)


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("stride", 4, "stride is 1, 2 or 3 here. Received: strides=4"),
        ("stride", True, "Received: strides=True"),
        ("padding", "full", "'valid' or 'same'. Received: padding='full'"),
        ("dilation", 2, "Only the stride and the padding"),
    ],
)
def test_other_settings_are_refused_with_a_keras_style_message(
    entries: list[TransposeExample], setting: str, value: int | bool | str, message: str
) -> None:
    state = open_example(entries[0])
    assert isinstance(state, TransposeState)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        change_transpose(state, setting, value)


def test_the_entries_have_no_kernel_knobs_only_stride_and_padding(entries: list[TransposeExample]) -> None:
    state = open_example(entries[1])
    assert is_lesson(state) and has_stride_and_padding(state)
    assert "Changing the kernel size" not in plain_text(note_lines(entries[1]))
