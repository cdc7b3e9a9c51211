"""The audit trail's hash chain: build, append and verify events.

An event's hash covers its content and the hash of the report's previous
event (like git or a transparency log), so a row edited, deleted or moved
with raw SQL no longer matches the chain. Nothing here updates or deletes.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from json.encoder import encode_basestring as _encode_string  # what json.dumps(ensure_ascii=False) uses
from operator import itemgetter
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from hyoka.model import canonical_json, sha256_text
from hyoka.store.change_texts import store_shared
from hyoka.store.sql import Tx

if TYPE_CHECKING:
    from sqlalchemy import Dialect
    from sqlalchemy.orm import Session

GENESIS = "0" * 64
EVENT_KINDS = ("commit", "classify", "change", "override", "generate", "publish", "revert", "policy")


@dataclass(frozen=True)
class NewEvent:
    """An event before it has a place in the chain."""

    kind: str
    actor: str
    at: datetime
    version: int | None = None
    change_index: int | None = None
    path: str | None = None
    important: bool | None = None
    timing: str | None = None
    category: str | None = None
    rule: str | None = None
    payload: dict[str, object] = field(default_factory=dict)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


# The event's own columns, shared by the hash and the row (at and payload are added in their form).
_COLUMNS = ("kind", "actor", "version", "change_index", "path", "important", "timing", "category", "rule")


def _columns(event: NewEvent) -> dict[str, object]:
    return {name: getattr(event, name) for name in _COLUMNS}


def event_hash_text(report_id: str, seq: int, event: NewEvent, prev_hash: str) -> str:
    """The text an event's hash is over: everything the row says, and the previous event's hash."""
    data = {"report": report_id, "seq": seq, **_columns(event), "at": _iso(event.at), "payload": event.payload,
            "prev": prev_hash}
    return canonical_json(data)


def event_hash(report_id: str, seq: int, event: NewEvent, prev_hash: str) -> str:
    """Hash over everything the row says, and the previous event's hash."""
    return sha256_text(event_hash_text(report_id, seq, event, prev_hash))


def chain_rows(report_id: str, events: Sequence[NewEvent], last_seq: int, last_hash: str) -> list[dict[str, object]]:
    """Rows for ``events`` following (last_seq, last_hash), ready for one bulk insert."""
    rows: list[dict[str, object]] = []
    prev = last_hash
    for offset, event in enumerate(events, 1):
        if event.kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind: {event.kind}")
        if event.at.tzinfo is None:
            raise ValueError("event time must be timezone-aware")
        seq = last_seq + offset
        digest = event_hash(report_id, seq, event, prev)
        rows.append({"report_id": report_id, "seq": seq, **_columns(event), "at": event.at,
                     "payload": canonical_json(event.payload), "prev_hash": prev, "hash": digest})
        prev = digest
    return rows


# The columns of an events row in the order chain_rows gives them.
_ROW_COLUMNS = ("report_id", "seq", *_COLUMNS, "at", "payload", "prev_hash", "hash")
_INSERT_EVENTS = (f"INSERT INTO events ({', '.join(_ROW_COLUMNS)}) "
                  f"VALUES ({', '.join(':' + name for name in _ROW_COLUMNS)})")


def append_events(tx: Tx, report_id: str, events: Sequence[NewEvent]) -> None:
    """Append to the report's chain inside the caller's transaction, in one executemany.

    (report_id, seq) is unique, so two writers racing for the same place fail
    instead of forking the chain. A change event's long texts are stored as the blobs they
    equal and named by hash (:mod:`hyoka.store.change_texts`).
    """
    if not events:
        return
    events = store_shared(tx, events)
    last = tx.rows("SELECT seq, hash FROM events WHERE report_id = :report ORDER BY seq DESC LIMIT 1",
                   {"report": report_id})
    last_seq, last_hash = (0, GENESIS) if not last else (last[0][0], last[0][1])
    tx.run(_INSERT_EVENTS, chain_rows(report_id, events, last_seq, last_hash))


def record_to_event(record: Any) -> NewEvent:
    """The event an ``events`` row (ORM record or Core row) says."""
    return NewEvent(
        kind=record.kind,
        actor=record.actor,
        at=record.at,
        version=record.version,
        change_index=record.change_index,
        path=record.path,
        important=None if record.important is None else bool(record.important),
        timing=record.timing,
        category=record.category,
        rule=record.rule,
        payload=json.loads(record.payload),
    )


@dataclass(frozen=True)
class Break:
    """The first broken link of a report's chain, located for a person to look at."""

    report_id: str
    seq: int
    event_id: int | None  # None: the row was not found again by its seq
    problem: str

    def __str__(self) -> str:
        where = "" if self.event_id is None else f" (id {self.event_id})"
        return f"評価書 {self.report_id} の監査記録 #{self.seq}{where}: {self.problem}"


def _json_value(value: object) -> str:
    """canonical_json of a column value (str, int, bool or None), without going through json.dumps."""
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    raise TypeError(f"unexpected column value {value!r}")


def stored_hash_text(report_id: str, record: Any, prev_hash: str) -> str:
    """:func:`event_hash_text` assembled from the row, its payload column taken verbatim.

    hyoka stores every payload as its canonical JSON, so for a row it wrote this is the very
    text the hash covers, without parsing and re-serialising the payload (most of verify's
    time). A row whose payload is not canonical simply fails to match here, and the caller
    falls back to :func:`event_hash_text`. Keys in sorted order, as canonical_json writes them."""
    j = _json_value
    important = record.important
    return (
        f'{{"actor":{j(record.actor)},"at":"{_iso(record.at)}","category":{j(record.category)},'
        f'"change_index":{j(record.change_index)},'
        f'"important":{"null" if important is None else ("true" if important else "false")},'
        f'"kind":{j(record.kind)},"path":{j(record.path)},"payload":{record.payload},'
        f'"prev":{_encode_string(prev_hash)},"report":{_encode_string(report_id)},"rule":{j(record.rule)},'
        f'"seq":{j(record.seq)},"timing":{j(record.timing)},"version":{j(record.version)}}}'
    )


# The columns the chain walk reads, in this order, as plain DB-API tuples: everything an
# event's hash covers, and its stored hash. ``id`` is left out (one column less on every
# row of a walk over millions); a broken link looks it up (:func:`event_id_finder`).
CHAIN_COLUMNS = ("seq", "prev_hash", "hash", "actor", "at", "category", "change_index", "important", "kind",
                 "path", "payload", "rule", "timing", "version")
CHAIN_BATCH = 2000
_BOOLEANS: dict[object, bytes] = {1: b"true", 0: b"false", None: b"null"}  # True == 1: PostgreSQL's bools too
# The hash text of a row, as stored_hash_text spells it, in UTF-8. Built with bytes % (one C call per
# row, no str to encode afterwards): payload and prev_hash are read as UTF-8 bytes (_AS_BYTES). seq
# goes in by %d, which would also print an integral float as an int; but the batch only passes if
# the seqs equal 1, 2, 3 …, and no float comes out of an INTEGER column (see EncodedValues).
_TEMPLATE = (b'{"actor":%b,"at":"%b","category":%b,"change_index":%b,"important":%b,"kind":%b,"path":%b,'
             b'"payload":%b,"prev":"%b","report":%b,"rule":%b,"seq":%d,"timing":%b,"version":%b}')
_JSON_INDEXES = tuple(CHAIN_COLUMNS.index(name) for name in (
    "actor", "category", "change_index", "kind", "path", "rule", "timing", "version"))
_AT = CHAIN_COLUMNS.index("at")


def at_converter(dialect: Dialect) -> Any:
    """The function that turns a raw ``events.at`` value into what the ORM would return."""
    from hyoka.store.schema import EventRecord

    column_type = EventRecord.__table__.c.at.type
    convert = column_type.dialect_impl(dialect).result_processor(dialect, None)
    return convert if convert is not None else (lambda value: value)


class EncodedValues:
    """canonical_json (in UTF-8) of the column values walks have met, and the ISO text of each raw
    time, kept across the reports of one verify: they share actors, kinds, rules, paths and
    numbers, and a report's events share their commit times. Filled a batch at a time (:meth:`learn`).

    The keys are raw DB-API values; an int key would answer for a float or bool equal to it, but
    neither comes out of these columns (SQLite stores an integral REAL in an INTEGER column as an
    integer and a number in a TEXT column as text; PostgreSQL's types are fixed), and verify's
    first step rejects stray storage classes anyway. Past :attr:`LIMIT` entries it starts afresh,
    so a store of many distinct values costs bounded memory."""

    LIMIT = 200_000

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        self.json: dict[object, bytes] = {}
        self.iso: dict[object, bytes] = {}
        self.convert = convert

    def learn(self, rows: Sequence[Sequence[Any]]) -> None:
        """Encode the batch's values not met before; TypeError on a value of no column type."""
        if len(self.json) + len(self.iso) > self.LIMIT:
            self.json.clear()
            self.iso.clear()
        known, iso = self.json, self.iso
        for index in _JSON_INDEXES:
            for value in set(map(itemgetter(index), rows)).difference(known):
                known[value] = _json_value(value).encode()
        for raw in set(map(itemgetter(_AT), rows)).difference(iso):
            moment = self.convert(raw)
            if not isinstance(moment, datetime):
                raise TypeError(f"unexpected time {raw!r}")
            iso[raw] = _iso(moment).encode()


class ChainWalk:
    """One report's events checked in seq order, holding only the previous hash.

    :meth:`check` takes a batch of raw rows (:data:`CHAIN_COLUMNS`) and checks it whole: each
    row's hash text is assembled from its columns (payload spliced verbatim, other values
    encoded once and reused), hashed once, and the digests, links and numbers are compared
    list against list. Only a batch where something does not match is walked again row by
    row (:meth:`step`), which re-serialises what is not canonical and names the first break.
    """

    def __init__(self, report_id: str, dialect: Dialect | None = None,
                 locate: Callable[[int], int | None] | None = None, values: EncodedValues | None = None) -> None:
        self.report_id = report_id
        self.prev = GENESIS
        self.count = 0
        self._report_json = _encode_string(report_id).encode()
        self._convert = at_converter(dialect) if dialect is not None else (lambda value: value)
        self._locate = locate
        self._values = values if values is not None else EncodedValues(self._convert)

    def texts(self, rows: Sequence[Sequence[Any]]) -> list[bytes]:
        """The hash text of each row, as :func:`stored_hash_text` spells it; TypeError or KeyError
        on a value the fast spelling does not cover (the caller then walks row by row)."""
        try:
            return self._texts(rows)
        except KeyError:
            self._values.learn(rows)
            return self._texts(rows)

    def _texts(self, rows: Sequence[Sequence[Any]]) -> list[bytes]:
        values = self._values
        j, iso, b, report, template = values.json, values.iso, _BOOLEANS, self._report_json, _TEMPLATE
        return [
            template % (j[actor], iso[at], j[category], j[change_index], b[important], j[kind], j[path], payload,
                        prev, report, j[rule], seq, j[timing], j[version])
            for (seq, prev, _, actor, at, category, change_index, important, kind, path, payload, rule, timing,
                 version) in rows
        ]

    def check(self, rows: Sequence[Sequence[Any]]) -> Break | None:
        """The first problem in this batch (the rows following those already checked), or None."""
        if not rows:
            return None
        sha256 = hashlib.sha256
        try:
            digests = [sha256(text).hexdigest() for text in self.texts(rows)]
        except (TypeError, KeyError, ValueError, UnicodeError):
            digests = None
        if digests is not None and self._links_hold(rows, digests):
            self.prev = digests[-1]
            self.count += len(rows)
            return None
        for row in rows:
            broken = self.step(row_record(row, self._convert))
            if broken is not None:
                return broken
        return None

    def _links_hold(self, rows: Sequence[Sequence[Any]], digests: list[str]) -> bool:
        """Every stored hash is its digest, every prev_hash the hash before it, seqs run on from the last.

        prev_hash comes as bytes: joined with a space on both sides, the digests being hex, the
        two joins are equal only if each prev_hash is its digest (no space can hide in one)."""
        hashes = [row[2] for row in rows]
        if hashes != digests:
            return False
        first = self.count + 1
        if [row[0] for row in rows] != list(range(first, first + len(rows))):
            return False
        try:
            return b" ".join([row[1] for row in rows]) == " ".join([self.prev, *digests[:-1]]).encode()
        except TypeError:  # a prev_hash not read as bytes
            return False

    def _break(self, record: Any, problem: str) -> Break:
        event_id = record.id
        if event_id is None and self._locate is not None:
            event_id = self._locate(record.seq)
        return Break(self.report_id, record.seq, event_id, problem)

    def step(self, record: Any) -> Break | None:
        """The problem with this event, or None (and the walk moves past it)."""
        report_id = self.report_id
        expected_seq = self.count + 1
        if record.seq != expected_seq:
            return self._break(record, f"番号が飛んでいます (期待 {expected_seq}) / seq gap")
        if record.prev_hash != self.prev:
            return self._break(record, "直前の記録とつながりません / previous hash mismatch")
        try:
            fast = hashlib.sha256(stored_hash_text(report_id, record, self.prev).encode("utf-8")).hexdigest()
        except (TypeError, AttributeError, ValueError):
            fast = None
        if fast == record.hash:
            self.prev = record.hash
            self.count += 1
            return None
        try:
            event = record_to_event(record)
        except (ValueError, TypeError):
            return self._break(record, "内容が読めません / unreadable payload")
        if event_hash(report_id, record.seq, event, self.prev) != record.hash:
            return self._break(record, "内容が書き換えられています / content does not match hash")
        self.prev = record.hash
        self.count += 1
        return None


def row_record(row: Sequence[Any], convert: Callable[[Any], Any]) -> SimpleNamespace:
    """A raw chain row (:data:`CHAIN_COLUMNS`) as :meth:`ChainWalk.step` and verify's pairing read
    an ORM row: ``at`` converted as the ORM converts it, payload and prev_hash back to text, ``id``
    left to be found (None)."""
    record = SimpleNamespace(**dict(zip(CHAIN_COLUMNS, row, strict=True)))
    record.at = convert(record.at)
    for name in ("payload", "prev_hash"):
        value = getattr(record, name)
        if isinstance(value, bytes):
            with contextlib.suppress(UnicodeDecodeError):  # else left as bytes, to match nothing
                setattr(record, name, value.decode("utf-8"))
    record.id = None
    return record


def check_chain(report_id: str, records: Iterable[Any]) -> Break | None:
    """Walk one report's events (records with attributes, ``at`` aware) in seq order; the first problem, or None."""
    walk = ChainWalk(report_id)
    for record in records:
        broken = walk.step(record)
        if broken is not None:
            return broken
    return None


def iter_report_events(session: Session, report_id: str, batch: int = 5000) -> Iterator[Any]:
    """The report's events in seq order as plain rows (no ORM objects), fetched in batches."""
    from sqlalchemy import select

    from hyoka.store.schema import EventRecord

    query = select(*EventRecord.__table__.columns).where(EventRecord.report_id == report_id).order_by(EventRecord.seq)
    yield from session.execute(query.execution_options(yield_per=batch))


_CURSOR_NAMES = itertools.count(1)  # a server-side cursor's name is unique while it is open


# payload and prev_hash as UTF-8 bytes, which the hash text is made of; SQLite's CAST keeps a
# text's bytes, PostgreSQL's convert_to writes them. Any other backend reads text, and the
# batches then take the row-by-row path (correct, only slower).
_AS_BYTES = {"sqlite": 'CAST("{0}" AS BLOB)', "postgresql": "convert_to(\"{0}\", 'UTF8')"}


def _placeholder(dialect: Dialect) -> tuple[str, bool]:
    """The DB-API placeholder for one parameter, and whether parameters go by name."""
    style = dialect.paramstyle
    if style in ("pyformat", "named"):
        return ("%(report_id)s" if style == "pyformat" else ":report_id"), True
    return {"qmark": "?", "format": "%s", "numeric": ":1"}[style], False


def iter_chain_batches(session: Session, report_id: str, batch: int = CHAIN_BATCH) -> Iterator[list[tuple[Any, ...]]]:
    """The report's events in seq order as raw DB-API tuples (:data:`CHAIN_COLUMNS`), a batch at a time,
    payload and prev_hash as UTF-8 bytes (:func:`row_record` turns a row back into text).

    A plain cursor on the session's own connection (same transaction): SQLAlchemy's rows and
    result processing cost more than the hashing itself on a walk over every event. On
    PostgreSQL the cursor is a server-side one, so a long chain streams."""
    connection = session.connection()
    dialect = connection.dialect
    mark, named = _placeholder(dialect)
    as_bytes = _AS_BYTES.get(dialect.name, '"{0}"')
    columns = ", ".join(as_bytes.format(name) if name in ("payload", "prev_hash") else f'"{name}"'
                        for name in CHAIN_COLUMNS)
    sql = f'SELECT {columns} FROM "events" WHERE "report_id" = {mark} ORDER BY "seq"'
    raw = connection.connection
    cursor = raw.cursor(name=f"hyoka_chain_{next(_CURSOR_NAMES)}") if dialect.name == "postgresql" else raw.cursor()
    try:
        cursor.execute(sql, {"report_id": report_id} if named else (report_id,))
        while rows := cursor.fetchmany(batch):
            yield rows
    finally:
        cursor.close()


def event_id_finder(session: Session, report_id: str) -> Callable[[int], int | None]:
    """``seq`` → the row's id, for naming a broken link (the walk does not read ids)."""

    from sqlalchemy import select

    from hyoka.store.schema import EventRecord

    def find(seq: int) -> int | None:
        try:
            return session.execute(select(EventRecord.id).where(EventRecord.report_id == report_id,
                                                                EventRecord.seq == seq).limit(1)).scalar()
        except (TypeError, ValueError):
            return None

    return find


def walk_report_chain(session: Session, report_id: str,
                      also: Callable[[list[tuple[Any, ...]]], None] | None = None,
                      values: EncodedValues | None = None) -> tuple[Break | None, int]:
    """The first break of the report's event chain (or None) and the number of events checked.

    ``also`` sees each batch once the chain through it holds (verify pairs events with versions
    there), so whatever reads the rows reads them in the same single pass. ``values`` carries the
    encodings from one report's walk to the next (made with :func:`at_converter` of this dialect)."""
    walk = ChainWalk(report_id, session.get_bind().dialect, event_id_finder(session, report_id), values)
    for rows in iter_chain_batches(session, report_id):
        broken = walk.check(rows)
        if broken is not None:
            return broken, walk.count
        if also is not None:
            also(rows)
    return None, walk.count
