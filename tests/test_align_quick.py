"""The differ's quick path (same paths, group instances keeping their numbers) gives what the full
pairing gives."""

from __future__ import annotations

import dataclasses
import random

import pytest

from conftest import SAMPLES, SEEDS
from hyoka.diff.align import align, align_paired
from hyoka.ingest import parse_text
from hyoka.model import Text

FILES = [SAMPLES / "sakuragawa" / "v3.txt", SAMPLES / "midori" / "v1.txt", SEEDS / "004_cbd4026a17bd0163.txt"]


def _edited(report, rng: random.Random, count: int):  # type: ignore[no-untyped-def]
    items = list(report.items)
    for index in rng.sample(range(len(items)), count):
        items[index] = dataclasses.replace(items[index], value=Text(f"書き換え{index}"))
    return dataclasses.replace(report, items=tuple(items))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("seed", range(8))
def test_quick_path_agrees_with_full_pairing(path, seed: int) -> None:  # type: ignore[no-untyped-def]
    if not path.is_file():
        pytest.fail(f"{path} not found: ../shared/seeds must sit beside the clone")
    old = parse_text(path.read_text(encoding="utf-8"))
    new = _edited(old, random.Random(seed), 1 + seed % 4)
    quick, full = align(old, new), align_paired(old, new)
    assert [(c.path, c.change, c.before, c.after) for c in quick] == \
        [(c.path, c.change, c.before, c.after) for c in full]
    assert quick  # the edits are seen


def test_a_swap_inside_a_group_takes_the_full_pairing() -> None:
    """Two systems that trade places keep their paths; only the full pairing sees the move."""
    old = parse_text((SAMPLES / "sakuragawa" / "v3.txt").read_text(encoding="utf-8"))
    items = list(old.items)
    first = [i for i, item in enumerate(items) if str(item.path).startswith("I/2/システム1/")]
    second = [i for i, item in enumerate(items) if str(item.path).startswith("I/2/システム2/")]
    assert first and len(first) == len(second)
    for a, b in zip(first, second, strict=True):
        items[a], items[b] = (dataclasses.replace(items[a], value=old.items[b].value),
                              dataclasses.replace(items[b], value=old.items[a].value))
    new = dataclasses.replace(old, items=tuple(items))
    assert [(c.path, c.change) for c in align(old, new)] == [(c.path, c.change) for c in align_paired(old, new)]


def test_the_quick_path_is_taken_for_plain_edits() -> None:
    from hyoka.diff.align import _instance_of, _same_shape_changes

    old = parse_text((SAMPLES / "sakuragawa" / "v3.txt").read_text(encoding="utf-8"))
    taken = [_same_shape_changes(old, _edited(old, random.Random(seed), 2)) is not None for seed in range(8)]
    assert all(taken)
    # An edit inside a group instance keeps the quick path while the instance keeps its number…
    grouped = [i for i, item in enumerate(old.items) if _instance_of(item.path) is not None]
    assert grouped
    items = list(old.items)
    items[grouped[0]] = dataclasses.replace(items[grouped[0]], value=Text("書き換え"))
    assert _same_shape_changes(old, dataclasses.replace(old, items=tuple(items))) is not None


def test_a_swap_leaves_the_quick_path() -> None:
    """…and two systems that trade contents send it to the full pairing, which sees the move."""
    from hyoka.diff.align import _same_shape_changes

    old = parse_text((SAMPLES / "sakuragawa" / "v3.txt").read_text(encoding="utf-8"))
    items = list(old.items)
    first = [i for i, item in enumerate(items) if str(item.path).startswith("I/2/システム1/")]
    second = [i for i, item in enumerate(items) if str(item.path).startswith("I/2/システム2/")]
    for a, b in zip(first, second, strict=True):
        items[a], items[b] = (dataclasses.replace(items[a], value=old.items[b].value),
                              dataclasses.replace(items[b], value=old.items[a].value))
    swapped = dataclasses.replace(old, items=tuple(items))
    assert _same_shape_changes(old, swapped) is None
    assert any(c.change == "moved" for c in align(old, swapped))
