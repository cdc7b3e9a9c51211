"""Assemble the tables of a stored report over a range of versions.

The store gives the versions one after the other (each read from the rows its revision
changed); each consecutive pair is compared and classified
with the organisation's policy; rows of the first version's imported appendix
come first when the table starts at the beginning of the history.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from hyoka.audit.review import reviewed_changes
from hyoka.classify import ChangeRecord, Comparison, compare_reports
from hyoka.classify.policy import Policy
from hyoka.errors import InputError
from hyoka.model import ChangeRow, Report
from hyoka.store import Store
from hyoka.store.events import NewEvent
from hyoka.tables.render import Table
from hyoka.tables.rows import Revision, TableRow, revision_date, table_rows

TITLES = {"appendix": "変更箇所", "shinkyu": "新旧対照表", "ichiran": "変更箇所一覧"}


@dataclass(frozen=True)
class VersionRange:
    """The versions a table covers: revisions start→start+1 … stop-1→stop."""

    start: int
    stop: int
    cumulative: bool


def version_range(numbers: list[int], start: int | None, stop: int | None, cumulative: bool) -> VersionRange:
    """Check --from/--to against the stored versions; without --from a cumulative table starts
    at the first version and the others at the version before --to."""
    head = numbers[-1]
    stop = head if stop is None else stop
    if stop not in numbers:
        raise InputError(f"版 {stop} はありません (1〜{head}) / no version {stop}")
    if start is None:
        start = numbers[0] if cumulative else max(numbers[0], stop - 1)
        from_beginning = cumulative
    else:
        from_beginning = False
    if start not in numbers or start > stop:
        raise InputError(f"--from {start} は 1〜{stop} の版です / --from must be a version up to {stop}")
    if start == stop and not from_beginning:
        raise InputError("--from と --to が同じ版です / --from and --to are the same version")
    return VersionRange(start, stop, from_beginning)


def _notes(policy: Policy, rows: list[TableRow], flags: list[str]) -> list[str]:
    notes = list(flags)
    review = sum(1 for r in rows if r.needs_review)
    if review:
        notes.append(
            f"要確認 {review} 件: 様式のどの項目か特定できず、重要な変更に当たるか hyoka が判断できない変更です。"
            f"提出時期はポリシーにより「{policy.unknown_item_timing}」としています。公表前に確認し、"
            "hyoka review 評価書ID@版 --change 番号 で判断を記録してください。"
        )
    if policy.appendix.abridge_context:
        notes.append(
            f"変更前・変更後の記載は、変更箇所の前後{policy.appendix.abridge_context}文字を残し、"
            "それ以外を「…」で省略しています。"
        )
    if any(r.imported for r in rows):
        notes.append("hyoka に記録する前の変更箇所は、公表された評価書の記載のとおり掲げています。")
    return notes


def with_decisions(store: Store, report_id: str, version: int, comparison: Comparison) -> Comparison:
    """The comparison with people's overrides applied: a table shows the decision in force."""
    decided = {c.path: c.effective for c in reviewed_changes(store, report_id, version) if c.overridden}
    if not decided:
        return comparison

    def apply(record: ChangeRecord) -> ChangeRecord:
        person = decided.get(record.path)
        if person is None:
            return record
        decision = replace(record.decision, important=person.important, timing=person.timing,
                           category=person.category, reason=person.reason, rule="override",
                           evidence=f"{person.by} が判断を変更 ({person.at:%Y-%m-%d})")
        return replace(record, decision=decision)

    return replace(comparison, records=tuple(apply(r) for r in comparison.records))


def generated_event(table: Table, kind: str, fmt: str, data: bytes, output: Path | None, by: str) -> NewEvent:
    """The audit event of a generated table: what, in which format, and the hash of the bytes."""
    return NewEvent(
        kind="generate", actor=by or "不明", at=datetime.now(UTC),
        payload={"table": table.title, "kind": kind, "format": fmt, "scope": table.scope, "rows": len(table.rows),
                 "sha256": hashlib.sha256(data).hexdigest(), "output": str(output) if output else "(標準出力)"},
    )


def build_table(
    store: Store,
    report_id: str,
    kind: str,
    policy: Policy,
    start: int | None = None,
    stop: int | None = None,
    date: str | None = None,
) -> Table:
    """The appendix (cumulative by default), 新旧対照表 or 一覧 of ``report_id``.

    ``date`` replaces the 変更日 of the newest revision in the range (the one being published).
    """
    numbers = [info.number for info in store.log(report_id)]
    span = version_range(numbers, start, stop, cumulative=kind == "appendix")
    revisions: list[Revision] = []
    flags: list[str] = []
    # Versions come one after the other, each built from its predecessor and the rows its revision
    # changed (Store.walk): only two are held at a time, however long the history.
    previous: Report | None = None
    imported: tuple[ChangeRow, ...] = ()
    overridden = store.overridden_versions(report_id)
    for info, report in store.walk(report_id, span.start, span.stop):
        n = info.number
        if previous is None:
            imported = report.appendix if span.cumulative else ()
        else:
            comparison = compare_reports(previous, report, policy)
            if n in overridden:
                comparison = with_decisions(store, report_id, n, comparison)
            override = date if n == span.stop else None
            revisions.append(Revision(revision_date(report, info.created_at, override), comparison))
            flags += [f"第{n}版: {flag.message}" for flag in comparison.thresholds]
        previous = report
    assert previous is not None
    rows = table_rows(imported, revisions, policy.appendix)
    if kind != "appendix":
        rows = [r for r in rows if not r.imported]
    first = "初版" if span.cumulative else f"第{span.start}版"
    scope = f"{first}から第{span.stop}版までの変更 (評価書ID {report_id})"
    return Table(TITLES[kind], previous.meta, scope, rows, _notes(policy, rows, flags))
