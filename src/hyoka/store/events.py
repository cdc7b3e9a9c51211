"""The audit trail's hash chain: build, append and verify events.

An event's hash covers its content and the hash of the report's previous
event (like git or a transparency log), so a row edited, deleted or moved
with raw SQL no longer matches the chain. Nothing here updates or deletes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from json.encoder import encode_basestring as _encode_string  # what json.dumps(ensure_ascii=False) uses
from typing import TYPE_CHECKING, Any

from hyoka.model import canonical_json, sha256_text
from hyoka.store.sql import Tx

if TYPE_CHECKING:
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
    instead of forking the chain.
    """
    if not events:
        return
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
    event_id: int
    problem: str

    def __str__(self) -> str:
        return f"評価書 {self.report_id} の監査記録 #{self.seq} (id {self.event_id}): {self.problem}"


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


class ChainWalk:
    """One report's events checked one at a time, in seq order, holding only the previous hash."""

    def __init__(self, report_id: str) -> None:
        self.report_id = report_id
        self.prev = GENESIS
        self.count = 0

    def step(self, record: Any) -> Break | None:
        """The problem with this event, or None (and the walk moves past it)."""
        report_id = self.report_id
        expected_seq = self.count + 1
        if record.seq != expected_seq:
            return Break(report_id, record.seq, record.id, f"番号が飛んでいます (期待 {expected_seq}) / seq gap")
        if record.prev_hash != self.prev:
            return Break(report_id, record.seq, record.id, "直前の記録とつながりません / previous hash mismatch")
        try:
            fast = hashlib.sha256(stored_hash_text(report_id, record, self.prev).encode("utf-8")).hexdigest()
        except TypeError:
            fast = None
        if fast == record.hash:
            self.prev = record.hash
            self.count += 1
            return None
        try:
            event = record_to_event(record)
        except (ValueError, TypeError):
            return Break(report_id, record.seq, record.id, "内容が読めません / unreadable payload")
        if event_hash(report_id, record.seq, event, self.prev) != record.hash:
            return Break(report_id, record.seq, record.id, "内容が書き換えられています / content does not match hash")
        self.prev = record.hash
        self.count += 1
        return None


def check_chain(report_id: str, records: Iterable[Any]) -> Break | None:
    """Walk one report's events in seq order; the first problem found, or None."""
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
