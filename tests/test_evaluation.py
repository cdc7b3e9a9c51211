"""The evaluation against real decisions, and the per-revision 事前 switch it exercises."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from hyoka.classify import classify_row, prior_for_revision
from hyoka.classify.evaluate import evaluate_rows, revisions
from hyoka.classify.policy import Policy, load_policy
from hyoka.ingest import read_report
from hyoka.model import ChangeRow

REPO = Path(__file__).resolve().parents[1]
PURPOSE = "II 特定個人情報ファイルの概要 3. 特定個人情報の入手・使用 ③使用目的 ※"
SYSTEM_FUNCTION = "I 基本情報 2. 特定個人情報ファイルを取り扱う事務において使用するシステム システム1 ②システムの機能"


def _row(date: str, item: str, before: str, after: str, timing: str) -> ChangeRow:
    return ChangeRow(date, item, before, after, timing, "")


def test_blank_dates_continue_the_revision_above() -> None:
    rows = [
        _row("令和6年4月1日", "a", "", "", "事後"),
        _row("", "b", "", "", "事後"),
        _row("令和7年4月1日", "c", "", "", "事前"),
        _row("", "d", "", "", "事前"),
        _row("令和7年 4月1日", "e", "", "", "事前"),
    ]
    assert [[r.item for _, r in g] for g in revisions(rows)] == [["a", "b"], ["c", "d", "e"]]


def test_all_prior_switch_flips_rows_but_not_the_procedure_section() -> None:
    strict = Policy(all_prior_when_important=True)
    rows = [
        (PURPOSE, "市税の賦課のため。", "市税及び森林環境税の賦課のため。"),
        (SYSTEM_FUNCTION, "台帳管理", "台帳管理と通知"),
        ("V 評価実施手続 1. 基礎項目評価 ①実施日", "令和6年4月1日", "令和7年4月1日"),
    ]
    records = [classify_row("重点", item, before, after, strict) for item, before, after in rows]
    assert [r.decision.timing for r in records] == ["事前", "事後", "事後"]
    flipped = prior_for_revision(records, "重点", strict)
    assert [r.decision.timing for r in flipped] == ["事前", "事前", "事後"]
    assert flipped[1].decision.rule == "all_prior" and "non_star" in flipped[1].decision.evidence
    assert prior_for_revision(records, "重点", Policy()) == records
    formal_only = records[1:]
    assert prior_for_revision(formal_only, "重点", strict) == formal_only


def test_evaluation_counts_agreement_and_disagreements() -> None:
    rows = [
        _row("令和7年4月1日", PURPOSE, "市税", "市税及び森林環境税", "事前"),
        _row("", "IV 開示請求、問合せ 2. 特定個人情報ファイルの取扱いに関する問合せ ①連絡先", "内線1", "内線2", "事前"),
        _row("", "IV 開示請求、問合せ 1. 特定個人情報の開示・訂正・利用停止請求 ①請求先", "a", "b", "不明"),
    ]
    result = evaluate_rows("t", "重点", rows, Policy())
    assert (result.rows, result.skipped, result.agree) == (2, 1, 1)
    assert result.confusion[("事前", "事後")] == 1
    assert [d.index for d in result.disagreements] == [2]


def test_seed_agreement_reaches_the_target_with_each_bodys_policy(seeds_dir: Path) -> None:
    """The figure docs/classification.md reports: ≥ 90% on 002 + 004 together."""
    spec = importlib.util.spec_from_file_location("evaluate_seeds", REPO / "bench" / "evaluate_seeds.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    total = agree = 0
    for name in ("002_d96ab8c3580b4465.txt", "004_cbd4026a17bd0163.txt"):
        seed = seeds_dir / name
        report = read_report(seed)
        policy = load_policy(module.body_policy(seed))
        result = evaluate_rows(name, report.meta.form, report.appendix, policy)
        total += result.rows
        agree += result.agree
    assert total == 72
    assert agree / total >= 0.9
