"""The quick path's check that group instances keep their numbers (``_numbers_kept``) answers as
pairing every instance's whole content answers, while reading few values.

The oracle is the check as it was first written: every instance's signature, then
:func:`match_instances`. The edits are built to reach each case of the shortcut's argument:
a plain edit; two identical instances (where an edited one may take its twin's number); an
instance rewritten into another's content; two that trade contents with an edit each (each is
then more like the other than like itself, or like itself no longer at all); one rewritten
beyond recognition; and a ※ changed alone (the instance changes, its signature does not).
"""

from __future__ import annotations

import dataclasses
import random

import pytest

from conftest import SAMPLES, SEEDS
from hyoka.diff.align import (
    _instance_of,
    _instances,
    _locate,
    _numbers_kept,
    _same,
    match_instances,
)
from hyoka.ingest import parse_text
from hyoka.memory import forget_everything
from hyoka.model import ItemPath, Report, Text

FILES = [SAMPLES / "sakuragawa" / "v3.txt", SEEDS / "001_cc86eefa057d2f96.txt", SEEDS / "004_cbd4026a17bd0163.txt"]


def _changed(old: Report, new: Report) -> dict:  # type: ignore[type-arg]
    """Group → numbers of its instances with a changed item, as _same_shape_changes gathers them."""
    changed: dict = {}  # type: ignore[type-arg]
    for before, after in zip(old.items, new.items, strict=True):
        assert before.path == after.path
        if not _same(before, after):
            found = _instance_of(after.path)
            if found is not None:
                changed.setdefault(found[0], set()).add(found[1])
    return changed


def _by_whole_content(old: Report, new: Report, changed: dict) -> bool:  # type: ignore[type-arg]
    groups = set(changed)
    old_groups, new_groups = _instances(_locate(old, groups)), _instances(_locate(new, groups))
    return all(match_instances(instances, new_groups.get(key, {})) == {n: n for n in instances}
               for key, instances in old_groups.items())


def _groups(report: Report) -> dict:  # type: ignore[type-arg]
    """Group → instance number → indexes of its items, for groups of two or more instances."""
    groups: dict = {}  # type: ignore[type-arg]
    for index, item in enumerate(report.items):
        found = _instance_of(item.path)
        if found is not None:
            groups.setdefault(found[0], {}).setdefault(found[1], []).append(index)
    return {key: numbers for key, numbers in groups.items() if len(numbers) >= 2}


def _with(report: Report, values: dict) -> Report:  # type: ignore[type-arg]
    items = list(report.items)
    for index, change in values.items():
        items[index] = dataclasses.replace(items[index], **change)
    return dataclasses.replace(report, items=tuple(items))


def _copy_instance(report: Report, source: list[int], target: list[int]) -> Report:
    """``target``'s items given ``source``'s values (the two instances have the same items)."""
    return _with(report, {t: {"value": report.items[s].value} for s, t in zip(source, target, strict=True)})


def _inside(path: ItemPath) -> tuple[str, ...]:
    """The path of an item inside its instance."""
    found = _instance_of(path)
    assert found is not None
    return path.segments[found[2] + 1 :]


def _cases(old: Report, rng: random.Random):  # type: ignore[no-untyped-def]
    for key, instances in _groups(old).items():
        numbers = sorted(instances)
        first, second = numbers[0], numbers[1]
        a, b = instances[first], instances[second]
        same_items = [_inside(old.items[i].path) for i in a] == [_inside(old.items[i].path) for i in b]
        pick = rng.choice(instances[rng.choice(numbers)])
        yield f"{key[1]}: one edit", old, _with(old, {pick: {"value": Text("書き換えた記載")}})
        yield f"{key[1]}: ※ alone", old, _with(old, {pick: {"star": not old.items[pick].star}})
        yield f"{key[1]}: rewritten", old, _with(old, {i: {"value": Text(f"別物{i}")} for i in a})
        if same_items:
            twins = _copy_instance(old, a, b)  # the first two instances identical in both versions
            yield f"{key[1]}: twin edited", twins, _with(twins, {a[-1]: {"value": Text("書き換えた記載")}})
            yield f"{key[1]}: became the next", old, _copy_instance(old, b, a)
            traded = _copy_instance(_copy_instance(old, b, a), a, b)  # the two trade contents…
            traded = _with(traded, {a[-1]: {"value": Text("書き換えた記載1")},  # …and are edited a little
                                    b[-1]: {"value": Text("書き換えた記載2")}})
            yield f"{key[1]}: traded and edited", old, traded
            # two instances of wholly different content that trade it, each with one more edit:
            # neither is like itself any more, and each is nearly the other
            kou = {i: {"value": Text(f"甲甲甲甲{n}")} for n, i in enumerate(a)}
            otsu = {i: {"value": Text(f"乙乙乙乙{n}")} for n, i in enumerate(b)}
            apart = _with(old, {**kou, **otsu})
            moved = {**{s: {"value": otsu[t]["value"]} for s, t in zip(a, b, strict=True)},
                     **{t: {"value": kou[s]["value"]} for s, t in zip(a, b, strict=True)}}
            yield (f"{key[1]}: traded apart", apart,
                   _with(apart, {**moved, a[-1]: {"value": Text("乙乙乙乙末")}, b[-1]: {"value": Text("甲甲甲甲末")}}))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_numbers_kept_answers_as_whole_content_pairing(path) -> None:  # type: ignore[no-untyped-def]
    if not path.is_file():
        pytest.fail(f"{path} not found: ../shared/seeds must sit beside the clone")
    text = path.read_text(encoding="utf-8")
    rng = random.Random(13)
    answers = []
    for name, old, new in _cases(parse_text(text), rng):
        changed = _changed(old, new)
        if not changed:
            continue
        assert _numbers_kept(old, new, changed) == _by_whole_content(old, new, changed), name
        answers.append(_numbers_kept(old, new, changed))
    assert True in answers and False in answers  # both answers were reached


def test_a_plain_edit_reads_few_values() -> None:
    """A plain edit inside one instance of a big group reads the edited instance's changed items
    and one value of each other instance, not every value of the group."""
    forget_everything()  # items read by earlier tests are shared with this reading
    fresh = parse_text((SEEDS / "004_cbd4026a17bd0163.txt").read_text(encoding="utf-8"))
    groups = _groups(fresh)
    key = max(groups, key=lambda k: sum(len(v) for v in groups[k].values()))
    instances = groups[key]
    unread = [i for i in sorted(j for v in instances.values() for j in v) if "_printed" in fresh.items[i].__dict__]
    assert len(unread) > 3 * len(instances)  # a reading leaves values unread until asked
    edit = unread[len(unread) // 2]
    new = _with(fresh, {edit: {"value": Text("書き換えた記載")}})
    assert _numbers_kept(fresh, new, _changed(fresh, new))
    read = [i for i in unread if "_printed" not in fresh.items[i].__dict__]
    assert len(read) < len(unread) / 2, (len(read), len(unread))
