"""Commit a version together with the classification of its revision, in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime

from hyoka.classify import ChangeRecord, compare_reports
from hyoka.classify.policy import Policy
from hyoka.errors import UnknownReport
from hyoka.model import Report
from hyoka.store import CommitResult, Store
from hyoka.store.events import NewEvent


def change_events(
    records: list[ChangeRecord], version: int, actor: str, at: datetime, policy_source: str
) -> list[NewEvent]:
    """One ``classify`` event for the run, then one ``change`` event per classified change."""
    run = NewEvent(
        kind="classify", actor=actor, at=at, version=version,
        payload={"policy": policy_source, "changes": len(records),
                 "important": sum(1 for r in records if r.decision.important)},
    )
    changes = [
        NewEvent(
            kind="change", actor=actor, at=at, version=version, change_index=index, path=r.path,
            important=r.decision.important, timing=r.decision.timing, category=r.decision.category,
            rule=r.decision.rule,
            payload={"item": r.item, "change": r.change, "reason": r.decision.reason,
                     "evidence": r.decision.evidence, "before": r.before, "after": r.after},
        )
        for index, r in enumerate(records, 1)
    ]
    return [run, *changes]


def commit_report(
    store: Store, report_id: str, report: Report, *, author: str, message: str, policy: Policy,
    when: datetime | None = None,
) -> CommitResult:
    """Commit ``report`` and record how its revision classifies against the current head.

    The head is read first and the commit refuses to land on any other parent,
    so the recorded classification always describes the revision it sits with.
    """
    at = (when or datetime.now(UTC)).astimezone(UTC)
    try:
        head = store.version(report_id).number
    except UnknownReport:
        head = None
    events: list[NewEvent] = []
    if head is not None:
        comparison = compare_reports(store.checkout(report_id, head), report, policy)
        events = change_events(list(comparison.records), head + 1, author, at, policy.source)
    return store.commit(report_id, report, author=author, message=message, when=at, expected_parent=head,
                        events=events)
