"""Commit, log and check out versions of reports: the store's whole public behaviour.

A commit is one transaction. Values are written as content-addressed blobs
(only the ones the database lacks), the version row carries a hash over its
parent's hash and its own content, and committing unchanged content is a
no-op, so re-running a commit never creates noise versions.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from types import EllipsisType, TracebackType
from typing import Self

from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from hyoka.errors import HyokaError, StoreError, UnknownReport, UnknownVersion
from hyoka.model import (
    LEGACY_READER,
    NATIVE_READER,
    ChangeRow,
    Item,
    ItemPath,
    Report,
    Value,
    canonical_json,
    meta_from_json,
    meta_to_json,
    row_from_json,
    sha256_text,
    value_canonical,
    value_from_json,
    value_hash,
)
from hyoka.store.events import NewEvent, append_events
from hyoka.store.hashing import (
    _appendix_body,
    _content_hash,
    _diff_counts,
    _item_refs,
    content_hash,
    version_hash,
)
from hyoka.store.items import (
    ItemRef,
    OpenRow,
    changes_query,
    decode_body,
    encode_body,
    head_rows,
    tree_query,
    write_items,
)
from hyoka.store.migrate import WRITE_OPTION, check_initialised, display_url, make_engine, resolve_url
from hyoka.store.queries import StoreQueries
from hyoka.store.schema import (
    APPENDIX_KIND,
    REPORT_ID_LENGTH,
    Blob,
    ItemRecord,
    ReportRecord,
    VersionRecord,
)

# Bound parameters per IN (...) query: far below every backend's limit
# (SQLite's is 32766 today, 999 on old builds).
CHUNK = 500

__all__ = ["CHUNK", "CommitResult", "ItemRef", "Store", "VersionInfo", "_diff_counts", "content_hash", "version_hash"]


@dataclass(frozen=True)
class VersionInfo:
    """One version as `log` and `show` describe it; counts are against the parent."""

    report_id: str
    number: int
    parent_number: int | None
    created_at: datetime
    author: str
    message: str
    hash: str
    item_count: int
    added: int
    removed: int
    modified: int


@dataclass(frozen=True)
class CommitResult:
    """What a commit did: created is False when the content equals the head's (nothing written)."""

    version: VersionInfo
    created: bool
    new_blobs: int


def _chunks(values: Sequence[str], size: int = CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def check_report_id(report_id: str) -> None:
    """Report ids appear in refs like `id@2` and in file names: one visible word, no '@'."""
    bad = (
        not report_id
        or len(report_id) > REPORT_ID_LENGTH
        or "@" in report_id
        or any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in report_id)
    )
    if bad:
        raise HyokaError(
            f"評価書IDが不正です (空白・@・制御文字なし、{REPORT_ID_LENGTH}文字まで) / bad report id: {report_id!r}"
        )


class HeadMoved(StoreError):
    """The head is no longer the version the caller prepared the commit against."""

    def __init__(self, message: str, head: int | None) -> None:
        super().__init__(message)
        self.head = head


def _lock_report(session: Session, report_id: str) -> None:
    """Queue writers of one report, as SQLite's BEGIN IMMEDIATE does for the whole file.

    On PostgreSQL a transaction-scoped advisory lock on the report id makes the
    second writer wait for the first to commit, then read the new head, instead
    of failing on the unique (report_id, number) key.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:report))"), {"report": report_id})


class Store(StoreQueries):
    """A connection to one database of versioned reports.

    Opening checks that the schema is at the current migration, so every
    later call can assume the tables exist.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = resolve_url(url)
        self._engine = make_engine(self.url)
        try:
            check_initialised(self._engine, self.url)
        except BaseException:
            self._engine.dispose()
            raise
        self._read = sessionmaker(self._engine)
        self._write = sessionmaker(self._engine.execution_options(**{WRITE_OPTION: True}))

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({display_url(self.url)!r})"

    def close(self) -> None:
        """Release pooled connections (and SQLite's file handles)."""
        self._engine.dispose()

    # -- writing -----------------------------------------------------------------------------

    def commit(
        self,
        report_id: str,
        report: Report,
        *,
        author: str,
        message: str,
        when: datetime | None = None,
        expected_parent: int | EllipsisType | None = ...,
        events: Sequence[NewEvent] = (),
        classify: Callable[[Report, int], Sequence[NewEvent]] | None = None,
        counts: Callable[[Report], tuple[int, int, int]] | None = None,
        note: Callable[[Report], dict[str, object]] | None = None,
    ) -> CommitResult:
        """Record `report` as the next version of `report_id`, or nothing if it equals the head.

        Everything happens in one transaction: the report row (on its first
        commit), missing blobs, the version and its items. The next number is
        read inside that transaction and (report_id, number) is unique, so a
        concurrent commit can never fork the history: on SQLite writers queue
        (BEGIN IMMEDIATE + busy_timeout); elsewhere the loser gets StoreError
        and can retry.

        ``expected_parent`` (a version number, or None for a new report) refuses
        the commit when the head has moved since the caller looked, like a
        non-fast-forward push: classifications computed against that parent
        would otherwise describe the wrong revision. ``events`` are appended to
        the audit trail after the commit event, in the same transaction, and so
        are the events ``classify(parent_report, parent_number)`` returns: it
        runs inside the transaction, against the head the commit lands on.
        ``counts(parent_report)`` gives the +/−/~ counts when the head's paths were built by
        another reader than ``report``'s, whose paths cannot be compared one to one.
        ``note(parent_report)`` adds to the commit event's payload (what a guard let through), and
        may raise to refuse the commit before anything is written.
        """
        check_report_id(report_id)
        created_at = datetime.now(UTC) if when is None else when
        if created_at.tzinfo is None:
            raise ValueError("when must be timezone-aware")
        created_at = created_at.astimezone(UTC)

        meta = meta_to_json(report.meta)
        reader = NATIVE_READER if report.reader is None else report.reader
        refs = _item_refs(report)
        appendix = _appendix_body(report.appendix)
        appendix_hash = sha256_text(appendix)
        new_content = _content_hash(meta, refs, appendix_hash)

        seen_head: int | None = None
        try:
            with self._write.begin() as session:
                _lock_report(session, report_id)
                head = self._head(session, report_id)
                seen_head = None if head is None else head.number
                if expected_parent is not ... and seen_head != expected_parent:
                    raise HeadMoved(
                        f"{report_id} の最新版は {seen_head} 版になっています (想定 {expected_parent})。"
                        f"もう一度実行してください / head moved to {seen_head}, not {expected_parent}: retry",
                        seen_head,
                    )
                head_open = head_rows(session, report_id) if head is not None else []
                head_refs = [row.ref for row in head_open]
                if head is not None:
                    head_content = _content_hash(json.loads(head.meta_json), head_refs, head.appendix_hash)
                    if head_content == new_content:
                        unchanged = _info(head, self._parent_number(session, head))
                        return CommitResult(unchanged, created=False, new_blobs=0)
                else:
                    session.execute(insert(ReportRecord), [{"id": report_id, "created_at": created_at}])

                values = {value_hash(item.value): item.value for item in report.items}
                new_blobs = self._insert_missing_blobs(session, values, appendix_hash, appendix)

                @functools.cache
                def parent() -> Report:
                    """The head as a Report, built once for counts, note and classify alike."""
                    assert head is not None
                    return self._head_report(session, head, head_open, report, values, appendix_hash)

                number = 1 if head is None else head.number + 1
                if counts is not None and head is not None and head.reader != report.reader:
                    # Paths built by another reader: count what the caller's alignment sees.
                    added, removed, modified = counts(parent())
                else:
                    added, removed, modified = _diff_counts(head_refs, refs)
                record = VersionRecord(
                    report_id=report_id,
                    number=number,
                    parent_id=None if head is None else head.id,
                    created_at=created_at,
                    author=author,
                    message=message,
                    meta_json=canonical_json(meta),
                    appendix_hash=appendix_hash,
                    item_count=len(refs),
                    added=added,
                    removed=removed,
                    modified=modified,
                    hash=version_hash(
                        parent=None if head is None else head.hash,
                        report_id=report_id,
                        number=number,
                        created_at=created_at,
                        author=author,
                        message=message,
                        meta=meta,
                        appendix_hash=appendix_hash,
                        items=refs,
                        reader=reader,
                    ),
                    reader=reader,
                )
                session.add(record)
                session.flush()
                write_items(session, report_id, number, head_open, refs)
                info = _info(record, None if head is None else head.number)
                noted = note(parent()) if note is not None and head is not None else {}
                commit_event = NewEvent(
                    kind="commit",
                    actor=author,
                    at=created_at,
                    version=number,
                    payload={**noted, "message": message, "hash": record.hash, "items": len(refs),
                             "added": added, "removed": removed, "modified": modified},
                )
                if classify is not None and head is not None:
                    events = [*events, *classify(parent(), head.number)]
                append_events(session, report_id, [commit_event, *events])
        except IntegrityError as exc:
            # A unique key taken by someone else shows as a moved head; anything else is a real bug.
            if self._head_number(report_id) == seen_head:
                raise
            raise StoreError(
                f"同時に別の commit が行われました。もう一度実行してください / "
                f"concurrent commit to {report_id}, please retry"
            ) from exc
        return CommitResult(info, created=True, new_blobs=new_blobs)

    @staticmethod
    def _insert_missing_blobs(session: Session, values: dict[str, Value], appendix_hash: str, appendix: str) -> int:
        """Insert the blobs the database lacks, found with chunked IN queries; returns how many."""
        wanted = sorted({*values, appendix_hash})
        existing: set[str] = set()
        for chunk in _chunks(wanted):
            existing.update(session.scalars(select(Blob.hash).where(Blob.hash.in_(chunk))))
        rows = []
        for hash_ in wanted:
            if hash_ in existing:
                continue
            if hash_ == appendix_hash:
                rows.append({"hash": hash_, "kind": APPENDIX_KIND, "body": encode_body(appendix)})
            else:
                value = values[hash_]
                rows.append({"hash": hash_, "kind": value.kind, "body": encode_body(value_canonical(value))})
        if rows:
            # Blobs are shared by all reports, and writers of different reports do not queue
            # on PostgreSQL: a blob another writer has just inserted is simply already there.
            dialect = session.get_bind().dialect.name
            if dialect == "postgresql":
                from sqlalchemy.dialects.postgresql import insert as pg_insert  # only PostgreSQL pays for it

                session.execute(pg_insert(Blob).on_conflict_do_nothing(index_elements=["hash"]), rows)
            else:
                session.execute(insert(Blob), rows)
        return len(rows)

    def append(self, report_id: str, events: Sequence[NewEvent]) -> None:
        """Append events (overrides, generated tables) to an existing report's trail."""
        with self._write.begin() as session:
            _lock_report(session, report_id)
            self._require_report(session, report_id)
            append_events(session, report_id, events)

    # -- reading -----------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session for queries that live outside this class (audit, verify)."""
        with self._read() as session:
            yield session

    def require_report(self, report_id: str) -> None:
        """Raise UnknownReport unless the report exists (versions or not)."""
        with self._read() as session:
            self._require_report(session, report_id)

    def report_ids(self) -> list[str]:
        """Every stored report id, sorted."""
        with self._read() as session:
            return list(session.scalars(select(ReportRecord.id).order_by(ReportRecord.id)))

    def log(self, report_id: str) -> list[VersionInfo]:
        """Every version of the report, oldest first."""
        with self._read() as session:
            self._require_report(session, report_id)
            query = select(VersionRecord).where(VersionRecord.report_id == report_id).order_by(VersionRecord.number)
            records = session.scalars(query).all()
            numbers = {record.id: record.number for record in records}
            return [
                _info(record, None if record.parent_id is None else numbers[record.parent_id]) for record in records
            ]

    def version(self, report_id: str, number: int | None = None) -> VersionInfo:
        """One version's description; number None means the newest."""
        with self._read() as session:
            record = self._find(session, report_id, number)
            return _info(record, self._parent_number(session, record))

    def head_reader(self, report_id: str) -> int | None:
        """The reader that built the newest version's paths (LEGACY_READER where none was recorded),
        None when the report has no version: what a commit needs to know before reading the head."""
        with self._read() as session:
            head = self._head(session, report_id)
            if head is None:
                return None
            return LEGACY_READER if head.reader is None else head.reader

    def checkout(self, report_id: str, number: int | None = None) -> Report:
        """The Report exactly as committed: cover, items in order with labels, ※ and values, appendix."""
        with self._read() as session:
            return self._checkout(session, self._find(session, report_id, number))

    @staticmethod
    def _checkout(session: Session, record: VersionRecord) -> Report:
        rows = session.execute(
            tree_query(record.report_id, record.number, Blob.body).join(Blob, Blob.hash == ItemRecord.value_hash)
        ).all()
        appendix_body = session.scalar(select(Blob.body).where(Blob.hash == record.appendix_hash))
        if appendix_body is None:
            raise StoreError(f"付録が見つかりません / appendix blob missing: {record.appendix_hash}")
        values: dict[str, Value] = {}
        items = [Store._item(path, label, star, hash_, body, values) for path, label, star, hash_, body in rows]
        return Report(
            meta=meta_from_json(json.loads(record.meta_json)),
            items=tuple(items),
            appendix=tuple(row_from_json(row) for row in json.loads(decode_body(appendix_body))),
            reader=LEGACY_READER if record.reader is None else record.reader,
        )

    def walk(self, report_id: str, start: int, stop: int) -> Iterator[tuple[VersionInfo, Report]]:
        """Versions ``start`` … ``stop`` in order, each read from its predecessor plus the rows its
        revision changed (one query each), so memory holds one version whatever the history's length."""
        with self._read() as session:
            first = self._find(session, report_id, start)
            self._find(session, report_id, stop)
            records = session.scalars(
                select(VersionRecord)
                .where(VersionRecord.report_id == report_id, VersionRecord.number.between(start, stop))
                .order_by(VersionRecord.number)
            )
            live: dict[int, tuple[int, Item, str]] = {}  # row id -> (position, item, value hash)
            rows = session.execute(tree_query(report_id, start, ItemRecord.id, ItemRecord.position, Blob.body)
                                   .join(Blob, Blob.hash == ItemRecord.value_hash))
            values: dict[str, Value] = {}
            for path, label, star, hash_, id_, position, body in rows:
                live[id_] = (position, self._item(path, label, star, hash_, body, values), hash_)
            appendix: tuple[str, tuple[ChangeRow, ...]] | None = None
            parent_number: int | None = self._parent_number(session, first)
            for record in records:
                if record.number > start:
                    for id_, body, since, path, label, star, hash_, position in session.execute(
                        changes_query(report_id, record.number, ItemRecord.id, Blob.body)
                        .join(Blob, Blob.hash == ItemRecord.value_hash)
                    ):
                        if since == record.number:
                            live[id_] = (position, self._item(path, label, star, hash_, body, values), hash_)
                        else:
                            live.pop(id_, None)
                    # Keep only the values the current version holds.
                    values = {hash_: item.value for _, item, hash_ in live.values()}
                if appendix is None or appendix[0] != record.appendix_hash:
                    appendix = (record.appendix_hash, self._appendix(session, record.appendix_hash))
                report = Report(
                    meta=meta_from_json(json.loads(record.meta_json)),
                    items=tuple(entry[1] for entry in sorted(live.values(), key=lambda entry: entry[0])),
                    appendix=appendix[1],
                    reader=LEGACY_READER if record.reader is None else record.reader,
                )
                yield _info(record, parent_number), report
                parent_number = record.number

    @staticmethod
    def _item(path: str, label: str, star: bool, hash_: str, body: bytes, values: dict[str, Value]) -> Item:
        if hash_ not in values:
            values[hash_] = value_from_json(json.loads(decode_body(body)))
        return Item(ItemPath.parse(path), label, bool(star), values[hash_])

    @staticmethod
    def _head_report(session: Session, head: VersionRecord, rows: Sequence[OpenRow], report: Report,
                     values: dict[str, Value], appendix_hash: str) -> Report:
        """The head as :meth:`_checkout` would read it, from its open ``rows`` (the very rows of its tree).

        A commit compares the head with ``report``, which shares nearly all of its values, paths and
        often its appendix: those are taken from ``report`` (equal hashes are equal values) and only
        the others are fetched and decoded, so a commit does not read the whole head back (issue 13)."""
        known = dict(values)
        missing = sorted({row.ref[3] for row in rows} - known.keys())
        for chunk in _chunks(missing):
            for hash_, body in session.execute(select(Blob.hash, Blob.body).where(Blob.hash.in_(chunk))):
                known[hash_] = value_from_json(json.loads(decode_body(body)))
        if len(known) < len(values) + len(missing):
            raise StoreError(f"値が見つかりません / value blobs missing in {head.report_id}@{head.number}")
        paths = {str(item.path): item.path for item in report.items}
        items = tuple(Item(paths.get(path) or ItemPath.parse(path), label, star, known[hash_])
                      for path, label, star, hash_ in (row.ref for row in rows))
        same_appendix = head.appendix_hash == appendix_hash
        return Report(
            meta=meta_from_json(json.loads(head.meta_json)),
            items=items,
            appendix=report.appendix if same_appendix else Store._appendix(session, head.appendix_hash),
            reader=LEGACY_READER if head.reader is None else head.reader,
        )

    @staticmethod
    def _appendix(session: Session, appendix_hash: str) -> tuple[ChangeRow, ...]:
        body = session.scalar(select(Blob.body).where(Blob.hash == appendix_hash))
        if body is None:
            raise StoreError(f"付録が見つかりません / appendix blob missing: {appendix_hash}")
        return tuple(row_from_json(row) for row in json.loads(decode_body(body)))

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _head(session: Session, report_id: str) -> VersionRecord | None:
        return session.scalar(
            select(VersionRecord)
            .where(VersionRecord.report_id == report_id)
            .order_by(VersionRecord.number.desc())
            .limit(1)
        )

    def _head_number(self, report_id: str) -> int | None:
        with self._read() as session:
            return session.scalar(select(func.max(VersionRecord.number)).where(VersionRecord.report_id == report_id))

    @staticmethod
    def _require_report(session: Session, report_id: str) -> None:
        if session.get(ReportRecord, report_id) is None:
            raise UnknownReport(f"評価書 '{report_id}' は登録されていません / unknown report: {report_id}")

    def _find(self, session: Session, report_id: str, number: int | None) -> VersionRecord:
        self._require_report(session, report_id)
        if number is None:
            head = self._head(session, report_id)
            if head is None:
                raise UnknownVersion(f"評価書 '{report_id}' に版がありません / no versions of {report_id}")
            return head
        record = session.scalar(
            select(VersionRecord).where(VersionRecord.report_id == report_id, VersionRecord.number == number)
        )
        if record is None:
            low, high = session.execute(
                select(func.min(VersionRecord.number), func.max(VersionRecord.number)).where(
                    VersionRecord.report_id == report_id
                )
            ).one()
            available = "なし / none" if low is None else f"{low}–{high}"
            raise UnknownVersion(
                f"評価書 '{report_id}' に版 {number} はありません (あるのは {available}) / "
                f"unknown version: {report_id}@{number} (available: {available})"
            )
        return record

    @staticmethod
    def _parent_number(session: Session, record: VersionRecord) -> int | None:
        if record.parent_id is None:
            return None
        return session.scalar(select(VersionRecord.number).where(VersionRecord.id == record.parent_id))

    # -- policies adopted for a report (hyoka policy use; see hyoka.store.policies) ----------

    def put_policy(self, report_id: str, body: str, event: NewEvent) -> None:
        """Store a policy blob (``body``: canonical JSON of kind "policy", addressed by its sha256)
        and append ``event``, which names that hash, to the report's trail: one transaction."""
        digest = sha256_text(body)
        with self._write.begin() as session:
            _lock_report(session, report_id)
            self._require_report(session, report_id)
            row = {"hash": digest, "kind": "policy", "body": encode_body(body)}
            if session.get_bind().dialect.name == "postgresql":
                from sqlalchemy.dialects.postgresql import insert as pg_insert

                session.execute(pg_insert(Blob).on_conflict_do_nothing(index_elements=["hash"]), [row])
            elif session.get(Blob, digest) is None:
                session.execute(insert(Blob), [row])
            append_events(session, report_id, [event])

    def blob_text(self, digest: str, kind: str) -> str | None:
        """The body of blob ``digest`` if it is of ``kind``."""
        with self._read() as session:
            blob = session.get(Blob, digest)
            return decode_body(blob.body) if blob is not None and blob.kind == kind else None


def _info(record: VersionRecord, parent_number: int | None) -> VersionInfo:
    return VersionInfo(
        report_id=record.report_id,
        number=record.number,
        parent_number=parent_number,
        created_at=record.created_at,
        author=record.author,
        message=record.message,
        hash=record.hash,
        item_count=record.item_count,
        added=record.added,
        removed=record.removed,
        modified=record.modified,
    )
