"""How a version's items are stored: validity ranges, interned names, positions, compressed blobs.

A commit writes only what changed against the head (rows closed with ``until`` and rows
opened with ``since``); reading a version is one query over the ranges. Positions are
sortable integers with room between neighbours: an item keeps its position while it stays
in the same order relative to the others, so inserting one item writes one row.
"""

from __future__ import annotations

import functools
import zlib
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hyoka.store.sql import Tx, in_list

if TYPE_CHECKING:
    from sqlalchemy import Select

ItemRef = tuple[str, str, bool, str]
"""(path, label, star, value hash): an item as a version references it."""

# The gap left between neighbours when positions are handed out afresh: 2**32 leaves room for
# 32 halvings between any two items, and 2**63 / 2**32 items before the column overflows.
SPACING = 1 << 32
ZLIB_LEVEL = 9
_ZLIB_FIRST_BYTE = 0x78  # every zlib stream starts so; a JSON document never does

CHUNK = 500


# -- blob bodies ------------------------------------------------------------------------------


def encode_body(text: str) -> bytes:
    """The stored form of a blob: its UTF-8 text, zlib-compressed when that is shorter."""
    raw = text.encode("utf-8")
    packed = zlib.compress(raw, ZLIB_LEVEL)
    return packed if len(packed) < len(raw) else raw


def decode_body(body: bytes) -> str:
    """The text of a stored blob; ValueError unless it is exactly one zlib stream or plain UTF-8.

    Trailing bytes after a zlib stream are refused, so no edit of a stored body goes unseen."""
    if isinstance(body, memoryview):
        body = body.tobytes()
    if not isinstance(body, bytes):
        raise ValueError(f"blob body is {type(body).__name__}, not bytes")
    if body[:1] == bytes([_ZLIB_FIRST_BYTE]):
        stream = zlib.decompressobj()
        try:
            raw = stream.decompress(body) + stream.flush()
        except zlib.error as exc:
            raise ValueError(f"broken zlib stream: {exc}") from exc
        if not stream.eof or stream.unused_data:
            raise ValueError("blob body is not exactly one zlib stream")
        return raw.decode("utf-8")
    return body.decode("utf-8")


def chunks(values: Sequence[str], size: int = CHUNK) -> Iterator[Sequence[str]]:
    """``values`` a chunk at a time, for IN lists a database accepts."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def insert_blobs(tx: Tx, rows: list[dict[str, object]]) -> None:
    """Insert blob rows (hash, kind, body) the caller found missing."""
    # Blobs are shared by all reports, and writers of different reports do not queue
    # on PostgreSQL: a blob another writer has just inserted is simply already there.
    conflict = " ON CONFLICT (hash) DO NOTHING" if tx.dialect == "postgresql" else ""
    tx.run(f"INSERT INTO blobs (hash, kind, body) VALUES (:hash, :kind, :body){conflict}", rows)


def blob_bodies(tx: Tx, hashes: Sequence[str]) -> dict[str, bytes]:
    """The stored bodies of those of ``hashes`` the database holds."""
    bodies: dict[str, bytes] = {}
    for chunk in chunks(hashes):
        placeholders, params = in_list("h", chunk)
        bodies.update(tx.rows(f"SELECT hash, body FROM blobs WHERE hash IN {placeholders}", params))
    return bodies


def insert_missing_blobs(tx: Tx, documents: dict[str, tuple[str, str]]) -> int:
    """Insert the blobs of ``documents`` ({hash: (kind, canonical text)}) the database lacks,
    found with chunked IN queries; returns how many were inserted."""
    wanted = sorted(documents)
    existing: set[str] = set()
    for chunk in chunks(wanted):
        placeholders, params = in_list("h", chunk)
        existing.update(hash_ for (hash_,) in tx.rows(f"SELECT hash FROM blobs WHERE hash IN {placeholders}", params))
    rows: list[dict[str, object]] = [
        {"hash": hash_, "kind": documents[hash_][0], "body": encode_body(documents[hash_][1])}
        for hash_ in wanted if hash_ not in existing
    ]
    if rows:
        insert_blobs(tx, rows)
    return len(rows)


# -- names -------------------------------------------------------------------------------------


def intern(tx: Tx, texts: Iterable[str]) -> dict[str, int]:
    """The ids of ``texts`` in ``names``, inserting the missing ones (the caller holds the write lock)."""
    wanted = sorted(set(texts))
    ids = _name_ids(tx, wanted)
    missing = [t for t in wanted if t not in ids]
    if missing:
        # Names are shared by all reports, and on PostgreSQL writers of different reports run side by side.
        conflict = " ON CONFLICT (text) DO NOTHING" if tx.dialect == "postgresql" else ""
        tx.run(f"INSERT INTO names (text) VALUES (:text){conflict}", [{"text": t} for t in missing])
        ids.update(_name_ids(tx, missing))
    return ids


def _name_ids(tx: Tx, texts: Sequence[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for start in range(0, len(texts), CHUNK):
        placeholders, params = in_list("t", texts[start : start + CHUNK])
        ids.update(tx.rows(f"SELECT text, id FROM names WHERE text IN {placeholders}", params))
    return ids


# -- reading -----------------------------------------------------------------------------------

@functools.cache
def _aliases() -> tuple[Any, Any]:
    """The names table twice (path, label), built on first use: importing SQLAlchemy is for the
    read queries below, not for a commit (:mod:`hyoka.store.sql`)."""
    from sqlalchemy.orm import aliased

    from hyoka.store.schema import NameRecord

    return aliased(NameRecord, name="path_name"), aliased(NameRecord, name="label_name")


def valid_at(report_id: str, number: int) -> object:
    """The rows of ``report_id`` that version ``number`` holds."""
    from sqlalchemy import and_, or_

    from hyoka.store.schema import ItemRecord

    return and_(ItemRecord.report_id == report_id, ItemRecord.since <= number,
                or_(ItemRecord.until.is_(None), ItemRecord.until > number))


def tree_query(report_id: str, number: int, *extra: object) -> Select[tuple[object, ...]]:
    """THE query for the tree as of a version: (path, label, star, value hash, *extra) in order."""
    from sqlalchemy import select

    from hyoka.store.schema import ItemRecord

    path, label = _aliases()
    return (
        select(path.text, label.text, ItemRecord.star, ItemRecord.value_hash, *extra)  # type: ignore[arg-type]
        .join(path, path.id == ItemRecord.path_id)
        .join(label, label.id == ItemRecord.label_id)
        .where(valid_at(report_id, number))  # type: ignore[arg-type]
        .order_by(ItemRecord.position)
    )


def changes_query(report_id: str, number: int, *extra: object) -> Select[tuple[object, ...]]:
    """THE query for what revision ``number`` changed: rows it opened (since = N) or closed (until = N),
    as (*extra, since, path, label, star, value hash, position), in position order."""
    from sqlalchemy import or_, select

    from hyoka.store.schema import ItemRecord

    path, label = _aliases()
    return (
        select(*extra, ItemRecord.since, path.text, label.text, ItemRecord.star,  # type: ignore[call-overload]
               ItemRecord.value_hash, ItemRecord.position)
        .join(path, path.id == ItemRecord.path_id)
        .join(label, label.id == ItemRecord.label_id)
        .where(ItemRecord.report_id == report_id, or_(ItemRecord.since == number, ItemRecord.until == number))
        .order_by(ItemRecord.position)
    )


@dataclass(frozen=True)
class OpenRow:
    """A row the head holds: its id, what it says and where it sits."""

    id: int
    ref: ItemRef
    position: int


def head_rows(tx: Tx, report_id: str) -> list[OpenRow]:
    """The rows still valid (until NULL), in order: the head's items."""
    rows = tx.rows(
        "SELECT i.id, p.text, l.text, i.star, i.value_hash, i.position FROM items AS i"
        " JOIN names AS p ON p.id = i.path_id JOIN names AS l ON l.id = i.label_id"
        " WHERE i.report_id = :report AND i.until IS NULL ORDER BY i.position",
        {"report": report_id},
    )
    return [OpenRow(id_, (path, label, bool(star), hash_), position)
            for id_, path, label, star, hash_, position in rows]


# -- writing -----------------------------------------------------------------------------------


def _keys(refs: Sequence[ItemRef]) -> list[tuple[str, int]]:
    """Each item's identity: its path and how many items before it share that path."""
    seen: dict[str, int] = {}
    keys = []
    for path, *_ in refs:
        seen[path] = seen.get(path, -1) + 1
        keys.append((path, seen[path]))
    return keys


def _increasing(values: Sequence[int]) -> set[int]:
    """Indexes of one longest strictly increasing subsequence of ``values``."""
    tails: list[int] = []  # tails[k]: smallest last value of an increasing run of length k + 1
    tail_index: list[int] = []
    back: list[int] = [-1] * len(values)
    for i, value in enumerate(values):
        k = bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_index.append(i)
        else:
            tails[k], tail_index[k] = value, i
        back[i] = tail_index[k - 1] if k else -1
    chosen: set[int] = set()
    i = tail_index[-1] if tail_index else -1
    while i >= 0:
        chosen.add(i)
        i = back[i]
    return chosen


def plan(old: Sequence[OpenRow], new: Sequence[ItemRef]) -> tuple[list[int], list[tuple[ItemRef, int]]]:
    """(ids of rows to close, (ref, position) of rows to open) turning ``old`` into ``new``.

    Items that keep their relative order (a longest increasing run of their old positions)
    keep their position, and if unchanged their row; the others get positions spread
    between their neighbours'. When a gap has no room left every row is written afresh.
    """
    by_key = {key: row for key, row in zip(_keys([r.ref for r in old]), old, strict=True)}
    keys = _keys(new)
    matched = [by_key.get(key) for key in keys]
    candidates = [i for i, row in enumerate(matched) if row is not None]
    anchored = {candidates[j] for j in _increasing([matched[i].position for i in candidates])}  # type: ignore[union-attr]
    positions: list[int | None] = [matched[i].position if i in anchored else None  # type: ignore[union-attr]
                                   for i in range(len(new))]
    if not _fill(positions):
        return [row.id for row in old], [(ref, i * SPACING) for i, ref in enumerate(new)]
    keep = {row.id for i, row in enumerate(matched)
            if row is not None and i in anchored and row.ref == new[i]}
    close = [row.id for row in old if row.id not in keep]
    opened = [(ref, positions[i]) for i, ref in enumerate(new)
              if not (matched[i] is not None and matched[i].id in keep)]  # type: ignore[union-attr]
    return close, opened  # type: ignore[return-value]


def _fill(positions: list[int | None]) -> bool:
    """Give every None a position strictly between its anchored neighbours; False when a gap is too narrow."""
    i = 0
    n = len(positions)
    while i < n:
        if positions[i] is not None:
            i += 1
            continue
        j = i
        while j < n and positions[j] is None:
            j += 1
        run = j - i
        low = positions[i - 1] if i > 0 else None
        high = positions[j] if j < n else None
        if low is None and high is None:
            low, high = -SPACING, run * SPACING
        elif low is None:
            low = high - (run + 1) * SPACING  # type: ignore[operator]
        elif high is None:
            high = low + (run + 1) * SPACING
        if high - low <= run:  # type: ignore[operator]
            return False
        for k in range(run):
            positions[i + k] = low + (high - low) * (k + 1) // (run + 1)  # type: ignore[operator]
        i = j
    return True


def write_items(tx: Tx, report_id: str, number: int, old: Sequence[OpenRow], new: Sequence[ItemRef]) -> None:
    """Store version ``number`` of ``report_id`` holding ``new``, the head holding ``old``."""
    close, opened = plan(old, new)
    for start in range(0, len(close), CHUNK):
        placeholders, params = in_list("id", close[start : start + CHUNK])
        tx.run(f"UPDATE items SET until = :number WHERE id IN {placeholders}", {"number": number, **params})
    if not opened:
        return
    names = intern(tx, [text for (path, label, _, _), _ in opened for text in (path, label)])
    tx.run(
        "INSERT INTO items (report_id, path_id, label_id, star, value_hash, position, since, until)"
        " VALUES (:report_id, :path_id, :label_id, :star, :value_hash, :position, :since, NULL)",
        [{"report_id": report_id, "path_id": names[path], "label_id": names[label], "star": star,
          "value_hash": hash_, "position": position, "since": number}
         for (path, label, star, hash_), position in opened],
    )
