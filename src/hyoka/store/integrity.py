"""The store's own integrity walk: recompute every hash and chain, and name the first broken link.

It reads the tables themselves, so it lives beside them; `hyoka verify`
(:mod:`hyoka.audit.verify`) calls it through :meth:`StoreReads.check_integrity` and adds the
anchor kept outside the database. Everything a user can see is covered, in this order, stopping at the first problem:

1. stored values are of the column's type and canonical (SQLite keeps whatever raw SQL
   writes, and ``bool(2)`` hashes like ``True``, so ``star``/``important`` must be 0 or 1);
2. references hold: every version, item and event belongs to a stored report, every item
   row's range [since, until) is non-empty and bounded by versions of its report, its path
   and label are stored names, and every blob a version uses exists (foreign keys only
   protect connections that turn them on, so they are checked here rather than trusted);
3. every blob decodes (exactly one zlib stream, or plain UTF-8), hashes to its name and is
   of the kind its body says;
4. per report, walking the versions in order and applying each revision's item rows (so
   memory holds one version): the version chain (hash over content and parent hash,
   numbers contiguous, no two items at one position), the counts ``log`` shows (item_count = items; +/−/~
   recomputed by path when parent and child were read by the same reader, and always
   equal to the hash-chained commit event, which is how counts across a reader change
   are covered), ``reports.created_at`` = the first version's time, the event chain, and
   the pairing of versions and commit events (exactly one each way, in order, same
   hash, time, author, message and counts).

With an anchor kept outside the database (:mod:`hyoka.audit.anchor`, checked through ``after``),
truncation of the newest rows and wholesale recomputation of a chain are detected as well.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, LargeBinary, String, Text, select, text
from sqlalchemy.orm import Session, aliased

from hyoka.model import sha256_text
from hyoka.store.change_texts import TEXT_KIND, named_blobs
from hyoka.store.events import (
    CHAIN_COLUMNS,
    EVENT_KINDS,
    Break,
    EncodedValues,
    at_converter,
    event_id_finder,
    row_record,
    walk_report_chain,
)
from hyoka.store.hashing import VersionHasher, _count_changes, refs_by_path
from hyoka.store.items import chunks, decode_body
from hyoka.store.repository import version_hash
from hyoka.store.schema import (
    APPENDIX_KIND,
    Blob,
    ItemRecord,
    NameRecord,
    ReportRecord,
    VersionRecord,
    metadata,
)


@dataclass(frozen=True)
class IntegrityResult:
    reports: int
    versions: int
    events: int
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


class Broken(Exception):
    """The first broken link, raised from deep inside a check so the walk stops there."""


# -- 1. stored values ---------------------------------------------------------------------------


def _sqlite_storage_classes(column_type: object) -> tuple[str, ...]:
    """The SQLite storage classes a column of this type holds when written by hyoka."""
    if isinstance(column_type, (Integer, Boolean)):
        return ("integer",)
    if isinstance(column_type, (String, Text, DateTime)):
        return ("text",)
    if isinstance(column_type, LargeBinary):
        return ("blob",)
    impl = getattr(column_type, "impl", None)  # UTCDateTime and other decorators
    return _sqlite_storage_classes(impl) if impl is not None else ()


def _check_stored_values(session: Session) -> None:
    """SQLite has no column types: a string in `number` or 2 in `star` is stored as written.

    PostgreSQL enforces the types itself, so only the 0/1 rule is left to check there,
    and a boolean column cannot break it.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    for table in metadata.sorted_tables:
        keys = [f'"{c.name}"' for c in table.primary_key.columns]
        allowed: dict[str, tuple[str, ...]] = {}
        for column in table.columns:
            classes = _sqlite_storage_classes(column.type)
            if classes:
                allowed[column.name] = (*classes, *(("null",) if column.nullable else ()))
        # One scan per table, however many columns: verify reads tables of millions of events.
        wrong = " OR ".join(f'typeof("{name}") NOT IN ({", ".join(repr(c) for c in ok)})'
                            for name, ok in allowed.items())
        types = ", ".join(f'typeof("{name}")' for name in allowed)
        row = session.execute(text(f'SELECT {", ".join(keys)}, {types} FROM "{table.name}" WHERE {wrong} LIMIT 1'
                                   )).first()
        if row is not None:
            key, found = tuple(row[:len(keys)]), row[len(keys):]
            name, kind = next((n, t) for (n, ok), t in zip(allowed.items(), found, strict=True) if t not in ok)
            raise Broken(f"{table.name}.{name} (キー {key}) に {kind} 型の値があります "
                         f"/ stray type {kind} in {table.name}.{name}")
    for table, column, nullable in (("items", "star", False), ("events", "important", True)):
        null_ok = f'"{column}" IS NOT NULL AND ' if nullable else ""
        row = session.execute(text(
            f'SELECT rowid, "{column}" FROM "{table}" WHERE {null_ok}"{column}" NOT IN (0, 1) LIMIT 1'
        )).first()
        if row is not None:
            raise Broken(f"{table}.{column} (rowid {row[0]}) が 0/1 ではありません ({row[1]!r}) "
                         f"/ non-canonical boolean in {table}.{column}")


# -- 2. references ------------------------------------------------------------------------------

_REFERENCES: tuple[tuple[str, str], ...] = (
    ("SELECT v.id, v.report_id FROM versions v LEFT JOIN reports r ON r.id = v.report_id WHERE r.id IS NULL",
     "版 (id {0}) の評価書 {1} がありません / version of a missing report"),
    ("SELECT e.id, e.report_id FROM events e LEFT JOIN reports r ON r.id = e.report_id WHERE r.id IS NULL",
     "監査記録 (id {0}) の評価書 {1} がありません / event of a missing report"),
    ("SELECT i.id, i.report_id FROM items i LEFT JOIN reports r ON r.id = i.report_id WHERE r.id IS NULL",
     "項目 (id {0}) の評価書 {1} がありません / item of a missing report"),
    ("SELECT i.id, i.report_id, i.since, i.until FROM items i WHERE i.since < 1 OR i.until <= i.since",
     "評価書 {1} の項目 (id {0}) の有効範囲 {2}〜{3} が空です / empty item range"),
    ("SELECT i.id, i.report_id, i.since FROM items i LEFT JOIN versions v ON v.report_id = i.report_id "
     "AND v.number = i.since WHERE v.id IS NULL",
     "評価書 {1} の項目 (id {0}): 第{2}版がありません / item of a missing version"),
    ("SELECT i.id, i.report_id, i.until FROM items i LEFT JOIN versions v ON v.report_id = i.report_id "
     "AND v.number = i.until WHERE i.until IS NOT NULL AND v.id IS NULL",
     "評価書 {1} の項目 (id {0}): 第{2}版がありません / item of a missing version"),
    ("SELECT i.id, i.report_id FROM items i LEFT JOIN names p ON p.id = i.path_id "
     "LEFT JOIN names l ON l.id = i.label_id WHERE p.id IS NULL OR l.id IS NULL",
     "評価書 {1} の項目 (id {0}) の項目名がありません / item name missing"),
    ("SELECT v.report_id, v.number, v.appendix_hash FROM versions v LEFT JOIN blobs b ON b.hash = v.appendix_hash "
     "WHERE b.hash IS NULL",
     "評価書 {0} の第{1}版: 付録 {2:.12}… がありません / appendix blob missing"),
    ("SELECT i.report_id, i.since, i.id, i.value_hash FROM items i "
     "LEFT JOIN blobs b ON b.hash = i.value_hash WHERE b.hash IS NULL",
     "評価書 {0} の第{1}版: 項目 (id {2}) の値 {3:.12}… がありません / value blob missing"),
    (f"SELECT v.report_id, v.number, v.appendix_hash FROM versions v JOIN blobs b ON b.hash = v.appendix_hash "
     f"WHERE b.kind <> '{APPENDIX_KIND}'",
     "評価書 {0} の第{1}版: 付録 {2:.12}… が付録ではありません / appendix is not an appendix blob"),
    (f"SELECT i.report_id, i.since, i.id, i.value_hash FROM items i "
     f"JOIN blobs b ON b.hash = i.value_hash WHERE b.kind = '{APPENDIX_KIND}'",
     "評価書 {0} の第{1}版: 項目 (id {2}) の値 {3:.12}… が付録です / item value is an appendix blob"),
)


def _check_references(session: Session) -> None:
    for query, message in _REFERENCES:
        row = session.execute(text(query + " LIMIT 1")).first()
        if row is not None:
            raise Broken(message.format(*row))


# -- 3. blobs -----------------------------------------------------------------------------------


def _check_blobs(session: Session) -> None:
    """Each body hashes to its name; the kind column agrees with the body (nothing else records it)."""
    query = select(Blob.hash, Blob.kind, Blob.body).execution_options(yield_per=5000)
    for hash_, kind, stored in session.execute(query):
        try:
            body = decode_body(stored)
        except (ValueError, UnicodeDecodeError):
            raise Broken(f"値 {hash_[:12]}… の内容が読めません / blob body unreadable") from None
        if sha256_text(body) != hash_:
            raise Broken(f"値 {hash_[:12]}… の内容が書き換えられています / blob does not match its hash")
        try:
            data = json.loads(body)
            expected = APPENDIX_KIND if isinstance(data, list) else data.get("kind")
        except (ValueError, AttributeError):
            expected = None
        if kind != expected:
            raise Broken(f"値 {hash_[:12]}… の種類 {kind!r} が内容と違います / blob kind does not match its body")


# -- 4. one report ------------------------------------------------------------------------------


def _check_versions(session: Session, report: ReportRecord) -> list[VersionRecord]:
    report_id = report.id
    records = list(session.scalars(
        select(VersionRecord).where(VersionRecord.report_id == report_id).order_by(VersionRecord.number)
    ))
    if not records:
        raise Broken(f"評価書 {report_id} に版がありません / report without versions")
    parent: VersionRecord | None = None
    parent_refs: list[tuple[str, str, bool, str]] = []
    parent_by_path: dict[str, tuple[object, ...]] = {}
    hasher = VersionHasher()
    path_name, label_name = aliased(NameRecord), aliased(NameRecord)
    rows = iter(session.execute(
        select(ItemRecord.since, ItemRecord.until, ItemRecord.position, path_name.text, label_name.text,
               ItemRecord.star, ItemRecord.value_hash)
        .join(path_name, path_name.id == ItemRecord.path_id).join(label_name, label_name.id == ItemRecord.label_id)
        .where(ItemRecord.report_id == report_id).order_by(ItemRecord.since, ItemRecord.position)
        .execution_options(yield_per=5000)
    ))
    pending = next(rows, None)
    live: list[tuple[int, int | None, tuple[str, str, bool, str]]] = []  # (position, until, ref)
    for expected, record in enumerate(records, 1):
        where = f"評価書 {report_id} の第{record.number}版 (id {record.id})"
        if record.number != expected:
            raise Broken(f"{where}: 版番号が飛んでいます (期待 {expected}) / version gap")
        if record.parent_id != (None if parent is None else parent.id):
            raise Broken(f"{where}: 親の版が違います / wrong parent")
        live = [entry for entry in live if entry[1] is None or entry[1] > record.number]
        while pending is not None and pending[0] == record.number:
            _, until, position, path, label, star, value_hash = pending
            live.append((position, until, (path, label, bool(star), value_hash)))
            pending = next(rows, None)
        live.sort(key=itemgetter(0))
        if len({entry[0] for entry in live}) != len(live):
            raise Broken(f"{where}: 二つの項目が同じ位置にあります / two items at one position")
        refs = [ref for _, _, ref in live]
        fields: dict[str, Any] = {
            "parent": None if parent is None else parent.hash, "report_id": report_id, "number": record.number,
            "created_at": record.created_at, "author": record.author, "message": record.message,
            "appendix_hash": record.appendix_hash, "items": refs, "reader": record.reader}
        # The hasher's spelling first; version_hash itself is asked before anything is called altered.
        if hasher.hash(meta_json=record.meta_json, **fields) != record.hash and version_hash(
                meta=json.loads(record.meta_json), **fields) != record.hash:
            raise Broken(f"{where}: 内容が書き換えられています / version content does not match its hash")
        if record.item_count != len(refs):
            raise Broken(f"{where}: 項目数 {record.item_count} が実際の {len(refs)} と違います / item_count wrong")
        if parent is not None and (record.meta_json, record.appendix_hash, refs) == (
            parent.meta_json, parent.appendix_hash, parent_refs
        ):
            raise Broken(f"{where}: 親の版と同じ内容です (commit は作りません) / version equals its parent")
        # Across a reader change commit counted with the differ; those counts are checked
        # against the hash-chained commit event instead (_check_commit_events).
        by_path = refs_by_path(refs)
        if parent is None or record.reader == parent.reader:
            counts = _count_changes(parent_by_path, by_path)
            if counts != (record.added, record.removed, record.modified):
                raise Broken(f"{where}: 増減数 {(record.added, record.removed, record.modified)} が"
                             f"項目から数えた {counts} と違います / added/removed/modified wrong")
        parent, parent_refs, parent_by_path = record, refs, by_path
    if pending is not None:
        raise Broken(f"評価書 {report_id}: 第{pending[0]}版からの項目がありますが、その版がありません "
                     f"/ item of a missing version")
    if report.created_at != records[0].created_at:
        raise Broken(f"評価書 {report_id}: 作成日時が第1版の日時と違います / reports.created_at does not match")
    return records


_SEQ, _KIND, _VERSION, _PAYLOAD = (CHAIN_COLUMNS.index(name) for name in ("seq", "kind", "version", "payload"))
# Kinds whose pairing asks nothing of an event once its version's commit event has been seen.
_OTHER_KINDS = frozenset(EVENT_KINDS) - {"commit", "publish"}


class _CommitEvents:
    """Versions and commit events pair up one to one, in order, and agree on everything both record.

    A version may lack its commit event only if it was stored before the audit trail existed
    (migration 0002, so before 0003 too: reader NULL) and precedes every version that has one.
    Events are seen a batch of raw rows at a time, each batch once the chain through it holds;
    the first problem is kept and raised by :meth:`finish`, so a broken chain further on is still
    reported first. An event later than its version's commit event (most of them) only needs a
    readable payload, and is checked without building a record.
    """

    def __init__(self, report_id: str, versions: Sequence[VersionRecord], convert: Callable[[Any], Any],
                 locate: Callable[[int], int | None]) -> None:
        self.report_id = report_id
        self.convert, self.locate = convert, locate
        self.versions = versions
        self.by_number = {record.number: record for record in versions}
        self.commits: set[int] = set()
        self.last_commit = 0
        self.problem: str | None = None
        self.named: set[str] = set()  # blobs change payloads name for their texts (hyoka.store.change_texts)

    def see(self, rows: Sequence[Sequence[Any]]) -> None:
        """A batch of raw event rows (:data:`CHAIN_COLUMNS`), in seq order."""
        if self.problem is not None:
            return
        commits = self.commits
        for row in rows:
            kind, version = row[_KIND], row[_VERSION]
            if kind in _OTHER_KINDS and version in commits:
                # All a later event of a committed version needs: a readable payload, and the texts a
                # change names by hash (checked once the walk is over).
                payload = json.loads(row[_PAYLOAD])
                if kind == "change":
                    self.named.update(named_blobs(payload))
                continue
            try:
                self._see(row_record(row, self.convert))
            except Broken as broken:  # located only now: the walk does not read ids
                seq = row[_SEQ]
                self.problem = f"{Break(self.report_id, seq, self.locate(seq), '')}{broken}"
                return

    def _see(self, event: Any) -> None:
        by_number, commits = self.by_number, self.commits
        if event.kind not in EVENT_KINDS:
            raise Broken(f"種類 {event.kind!r} は不明です / unknown event kind")
        if event.version is None:
            return
        version = by_number.get(event.version)
        if version is None:
            raise Broken(f"記録された第{event.version}版が見つかりません / event names a missing version")
        payload = json.loads(event.payload)
        if event.kind == "change":
            self.named.update(named_blobs(payload))
        if event.kind == "commit":
            if event.version in commits:
                raise Broken(f"第{event.version}版の commit 記録が二つあります / duplicate commit event")
            if event.version <= self.last_commit:
                raise Broken("commit 記録の順番が版の順番と違います / commit events out of order")
            if payload.get("hash") != version.hash:
                raise Broken(f"記録された第{event.version}版のハッシュが異なります / committed version differs")
            recorded = (event.at, event.actor, payload.get("message"), payload.get("items"), payload.get("added"),
                        payload.get("removed"), payload.get("modified"))
            stored = (version.created_at, version.author, version.message, version.item_count, version.added,
                      version.removed, version.modified)
            if recorded != stored:
                raise Broken(f"第{event.version}版の日時・作成者・件数が版と違います "
                             f"/ commit event disagrees with its version")
            commits.add(event.version)
            self.last_commit = event.version
        else:
            # Versions read since migration 0003 all have a commit event, which comes first.
            if event.version not in commits and by_number[event.version].reader is not None:
                raise Broken(f"第{event.version}版の commit 記録より前にあります / event before its commit")
            if event.kind == "publish" and payload.get("hash") != version.hash:
                raise Broken(f"公表した第{event.version}版のハッシュが違います / published hash mismatch")

    def finish(self) -> None:
        if self.problem is not None:
            raise Broken(self.problem)
        seen_commit = False
        for version in self.versions:
            if version.number in self.commits:
                seen_commit = True
            elif seen_commit or version.reader is not None:
                raise Broken(f"評価書 {self.report_id} の第{version.number}版 (id {version.id}): "
                             f"commit 記録がありません / version without its commit event")


def _check_report(session: Session, report: ReportRecord, values: EncodedValues) -> tuple[int, int]:
    """The report's versions, then its events in one streamed pass: chain and pairing together,
    a batch of raw rows at a time (the walk bench/bench_audit.py times)."""
    versions = _check_versions(session, report)
    commits = _CommitEvents(report.id, versions, values.convert, event_id_finder(session, report.id))
    broken, count = walk_report_chain(session, report.id, also=commits.see, values=values)
    if broken is not None:
        raise Broken(str(broken))
    commits.finish()
    _check_named_texts(session, report.id, commits.named)
    return len(versions), count


def _check_named_texts(session: Session, report_id: str, named: set[str]) -> None:
    """Every blob a change event names for its old or new text is stored, and is a text."""
    wanted = sorted(named)
    for chunk in chunks(wanted):
        query = select(Blob.hash, Blob.kind).where(Blob.hash.in_(chunk))
        kinds = {digest: kind for digest, kind in session.execute(query)}
        for digest in chunk:
            if digest not in kinds:
                raise Broken(f"評価書 {report_id}: 変更記録が指す本文 (値 {digest[:12]}…) がありません "
                             f"/ change text blob missing")
            if kinds[digest] != TEXT_KIND:
                raise Broken(f"評価書 {report_id}: 変更記録が指す値 {digest[:12]}… が本文ではありません "
                             f"({kinds[digest]}) / change text blob is not a text")


def check_integrity(session: Session, progress: Callable[[str], None] | None = None,
                    after: Callable[[], str | None] | None = None) -> IntegrityResult:
    """Every report's versions and events, and every blob, in one read transaction (``session``);
    stops at the first problem. ``after`` runs last, in the same transaction, and returns a
    problem of its own or None (the anchor of :mod:`hyoka.audit.anchor`)."""
    versions = events = 0
    report_ids = list(session.scalars(select(ReportRecord.id).order_by(ReportRecord.id)))
    values = EncodedValues(at_converter(session.get_bind().dialect))  # shared by every report's walk
    try:
        _check_stored_values(session)
        _check_references(session)
        _check_blobs(session)
        for n, report_id in enumerate(report_ids, 1):
            try:
                report = session.get(ReportRecord, report_id)
                assert report is not None
                counted = _check_report(session, report, values)
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                raise Broken(f"評価書 {report_id}: 読めない値があります / unreadable value: {exc}") from None
            versions, events = versions + counted[0], events + counted[1]
            if progress is not None and n % 100 == 0:
                progress(f"{n}/{len(report_ids)} 件の評価書を確認しました")
        problem = after() if after is not None else None
        if problem is not None:
            raise Broken(problem)
    except Broken as broken:
        return IntegrityResult(len(report_ids), versions, events, str(broken))
    return IntegrityResult(len(report_ids), versions, events, None)
