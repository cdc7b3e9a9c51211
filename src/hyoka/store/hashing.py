"""What a version's hashes are over: its content (cover, item references, appendix) and its history.

Hashes are over content, never over storage, so the layout of the tables can change
(migration 0004) without any stored hash changing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from hyoka.model import ChangeRow, Report, canonical_json, meta_to_json, row_to_json, sha256_text, value_hash
from hyoka.store.items import ItemRef


def _appendix_body(appendix: Sequence[ChangeRow]) -> str:
    return canonical_json([row_to_json(row) for row in appendix])


def _item_refs(report: Report) -> list[ItemRef]:
    return [(str(item.path), item.label, item.star, value_hash(item.value)) for item in report.items]


def _content_hash(meta: dict[str, object], refs: Sequence[ItemRef], appendix_hash: str) -> str:
    data = {"meta": meta, "items": [list(ref) for ref in refs], "appendix": appendix_hash}
    return sha256_text(canonical_json(data))


def content_hash(report: Report) -> str:
    """Hash of what the report says (cover, items, appendix), without history or author.

    Equal content_hash means a commit would change nothing, which is how a
    repeated commit is recognised and skipped.
    """
    appendix_hash = sha256_text(_appendix_body(report.appendix))
    return _content_hash(meta_to_json(report.meta), _item_refs(report), appendix_hash)


def version_hash(
    *,
    parent: str | None,
    report_id: str,
    number: int,
    created_at: datetime,
    author: str,
    message: str,
    meta: dict[str, object],
    appendix_hash: str,
    items: Sequence[ItemRef],
    reader: int | None = None,
) -> str:
    """The version's identity: covers the parent's hash, so any change to history changes every later hash.

    ``reader`` is hashed only when recorded (versions made since migration 0003), so the hashes
    of versions stored before it stay what they were."""
    data: dict[str, object] = {
        "parent": parent,
        "report": report_id,
        "number": number,
        "created_at": _iso(created_at),
        "author": author,
        "message": message,
        "meta": meta,
        "appendix": appendix_hash,
        "items": [list(ref) for ref in items],
    }
    if reader is not None:
        data["reader"] = reader
    return sha256_text(canonical_json(data))


class VersionHasher:
    """:func:`version_hash` for the versions of one report walked in order, as verify walks them.

    Consecutive versions share almost every item, and canonical_json re-serialised every item
    of every version (most of verify's time on a long history). Here each item ref's JSON is
    spelled once and the version's text is joined from the pieces in canonical_json's key
    order; ``tests/test_store_hashing.py`` holds it to :func:`version_hash` byte for byte, and
    verify still asks :func:`version_hash` itself before calling a version altered.

    The cache is keyed by the ref tuple, so refs must carry ``star`` as a bool (True == 1
    would otherwise share an entry with an int)."""

    def __init__(self) -> None:
        self._items: dict[ItemRef, str] = {}
        self._meta: dict[str, str] = {}

    def meta_json(self, stored: str) -> str:
        """canonical_json of a stored meta text (ValueError when it is not JSON)."""
        text = self._meta.get(stored)
        if text is None:
            text = self._meta[stored] = canonical_json(json.loads(stored))
        return text

    def hash(self, *, parent: str | None, report_id: str, number: int, created_at: datetime, author: str,
             message: str, meta_json: str, appendix_hash: str, items: Sequence[ItemRef],
             reader: int | None = None) -> str:
        """version_hash of these values, ``meta`` given as its stored JSON text."""
        known = self._items
        try:
            pieces = [known[ref] for ref in items]
        except KeyError:
            for ref in items:
                if ref not in known:
                    known[ref] = canonical_json(list(ref))
            pieces = [known[ref] for ref in items]
        j = canonical_json
        reader_part = "" if reader is None else f',"reader":{j(reader)}'
        text = (f'{{"appendix":{j(appendix_hash)},"author":{j(author)},"created_at":{j(_iso(created_at))},'
                f'"items":[{",".join(pieces)}],"message":{j(message)},"meta":{self.meta_json(meta_json)},'
                f'"number":{j(number)},"parent":{j(parent)}{reader_part},"report":{j(report_id)}}}')
        return sha256_text(text)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _diff_counts(old: Sequence[ItemRef], new: Sequence[ItemRef]) -> tuple[int, int, int]:
    """(added, removed, modified) by path; moving an item without changing it is no change."""
    return _count_changes(refs_by_path(old), refs_by_path(new))


def refs_by_path(refs: Sequence[ItemRef]) -> dict[str, tuple[object, ...]]:
    """path → the rest of its ref (the last one, should a path repeat), as :func:`_diff_counts` compares them."""
    return {ref[0]: tuple(ref[1:]) for ref in refs}


def _count_changes(before: dict[str, tuple[object, ...]], after: dict[str, tuple[object, ...]]) -> tuple[int, int, int]:
    """(added, removed, modified) between two :func:`refs_by_path` maps, with set operations in C:
    a (path, rest) pair of ``after`` missing from ``before`` is either added or modified.

    verify keeps each version's map for the next one, so a history of n versions builds n maps, not 2n."""
    added = len(after.keys() - before.keys())
    removed = len(before.keys() - after.keys())
    return added, removed, len(after.items() - before.items()) - added
