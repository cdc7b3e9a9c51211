"""Commit a version together with the classification of its revision, in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime

from hyoka.classify import ChangeRecord, compare_reports
from hyoka.classify.policy import Policy
from hyoka.errors import StoreError, UnknownReport, UnknownVersion
from hyoka.model import Report
from hyoka.store import CommitResult, Store
from hyoka.store.events import NewEvent
from hyoka.store.repository import HeadMoved


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
    when: datetime | None = None, parent: int | None = None, rebase: bool = False, attempts: int = 20,
) -> CommitResult:
    """Commit ``report`` and record how its revision classifies against its parent.

    ``parent`` is the version the file was edited from. If the head has moved
    past it, the commit is refused with the new head's number (like a
    non-fast-forward push) unless ``rebase``: then it lands on the new head and
    is classified against it. Without ``parent`` the commit goes on whatever
    the head is; when another writer gets there first between reading the head
    and committing, it is classified again against the new head and retried.
    """
    at = (when or datetime.now(UTC)).astimezone(UTC)
    for _ in range(attempts):
        head = _head(store, report_id)
        if parent is not None and head != parent and not rebase:
            raise StoreError(
                f"{report_id} の最新版は {head} 版です ({parent} 版から編集されたファイルです)。"
                f"--rebase で最新版の上に記録できます / head is {head}, not {parent}: use --rebase"
            )
        events: list[NewEvent] = []
        if head is not None:
            comparison = compare_reports(store.checkout(report_id, head), report, policy)
            events = change_events(list(comparison.records), head + 1, author, at, policy.source)
        try:
            return store.commit(report_id, report, author=author, message=message, when=at, expected_parent=head,
                                events=events)
        except HeadMoved:
            continue
    raise StoreError(f"{report_id} への同時の記録が続いています。もう一度実行してください / too much contention, retry")


def _head(store: Store, report_id: str) -> int | None:
    try:
        return store.version(report_id).number
    except (UnknownReport, UnknownVersion):
        return None
