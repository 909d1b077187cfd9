"""single_blas_thread: one BLAS thread inside, the caller's setting restored after; nothing to do (and nothing
paid on a key press) when BLAS already runs one thread, as in the app."""

from __future__ import annotations

import pytest

threadpoolctl = pytest.importorskip("threadpoolctl")

from tui_convnet.training import inspector  # noqa: E402
from tui_convnet.training.inspector import single_blas_thread  # noqa: E402


def blas_threads() -> list[int]:
    return sorted({info["num_threads"] for info in threadpoolctl.threadpool_info() if info["user_api"] == "blas"})


def test_two_threads_become_one_inside_and_two_again_after() -> None:
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        assert blas_threads() == [2]
        with single_blas_thread():
            assert blas_threads() == [1]
            with single_blas_thread():  # nested: still one, and the inner exit restores nothing
                assert blas_threads() == [1]
            assert blas_threads() == [1]
        assert blas_threads() == [2]


def test_one_thread_already_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    limited = []
    controller = inspector._blas_controller()
    monkeypatch.setattr(type(controller), "limit", lambda self, **kw: limited.append(kw))
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
        with single_blas_thread():
            assert blas_threads() == [1]
        assert blas_threads() == [1]
    assert limited == []  # no limit was set, so none is restored on the way out
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"), single_blas_thread():
        pass  # two threads: it does ask for the limit (here a fake that limits nothing)
    assert limited == [{"limits": 1, "user_api": "blas"}]
