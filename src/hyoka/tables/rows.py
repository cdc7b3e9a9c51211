"""Rows of the 変更箇所 appendix, from classified changes and from imported rows.

A row is what one line of the published table says: 変更日, 項目, 変更前/変更後
の記載, 提出時期 and its explanation. Generated rows also keep the diff spans so
that templates can mark the changed text; imported rows (the appendix a report
already had when it was first committed) are reproduced exactly as printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hyoka.classify import ChangeRecord, Comparison
from hyoka.classify.policy import AppendixStyle
from hyoka.classify.rules import NEEDS_REVIEW
from hyoka.diff.text import Span
from hyoka.era import parse_date, to_era
from hyoka.model import ChangeRow, Report

ELLIPSIS = "…"


@dataclass(frozen=True)
class TableRow:
    """One line of the appendix; spans are empty for imported rows."""

    date: str
    item: str
    before: str
    after: str
    timing: str
    reason: str
    before_spans: tuple[Span, ...] = ()
    after_spans: tuple[Span, ...] = ()
    important: bool | None = False  # None: 要確認 (hyoka could not tell)
    category: str = ""
    rule: str = ""
    path: str = ""
    change: str = ""
    imported: bool = False

    @property
    def needs_review(self) -> bool:
        """hyoka could not identify the item in the form: a person must decide before publishing."""
        return self.category == NEEDS_REVIEW

    @property
    def section(self) -> str:
        """Where the item sits, as 一覧 tables print it: "II 3." from "II/3/③使用目的"."""
        parts = self.path.split("/")[:2]
        if not parts or not parts[0]:
            return ""
        head = parts[0].split("(")[0]
        return f"{head} {parts[1]}." if len(parts) > 1 and parts[1].isdigit() else head


@dataclass(frozen=True)
class Revision:
    """One revision to tabulate: its date as printed (era) and its classified changes."""

    date: str
    comparison: Comparison


def revision_date(report: Report, committed: dt.datetime | None, override: str | None = None) -> str:
    """The 変更日 of a revision: --date if given, else the version's 公表日, else its commit date."""
    for text in (override, report.meta.published):
        if text:
            day = parse_date(text)
            if day is not None:
                return to_era(day)
    return to_era(committed.date()) if committed is not None else ""


def abridge(spans: Sequence[Span], context: int) -> tuple[Span, ...]:
    """Unchanged runs longer than twice ``context`` keep ``context`` characters next to each
    change and become 「…」 in between; the text at either end keeps only its inner side."""
    if context <= 0:
        return tuple(spans)
    out: list[Span] = []
    last = len(spans) - 1
    for index, span in enumerate(spans):
        text = span.text
        if span.op != "equal":
            out.append(span)
            continue
        keep_left = index > 0  # there is a change before this run
        keep_right = index < last  # and one after it
        if keep_left and keep_right and len(text) > 2 * context + 1:
            text = text[:context] + ELLIPSIS + text[-context:]
        elif keep_left and not keep_right and len(text) > context + 1:
            text = text[:context] + ELLIPSIS
        elif keep_right and not keep_left and len(text) > context + 1:
            text = ELLIPSIS + text[-context:]
        out.append(Span("equal", text))
    return tuple(out)


def _side(spans: Sequence[Span], keep: str) -> tuple[Span, ...]:
    return tuple(s for s in spans if s.op in ("equal", keep))


def _text(spans: Sequence[Span]) -> str:
    return "".join(s.text for s in spans)


def review_reason(reason: str) -> str:
    """The 提出時期に係る説明 of a 要確認 row: it always says 要確認, even with a policy's own phrase."""
    return reason if NEEDS_REVIEW in reason else f"【{NEEDS_REVIEW}】{reason}"


def change_row(record: ChangeRecord, date: str, style: AppendixStyle) -> TableRow:
    """The appendix row of one classified change, written in the body's conventions."""
    d = record.decision
    reason = review_reason(d.reason) if d.category == NEEDS_REVIEW else d.reason
    spans = abridge(record.spans, style.abridge_context)
    before_spans, after_spans = _side(spans, "delete"), _side(spans, "insert")
    before, after = _text(before_spans), _text(after_spans)
    if record.change == "added":
        before, before_spans = style.new_item, ()
    elif record.change == "removed":
        after, after_spans = style.removed_item, ()
    elif record.change == "moved":
        before, after = record.old_item, record.item
        before_spans = after_spans = ()
    return TableRow(
        date=date, item=record.item, before=before, after=after, timing=d.timing, reason=reason,
        before_spans=before_spans, after_spans=after_spans, important=d.important, category=d.category,
        rule=d.rule, path=record.path, change=record.change,
    )


def imported_row(row: ChangeRow) -> TableRow:
    """A row the report already printed before hyoka knew it: reproduced unchanged."""
    return TableRow(row.date, row.item, row.before, row.after, row.timing, row.reason, imported=True)


def table_rows(
    imported: Sequence[ChangeRow], revisions: Sequence[Revision], style: AppendixStyle
) -> list[TableRow]:
    """The cumulative appendix, oldest first: imported rows, then each revision's changes."""
    rows = [imported_row(r) for r in imported]
    for revision in revisions:
        rows += [change_row(record, revision.date, style) for record in revision.comparison.records]
    return rows
