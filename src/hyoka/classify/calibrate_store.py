"""The labelled rows of a stored report, for `hyoka calibrate ID`.

A report's record of decisions is (1) the 変更箇所 the body published and hyoka imported with
the first version — row by row, with the body's own 提出時期 — and (2) for each later version,
the decisions in force on its changes: a person's override where there is one, else the
machine's. A machine decision left 要確認 is nobody's decision and is not learned from. Each
later version is one revision.
"""

from __future__ import annotations

from hyoka.audit.review import reviewed_changes
from hyoka.classify.calibrate import Calibration, learn
from hyoka.classify.evaluate import TIMINGS
from hyoka.classify.rules import NEEDS_REVIEW
from hyoka.errors import InputError
from hyoka.model import ChangeRow, FormKind
from hyoka.store import Store


def stored_rows(store: Store, report_id: str) -> tuple[FormKind, list[ChangeRow]]:
    """(form, rows): the first version's imported 変更箇所, then later revisions' decisions."""
    versions = store.log(report_id)
    if not versions:
        raise InputError(f"評価書 {report_id} に版がありません / no versions")
    numbers = sorted(v.number for v in versions)
    first = store.checkout(report_id, numbers[0])
    head = store.checkout(report_id, numbers[-1])
    rows = [row for row in first.appendix if row.timing in TIMINGS]
    for number in numbers[1:]:
        for change in reviewed_changes(store, report_id, number):
            decided = change.effective
            if decided.timing not in TIMINGS or (decided.category == NEEDS_REVIEW and not change.overridden):
                continue
            rows.append(ChangeRow(f"第{number}版", change.item, change.before, change.after, decided.timing,
                                  decided.reason if change.overridden else ""))
    if not rows:
        raise InputError(f"評価書 {report_id}: 学習に使える判断 (変更箇所の行・版の分類) がありません / "
                         "no decisions to learn from")
    return head.meta.form, rows


def calibrate_report(store: Store, report_id: str) -> Calibration:
    """`hyoka calibrate ID`: learn from the report's own record of decisions."""
    form, rows = stored_rows(store, report_id)
    return learn(form, rows)
