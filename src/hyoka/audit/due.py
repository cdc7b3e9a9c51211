"""`hyoka due`: which reports are past their yearly review or near their 5-year re-assessment.

A version's date is its 公表日 (the commit date if it has none). The newest
version is the last review; the last re-assessment is the newest version whose
revision holds a 重要な変更 as decided in the trail (an override counts), or
the first version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hyoka.audit.review import reviewed_changes
from hyoka.classify.policy import Deadlines
from hyoka.era import parse_date
from hyoka.store import Store
from hyoka.views import local_date


@dataclass(frozen=True)
class DueRow:
    report: str
    last_review: dt.date
    review_due: dt.date
    last_assessment: dt.date
    assessment_due: dt.date
    status: str


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _status(as_of: dt.date, due: dt.date, warn_days: int, what: str) -> str | None:
    if due < as_of:
        return f"{what}期限切れ ({(as_of - due).days}日超過)"
    if (due - as_of).days <= warn_days:
        return f"{what}まであと{(due - as_of).days}日"
    return None


def due_reports(store: Store, as_of: dt.date, deadlines: Deadlines, only_due: bool = False) -> list[DueRow]:
    """Every report with its review and re-assessment dates; ``only_due`` keeps the ones to act on."""
    rows: list[DueRow] = []
    report_ids = store.report_ids()
    dated: dict[str, list[tuple[int, dt.date]]] = {}
    for report_id, number, published_text, created_at in store.dated_versions():
        published = parse_date(published_text)
        dated.setdefault(report_id, []).append((number, published or local_date(created_at)))
    for report_id in report_ids:
        versions = dated.get(report_id, [])
        if not versions:
            continue
        last_review = versions[-1][1]
        assessed = versions[0][1]
        for number, day in reversed(versions[1:]):
            if any(c.effective.important for c in reviewed_changes(store, report_id, number)):
                assessed = day
                break
        review_due = _add_months(last_review, deadlines.review_months)
        assessment_due = _add_months(assessed, 12 * deadlines.reassess_years)
        notes = [s for s in (_status(as_of, review_due, deadlines.warn_days, "見直し"),
                             _status(as_of, assessment_due, deadlines.warn_days, "再評価")) if s]
        if only_due and not notes:
            continue
        rows.append(DueRow(report_id, last_review, review_due, assessed, assessment_due, "、".join(notes) or "—"))
    return rows
