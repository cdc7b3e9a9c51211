"""A revision's changes as decided: the machine's classification, or a person's override.

Overrides never touch the machine's events; they are later events, and the
effective decision of a change is the newest override, else the machine's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from hyoka.classify.rules import FORMAL, IMPORTANT, NEEDS_REVIEW
from hyoka.errors import InputError
from hyoka.store import Store
from hyoka.store.events import NewEvent

TIMINGS = ("事前", "事後")


@dataclass(frozen=True)
class Decided:
    """One decision on a change, by the machine (rule) or a person (by); important is None
    while the change is 要確認 (the machine could not identify the item)."""

    important: bool | None
    timing: str
    category: str
    reason: str
    rule: str
    by: str
    at: datetime


@dataclass(frozen=True)
class ReviewedChange:
    index: int
    path: str
    item: str
    change: str
    before: str
    after: str
    machine: Decided
    effective: Decided

    @property
    def overridden(self) -> bool:
        return self.effective is not self.machine


def reviewed_changes(store: Store, report_id: str, version: int) -> list[ReviewedChange]:
    """The changes recorded for ``report_id@version`` (its revision from the previous version)."""
    events = store.decision_events(report_id, version)  # unknown report/version → the store's own error

    changes: dict[int, ReviewedChange] = {}
    for kind, index, path, important, timing, category, rule, actor, at, payload_text in events:
        payload = json.loads(payload_text)
        decided = Decided(None if important is None else bool(important), str(timing), str(category),
                          str(payload.get("reason", "")), str(rule), actor, at)
        if kind == "change" and index is not None:
            changes[index] = ReviewedChange(index, str(path), str(payload.get("item", "")),
                                            str(payload.get("change", "")), str(payload.get("before", "")),
                                            str(payload.get("after", "")), decided, decided)
        elif kind == "override" and index in changes:
            changes[index] = replace(changes[index], effective=decided)
    return [changes[i] for i in sorted(changes)]


def override(
    store: Store, report_id: str, version: int, index: int, *, important: bool | None, timing: str | None,
    reason: str, by: str, when: datetime | None = None,
) -> ReviewedChange:
    """Record a person's decision on change ``index`` of ``report_id@version``."""
    changes = {c.index: c for c in reviewed_changes(store, report_id, version)}
    if index not in changes:
        available = f"1〜{max(changes)}" if changes else "なし / none"
        raise InputError(
            f"変更 {index} はありません (あるのは {available}) / no change {index} in {report_id}@{version}"
        )
    if timing is not None and timing not in TIMINGS:
        raise InputError(f"提出時期は 事前 か 事後 です / timing must be 事前 or 事後: {timing}")
    if not reason.strip() or not by.strip():
        raise InputError("--reason と --by が必要です / an override needs --reason and --by")
    if important is None and timing is None:
        raise InputError("--important か --timing を指定してください / give --important or --timing")
    current = changes[index].effective
    new_important = current.important if important is None else important
    if new_important:
        category = IMPORTANT
    elif important is not None and current.category in (IMPORTANT, NEEDS_REVIEW):
        category = FORMAL  # a person said "not 重要" of a change the machine called 重要 or 要確認
    else:
        category = current.category
    new = Decided(new_important, timing or current.timing, category, reason, "override", by,
                  (when or datetime.now(UTC)).astimezone(UTC))
    event = NewEvent(
        kind="override", actor=by, at=new.at, version=version, change_index=index, path=changes[index].path,
        important=new.important, timing=new.timing, category=new.category, rule="override",
        payload={"reason": reason, "previous": {"important": current.important, "timing": current.timing,
                                                "category": current.category, "rule": current.rule,
                                                "by": current.by}},
    )
    store.append(report_id, [event])
    return replace(changes[index], effective=new)
