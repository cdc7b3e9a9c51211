"""`hyoka diff` and `hyoka classify-row` end to end, on the samples, files and stored versions."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hyoka.cli import app
from hyoka.diff.align import align
from hyoka.forms import form_path, load_catalogue
from hyoka.forms.printed import find_printed
from hyoka.ingest import read_report

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "sakuragawa"
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("HYOKA_UPDATE_GOLDEN") == "1"


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def diff_json(old: str, new: str, *extra: str) -> dict:
    code, out, err = run("diff", old, new, "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)


def sample(n: int) -> str:
    return str(SAMPLES / f"v{n}.txt")


@pytest.mark.parametrize("version", [2, 3, 4])
def test_samples_produce_the_rows_written_by_hand(version: int) -> None:
    """Each sample version's 変更箇所 ends with the rows a person wrote for its edits; the diff
    from the previous version must yield the same items with the same 提出時期."""
    new = read_report(SAMPLES / f"v{version}.txt")
    old = read_report(SAMPLES / f"v{version - 1}.txt")
    catalogue = load_catalogue(new.meta.form)
    handwritten = new.appendix[len(old.appendix) :]
    expected = set()
    for row in handwritten:
        path = find_printed(catalogue, row.item)
        assert path is not None, row.item
        expected.add((form_path(path), row.timing))
    result = diff_json(sample(version - 1), sample(version))
    got = {(form_path(c["path"]), c["timing"]) for c in result["changes"]}
    assert got == expected


def test_golden_json_of_v2_to_v3() -> None:
    """The full JSON for v2→v3, reviewed by hand; regenerate only with HYOKA_UPDATE_GOLDEN=1."""
    result = diff_json(sample(2), sample(3))
    result["from"], result["to"] = "v2.txt", "v3.txt"
    golden = GOLDEN / "diff_v2_v3.json"
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_json_schema_of_a_change() -> None:
    result = diff_json(sample(1), sample(2))
    assert set(result) == {"from", "to", "form", "policy", "threshold", "changes"}
    keys = {"path", "item", "change", "before", "after", "spans", "important", "category", "timing", "reason",
            "rule", "evidence"}
    typo = next(c for c in result["changes"] if c["rule"] == "typo")
    assert keys <= set(typo)
    assert typo["before"].endswith("シテスム") and typo["after"].endswith("システム")
    assert [op for op, _ in typo["spans"]] == ["equal", "delete", "insert", "equal"]
    assert typo["item"].startswith("I 基本情報 2. 特定個人情報ファイルを取り扱う事務において使用するシステム システム2")
    assert (typo["important"], typo["category"], typo["timing"]) == (False, "形式的な変更", "事後")


def test_stored_versions_diff_like_their_files(db_url: str) -> None:
    db = db_url
    assert run("init", "--db", db)[0] == 0
    for n in (2, 3):
        code, _, err = run("commit", sample(n), "--report", "s", "--author", "山田", "--db", db)
        assert code == 0, err
    stored = diff_json("s@1", "s@2", "--db", db)
    files = diff_json(sample(2), sample(3))
    assert (stored["from"], stored["to"]) == ("s@1", "s@2")
    assert stored["changes"] == files["changes"]


def test_text_view_marks_spans_and_says_why() -> None:
    code, out, _ = run("diff", sample(2), sample(3))
    assert code == 0
    assert "[重要な変更 事前] II/3/③使用目的 (変更)" in out
    assert "{+(種別割及び環境性能割)+}" in out
    assert "規則 substantive_star" in out
    assert out.rstrip().endswith("変更 5 件 (重要な変更の対象外 3、重要な変更 2)")


def test_all_prior_flag_marks_the_whole_revision() -> None:
    plain = diff_json(sample(2), sample(3))
    prior = diff_json(sample(2), sample(3), "--all-prior")
    assert {c["timing"] for c in plain["changes"]} == {"事前", "事後"}
    assert {c["timing"] for c in prior["changes"]} == {"事前"}
    assert {c["rule"] for c in prior["changes"] if c["rule"] == "all_prior"} == {"all_prior"}


def _renumbered_pair(tmp_path: Path) -> tuple[Path, Path]:
    """v2 with a new システム inserted as システム1, shifting every other system up by one."""
    text = (SAMPLES / "v2.txt").read_text(encoding="utf-8")
    old = tmp_path / "old.txt"
    old.write_text(text, encoding="utf-8")
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("システム1"))
    renumbered = []
    for line in lines:
        for n in range(9, 0, -1):
            if line.startswith(f"システム{n}"):
                line = line.replace(f"システム{n}", f"システム{n + 1}", 1)
                break
        renumbered.append(line)
    inserted = ["システム1", "①システムの名称\t新しい申請受付システム", "②システムの機能\t電子申請を受け付ける。",
                "③他のシステムとの接続\t[ ] 情報提供ネットワークシステム [○] 庁内連携システム"]
    new = tmp_path / "new.txt"
    new.write_text("\n".join(renumbered[:start] + inserted + renumbered[start:]), encoding="utf-8")
    return old, new


def test_inserted_instance_reports_moves_not_rewrites(tmp_path: Path) -> None:
    old, new = _renumbered_pair(tmp_path)
    changes = align(read_report(old), read_report(new))
    kinds = {(c.change, str(c.path)) for c in changes}
    assert ("added", "I/2/システム1/①システムの名称") in kinds
    assert ("moved", "I/2/システム2") in kinds and ("moved", "I/2/システム3") in kinds
    assert not [c for c in changes if c.change == "modified" and "システム" in str(c.path)]
    result = diff_json(str(old), str(new))
    moved = [c for c in result["changes"] if c["change"] == "moved"]
    assert moved and all(c["rule"] == "renumbered" and c["timing"] == "事後" for c in moved)


def test_threshold_crossing_is_flagged_at_the_top(tmp_path: Path) -> None:
    text = (SAMPLES / "v3.txt").read_text(encoding="utf-8")
    new = tmp_path / "v3b.txt"
    crossed = text.replace("③対象人数\t[1万人以上10万人未満]", "③対象人数\t[10万人以上30万人未満]", 1)
    new.write_text(crossed, encoding="utf-8")
    result = diff_json(sample(3), str(new))
    assert [t["kind"] for t in result["threshold"]] == ["対象人数"]
    code, out, _ = run("diff", sample(3), str(new))
    assert code == 0 and out.index("しきい値判断") < out.index("I/1/③対象人数")


def test_classify_row_single_and_batch(tmp_path: Path) -> None:
    item = "II 特定個人情報ファイルの概要 3. 特定個人情報の入手・使用 ③使用目的 ※"
    code, out, _ = run("classify-row", "--form", "重点", "--item", item, "--before", "市税",
                       "--after", "市税及び森林環境税")
    one = json.loads(out)
    assert code == 0 and (one["important"], one["timing"], one["rule"]) == (True, "事前", "substantive_star")
    rows = [
        {"form": "重点", "item": item, "before": "市税", "after": "市税及び森林環境税"},
        {"form": "重点", "item": "IV 開示請求、問合せ 2. ①連絡先", "before": "電話 0296-00-1111",
         "after": "電話 0296-00-2222"},
        {"form": "全項目", "item": "I 基本情報 1. 特定個人情報ファイルを取り扱う事務 ②事務の内容", "before": "課税",
         "after": "課税及び徴収"},
    ]
    source = tmp_path / "rows.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    code, out, _ = run("classify-row", "--jsonl", str(source))
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r["timing"] for r in results] == ["事前", "事後", "事前"]  # 事務の内容 is ※ in 様式4 only
    assert [r["rule"] for r in results] == ["substantive_star", "date_contact", "substantive_star"]
    code, out, _ = run("classify-row", "--jsonl", "-", stdin=json.dumps(rows[1], ensure_ascii=False) + "\n")
    assert code == 0 and json.loads(out)["rule"] == "date_contact"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["diff", "missing.txt", sample(2)], "missing.txt"),
        (["diff", "nothere@3", sample(2)], "nothere"),
        (["diff", sample(1), sample(2), "--policy", "__POLICY__"], "ポリシー"),
        (["classify-row", "--jsonl", "__JSONL__"], ":2:"),
        (["classify-row", "--form", "様式9", "--item", "x"], "様式9"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, db_url: str, args: list[str], needle: str) -> None:
    policy = tmp_path / "bad.toml"
    policy.write_text("[classification]\nadditive_measures_are_formal = \"yes\"\n", encoding="utf-8")
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text('{"item": "x"}\n{not json\n', encoding="utf-8")
    db = db_url
    run("init", "--db", db)
    args = [str(policy) if a == "__POLICY__" else str(jsonl) if a == "__JSONL__" else a for a in args]
    if args[0] == "diff":
        args += ["--db", db]
    code, out, err = run(*args)
    assert code == 2
    assert needle in err and len(err.strip().splitlines()) == 1
    assert out == ""


def test_unparseable_file_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_text("これは評価書ではありません。\n" * 3, encoding="utf-8")
    code, _, err = run("diff", str(junk), sample(2))
    assert code == 2 and len(err.strip().splitlines()) == 1
