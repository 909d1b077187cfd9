"""``conv2d`` without Keras: against a plain loop, on every memory layout and dtype.

Inputs with fewer than 4 channels take a different gather (channel-first)
from inputs with more; both are covered, with padding, strides and dilation.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.core.core_testing import reference_conv2d
from tui_convnet.core import conv2d, conv_geometry


@pytest.mark.parametrize("channels", [1, 2, 3, 4, 5])
@pytest.mark.parametrize(
    "padding,stride,dilation",
    [
        ("valid", 1, 1),
        ("same", 2, 1),
        (2, (1, 3), 1),
        ((1, 0), 1, (2, 1)),
        ("same", 1, 2),
        ((0, 2), (3, 2), 1),
    ],
    ids=str,
)
def test_conv2d_against_a_plain_loop(
    rng: np.random.Generator,
    channels: int,
    padding: str | int | tuple[int, ...],
    stride: int | tuple[int, ...],
    dilation: int | tuple[int, ...],
) -> None:
    x = rng.standard_normal((2, 7, 8, channels)).astype(np.float32)
    k = rng.standard_normal((3, 2, channels, 3)).astype(np.float32)
    b = rng.standard_normal(3).astype(np.float32)
    g = conv_geometry(x.shape, k.shape, stride=stride, padding=padding, dilation=dilation)
    got = conv2d(x, k, b, stride=stride, padding=padding, dilation=dilation)
    for n in range(2):
        want = reference_conv2d(x[n], k, b, g.stride, (g.pad_top, g.pad_bottom, g.pad_left, g.pad_right), g.dilation)
        np.testing.assert_allclose(got[n], want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("channels", [1, 3, 6])
def test_any_memory_layout(rng: np.random.Generator, channels: int) -> None:
    base = rng.standard_normal((2, 9, 10, channels))
    k = rng.standard_normal((3, 3, channels, 2))
    for x in (base[:, ::-1], base[:, :, ::2], np.asfortranarray(base), base.transpose(0, 2, 1, 3)):
        for padding in ("valid", 1):
            np.testing.assert_allclose(
                conv2d(x, k, padding=padding),
                conv2d(np.ascontiguousarray(x), k, padding=padding),
                rtol=1e-12,
                atol=1e-12,
            )
    # The input is never modified.
    before = base.copy()
    conv2d(base, k, padding="same")
    np.testing.assert_array_equal(base, before)


def test_dtypes() -> None:
    x32 = np.ones((5, 5, 2), np.float32)
    k32 = np.ones((3, 3, 2, 1), np.float32)
    assert conv2d(x32, k32).dtype == np.float32
    assert conv2d(x32.astype(np.float64), k32).dtype == np.float64
    assert conv2d(np.ones((5, 5, 2), np.uint8), k32).dtype == np.float32
    ints = conv2d([[[1], [2]], [[3], [4]]], [[[[1]], [[1]]], [[[1]], [[1]]]], [5])
    assert ints.dtype == np.float64 and ints.tolist() == [[[15.0]]]


def test_the_window_view_is_as_strideds_read_only_view_on_either_path(rng: np.random.Generator) -> None:
    from numpy.lib.stride_tricks import as_strided

    from tui_convnet.core.conv import _strided_view

    base = rng.standard_normal((2, 6, 5, 3)).astype(np.float32)
    s0, s1, s2, s3 = base.strides
    shape, strides = (2, 4, 3, 3, 3, 3), (s0, s1, s2, s1, s2, s3)  # 3x3 windows, stride 1
    expected = as_strided(base, shape=shape, strides=strides)
    for source in (base, np.asfortranarray(base)):  # the ndarray constructor, then the as_strided fallback
        s0, s1, s2, s3 = source.strides
        view = _strided_view(source, shape, (s0, s1, s2, s1, s2, s3))
        np.testing.assert_array_equal(view, expected)
        assert not view.flags.writeable
    with pytest.raises(ValueError):  # the constructor refuses a view reaching past the array
        _strided_view(base, (2, 5, 3, 3, 3, 3), strides)
