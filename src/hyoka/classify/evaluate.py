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
    """Rows with a usable 提出時期, agreement, confusion matrix (body → tool) and disagreements."""

    name: str
    rows: int = 0
    skipped: int = 0
    agree: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def agreement(self) -> float:
        return self.agree / self.rows if self.rows else 0.0


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


def evaluate_rows(name: str, form: FormKind, rows: Sequence[ChangeRow], policy: Policy) -> Evaluation:
    """Classify each published row and compare its timing with the body's; the per-revision
    policy switch (all_prior_when_important) sees the rows of one revision together."""
    result = Evaluation(name)
    for group in revisions(rows):
        usable = [(i, row) for i, row in group if row.timing in TIMINGS]
        result.skipped += len(group) - len(usable)
        records = [classify_row(form, row.item.replace("\n", " "), row.before, row.after, policy) for _, row in usable]
        for (index, row), record in zip(usable, prior_for_revision(records, form, policy), strict=True):
            _score(result, index, row, record)
    return result


def _score(result: Evaluation, index: int, row: ChangeRow, record: ChangeRecord) -> None:
    tool = record.decision.timing
    result.rows += 1
    result.confusion[(row.timing, tool)] += 1
    result.rules[record.decision.rule] += 1
    if tool == row.timing:
        result.agree += 1
        return
    item = row.item.replace("\n", " ")[:80]
    result.disagreements.append(
        Disagreement(index, item, row.timing, tool, record.decision.rule, record.decision.evidence[:80])
    )


def format_evaluation(result: Evaluation, show_disagreements: bool = True) -> str:
    """The table CI prints: rows, agreement, confusion matrix, then each disagreement."""
    c = result.confusion
    lines = [
        f"== {result.name}: {result.rows} 行 (提出時期なし {result.skipped} 行を除く)  一致率 {result.agreement:.1%}",
        "   団体\\hyoka   事前   事後",
        f"   事前       {c[('事前', '事前')]:5d}  {c[('事前', '事後')]:5d}",
        f"   事後       {c[('事後', '事前')]:5d}  {c[('事後', '事後')]:5d}",
        "   規則: " + ", ".join(f"{rule} {n}" for rule, n in result.rules.most_common()),
    ]
    if show_disagreements:
        for d in result.disagreements:
            lines.append(f"   #{d.index:<4d} 団体 {d.body} / hyoka {d.tool}  [{d.rule}] {d.item}  ({d.evidence})")
    return "\n".join(lines)
