"""Held-out agreement of a calibrated policy: learn on part of a body's rows, score on the rest.

A calibrated policy is only worth its figure on rows it did not learn from. A body's rows
fall into revisions (the rows of one 変更日): each revision is scored with the policy learned on
the others (leave one revision out), so the figure says how well the practice carries over to
the body's next revision. A body with one revision, or blank dates, is split 5-fold by rows
instead; the held-out rows are still classified with their revision (the per-revision switches
see its other rows' content, never their decisions).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from hyoka.classify.calibrate import learn
from hyoka.classify.evaluate import Evaluation, evaluate_rows, revisions
from hyoka.classify.policy import Policy
from hyoka.model import ChangeRow, FormKind

FOLDS = 5


@dataclass
class HeldOut:
    """Default and held-out calibrated agreement of one body, with what each fold learned."""

    name: str
    scheme: str
    default: Evaluation
    calibrated: Evaluation
    settings: Counter[str] = field(default_factory=Counter)
    folds: int = 0


def _folds(rows: Sequence[ChangeRow]) -> tuple[str, list[frozenset[int]]]:
    groups = revisions(rows)
    dated = all("".join(row.date.split()) for row in rows[:1])
    if len(groups) >= 2 and dated:
        return "改訂ごとの一個抜き", [frozenset(i for i, _ in group) for group in groups]
    numbers = range(1, len(rows) + 1)
    return f"{FOLDS} 分割 (行)", [frozenset(n for n in numbers if n % FOLDS == k) for k in range(FOLDS)]


def held_out(name: str, form: FormKind, rows: Sequence[ChangeRow]) -> HeldOut:
    """Score every row once, with the policy learned on the rows of the other folds."""
    scheme, folds = _folds(rows)
    default = evaluate_rows(name, form, rows, Policy())
    calibrated = Evaluation(name)
    result = HeldOut(name, scheme, default, calibrated)
    for test in folds:
        train = [n for n in range(1, len(rows) + 1) if n not in test]
        if not test:
            continue
        calibration = learn(form, [rows[n - 1] for n in train], train)
        part = evaluate_rows(name, form, rows, calibration.policy, only=test)
        _merge(calibrated, part)
        result.folds += 1
        result.settings.update(s.setting.name for s in calibration.settings)
    return result


def _merge(total: Evaluation, part: Evaluation) -> None:
    total.rows += part.rows
    total.skipped += part.skipped
    total.agree += part.agree
    total.review += part.review
    total.confusion.update(part.confusion)
    total.rules.update(part.rules)
    total.disagreements.extend(part.disagreements)
    total.unknown.extend(part.unknown)
