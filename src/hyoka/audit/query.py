"""`hyoka audit`: filter the events of every report; indexed columns do the narrowing."""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime

from hyoka.era import parse_date
from hyoka.errors import InputError
from hyoka.forms import form_path
from hyoka.store import Store
from hyoka.store.events import EVENT_KINDS


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
    if flt.report is not None:
        store.require_report(flt.report)  # unknown report → one-line error
    since = _day(flt.since, "--since") if flt.since else None
    before = _day(flt.until, "--until") + dt.timedelta(days=1) if flt.until else None
    columns = {"important": flt.important, "timing": flt.timing, "category": flt.category, "rule": flt.rule,
               "actor": flt.by, "kind": flt.event}
    # Fetch in small batches when a limit will stop early: building rows costs more than finding them.
    batch = 2000 if flt.limit is None else min(2000, max(50, 2 * flt.limit))
    rows: list[AuditRow] = []
    found = store.events_where(report=flt.report, item=flt.item, time_ordered=flt.limit is not None and
                               flt.report is None, since=since, before=before, columns=columns, batch=batch)
    with closing(found):
        for record in found:
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
