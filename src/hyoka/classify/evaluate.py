"""Measure the classifier against real decisions: the 変更箇所 rows bodies published.

Every row a body wrote says which 提出時期 it chose; classifying the same row
(item, before, after) and comparing gives an agreement figure and the list of
disagreements a reviewer can read rule by rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from hyoka.classify import ChangeRecord, classify_row, prior_for_revision
from hyoka.classify.policy import Policy
from hyoka.classify.rules import NEEDS_REVIEW
from hyoka.model import ChangeRow, FormKind

TIMINGS = ("事前", "事後")


@dataclass(frozen=True)
class Disagreement:
    index: int
    item: str
    body: str
    tool: str
    rule: str
    evidence: str


@dataclass
class Evaluation:
    """Rows with a usable 提出時期, agreement, confusion matrix (body → tool) and disagreements.

    Rows hyoka decided 要確認 (item not identified in the form catalogue) are counted apart
    (``review``, confusion column 要確認, listed in ``unknown``): they are neither agreement nor
    disagreement, whatever 提出時期 the policy gave them. ``agreement`` is over all rows, so
    saying 要確認 never raises it; ``decided_agreement`` is over the rows hyoka decided.
    """

    name: str
    rows: int = 0
    skipped: int = 0
    agree: int = 0
    review: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    disagreements: list[Disagreement] = field(default_factory=list)
    unknown: list[Disagreement] = field(default_factory=list)

    @property
    def agreement(self) -> float:
        return self.agree / self.rows if self.rows else 0.0

    @property
    def decided(self) -> int:
        return self.rows - self.review

    @property
    def decided_agreement(self) -> float:
        return self.agree / self.decided if self.decided else 0.0


def revisions(rows: Sequence[ChangeRow]) -> list[list[tuple[int, ChangeRow]]]:
    """Rows grouped by revision: consecutive rows of one 変更日. A blank date continues the
    group above it, because the appendix prints a merged date cell once per revision."""
    groups: list[list[tuple[int, ChangeRow]]] = []
    current: str | None = None
    for index, row in enumerate(rows, 1):
        date = "".join(row.date.split())
        if not groups or (date and date != current):
            groups.append([])
            current = date or current
        groups[-1].append((index, row))
    return groups


def item_cells(items: Sequence[str], policy: Policy) -> list[str]:
    """The 項目 cells as classified, line breaks as spaces. With the policy switch
    blank_item_continues a blank cell takes the item of the row above: bodies print a merged
    項目 cell once for the rows of one item, as they print the 変更日 once per revision."""
    out: list[str] = []
    for item in items:
        text = item.replace("\n", " ")
        if policy.blank_item_continues and not text.strip() and out:
            text = out[-1]
        out.append(text)
    return out


def classify_rows(form: FormKind, rows: Sequence[ChangeRow], policy: Policy) -> list[ChangeRecord]:
    """Classify the rows of one revision together, as the policy's per-revision switches need."""
    items = item_cells([row.item for row in rows], policy)
    records = [classify_row(form, item, row.before, row.after, policy) for item, row in zip(items, rows, strict=True)]
    return prior_for_revision(records, form, policy)


def evaluate_rows(name: str, form: FormKind, rows: Sequence[ChangeRow], policy: Policy,
                  only: frozenset[int] | None = None) -> Evaluation:
    """Classify each published row and compare its timing with the body's; the per-revision
    policy switches (all_prior_when_important, …) see the rows of one revision together.
    ``only`` (1-based row numbers) scores just those rows, the others still being classified as
    context: how a policy learned on some rows of a revision is scored on the rest."""
    result = Evaluation(name)
    for group in revisions(rows):
        usable = [(i, row) for i, row in group if row.timing in TIMINGS]
        result.skipped += sum(1 for i, row in group if row.timing not in TIMINGS and (only is None or i in only))
        records = classify_rows(form, [row for _, row in usable], policy)
        for (index, row), record in zip(usable, records, strict=True):
            if only is None or index in only:
                _score(result, index, row, record)
    return result


def _score(result: Evaluation, index: int, row: ChangeRow, record: ChangeRecord) -> None:
    d = record.decision
    result.rows += 1
    result.rules[d.rule] += 1
    item = row.item.replace("\n", " ")[:80]
    if d.category == NEEDS_REVIEW:
        result.review += 1
        result.confusion[(row.timing, NEEDS_REVIEW)] += 1
        result.unknown.append(Disagreement(index, item, row.timing, f"{NEEDS_REVIEW}({d.timing})", d.rule,
                                           d.evidence[:80]))
        return
    result.confusion[(row.timing, d.timing)] += 1
    if d.timing == row.timing:
        result.agree += 1
        return
    result.disagreements.append(Disagreement(index, item, row.timing, d.timing, d.rule, d.evidence[:80]))


def format_evaluation(result: Evaluation, show_disagreements: bool = True) -> str:
    """The table CI prints: rows, agreement, 要確認 apart, confusion matrix, then each
    disagreement and each 要確認 row."""
    c = result.confusion
    lines = [
        f"== {result.name}: {result.rows} 行 (提出時期なし {result.skipped} 行を除く)  "
        f"一致率 {result.agreement:.1%} ({result.agree} 行)  {NEEDS_REVIEW} {result.review} 行 "
        f"(一致にも不一致にも数えない; 判定した {result.decided} 行での一致率 {result.decided_agreement:.1%})",
        f"   団体\\hyoka   事前   事後  {NEEDS_REVIEW}",
        f"   事前       {c[('事前', '事前')]:5d}  {c[('事前', '事後')]:5d}  {c[('事前', NEEDS_REVIEW)]:5d}",
        f"   事後       {c[('事後', '事前')]:5d}  {c[('事後', '事後')]:5d}  {c[('事後', NEEDS_REVIEW)]:5d}",
        "   規則: " + ", ".join(f"{rule} {n}" for rule, n in result.rules.most_common()),
    ]
    if show_disagreements:
        for d in [*result.disagreements, *result.unknown]:
            lines.append(f"   #{d.index:<4d} 団体 {d.body} / hyoka {d.tool}  [{d.rule}] {d.item}  ({d.evidence})")
    return "\n".join(lines)
