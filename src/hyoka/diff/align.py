"""Align the items of two versions and say which changed, and how.

Items are matched by canonical path, except inside repeating groups (システムN,
委託事項N, 提供先N, 移転先N, リスクN): there an inserted or removed instance
shifts the numbering, so instances are matched by content first, and a pure
renumbering is reported as a move instead of a rewrite of every later instance.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal

from rapidfuzz.distance import Indel

from hyoka.ingest.legacy import comparable
from hyoka.model import Item, ItemPath, Report, same_value_unread, value_display
from hyoka.normalize import notation_key
from hyoka.numbering import FILE_SECTIONS, generic_segment, instance_of

ChangeKind = Literal["added", "removed", "modified", "moved"]
# The one Japanese word for each kind of change, used by every output that names it (diff, review).
CHANGE_NAMES: dict[str, str] = {"added": "追加", "removed": "削除", "modified": "変更", "moved": "移動"}
_GROUP_INITIALS: Final = frozenset("シ委提移リ")
_KEEP_NUMBER: Final = 0.6
_MATCH_MIN: Final = 0.5

GroupKey = tuple[tuple[str, ...], str]


@dataclass(frozen=True)
class ItemChange:
    """One changed item: old and new side (None when added/removed) and its kind."""

    path: ItemPath
    change: ChangeKind
    before: Item | None
    after: Item | None

    @property
    def notation_only(self) -> bool:
        """Only notation differs (width, spacing, breaks, list marks): computed on demand."""
        if self.change != "modified" or self.before is None or self.after is None:
            return False
        return notation_key(value_display(self.before.value)) == notation_key(value_display(self.after.value))

    @property
    def old_path(self) -> ItemPath | None:
        return self.before.path if self.before else None


def _instance_of(path: ItemPath) -> tuple[GroupKey, int, int] | None:
    """(group key, instance number, index of the instance segment) for items inside a group."""
    return _instance_in(path.segments)


@lru_cache(maxsize=65_536)
def _instance_in(segments: tuple[str, ...]) -> tuple[GroupKey, int, int] | None:
    """:func:`_instance_of` of the path with these segments.

    Remembered per path: the cumulative appendix aligns every revision of a history, and each
    version's paths are asked about twice (as the new side, then as the old). Keyed by the plain
    tuple, whose hash and equality run in C, not by the ItemPath, whose run in Python: every
    item of a version is looked up, and the lookup cost more than the answer."""
    for idx, seg in enumerate(segments):
        if seg[0] not in _GROUP_INITIALS or not seg[-1].isdigit():
            continue
        found = instance_of(seg)
        if found:
            return (segments[:idx], found[0]), found[1], idx
    return None


Located = list[tuple[Item, tuple[GroupKey, int, int] | None]]


# Maps in this module are keyed by path segments (plain tuples), not ItemPath objects: tuple
# equality runs in C, and an alignment looks every item up several times.
ByKey = dict[tuple[str, ...], Item]


def _by_key(report: Report) -> ByKey:
    return {item.path.segments: item for item in report.items}


def _affected_groups(old_map: ByKey, new_map: ByKey) -> set[GroupKey]:
    """Groups with a changed, added or removed item: only these can have shifted numbering."""
    keys: set[GroupKey] = set()
    for key, item in old_map.items():
        other = new_map.get(key)
        if other is None or not _same(item, other):
            found = _instance_of(item.path)
            if found:
                keys.add(found[0])
    for key in new_map.keys() - old_map.keys():
        found = _instance_of(new_map[key].path)
        if found:
            keys.add(found[0])
    return keys


def _locate(report: Report, affected: set[GroupKey]) -> Located:
    """Each item with its instance in an affected group (else None). Unaffected groups keep
    their numbering by construction, so most items of a revision skip the instance work."""
    if not affected:
        return [(item, None) for item in report.items]
    located: Located = []
    for item in report.items:
        found = _instance_of(item.path)
        located.append((item, found if found is not None and found[0] in affected else None))
    return located


Signature = tuple[tuple[str, str], ...]


def _instances(located: Located) -> dict[GroupKey, dict[int, Signature]]:
    """Content of every group instance, (relative path, value) per item, for content matching."""
    return {key: {number: _signature(items) for number, items in instances.items()}
            for key, instances in _instance_items(located).items()}


def _similarity(a: Signature, b: Signature) -> float:
    """Similarity of two instances: by items first (cheap, and what a reviewer counts), then by
    the characters of their values. Labels are left out of the character comparison: every
    instance of a group prints the same labels, so they would make strangers look alike.

    Both are the normalised Indel similarity (2 × longest common subsequence / total length,
    rapidfuzz, in C): difflib's ratio, which this replaced, is the same formula over greedily
    found matching blocks, so it is never higher, and it took half of a two-version diff."""
    if a == b:
        return 1.0
    by_items = Indel.normalized_similarity(a, b)
    if by_items >= _KEEP_NUMBER:
        return by_items
    text_a = "\n".join(value for _, value in a)
    text_b = "\n".join(value for _, value in b)
    return max(by_items, Indel.normalized_similarity(text_a, text_b, score_cutoff=_MATCH_MIN))


def match_instances(old: dict[int, Signature], new: dict[int, Signature]) -> dict[int, int]:
    """Old instance number → new instance number.

    Same-numbered instances stay paired when still similar; the rest pair by best
    similarity, so inserting システム2 maps old 2→3, 3→4 instead of rewriting them.
    """
    mapping: dict[int, int] = {}
    # Identical instances pair first (same number if possible, else the nearest), so that an
    # inserted instance never steals its shifted neighbour's number on mere likeness.
    identical: dict[Signature, list[int]] = defaultdict(list)
    for number in sorted(new):
        identical[new[number]].append(number)
    for number in sorted(old):
        candidates = [n for n in identical.get(old[number], []) if n not in mapping.values()]
        if candidates:
            mapping[number] = min(candidates, key=lambda n: (abs(n - number), n))
    for number in sorted(old.keys() & new.keys()):
        if number in mapping or number in mapping.values():
            continue
        if _similarity(old[number], new[number]) >= _KEEP_NUMBER:
            mapping[number] = number
    free_old = [n for n in old if n not in mapping]
    free_new = {n for n in new if n not in mapping.values()}
    scored = sorted(
        ((_similarity(old[o], new[n]), -abs(o - n), o, n) for o in free_old for n in free_new),
        reverse=True,
    )
    for score, _, o, n in scored:
        if score < _MATCH_MIN:
            break
        if o not in mapping and n in free_new:
            mapping[o] = n
            free_new.discard(n)
    # Unmatched instances that keep their number are compared in place (an edit, not add+remove).
    for number in sorted(old.keys() & new.keys()):
        if number not in mapping and number in free_new:
            mapping[number] = number
            free_new.discard(number)
    return mapping


def _renumber(
    path: ItemPath, found: tuple[GroupKey, int, int] | None, maps: dict[GroupKey, dict[int, int]]
) -> ItemPath | None:
    """The path an old item has in the new version (None when its instance was removed)."""
    if not found:
        return path
    key, number, idx = found
    if key not in maps:
        return path
    target = maps[key].get(number)
    if target is None:
        return None
    if target == number:
        return path
    seg = f"{key[1]}{target}"
    return ItemPath((*path.segments[:idx], seg, *path.segments[idx + 1 :]))


def _is_instance_header(path: ItemPath, found: tuple[GroupKey, int, int] | None) -> bool:
    return found is not None and found[2] == len(path.segments) - 1


def _same(a: Item, b: Item) -> bool:
    return a is b or (a.value == b.value and a.star == b.star)


def _file_signatures(report: Report) -> dict[str, dict[str, Signature]]:
    """Per file section (II, III): each file's section segment → its content, for matching files
    whose name changed ("II(取納管理ファイル)" → "II(収納管理ファイル)")."""
    parts: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for item in report.items:
        head = item.path.segments[0]
        base = generic_segment(head)
        if base in FILE_SECTIONS:
            parts[base][head].append(("/".join(item.path.segments[1:]), value_display(item.value)))
    return {base: {seg: tuple(v) for seg, v in files.items()} for base, files in parts.items()}


def _file_heads(report: Report) -> set[str]:
    """The file sections' segments ("II(住民基本台帳ファイル)", "III#2"), read off the distinct heads."""
    return {head for head in {item.path.segments[0] for item in report.items}
            if generic_segment(head) in FILE_SECTIONS}


def _align_files(old: Report, new: Report) -> Report:
    """The old report with each renamed 特定個人情報ファイル's sections under the new name, so a
    typo fixed in a file name is one changed item (the name), not the whole file removed and added.
    Files pair by content, like group instances; a file that pairs with none keeps its name."""
    if _file_heads(old) == _file_heads(new):
        return old  # every file keeps its name: there is nothing to pair by content
    old_files, new_files = _file_signatures(old), _file_signatures(new)
    renamed: dict[str, str] = {}
    for base, files in old_files.items():
        targets = new_files.get(base, {})
        free_old = [seg for seg in files if seg not in targets]
        free_new = [seg for seg in targets if seg not in files]
        scored = sorted(
            ((_similarity(files[o], targets[n]), o, n) for o in free_old for n in free_new), reverse=True
        )
        for score, o, n in scored:
            if score >= _MATCH_MIN and o not in renamed and n not in renamed.values():
                renamed[o] = n
    if not renamed:
        return old
    items = tuple(
        dataclasses.replace(item, path=ItemPath((renamed[item.path.segments[0]], *item.path.segments[1:])))
        if item.path.segments[0] in renamed
        else item
        for item in old.items
    )
    return dataclasses.replace(old, items=items)


@dataclass(frozen=True)
class _Pairing:
    """Two reports made comparable, their items located in their group instances, and the
    instance renumbering between them: what :func:`align` and :func:`pair_items` share."""

    old: Report
    new: Report
    old_located: Located
    new_located: Located
    maps: dict[GroupKey, dict[int, int]]
    new_by_key: ByKey


def _pairing(old: Report, new: Report) -> _Pairing:
    old, new = comparable(old, new)
    old = _align_files(old, new)
    new_by_key = _by_key(new)
    affected = _affected_groups(_by_key(old), new_by_key)
    old_located, new_located = _locate(old, affected), _locate(new, affected)
    old_groups, new_groups = _instances(old_located), _instances(new_located)
    maps = {key: match_instances(old_groups[key], new_groups.get(key, {})) for key in old_groups}
    return _Pairing(old, new, old_located, new_located, maps, new_by_key)


def items_by_path(report: Report) -> ByKey:
    """The items of a report keyed by their path segments."""
    return _by_key(report)


def instance_in(path: ItemPath) -> tuple[GroupKey, int, int] | None:
    """(group key, instance number, index of the instance segment) of an item inside a group."""
    return _instance_of(path)


def pair_items(old: Report, new: Report) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Each ``old`` item's path → the path of the same item in ``new``, paired exactly as
    :func:`align` pairs them (unchanged items too, which ``align`` does not list; items gone
    from ``new`` are left out). A merge needs where an unchanged instance was renumbered to."""
    pairing = _pairing(old, new)
    pairs: dict[tuple[str, ...], tuple[str, ...]] = {}
    originals = comparable(old, new)[0].items
    for original, (item, found) in zip(originals, pairing.old_located, strict=True):
        target = _renumber(item.path, found, pairing.maps)
        if target is not None and target.segments in pairing.new_by_key:
            pairs[original.path.segments] = target.segments
    return pairs


def _same_shape_changes(old: Report, new: Report) -> list[ItemChange] | None:
    """The changes when nothing can have been renumbered or renamed: both versions read by the
    same reader, the same paths in the same order, and every instance of a repeating group with
    a changed item paired by content with its own number (a swap of two systems is not). Then
    the changes are the items whose content differs, as the full pairing would find them; None
    when the full pairing is needed. Most revisions are such (a few values edited), and the
    cumulative appendix aligns every revision of a history, so this keeps it from pairing
    hundreds of unchanged items again."""
    if old.reader != new.reader or len(old.items) != len(new.items):
        return None
    changes = []
    changed: dict[GroupKey, set[int]] = {}
    for before, after in zip(old.items, new.items, strict=True):
        if before is after:
            continue  # an unchanged item is the same object in both readings (hyoka.ingest.published.item_of)
        if before.path.segments != after.path.segments:  # ItemPath's own == runs in Python
            return None
        if not _same(before, after):
            found = _instance_of(after.path)
            if found is not None:
                changed.setdefault(found[0], set()).add(found[1])
            changes.append(ItemChange(after.path, "modified", before, after))
    if changed and not _numbers_kept(old, new, changed):
        return None
    return changes


def _numbers_kept(old: Report, new: Report, changed: dict[GroupKey, set[int]]) -> bool:
    """Whether content pairing (:func:`match_instances`) gives each instance of the groups with
    a changed item its own number, as in the full pairing of two versions with the same paths
    (``changed``: each such group → the numbers of its instances with a changed item).

    A group is settled by :func:`_kept_in_place` when it can be, reading few values; only the
    others are paired by their whole content."""
    groups = set(changed)
    old_items, new_items = _instance_items(_locate(old, groups)), _instance_items(_locate(new, groups))
    for key, numbers in changed.items():
        old_group, new_group = old_items.get(key, {}), new_items.get(key, {})
        if _kept_in_place(old_group, new_group, numbers):
            continue
        old_signatures = {number: _signature(items) for number, items in old_group.items()}
        new_signatures = {number: _signature(items) for number, items in new_group.items()}
        if match_instances(old_signatures, new_signatures) != {number: number for number in old_signatures}:
            return False
    return True


# Each instance of each group: its items with their paths inside the instance, in order.
InstanceItems = dict[GroupKey, dict[int, list[tuple[str, Item]]]]


def _instance_items(located: Located) -> InstanceItems:
    """Each instance's items with their paths inside it, as :func:`_instances` reads them, values unread."""
    parts: InstanceItems = {}
    for item, found in located:
        if found:
            key, number, idx = found
            parts.setdefault(key, {}).setdefault(number, []).append(("/".join(item.path.segments[idx + 1 :]), item))
    return parts


def _signature(items: list[tuple[str, Item]]) -> Signature:
    """An instance's :data:`Signature`, as :func:`_instances` makes it."""
    return tuple((rel, value_display(item.value)) for rel, item in items)


def _same_signature(a: list[tuple[str, Item]], b: list[tuple[str, Item]]) -> bool:
    """Whether two instances' signatures are equal, reading values only until one differs.

    Instances of a group often print the same choices (対象となる本人の数, say), and the two
    sides of an instance share their unchanged items, so items certainly equal without reading
    (:func:`same_value_unread`) are passed over first, and the others are read in order until
    one displays differently."""
    if len(a) != len(b):
        return False
    unsure: list[tuple[Item, Item]] = []
    for (rel_a, item_a), (rel_b, item_b) in zip(a, b, strict=True):
        if rel_a != rel_b:
            return False
        if not same_value_unread(item_a, item_b):
            unsure.append((item_a, item_b))
    return all(value_display(item_a.value) == value_display(item_b.value) for item_a, item_b in unsure)


def _still_similar(before: list[tuple[str, Item]], after: list[tuple[str, Item]]) -> bool:
    """Whether one instance's two sides reach _KEEP_NUMBER by :func:`_similarity`, reading values
    only when needed. The paths being the same, the items certainly equal without reading them
    (:func:`same_value_unread`) are a common subsequence of both signatures, so their share is a
    lower bound of the similarity by items; a hair above the threshold guards against rounding
    where the share meets it exactly."""
    pairs = zip(before, after, strict=True)
    certain = sum(1 for (_, item_a), (_, item_b) in pairs if same_value_unread(item_a, item_b))
    if before and certain / len(before) >= _KEEP_NUMBER + 1e-9:
        return True
    return _similarity(_signature(before), _signature(after)) >= _KEEP_NUMBER


def _kept_in_place(old_group: dict[int, list[tuple[str, Item]]], new_group: dict[int, list[tuple[str, Item]]],
                   changed: set[int]) -> bool:
    """True when :func:`match_instances` certainly pairs every instance of the group with its own
    number, told without reading every value of the group (False: not certain).

    Both versions have the same paths, so the same instances with the same items, and an
    instance without a changed item has the same signature on both sides. match_instances first
    pairs each old instance with the nearest new one identical to it, in number order: by
    induction each instance whose two sides are identical finds itself, and a changed instance
    whose two sides differ finds none, unless its old content equals another instance's new
    content (ruled out here, first by paths, then value by value, reading each other instance
    only as far as its first differing value). Those left keep their numbers in the second
    step when still similar to themselves (:func:`_still_similar`). The cumulative appendix and
    every diff of a few edits inside a repeating group come here: pairing the whole content
    read every value of the group."""
    for number in changed:
        before, after = old_group.get(number), new_group.get(number)
        if before is None or after is None:
            return False
        if _same_signature(before, after):
            continue
        if not _still_similar(before, after):
            return False
        if any(other != number and _same_signature(before, items) for other, items in new_group.items()):
            return False
    return True


def align(old: Report, new: Report) -> list[ItemChange]:
    """Changed items between two versions, in the new version's order (removals at their old place)."""
    quick = _same_shape_changes(old, new)
    return quick if quick is not None else align_paired(old, new)


def align_paired(old: Report, new: Report) -> list[ItemChange]:
    """:func:`align` by pairing every item, groups and files by content (what the quick path
    must agree with)."""
    pairing = _pairing(old, new)
    new, old_located, new_located = pairing.new, pairing.old_located, pairing.new_located
    maps, new_by_key = pairing.maps, pairing.new_by_key
    matched: ByKey = {}
    placed: list[tuple[float, ItemChange]] = []
    new_index = {item.path.segments: i for i, item in enumerate(new.items)}
    last_index = -1.0
    for item, found in old_located:
        target = _renumber(item.path, found, maps)
        counterpart = new_by_key.get(target.segments) if target is not None else None
        if counterpart is None:
            placed.append((last_index + 0.5, ItemChange(item.path, "removed", item, None)))
            continue
        matched[counterpart.path.segments] = item
        last_index = float(new_index[counterpart.path.segments])
    for idx, (item, found) in enumerate(new_located):
        before = matched.get(item.path.segments)
        if before is None:
            placed.append((float(idx), ItemChange(item.path, "added", None, item)))
        elif not _same(before, item):
            placed.append((float(idx), ItemChange(item.path, "modified", before, item)))
        elif before.path.segments != item.path.segments and _is_instance_header(item.path, found):
            placed.append((float(idx), ItemChange(item.path, "moved", before, item)))
    placed.sort(key=lambda pair: pair[0])
    return [change for _, change in placed]


def forget() -> None:
    """Drop the instance lookups remembered across alignments."""
    _instance_in.cache_clear()
