"""A 基礎項目評価書 (様式2) — no seed is one — read with the 様式2 catalogue: the fictional sample in
samples/midori reads with every item on the form and nothing unplaced, and a 対象人数 that crosses
a band is flagged as a しきい値判断 change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from hyoka.cli import app
from hyoka.ingest import read_file

KISO = SAMPLES / "midori"


def test_the_kiso_sample_reads_onto_form_2() -> None:
    result = CliRunner().invoke(app, ["check", str(KISO / "v1.txt"), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["form"], data["edition"]) == ("基礎", "平成29年5月")
    assert data["items"] == data["resolved"] > 20 and data["unplaced"] == []
    paths = {str(item.path) for item in read_file(KISO / "v1.txt").report.items}
    assert {"II/1/評価対象の事務の対象人数は何人か", "III/しきい値判断結果", "I/4/①実施の有無"} <= paths



@pytest.mark.parametrize("edition", ["平成26年4月", "平成28年1月"])
def test_a_kiso_report_of_an_earlier_edition_reads_with_that_edition(tmp_path: Path, edition: str) -> None:
    """Published 基礎項目評価書 print [平成26年4月 様式2] and [平成28年1月 様式2] on their cover: the
    catalogue is asked for that edition (not the newest), and the same items are read."""
    text = (KISO / "v1.txt").read_text("utf-8")
    assert "[平成29年5月 様式2]" in text
    older = tmp_path / "older.txt"
    older.write_text(text.replace("[平成29年5月 様式2]", f"[{edition} 様式2]"), "utf-8")
    result = CliRunner().invoke(app, ["check", str(older), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["edition"], data["edition_used"]) == (edition, edition)
    assert data["unplaced"] == []
    assert read_file(older).report.items == read_file(KISO / "v1.txt").report.items

def test_a_band_crossing_in_the_kiso_sample_is_flagged() -> None:
    result = CliRunner().invoke(app, ["diff", str(KISO / "v1.txt"), str(KISO / "v2.txt"), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [c["path"] for c in data["changes"]] == ["II/1/評価対象の事務の対象人数は何人か"]
    assert data["threshold"], "the crossing of 1万人以上10万人未満 → 10万人以上30万人未満 must be flagged"


def test_the_row_of_a_band_crossing_is_filed_before_the_change() -> None:
    """The 指針 asks for the assessment to be re-done before a change of the しきい値判断 takes
    effect: the row is 事前 (rule threshold_crossing), not the 事後 its item alone would give;
    with the rule switched off by a policy it is the item's own decision again."""
    from hyoka.classify import compare_reports
    from hyoka.classify.policy import Policy

    old, new = read_file(KISO / "v1.txt").report, read_file(KISO / "v2.txt").report
    (record,) = compare_reports(old, new, Policy()).records
    assert (record.decision.rule, record.decision.timing) == ("threshold_crossing", "事前")
    assert "10万人以上30万人未満" in record.decision.evidence and "元の規則" in record.decision.evidence
    off = Policy(disabled_rules=frozenset({"threshold_crossing"}))
    (plain,) = compare_reports(old, new, off).records
    assert plain.decision.rule != "threshold_crossing"


def test_a_printed_row_that_moves_a_band_is_filed_before_the_change() -> None:
    """classify-row reads the printed 変更前/変更後 of a 対象人数 row as bands: a crossing is 事前,
    a change inside a band keeps the item's own decision."""
    from hyoka.classify import classify_row
    from hyoka.classify.policy import Policy

    item = "I 基本情報 1. 特定個人情報ファイルを取り扱う事務 ③対象人数"
    crossing = classify_row("重点", item, "[10万人以上30万人未満]", "30万人以上", Policy())
    assert (crossing.decision.rule, crossing.decision.timing) == ("threshold_crossing", "事前")
    inside = classify_row("重点", item, "1万人以上10万人未満", "[1万人以上10万人未満]", Policy())
    assert inside.decision.rule != "threshold_crossing"
