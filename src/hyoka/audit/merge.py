"""Three-way merge of report versions, for ``hyoka commit FILE --parent N --rebase``.

Why a merge: two clerks export the same version, each edits the items of their own
事務, and they commit one after the other. Recording the second file as it is would
silently revert every change of the first (the file still carries the old values of
the items only the colleague touched). Git's answer is the right one here too: take
the version both edits started from (the *base*, ``--parent``), apply onto the head
what the incoming file changed relative to that base, keep what only the head
changed, and stop — writing nothing — where both changed the same item differently.

Items are paired across the three versions by the differ's own matcher
(:mod:`hyoka.diff.align`): by path, except group instances (システムN, 委託事項N, …)
and 特定個人情報ファイル sections, which pair by content, so an instance the head
inserted before others does not make the file's edits land on the wrong system.
This module is pure: three Reports in, a merged Report or the conflicting items
out; reading the versions and committing the result is :mod:`hyoka.audit.record`'s.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass

from hyoka.diff.align import GroupKey, instance_in, items_by_path, pair_items
from hyoka.ingest.legacy import comparable
from hyoka.model import CATALOGUE_READER, LEGACY_READER, Item, ItemPath, Report, ReportMeta, value_display

Key = tuple[str, ...]

_META_NAMES = {"number": "評価書番号", "title": "評価書名", "organisation": "評価実施機関",
               "published": "公表日", "form": "様式", "files": "ファイル"}


@dataclass(frozen=True)
class Merge:
    """The merged report, or (report None) the items both sides changed differently."""

    report: Report | None
    conflicts: tuple[str, ...] = ()


def correspondence(old: Report, new: Report) -> dict[Key, Key]:
    """Path of each ``old`` item → path of the same item in ``new``, as the differ pairs them."""
    return pair_items(old, new)


def _content(item: Item) -> tuple[object, ...]:
    return item.label, item.star, item.value


def _one_reading(base: Report, head: Report, theirs: Report) -> tuple[Report, Report, Report]:
    """The three sides with paths built the same way: a side read by the earliest reader is
    read again as today's reader would, as the differ does for two versions."""
    readers = {r.reader for r in (base, head, theirs)}
    if not {LEGACY_READER, CATALOGUE_READER} <= readers:
        return base, head, theirs
    today = next(r for r in (theirs, head, base) if r.reader == CATALOGUE_READER)
    base, head, theirs = (comparable(r, today)[0] if r.reader == LEGACY_READER else r for r in (base, head, theirs))
    return base, head, theirs


def _merge_meta(base: ReportMeta, head: ReportMeta, theirs: ReportMeta, conflicts: list[str]) -> ReportMeta:
    """Cover fields merged one by one like items, except the 公表日: changed on both sides it
    is the file's, since the merged version is the edition the file was prepared for."""
    merged: dict[str, object] = {}
    for name, label in _META_NAMES.items():
        b, h, t = getattr(base, name), getattr(head, name), getattr(theirs, name)
        if t in (b, h):
            merged[name] = h
        elif h == b or name == "published":
            merged[name] = t
        else:
            conflicts.append(f"表紙/{label}")
            merged[name] = h
    return ReportMeta(**merged)  # type: ignore[arg-type]


def _instance_id(path: Key) -> tuple[GroupKey, int, int] | None:
    return instance_in(ItemPath(path))


def _signature(items: list[Item], idx: int) -> tuple[tuple[str, str], ...]:
    return tuple(("/".join(i.path.segments[idx + 1 :]), value_display(i.value)) for i in items)


def _numbers_of(report: Report, group: GroupKey) -> set[int]:
    """Instance numbers of ``group`` in ``report``."""
    numbers = set()
    for item in report.items:
        found = _instance_id(item.path.segments)
        if found and found[0] == group:
            numbers.add(found[1])
    return numbers


def merge(base: Report, head: Report, theirs: Report) -> Merge:
    """Apply onto ``head`` what ``theirs`` changed relative to ``base``.

    An item ``theirs`` changed (or removed) that the head left as in the base takes the
    file's content; an item both changed identically is no conflict; an item both changed
    differently is one, named by its path in the head. Items new in the file are added:
    inside an instance the head also has, under the head's number for it; a whole new
    instance after the head's last one of its group (unless the head added the very same
    one). The 変更箇所 rows are the head's plus the file's rows that the base did not have.
    """
    base, head, theirs = _one_reading(base, head, theirs)
    conflicts: list[str] = []
    to_head = correspondence(base, head)
    to_theirs = correspondence(base, theirs)
    from_base_in_theirs = {t: b for b, t in to_theirs.items()}
    from_base_in_head = set(to_head.values())
    base_items = items_by_path(base)
    theirs_items = items_by_path(theirs)

    result: list[Item] = list(head.items)
    position = {item.path.segments: i for i, item in enumerate(result)}
    removed: set[Key] = set()

    # Items of the base: the file's change wins where the head kept the base's content.
    for key, before in base_items.items():
        t_key, h_key = to_theirs.get(key), to_head.get(key)
        after = theirs_items[t_key] if t_key is not None else None
        if after is not None and _content(after) == _content(before):
            continue  # the file left it alone
        ours = result[position[h_key]] if h_key is not None else None
        head_changed = ours is None or _content(ours) != _content(before)
        if not head_changed:
            assert h_key is not None and ours is not None
            if after is None:
                removed.add(h_key)
            else:
                result[position[h_key]] = dataclasses.replace(after, path=ours.path)
        elif (ours is None) != (after is None) or (ours is not None and after is not None
                                                   and _content(ours) != _content(after)):
            conflicts.append(str(ItemPath(h_key or key)))

    # Where each instance of the file lies in the head, and the instances only the head added.
    theirs_instances: dict[tuple[GroupKey, int], list[Item]] = defaultdict(list)
    instance_index: dict[tuple[GroupKey, int], int] = {}
    for item in theirs.items:
        found = _instance_id(item.path.segments)
        if found:
            theirs_instances[(found[0], found[1])].append(item)
            instance_index[(found[0], found[1])] = found[2]
    head_numbers: dict[GroupKey, set[int]] = defaultdict(set)
    head_new: dict[tuple[GroupKey, int], list[Item]] = defaultdict(list)
    for item in head.items:
        found = _instance_id(item.path.segments)
        if found:
            head_numbers[found[0]].add(found[1])
            head_new[(found[0], found[1])].append(item)
    for item in head.items:
        found = _instance_id(item.path.segments)
        if found and item.path.segments in from_base_in_head:
            head_new.pop((found[0], found[1]), None)
    head_new_signatures = {(key, _signature(items, _instance_id(items[0].path.segments)[2]))  # type: ignore[index]
                           for (key, _), items in head_new.items()}
    target_number: dict[tuple[GroupKey, int], int | None] = {}
    for (group, number), items in theirs_instances.items():
        idx = instance_index[(group, number)]
        for item in items:
            b = from_base_in_theirs.get(item.path.segments)
            h = to_head.get(b) if b is not None else None
            if h is not None:
                target_number[(group, number)] = _instance_id(h)[1]  # type: ignore[index]
                break
            if b is not None:
                target_number.setdefault((group, number), None)  # the head removed this instance
        if (group, number) in target_number:
            continue
        if (group, _signature(items, idx)) in head_new_signatures:
            target_number[(group, number)] = -1  # the head added the very same instance
            continue
        taken = head_numbers[group]
        new_number = max(taken, default=0) + 1
        taken.add(new_number)
        target_number[(group, number)] = new_number

    # Items new in the file, placed after the item that precedes them in the file; a new
    # instance after the last item of its group, so it follows the head's instances.
    group_tail: dict[GroupKey, Key] = {}
    for item in head.items:
        found = _instance_id(item.path.segments)
        if found:
            group_tail[found[0]] = item.path.segments
    anchor: Key | None = None
    after_anchor: dict[Key | None, list[Item]] = defaultdict(list)
    inserted: set[Key] = set()
    started: set[tuple[GroupKey, int]] = set()
    for item in theirs.items:
        key = item.path.segments
        b = from_base_in_theirs.get(key)
        if b is not None:
            anchor = to_head.get(b, anchor)
            continue
        found = _instance_id(key)
        path = key
        if found:
            group, number, idx = found
            target = target_number.get((group, number))
            if target == -1:
                continue
            if target is None:
                conflicts.append(str(item.path))
                continue
            path = (*key[:idx], f"{group[1]}{target}", *key[idx + 1 :])
            if (group, number) not in started and target not in _numbers_of(head, group):
                anchor = group_tail.get(group, anchor)
            started.add((group, number))
        existing = position.get(path)
        if existing is not None:
            if path in removed or _content(result[existing]) != _content(item):
                conflicts.append(str(ItemPath(path)))
            anchor = path
            continue
        if path in inserted:
            conflicts.append(str(ItemPath(path)))
            continue
        after_anchor[anchor].append(dataclasses.replace(item, path=ItemPath(path)))
        inserted.add(path)
        if found:
            group_tail[found[0]] = path
        anchor = path

    meta = _merge_meta(base.meta, head.meta, theirs.meta, conflicts)
    if conflicts:
        return Merge(None, tuple(dict.fromkeys(conflicts)))

    items: list[Item] = []

    def emit(item: Item) -> None:
        items.append(item)
        for follower in after_anchor.get(item.path.segments, ()):
            emit(follower)

    for item in after_anchor.get(None, ()):
        emit(item)
    for item in result:
        if item.path.segments in removed:
            for follower in after_anchor.get(item.path.segments, ()):
                emit(follower)
        else:
            emit(item)
    rows = list(head.appendix)
    rows.extend(row for row in theirs.appendix if row not in base.appendix and row not in rows)
    reader = theirs.reader if theirs.reader == head.reader else CATALOGUE_READER
    return Merge(Report(meta=meta, items=tuple(items), appendix=tuple(rows), reader=reader))
