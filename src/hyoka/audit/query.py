"""`hyoka audit`: filter the events of every report; indexed columns do the narrowing."""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from hyoka.era import parse_date
from hyoka.errors import InputError
from hyoka.forms import form_path
from hyoka.store import Store
from hyoka.store.events import EVENT_KINDS
from hyoka.store.schema import EventRecord

_WILDCARD_RE = re.compile(r"[*?\[]")
HIGH = "\uffff"


@dataclass(frozen=True)
class AuditFilter:
    report: str | None = None
    item: str | None = None
    since: str | None = None
    until: str | None = None
    important: bool | None = None
    timing: str | None = None
    category: str | None = None
    rule: str | None = None
    by: str | None = None
    event: str | None = None
    limit: int | None = None


@dataclass(frozen=True)
class AuditRow:
    at: str
    report: str
    seq: int
    event: str
    by: str
    version: int | None
    change: int | None
    path: str
    important: bool | None
    timing: str
    category: str
    rule: str
    summary: str


def _day(text: str, name: str) -> datetime:
    day = parse_date(text)
    if day is None:
        raise InputError(f"{name} の日付が読めません (例: 2025-04-01, 令和7年4月1日) / cannot read date: {text}")
    from hyoka.views import display_zone

    # The day as people read it (the zone times are shown in), compared with the UTC column.
    return datetime.combine(day, dt.time(), tzinfo=display_zone()).astimezone(UTC)


def _item_condition(pattern: str, time_ordered: bool) -> ColumnElement[bool]:
    """SQL narrowing for an item glob: the literal prefix, also under a file-qualified section.

    With ``time_ordered`` (a --limit without --report) the path is wrapped so that no
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


def _summary(kind: str, payload: dict[str, object]) -> str:
    if kind == "commit":
        return str(payload.get("message", ""))
    if kind == "generate":
        return f"{payload.get('table', '')} {payload.get('format', '')} sha256:{str(payload.get('sha256', ''))[:12]}"
    if kind == "publish":
        return f"公表日 {payload.get('printed', '')}"
    if kind == "classify":
        return f"{payload.get('changes', 0)} 件 (重要 {payload.get('important', 0)})"
    return str(payload.get("reason", ""))


def audit(store: Store, flt: AuditFilter) -> list[AuditRow]:
    """Events matching every given filter, sorted by time (then report and sequence)."""
    if flt.event is not None and flt.event not in EVENT_KINDS:
        raise InputError(f"種別は {', '.join(EVENT_KINDS)} のいずれかです / unknown event kind: {flt.event}")
    conditions: list[ColumnElement[bool]] = []
    if flt.report is not None:
        store.require_report(flt.report)  # unknown report → one-line error
        conditions.append(EventRecord.report_id == flt.report)
    if flt.item:
        conditions.append(_item_condition(flt.item, time_ordered=flt.limit is not None and flt.report is None))
    if flt.since:
        conditions.append(EventRecord.at >= _day(flt.since, "--since"))
    if flt.until:
        conditions.append(EventRecord.at < _day(flt.until, "--until") + dt.timedelta(days=1))
    for column, value in ((EventRecord.important, flt.important), (EventRecord.timing, flt.timing),
                          (EventRecord.category, flt.category), (EventRecord.rule, flt.rule),
                          (EventRecord.actor, flt.by), (EventRecord.kind, flt.event)):
        if value is not None:
            conditions.append(column == value)
    query = select(EventRecord).where(*conditions).order_by(EventRecord.at, EventRecord.report_id, EventRecord.seq)
    rows: list[AuditRow] = []
    with store.reading() as session:
        # Fetch in small batches when a limit will stop early: building rows costs more than finding them.
        batch = 2000 if flt.limit is None else min(2000, max(50, 2 * flt.limit))
        for record in session.scalars(query.execution_options(yield_per=batch)):
            path = record.path or ""
            if flt.item and not (path and (fnmatch.fnmatchcase(path, flt.item)
                                           or fnmatch.fnmatchcase(form_path(path), flt.item))):
                continue
            rows.append(AuditRow(
                at=record.at.isoformat(timespec="seconds"), report=record.report_id, seq=record.seq,
                event=record.kind, by=record.actor, version=record.version, change=record.change_index,
                path=record.path or "", important=None if record.important is None else bool(record.important),
                timing=record.timing or "", category=record.category or "", rule=record.rule or "",
                summary=_summary(record.kind, json.loads(record.payload)),
            ))
            if flt.limit is not None and len(rows) >= flt.limit:
                break
    return rows
