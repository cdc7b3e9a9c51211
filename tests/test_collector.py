"""The collector is paused while a reading or a comparison runs, and left as it was found
(hyoka.collector, issue 13). A gc callback counts the passes; a threshold of 1 would make a pass
of nearly every allocation if the collector ran."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hyoka.classify import compare_reports
from hyoka.classify.policy import Policy
from hyoka.collector import collector_paused
from hyoka.diff.align import align
from hyoka.ingest import read_report
from hyoka.ingest.published import read_published

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "sakuragawa"


@pytest.fixture
def passes() -> Iterator[list[int]]:
    """The collector's passes started while the test runs, on an eager collector."""
    started: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    threshold = gc.get_threshold()
    gc.set_threshold(1, 1, 1)
    gc.callbacks.append(count)
    try:
        yield started
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*threshold)


def counted(passes: list[int], work: Callable[[], object]) -> int:
    passes.clear()
    work()
    return len(passes)


def test_reading_and_comparing_run_without_collector_passes(passes: list[int]) -> None:
    old, new = read_report(SAMPLES / "v1.txt"), read_report(SAMPLES / "v3.txt")
    policy, text = Policy(), (SAMPLES / "v2.txt").read_text("utf-8")
    assert gc.isenabled()
    assert counted(passes, lambda: align(old, new)) > 0, "unpaused work does make passes here"
    assert counted(passes, lambda: compare_reports(old, new, policy)) == 0
    assert counted(passes, lambda: read_published(text)) == 0
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
