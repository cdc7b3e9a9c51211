"""The store's read-only questions other than versions themselves: dates, heads, decisions.

Audit, tables and the CLI ask these through :class:`hyoka.store.Store` (which mixes this
class in) instead of querying the tables, so the layout of the tables stays the store's
own business.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Generator, Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from hyoka.model import Report, canonical_json, meta_to_json
from hyoka.store.change_texts import expand
from hyoka.store.events import GENESIS
from hyoka.store.items import blob_bodies
from hyoka.store.schema import EventRecord, ReportRecord, VersionRecord
from hyoka.store.sql import AlchemyTx

_WILDCARD_RE = re.compile(r"[*?\[]")
HIGH = "\uffff"


def _item_condition(pattern: str, time_ordered: bool) -> ColumnElement[bool]:
    """SQL narrowing for an item glob: the literal prefix, also under a file-qualified section.

    With ``time_ordered`` (a limit without a report) the path is wrapped so that no
    index on it is used: walking the time index and stopping after the limit beats
    collecting and sorting every match of a common prefix.
    """
    path: ColumnElement[str] = func.coalesce(EventRecord.path, "") if time_ordered else EventRecord.path
    literal = _WILDCARD_RE.split(pattern, maxsplit=1)[0]
    if not literal:
        return EventRecord.path.is_not(None)
    plain = and_(path >= literal, path < literal + HIGH)
    section, sep, _ = literal.partition("/")
    if not sep:
        return plain
    qualified = and_(path >= section + "(", path < section + "(" + HIGH)
    return or_(plain, qualified)


class StoreQueries:
    """Queries answered from versions and events rows, never from items."""

    _read: Callable[[], AbstractContextManager[Session]]

    def _require_report(self, session: Session, report_id: str) -> None:
        raise NotImplementedError

    def _find(self, session: Session, report_id: str, number: int | None) -> VersionRecord:
        raise NotImplementedError

    def dated_versions(self) -> Iterator[tuple[str, int, str, datetime]]:
        """(report id, number, 公表日 as written on the cover, commit time) of every version, by report
        and number: what deadlines are computed from, without reading any items."""
        with self._read() as session:
            rows = session.execute(
                select(VersionRecord.report_id, VersionRecord.number, VersionRecord.meta_json,
                       VersionRecord.created_at).order_by(VersionRecord.report_id, VersionRecord.number)
            ).all()
        for report_id, number, meta_json, created_at in rows:
            yield report_id, number, str(json.loads(meta_json).get("published", "")), created_at

    def printed_publications(self) -> dict[str, str]:
        """Per report, the 公表日 as printed in its newest ``publish`` event (reports without one absent)."""
        with self._read() as session:
            rows = session.execute(
                select(EventRecord.report_id, EventRecord.payload).where(EventRecord.kind == "publish")
                .order_by(EventRecord.at, EventRecord.seq)
            ).all()
        return {report_id: json.loads(payload).get("printed", "") for report_id, payload in rows}

    def heads(self, report_id: str | None = None) -> list[tuple[str, int, str, int, str]]:
        """(report, head version number, its hash, last event seq, its hash) of one report or of
        every report (sorted by id); 0 and 64 zeros where a report has none."""
        with self._read() as session:
            if report_id is None:
                ids = list(session.scalars(select(ReportRecord.id).order_by(ReportRecord.id)))
            else:
                self._require_report(session, report_id)
                ids = [report_id]
            out = []
            for rid in ids:
                head = session.execute(
                    select(VersionRecord.number, VersionRecord.hash).where(VersionRecord.report_id == rid)
                    .order_by(VersionRecord.number.desc()).limit(1)).first()
                last = session.execute(
                    select(EventRecord.seq, EventRecord.hash).where(EventRecord.report_id == rid)
                    .order_by(EventRecord.seq.desc()).limit(1)).first()
                number, vhash = (0, GENESIS) if head is None else (head[0], head[1])
                seq, ehash = (0, GENESIS) if last is None else (last[0], last[1])
                out.append((rid, number, vhash, seq, ehash))
            return out

    def stored_hashes(self, report_id: str, number: int, seq: int) -> tuple[bool, str | None, str | None]:
        """(report exists, hash of version ``number``, hash of event ``seq``): None where the row is missing."""
        with self._read() as session:
            exists = session.get(ReportRecord, report_id) is not None
            version = session.scalar(select(VersionRecord.hash).where(
                VersionRecord.report_id == report_id, VersionRecord.number == number))
            event = session.scalar(select(EventRecord.hash).where(
                EventRecord.report_id == report_id, EventRecord.seq == seq))
            return exists, version, event

    def overridden_versions(self, report_id: str) -> set[int]:
        """Numbers of the versions of ``report_id`` with a person's override: a table applies
        decisions in force only there, and overrides are rare (one query instead of one per version)."""
        with self._read() as session:
            return set(session.scalars(
                select(EventRecord.version).distinct()
                .where(EventRecord.report_id == report_id, EventRecord.kind == "override",
                       EventRecord.version.is_not(None))
            ))

    def decision_events(self, report_id: str, number: int) -> list[tuple[Any, ...]]:
        """The ``change`` and ``override`` events of ``report_id@number`` in trail order, as
        (kind, change_index, path, important, timing, category, rule, actor, at, payload text);
        UnknownReport / UnknownVersion when the version does not exist. A payload holds its old
        and new text whole, however they are stored (:mod:`hyoka.store.change_texts`)."""
        with self._read() as session:
            self._find(session, report_id, number)
            rows = [tuple(row) for row in session.execute(
                select(EventRecord.kind, EventRecord.change_index, EventRecord.path, EventRecord.important,
                       EventRecord.timing, EventRecord.category, EventRecord.rule, EventRecord.actor,
                       EventRecord.at, EventRecord.payload)
                .where(EventRecord.report_id == report_id, EventRecord.version == number,
                       EventRecord.kind.in_(("change", "override")))
                .order_by(EventRecord.seq)
            )]

            tx = AlchemyTx(session)
            payloads = expand([row[-1] for row in rows], lambda hashes: blob_bodies(tx, hashes).items())
            return [(*row[:-1], payload) for row, payload in zip(rows, payloads, strict=True)]

    def same_shape(self, report_id: str, report: Report, before: int) -> list[int]:
        """Numbers of the versions before ``before`` with ``report``'s cover and item count, newest
        first: the only ones whose content can equal it."""
        meta = canonical_json(meta_to_json(report.meta))
        with self._read() as session:
            return list(session.scalars(
                select(VersionRecord.number)
                .where(VersionRecord.report_id == report_id, VersionRecord.number < before,
                       VersionRecord.item_count == len(report.items), VersionRecord.meta_json == meta)
                .order_by(VersionRecord.number.desc())
            ))

    def events_where(
        self, *, report: str | None = None, item: str | None = None, time_ordered: bool = False,
        since: datetime | None = None, before: datetime | None = None, columns: dict[str, object] | None = None,
        batch: int = 2000,
    ) -> Generator[Any, None, None]:
        """Events of every report (or ``report``) as plain rows, by time, report and seq, narrowed in SQL:
        ``item`` by the literal prefix of its glob (the caller matches the glob itself), ``since`` <= at <
        ``before``, and each of ``columns`` (important, timing, category, rule, actor, kind) equal. Rows
        are fetched ``batch`` at a time, so a caller that stops early reads little."""
        conditions: list[ColumnElement[bool]] = []
        if report is not None:
            conditions.append(EventRecord.report_id == report)
        if item:
            conditions.append(_item_condition(item, time_ordered))
        if since is not None:
            conditions.append(EventRecord.at >= since)
        if before is not None:
            conditions.append(EventRecord.at < before)
        for name, value in (columns or {}).items():
            if value is not None:
                conditions.append(getattr(EventRecord, name) == value)
        query = (select(*EventRecord.__table__.columns).where(*conditions)
                 .order_by(EventRecord.at, EventRecord.report_id, EventRecord.seq))
        with self._read() as session:
            yield from session.execute(query.execution_options(yield_per=batch))
