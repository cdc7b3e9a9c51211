"""Commit a version together with the classification of its revision, in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from types import EllipsisType

from hyoka.classify import ChangeRecord, compare_reports
from hyoka.classify.policy import Policy
from hyoka.diff.align import align
from hyoka.errors import StoreError, UnknownVersion
from hyoka.ingest.legacy import comparable
from hyoka.model import LEGACY_READER, Report
from hyoka.store import CommitResult, Store, content_hash
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
    when: datetime | None = None, parent: int | None = None, rebase: bool = False,
) -> CommitResult:
    """Commit ``report`` and record how its revision classifies against the version it lands on.

    ``parent`` is the version the file was edited from. If the head has moved
    past it, the commit is refused with the new head's number (like a
    non-fast-forward push) unless ``rebase``: then it lands on the new head.
    Either way the classification runs inside the commit's transaction, against
    the actual parent, so concurrent writers never need to retry.
    """
    at = (when or datetime.now(UTC)).astimezone(UTC)

    def classify(parent_report: Report, parent_number: int) -> list[NewEvent]:
        comparison = compare_reports(parent_report, report, policy)
        return change_events(list(comparison.records), parent_number + 1, author, at, policy.source)

    expected: int | EllipsisType | None = ... if parent is None or rebase else parent
    unchanged = _same_as_earlier_reading(store, report_id, report)
    if unchanged is not None:
        return unchanged
    try:
        return store.commit(report_id, report, author=author, message=message, when=at, expected_parent=expected,
                            classify=classify, counts=lambda parent_report: change_counts(parent_report, report))
    except HeadMoved as moved:
        raise StoreError(
            f"{report_id} の最新版は {moved.head} 版です ({parent} 版から編集されたファイルです)。"
            f"--rebase で最新版の上に記録できます / head is {moved.head}, not {parent}: use --rebase"
        ) from None


def _same_as_earlier_reading(store: Store, report_id: str, report: Report) -> CommitResult | None:
    """The head, when it was read by an earlier reader and says what ``report`` says once read
    again by today's: the same file committed after an upgrade is no new version."""
    if report_id not in store.report_ids():
        return None
    try:
        head = store.checkout(report_id)
    except UnknownVersion:
        return None
    if head.reader != LEGACY_READER or content_hash(comparable(head, report)[0]) != content_hash(report):
        return None
    return CommitResult(store.version(report_id), created=False, new_blobs=0)


def change_counts(old: Report, new: Report) -> tuple[int, int, int]:
    """(added, removed, modified) items between two versions as the differ aligns them."""
    changes = align(old, new)
    kinds = [c.change for c in changes]
    return kinds.count("added"), kinds.count("removed"), kinds.count("modified")
