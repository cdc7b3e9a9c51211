"""Measure the classifier against real decisions: the 変更箇所 rows bodies published.

Every row a body wrote says which 提出時期 it chose; classifying the same row
(item, before, after) and comparing gives an agreement figure and the list of
disagreements a reviewer can read rule by rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from hyoka.classify import classify_row
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


def evaluate_rows(name: str, form: FormKind, rows: Sequence[ChangeRow], policy: Policy) -> Evaluation:
    """Classify each published row and compare its timing with the body's."""
    result = Evaluation(name)
    for index, row in enumerate(rows, 1):
        if row.timing not in TIMINGS:
            result.skipped += 1
            continue
        record = classify_row(form, row.item.replace("\n", " "), row.before, row.after, policy)
        tool = record.decision.timing
        result.rows += 1
        result.confusion[(row.timing, tool)] += 1
        result.rules[record.decision.rule] += 1
        if tool == row.timing:
            result.agree += 1
        else:
            result.disagreements.append(
                Disagreement(index, row.item.replace("\n", " ")[:80], row.timing, tool, record.decision.rule,
                             record.decision.evidence[:80])
            )
    return result


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
