"""Commit, log and check out versions of reports: the store's whole public behaviour.

A commit is one transaction. Values are written as content-addressed blobs
(only the ones the database lacks), the version row carries a hash over its
parent's hash and its own content, and committing unchanged content is a
no-op, so re-running a commit never creates noise versions.

Writes (commit, append, adopting a policy) and the few reads a commit needs are plain SQL run
through :mod:`hyoka.store.sql`; on a SQLite file they use the ``sqlite3`` module directly, so
`hyoka commit` does not pay for importing SQLAlchemy (issue 13). Every other read is
:class:`hyoka.store.reads.StoreReads`, built on first use.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import EllipsisType, TracebackType
from typing import TYPE_CHECKING, Any, Self

from hyoka.errors import HyokaError, StoreError, UnknownReport
from hyoka.model import (
    LEGACY_READER,
    NATIVE_READER,
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
    blob_bodies,
    decode_body,
    encode_body,
    head_rows,
    insert_blobs,
    insert_missing_blobs,
    write_items,
)
from hyoka.store.migrate import (
    HEAD_REVISION,
    VERSION_TABLE,
    check_initialised,
    display_url,
    make_engine,
    plain_sqlite_file,
    resolve_url,
)
from hyoka.store.sql import (
    APPENDIX_KIND,
    REPORT_ID_LENGTH,
    AlchemyTx,
    Tx,
    sqlite_connect,
    sqlite_tx,
    unique_taken,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from hyoka.store.reads import StoreReads

    _Reads = StoreReads
else:
    _Reads = object

_CONNECTIONS_LOCK = threading.Lock()

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


@dataclass(frozen=True)
class HeadRow:
    """The newest ``versions`` row of a report as the commit reads it (the ORM record's attributes)."""

    id: int
    report_id: str
    number: int
    parent_id: int | None
    created_at: datetime
    author: str
    message: str
    meta_json: str
    appendix_hash: str
    item_count: int
    added: int
    removed: int
    modified: int
    hash: str
    reader: int | None


_HEAD_COLUMNS = ", ".join(HeadRow.__dataclass_fields__)


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


def _lock_report(tx: Tx, report_id: str) -> None:
    """Queue writers of one report, as SQLite's BEGIN IMMEDIATE does for the whole file.

    On PostgreSQL a transaction-scoped advisory lock on the report id makes the
    second writer wait for the first to commit, then read the new head, instead
    of failing on the unique (report_id, number) key.
    """
    if tx.dialect == "postgresql":
        tx.rows("SELECT pg_advisory_xact_lock(hashtext(:report))", {"report": report_id})


def _head(tx: Tx, report_id: str) -> HeadRow | None:
    rows = tx.rows(f"SELECT {_HEAD_COLUMNS} FROM versions WHERE report_id = :report ORDER BY number DESC LIMIT 1",
                   {"report": report_id})
    if not rows:
        return None
    row = HeadRow(*rows[0])
    return replace(row, created_at=tx.time(row.created_at))


def _require_report(tx: Tx, report_id: str) -> None:
    if not tx.rows("SELECT 1 FROM reports WHERE id = :report", {"report": report_id}):
        raise UnknownReport(f"評価書 '{report_id}' は登録されていません / unknown report: {report_id}")


class Store(_Reads):
    """A connection to one database of versioned reports.

    Opening checks that the schema is at the current migration, so every
    later call can assume the tables exist. A plain SQLite file is checked and written with the
    ``sqlite3`` module; the SQLAlchemy engine (every other database, and the reads of
    :class:`~hyoka.store.reads.StoreReads`, which this class hands any attribute it lacks) is
    made on first use.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = resolve_url(url)
        self._sqlite: Path | None = None  # a plain SQLite file at the current migration
        self._local = threading.local()  # its connection in each thread
        self._connections: list[sqlite3.Connection] = []
        self._engine_made: Engine | None = None
        self._reads_made: StoreReads | None = None
        path = plain_sqlite_file(self.url)
        connection = _current_sqlite(path) if path is not None else None
        if connection is not None:
            self._sqlite = path
            self._keep(connection)
        if self._sqlite is None:
            # Made and checked now: a missing, foreign or outdated database is refused as before.
            self._engine  # noqa: B018

    @property
    def _engine(self) -> Engine:
        if self._engine_made is None:
            engine = make_engine(self.url)
            if self._sqlite is None:  # a plain SQLite file was checked when it was opened
                try:
                    check_initialised(engine, self.url)
                except BaseException:
                    engine.dispose()
                    raise
            self._engine_made = engine
        return self._engine_made

    @property
    def _reads(self) -> StoreReads:
        if self._reads_made is None:
            from hyoka.store.reads import StoreReads

            self._reads_made = StoreReads(self._engine)
        return self._reads_made

    def __getattr__(self, name: str) -> Any:
        """The reads this class does not answer itself (log, checkout, walk, …) are StoreReads'."""
        if name.startswith("__") or name in {"_sqlite", "_local", "_connections", "_engine_made", "_reads_made",
                                             "_engine", "_reads"}:
            raise AttributeError(name)
        return getattr(self._reads, name)

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
        while self._connections:
            self._connections.pop().close()
        self._local = threading.local()  # a Store used again opens new connections, as an engine would
        if self._engine_made is not None:
            self._engine_made.dispose()

    @contextmanager
    def _tx(self, write: bool) -> Iterator[Tx]:
        """One transaction for the statements of :mod:`hyoka.store.sql`. On a SQLite file, on the
        calling thread's own connection, so threads sharing a Store never share a transaction."""
        if self._sqlite is not None:
            connection = getattr(self._local, "connection", None)
            if connection is None:
                connection = self._keep(sqlite_connect(self._sqlite))
            with sqlite_tx(connection, write) as tx:
                yield tx
        else:
            with (self._reads._write if write else self._reads._read).begin() as session:
                yield AlchemyTx(session)

    def _keep(self, connection: sqlite3.Connection) -> sqlite3.Connection:
        """Keep ``connection`` as this thread's until :meth:`close`. Connections are kept rather than
        closed after each transaction: closing the last one checkpoints the WAL into the file and
        deletes it, a second round of writes and fsyncs for every transaction."""
        self._local.connection = connection
        with _CONNECTIONS_LOCK:
            self._connections.append(connection)
        return connection

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
            with self._tx(write=True) as tx:
                _lock_report(tx, report_id)
                head = _head(tx, report_id)
                seen_head = None if head is None else head.number
                if expected_parent is not ... and seen_head != expected_parent:
                    raise HeadMoved(
                        f"{report_id} の最新版は {seen_head} 版になっています (想定 {expected_parent})。"
                        f"もう一度実行してください / head moved to {seen_head}, not {expected_parent}: retry",
                        seen_head,
                    )
                head_open = head_rows(tx, report_id) if head is not None else []
                head_refs = [row.ref for row in head_open]
                if head is not None:
                    head_content = _content_hash(json.loads(head.meta_json), head_refs, head.appendix_hash)
                    if head_content == new_content:
                        unchanged = info(head, _parent_number(tx, head.parent_id))
                        return CommitResult(unchanged, created=False, new_blobs=0)
                else:
                    tx.run("INSERT INTO reports (id, created_at) VALUES (:id, :created_at)",
                           {"id": report_id, "created_at": created_at})

                # The value hashes were computed once, for the refs.
                values = {ref[3]: item.value for ref, item in zip(refs, report.items, strict=True)}
                new_blobs = self._insert_missing_blobs(tx, values, appendix_hash, appendix)

                @functools.cache
                def parent() -> Report:
                    """The head as a Report, built once for counts, note and classify alike."""
                    assert head is not None
                    return _head_report(tx, head, head_open, report, values, appendix_hash)

                number = 1 if head is None else head.number + 1
                if counts is not None and head is not None and head.reader != report.reader:
                    # Paths built by another reader: count what the caller's alignment sees.
                    added, removed, modified = counts(parent())
                else:
                    added, removed, modified = _diff_counts(head_refs, refs)
                digest = version_hash(
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
                )
                record = HeadRow(
                    id=0, report_id=report_id, number=number, parent_id=None if head is None else head.id,
                    created_at=created_at, author=author, message=message, meta_json=canonical_json(meta),
                    appendix_hash=appendix_hash, item_count=len(refs), added=added, removed=removed,
                    modified=modified, hash=digest, reader=reader,
                )
                columns = {name: getattr(record, name) for name in HeadRow.__dataclass_fields__ if name != "id"}
                tx.run(f"INSERT INTO versions ({', '.join(columns)}) "
                             f"VALUES ({', '.join(':' + name for name in columns)})", columns)
                write_items(tx, report_id, number, head_open, refs)
                result = info(record, None if head is None else head.number)
                noted = note(parent()) if note is not None and head is not None else {}
                commit_event = NewEvent(
                    kind="commit",
                    actor=author,
                    at=created_at,
                    version=number,
                    payload={**noted, "message": message, "hash": digest, "items": len(refs),
                             "added": added, "removed": removed, "modified": modified},
                )
                if classify is not None and head is not None:
                    events = [*events, *classify(parent(), head.number)]
                append_events(tx, report_id, [commit_event, *events])
        except Exception as exc:
            # A unique key taken by someone else shows as a moved head; anything else is a real bug.
            if not unique_taken(exc) or self._head_number(report_id) == seen_head:
                raise
            raise StoreError(
                f"同時に別の commit が行われました。もう一度実行してください / "
                f"concurrent commit to {report_id}, please retry"
            ) from exc
        return CommitResult(result, created=True, new_blobs=new_blobs)

    @staticmethod
    def _insert_missing_blobs(tx: Tx, values: dict[str, Value], appendix_hash: str, appendix: str) -> int:
        """Insert the value and appendix blobs the database lacks; returns how many."""
        documents = {hash_: (value.kind, value_canonical(value)) for hash_, value in values.items()}
        documents[appendix_hash] = (APPENDIX_KIND, appendix)
        return insert_missing_blobs(tx, documents)

    def append(self, report_id: str, events: Sequence[NewEvent]) -> None:
        """Append events (overrides, generated tables) to an existing report's trail."""
        with self._tx(write=True) as tx:
            _lock_report(tx, report_id)
            _require_report(tx, report_id)
            append_events(tx, report_id, events)

    # -- what a commit reads -------------------------------------------------------------------

    def head_reader(self, report_id: str) -> int | None:
        """The reader that built the newest version's paths (LEGACY_READER where none was recorded),
        None when the report has no version: what a commit needs to know before reading the head."""
        with self._tx(write=False) as tx:
            head = _head(tx, report_id)
        if head is None:
            return None
        return LEGACY_READER if head.reader is None else head.reader

    def _head_number(self, report_id: str) -> int | None:
        with self._tx(write=False) as tx:
            head = _head(tx, report_id)
        return None if head is None else head.number

    # -- policies adopted for a report (hyoka policy use; see hyoka.store.policies) ----------

    def put_policy(self, report_id: str, body: str, event: NewEvent) -> None:
        """Store a policy blob (``body``: canonical JSON of kind "policy", addressed by its sha256)
        and append ``event``, which names that hash, to the report's trail: one transaction."""
        digest = sha256_text(body)
        with self._tx(write=True) as tx:
            _lock_report(tx, report_id)
            _require_report(tx, report_id)
            if tx.dialect == "postgresql" or not blob_bodies(tx, [digest]):
                insert_blobs(tx, [{"hash": digest, "kind": "policy", "body": encode_body(body)}])
            append_events(tx, report_id, [event])

    def adopted_policy(self, report_id: str, kind: str) -> tuple[str, str] | None:
        """(hash, blob text) of the newest event of ``kind`` naming a blob of that kind by its hash in
        its payload (the policy a report adopted), or None (no such event, no such report)."""
        with self._tx(write=False) as tx:
            rows = tx.rows("SELECT payload FROM events WHERE report_id = :report AND kind = :kind"
                           " ORDER BY seq DESC LIMIT 1", {"report": report_id, "kind": kind})
            if not rows:
                return None
            digest = str(json.loads(rows[0][0]).get("hash", ""))
            found = tx.rows("SELECT kind, body FROM blobs WHERE hash = :hash", {"hash": digest})
        if not found or found[0][0] != kind:
            return None
        return digest, decode_body(found[0][1])

    def blob_text(self, digest: str, kind: str) -> str | None:
        """The body of blob ``digest`` if it is of ``kind``."""
        with self._tx(write=False) as tx:
            found = tx.rows("SELECT kind, body FROM blobs WHERE hash = :hash", {"hash": digest})
        return decode_body(found[0][1]) if found and found[0][0] == kind else None


def _current_sqlite(path: Path) -> sqlite3.Connection | None:
    """A connection to the SQLite file at ``path`` if it is a hyoka database at the current migration;
    None for anything else (missing, not a database, another revision), which the SQLAlchemy check
    then refuses with its own message."""
    if not path.is_file():
        return None
    try:
        connection = sqlite_connect(path)
    except sqlite3.Error:
        return None
    try:
        revisions = {row[0] for row in connection.execute(f"SELECT version_num FROM {VERSION_TABLE}")}
    except sqlite3.Error:
        revisions = set()
    if revisions != {HEAD_REVISION}:
        connection.close()
        return None
    return connection


def _parent_number(tx: Tx, parent_id: int | None) -> int | None:
    if parent_id is None:
        return None
    rows = tx.rows("SELECT number FROM versions WHERE id = :id", {"id": parent_id})
    return rows[0][0] if rows else None


def _head_report(tx: Tx, head: HeadRow, rows: Sequence[OpenRow], report: Report, values: dict[str, Value],
                 appendix_hash: str) -> Report:
    """The head as a checkout would read it, from its open ``rows`` (the very rows of its tree).

    A commit compares the head with ``report``, which shares nearly all of its values, paths and
    often its appendix: those are taken from ``report`` (equal hashes are equal values) and only
    the others are fetched and decoded, so a commit does not read the whole head back (issue 13)."""
    known = dict(values)
    missing = sorted({row.ref[3] for row in rows} - known.keys())
    wanted = missing if head.appendix_hash == appendix_hash else [*missing, head.appendix_hash]
    bodies = blob_bodies(tx, wanted)
    if len(bodies) < len(wanted):
        raise StoreError(f"値が見つかりません / blobs missing in {head.report_id}@{head.number}")
    for hash_ in missing:
        known[hash_] = value_from_json(json.loads(decode_body(bodies[hash_])))
    paths = {str(item.path): item.path for item in report.items}
    items = tuple(Item(paths.get(path) or ItemPath.parse(path), label, star, known[hash_])
                  for path, label, star, hash_ in (row.ref for row in rows))
    if head.appendix_hash == appendix_hash:
        appendix = report.appendix
    else:
        appendix = tuple(row_from_json(row) for row in json.loads(decode_body(bodies[head.appendix_hash])))
    return Report(
        meta=meta_from_json(json.loads(head.meta_json)),
        items=items,
        appendix=appendix,
        reader=LEGACY_READER if head.reader is None else head.reader,
    )


def info(record: Any, parent_number: int | None) -> VersionInfo:
    """The VersionInfo of a ``versions`` row (ORM record or :class:`HeadRow`)."""
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
