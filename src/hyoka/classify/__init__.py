"""Classify aligned changes: 重要/形式的, 事前/事後, reason, and the rule that decided.

Plain values in, plain values out: the differ's ItemChanges, the form catalogue
and the policy go in; ChangeRecords and しきい値 flags come out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hyoka.classify.identify import status_of_path, status_of_printed
from hyoka.classify.policy import Policy
from hyoka.classify.rules import NEEDS_REVIEW, Decision, RuleInput, decide
from hyoka.classify.thresholds import ThresholdFlag, threshold_flags
from hyoka.collector import collector_paused
from hyoka.diff.align import ItemChange, align
from hyoka.diff.text import Span, diff_text
from hyoka.forms import Catalogue, load_catalogue
from hyoka.model import FormKind, Item, ItemPath, Report, Text, value_display

__all__ = ["ChangeRecord", "Comparison", "classify_row", "compare_reports", "prior_for_revision"]

PROCEDURE_TITLE = "評価実施手続"


@dataclass(frozen=True)
class ChangeRecord:
    """One classified change: what the 変更箇所 row and the diff views are made from."""

    path: str
    item: str
    change: str
    before: str
    after: str
    spans: tuple[Span, ...]
    star: bool | None  # None: not identified in the form catalogue, ※ status unknown (要確認)
    decision: Decision
    old_item: str = ""


@dataclass(frozen=True)
class Comparison:
    """Everything `hyoka diff` reports for a pair of versions."""

    form: FormKind
    records: tuple[ChangeRecord, ...]
    thresholds: tuple[ThresholdFlag, ...]
    policy_source: str


def _text(item: Item | None) -> str:
    return value_display(item.value) if item is not None else ""


def _record(change: ItemChange, form: FormKind, catalogue: Catalogue, policy: Policy) -> ChangeRecord:
    item = change.after or change.before
    assert item is not None
    before, after = _text(change.before), _text(change.after)
    spans = diff_text(before, after)
    # ※ as the policy or the catalogue decides; None (要確認) when the item is not identified
    status = status_of_path(item.path, item.star, catalogue, policy)
    inp = RuleInput(form, str(change.path), status.star, change.change, before, after, spans, status.basis)
    return ChangeRecord(
        path=str(change.path),
        item=catalogue.printed_path(item.path),
        change=change.change,
        before=before,
        after=after,
        spans=spans,
        star=status.star,
        decision=decide(inp, policy),
        old_item=catalogue.printed_path(change.before.path) if change.before is not None else "",
    )


@collector_paused
def compare_reports(old: Report, new: Report, policy: Policy) -> Comparison:
    """Align, diff and classify two versions of one report (the collector paused:
    :mod:`hyoka.collector`)."""
    form = new.meta.form
    catalogue = load_catalogue(form)
    changes = [c for c in align(old, new) if c.change == "moved" or _text(c.before) or _text(c.after)]
    flags = threshold_flags(changes)
    records = [_record(c, form, catalogue, policy) for c in changes]
    records = prior_for_revision(prior_for_threshold(records, flags, policy), form, policy)
    return Comparison(form, tuple(records), tuple(flags), policy.source)


def prior_for_threshold(records: list[ChangeRecord], flags: list[ThresholdFlag],
                        policy: Policy) -> list[ChangeRecord]:
    """Rule ``threshold_crossing``: the row of a change that can move the しきい値判断 (対象人数
    or 取扱者数 across a band boundary, a new 重大事故) is 事前, whatever its item: the 指針 asks
    for the assessment to be re-done before such a change takes effect (DOMAIN §2 rule 5), so
    the row is never filed 事後 as a routine correction. Its category stays what the item
    decides (対象人数 is no ※ item); the evidence says which band moved."""
    if not flags or not policy.enabled("threshold_crossing"):
        return records
    by_path = {flag.path: flag for flag in flags}
    out: list[ChangeRecord] = []
    for record in records:
        flag = by_path.get(record.path)
        if flag is None or record.decision.timing == "事前":
            out.append(record)
            continue
        evidence = f"{flag.message} (元の規則 {record.decision.rule})"
        out.append(replace(record, decision=replace(record.decision, timing="事前", rule="threshold_crossing",
                                                    reason=policy.reason("threshold_crossing"), evidence=evidence)))
    return out


def _is_procedure(path: str, catalogue: Catalogue) -> bool:
    if not path:
        return False
    chain, _ = catalogue.resolve(ItemPath.parse(path))
    return bool(chain) and chain[0].title == PROCEDURE_TITLE


def prior_for_revision(records: list[ChangeRecord], form: FormKind, policy: Policy) -> list[ChangeRecord]:
    """Policy switch all_prior_when_important: a revision that contains a 重要な変更 is submitted
    as a whole before the change, so every row of it is 事前 (rule ``all_prior``). The
    評価実施手続 section is left alone: it records the re-assessment itself (実施日, 意見聴取,
    第三者点検), which can only be written once that procedure has happened.

    Policy switch all_prior_when_reassessed: the same, only for a revision that also changes the
    評価実施手続 section, i.e. a re-assessment; other revisions keep their row-by-row timing."""
    if not (policy.all_prior_when_important or policy.all_prior_when_reassessed):
        return records
    if not any(r.decision.important for r in records):
        return records
    catalogue = load_catalogue(form)
    if not policy.all_prior_when_important and not any(_is_procedure(r.path, catalogue) for r in records):
        return records  # all_prior_when_reassessed: only a revision that re-assesses (評価実施手続 rows)
    out: list[ChangeRecord] = []
    for record in records:
        d = record.decision
        if d.timing == "事前" or _is_procedure(record.path, catalogue):
            out.append(record)
            continue
        evidence = f"同じ改訂に重要な変更あり (元の規則 {d.rule})"
        if d.category == NEEDS_REVIEW:  # still 要確認: keep saying why
            evidence = f"{evidence}; {d.evidence}"
        out.append(replace(record, decision=replace(d, timing="事前", reason=policy.reason("all_prior"),
                                                    rule="all_prior", evidence=evidence)))
    return out


def classify_row(form: FormKind, item: str, before: str, after: str, policy: Policy) -> ChangeRecord:
    """Classify one 変更箇所 row given as printed text (item cell, before, after).

    The ※ status comes from the catalogue when the printed item names an item it lists
    (or a ※ heading above it); otherwise it is unknown and the row is 要確認. A ※ printed
    in the cell is reported in the evidence but does not decide.
    """
    catalogue = load_catalogue(form)
    path, status = status_of_printed(item, catalogue, policy)
    empty_marks = {"", "-", "記載なし", "(記載なし)", "（記載なし）", "なし"}
    removed_marks = {"(削除)", "（削除）", "削除"}
    change = "added" if before.strip() in empty_marks else "removed" if after.strip() in removed_marks else "modified"
    spans = diff_text(before, after)
    inp = RuleInput(form, str(path) if path else item, status.star, change, before, after, spans, status.basis)
    record = ChangeRecord(
        path=str(path) if path else "",
        item=item,
        change=change,
        before=before,
        after=after,
        spans=spans,
        star=status.star,
        decision=decide(inp, policy),
    )
    if path is None or change != "modified":
        return record
    # The printed row's two values as the band items they are: a crossing files the row 事前.
    sides = [Item(path, path.segments[-1], False, Text(f"[{text.strip().strip('[]［］')}]"))
             for text in (before.replace("\r", ""), after.replace("\r", ""))]
    flags = threshold_flags([ItemChange(path, "modified", sides[0], sides[1])])
    return prior_for_threshold([record], flags, policy)[0]
