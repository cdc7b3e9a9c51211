"""The collector is paused while a reading or a comparison runs, and left as it was found
(hyoka.collector, issue 13). A gc callback notes each pass on an eager collector (a pass every
:data:`EAGER` new objects, where the work allocates thousands) and whether the work's own body
was running when it started. Only those count: a pass that the few objects made on the way into
the paused function start before the pause begins, or one started once it has ended, is no pass
during the work (with a threshold of 1 and no such check, one such pass made this test fail
once in a full run)."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import CodeType, FrameType

import pytest

from hyoka.classify import compare_reports
from hyoka.classify.policy import Policy
from hyoka.collector import collector_paused
from hyoka.diff.align import align
from hyoka.ingest import read_report
from hyoka.ingest.published import read_published

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "sakuragawa"
# New objects per pass of the youngest generation: far fewer than the work allocates, far more
# than calling a function does.
EAGER = 50


@pytest.fixture
def passes() -> Iterator[list[set[CodeType]]]:
    """The collector's passes started while the test runs, on an eager collector: for each,
    the code of every Python frame that was running."""
    started: list[set[CodeType]] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            running: set[CodeType] = set()
            frame: FrameType | None = sys._getframe(1)
            while frame is not None:
                running.add(frame.f_code)
                frame = frame.f_back
            started.append(running)

    threshold = gc.get_threshold()
    gc.set_threshold(EAGER, 1, 1)
    gc.callbacks.append(count)
    try:
        yield started
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*threshold)


def counted(passes: list[set[CodeType]], body: Callable[..., object], work: Callable[[], object]) -> int:
    """The passes started while ``body`` (the function ``work`` calls, or the one a decorator
    wraps) was running, from an empty youngest generation.

    A body compiled by mypyc (a wheel, hatch_build.py) runs in no Python frame of its own: then
    the passes started while ``work`` ran count. After ``gc.collect()`` the few objects made on
    the way into and out of the body are far fewer than EAGER, so none of them starts a pass."""
    gc.collect()
    passes.clear()
    work()
    inner = getattr(body, "__wrapped__", body)
    code = getattr(inner, "__code__", None) or work.__code__
    return sum(1 for running in passes if code in running)


def test_reading_and_comparing_run_without_collector_passes(passes: list[int]) -> None:
    old, new = read_report(SAMPLES / "v1.txt"), read_report(SAMPLES / "v3.txt")
    policy, text = Policy(), (SAMPLES / "v2.txt").read_text("utf-8")
    assert gc.isenabled()
    assert counted(passes, align, lambda: align(old, new)) > 0, "unpaused work does make passes here"
    assert counted(passes, compare_reports, lambda: compare_reports.__wrapped__(old, new, policy)) > 0, \
        "and so does the comparison, unpaused"
    assert counted(passes, compare_reports, lambda: compare_reports(old, new, policy)) == 0
    assert counted(passes, read_published, lambda: read_published.__wrapped__(text)) > 0
    assert counted(passes, read_published, lambda: read_published(text)) == 0
    assert gc.isenabled(), "the collector runs again afterwards"


def test_the_collector_is_left_as_it_was_found() -> None:
    seen: list[bool] = []

    @collector_paused
    def work(fail: bool) -> None:
        seen.append(gc.isenabled())
        if fail:
            raise ValueError("boom")

    work(False)
    assert seen == [False] and gc.isenabled()
    with pytest.raises(ValueError):
        work(True)
    assert gc.isenabled(), "restored after an error too"
    gc.disable()
    try:
        work(False)
        assert not gc.isenabled(), "a caller's pause is kept"
    finally:
        gc.enable()
