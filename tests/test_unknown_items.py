"""Never silently 事後: an item hyoka cannot identify in the form catalogue is 要確認.

Real CLI calls (typer's CliRunner) on small hand-written reports in hyoka's own
format, so the tests do not depend on the published-text reader.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from hyoka.classify.evaluate import evaluate_rows, format_evaluation
from hyoka.classify.policy import Policy
from hyoka.cli import app
from hyoka.forms import load_catalogue
from hyoka.model import ChangeRow, ItemPath

UNIDENTIFIED = "特定できず"  # what the evidence of a 要確認 decision says
UNKNOWN_PATH = "II/3/⑩独自の記載欄"  # 様式3 has no ⑩ under II 3.
KNOWN_NON_STAR = "IV/2/②対応方法"


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def native(items: dict[str, tuple[str, str]], published: str = "令和7年4月1日") -> str:
    """A 重点項目評価書 in hyoka's own format: path → (表示, value)."""
    lines = ["hyoka-report 1", "評価書番号: 99", "評価書名: 試験用 重点項目評価書", "評価実施機関: 試験市長",
             f"公表日: {published}", "様式: 重点"]
    for path, (label, value) in items.items():
        lines += ["", f"== {path}", f"表示: {label}", *(f"| {line}" for line in value.split("\n"))]
    return "\n".join(lines) + "\n"


BASE = {
    "I/1/③対象人数": ("③対象人数", "[1万人以上10万人未満]"),
    "II/3/③使用目的": ("③使用目的 ※", "軽自動車税の賦課のため。"),
    UNKNOWN_PATH: ("⑩独自の記載欄", "窓口で紙の申請書を受け付ける。"),
    KNOWN_NON_STAR: ("②対応方法", "電話で受け付ける。"),
    "II/3/⑪市独自の欄": ("⑪市独自の欄 ※", "年1回見直す。"),
    "III/3/リスク9/独自の措置": ("独自の措置", "職員に研修を行う。"),
}


def pair(tmp_path: Path, **edits: str) -> tuple[str, str]:
    """Old and new versions: BASE, and BASE with the given paths' values replaced."""
    new_items = dict(BASE)
    for key, value in edits.items():
        path = {"unknown": UNKNOWN_PATH, "known": KNOWN_NON_STAR, "printed_star": "II/3/⑪市独自の欄",
                "under_star": "III/3/リスク9/独自の措置", "people": "I/1/③対象人数",
                "purpose": "II/3/③使用目的"}[key]
        new_items[path] = (BASE[path][0], value)
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(native(BASE, "令和7年4月1日"), encoding="utf-8")
    new.write_text(native(new_items, "令和7年10月1日"), encoding="utf-8")
    return str(old), str(new)


def diff_json(old: str, new: str, *extra: str) -> dict[str, dict]:
    code, out, err = run("diff", old, new, "--format", "json", *extra)
    assert code == 0, err
    return {c["path"]: c for c in json.loads(out)["changes"]}


def policy_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- hyoka diff -----------------------------------------------------------------------------------


def test_unidentified_item_is_review_and_prior_with_evidence(tmp_path: Path) -> None:
    assert load_catalogue("重点").entry(ItemPath.parse(UNKNOWN_PATH)) is None  # the premise
    old, new = pair(tmp_path, unknown="窓口とオンラインで申請を受け付ける。")
    change = diff_json(old, new)[UNKNOWN_PATH]
    assert (change["category"], change["timing"], change["rule"]) == ("要確認", "事前", "unknown_item")
    assert change["important"] is None and change["star"] is None
    assert UNIDENTIFIED in change["evidence"] and "様式" in change["evidence"]
    assert "※項目ではない" not in change["evidence"]
    assert "要確認" in change["reason"]


def test_text_view_says_review(tmp_path: Path) -> None:
    old, new = pair(tmp_path, unknown="窓口とオンラインで申請を受け付ける。")
    code, out, _ = run("diff", old, new)
    assert code == 0
    assert f"[要確認 事前] {UNKNOWN_PATH} (変更)" in out
    assert "規則 unknown_item:" in out and UNIDENTIFIED in out
    assert out.rstrip().endswith("変更 1 件 (要確認 1)")


def test_policy_can_choose_after_but_it_stays_review(tmp_path: Path) -> None:
    old, new = pair(tmp_path, unknown="窓口とオンラインで申請を受け付ける。")
    after = policy_file(tmp_path, '[classification]\nunknown_item_timing = "事後"\n')
    change = diff_json(old, new, "--policy", after)[UNKNOWN_PATH]
    assert (change["category"], change["timing"], change["rule"]) == ("要確認", "事後", "unknown_item")
    assert UNIDENTIFIED in change["evidence"]


def test_known_non_star_item_keeps_its_after(tmp_path: Path) -> None:
    old, new = pair(tmp_path, known="電話と窓口で受け付け、記録を残す。")
    change = diff_json(old, new)[KNOWN_NON_STAR]
    assert (change["category"], change["timing"], change["rule"]) == ("重要な変更の対象外", "事後", "non_star")
    assert change["important"] is False and change["star"] is False
    assert change["evidence"] == f"{KNOWN_NON_STAR} は※項目ではない"


def test_printed_star_does_not_decide_but_is_reported(tmp_path: Path) -> None:
    old, new = pair(tmp_path, printed_star="年2回見直す。")
    change = diff_json(old, new)["II/3/⑪市独自の欄"]
    assert (change["category"], change["timing"]) == ("要確認", "事前")
    assert "※の印あり" in change["evidence"]


def test_unlisted_item_under_a_star_heading_is_star(tmp_path: Path) -> None:
    """III is ※ as a whole: whatever the unlisted item is, the form marks it ※."""
    old, new = pair(tmp_path, under_star="全職員に年2回研修を行い、受講を記録する。")
    change = diff_json(old, new)["III/3/リスク9/独自の措置"]
    assert (change["category"], change["timing"], change["rule"]) == ("重要な変更", "事前", "substantive_star")
    assert "「III」の※が及ぶ" in change["evidence"]


def test_rules_before_the_star_check_still_decide(tmp_path: Path) -> None:
    """A typo fix is formal whatever the item is; しきい値 flags do not depend on the catalogue."""
    old, new = pair(tmp_path, unknown="窓口で紙の申請書を受け付る。", people="[10万人以上30万人未満]")
    code, out, err = run("diff", old, new, "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    change = {c["path"]: c for c in result["changes"]}[UNKNOWN_PATH]
    assert (change["rule"], change["category"], change["timing"]) == ("typo", "形式的な変更", "事後")
    assert [t["kind"] for t in result["threshold"]] == ["対象人数"]


def test_whole_revision_prior_keeps_saying_review(tmp_path: Path) -> None:
    old, new = pair(tmp_path, unknown="窓口とオンラインで申請を受け付ける。",
                    purpose="軽自動車税の賦課及び収納のため。")
    after = policy_file(tmp_path, '[classification]\nunknown_item_timing = "事後"\n'
                                  "all_prior_when_important = true\n")
    change = diff_json(old, new, "--policy", after)[UNKNOWN_PATH]
    assert (change["category"], change["timing"], change["rule"]) == ("要確認", "事前", "all_prior")
    assert "unknown_item" in change["evidence"] and UNIDENTIFIED in change["evidence"]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('[classification]\nunknown_item_timing = "あとで"\n', "unknown_item_timing"),
        ("[classification]\nunknown_item_timing = true\n", "unknown_item_timing"),
        ('[classification]\ndisabled_rules = ["unknown_item"]\n', "unknown_item"),
    ],
)
def test_bad_unknown_item_settings_are_refused(tmp_path: Path, text: str, needle: str) -> None:
    old, new = pair(tmp_path, unknown="x")
    code, out, err = run("diff", old, new, "--policy", policy_file(tmp_path, text))
    assert code == 2 and out == ""
    assert needle in err and len(err.strip().splitlines()) == 1


def test_cover_items_are_known_once_the_catalogue_lists_them(tmp_path: Path) -> None:
    """表紙 items are catalogue entries (another change adds them to the TOMLs); until then they
    are 要確認 like any unlisted item, and this test waits for the data."""
    if load_catalogue("重点").entry(ItemPath.parse("表紙/特記事項")) is None:
        pytest.skip("表紙 is not in the 様式3 catalogue yet")
    items = dict(BASE, **{"表紙/特記事項": ("特記事項", "特になし。")})
    old, new = tmp_path / "a.txt", tmp_path / "b.txt"
    old.write_text(native(items), encoding="utf-8")
    new.write_text(native(dict(items, **{"表紙/特記事項": ("特記事項", "令和7年度から電子申請を始める。")})),
                   encoding="utf-8")
    change = diff_json(str(old), str(new))["表紙/特記事項"]
    assert (change["rule"], change["timing"]) == ("non_star", "事後")


# -- hyoka classify-row ---------------------------------------------------------------------------


def classify(item: str, before: str = "窓口で受け付ける。", after: str = "窓口と電子申請で受け付ける。",
             form: str = "重点", *extra: str) -> dict:
    code, out, err = run("classify-row", "--form", form, "--item", item, "--before", before, "--after", after,
                         *extra)
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize(
    "item",
    ["", "紙2 No.1 別表項番", "報ファイルの取扱いの委託",
     "II 特定個人情報ファイルの概要 3. 特定個人情報の入手・使用 ⑩独自の記載欄"],
    ids=["empty", "attachment", "ocr-fragment", "not-in-form"],
)
def test_classify_row_with_an_unknowable_item_is_review(item: str) -> None:
    row = classify(item)
    assert (row["category"], row["timing"], row["rule"]) == ("要確認", "事前", "unknown_item")
    assert row["important"] is None and row["star"] is None
    assert UNIDENTIFIED in row["evidence"]


def test_classify_row_heading_with_star_items_below_is_review() -> None:
    """"委託事項5" names a whole instance: some items under it are ※, some are not."""
    row = classify("II 特定個人情報ファイルの概要 4. 特定個人情報ファイルの取扱いの委託 委託事項5")
    assert (row["category"], row["rule"]) == ("要確認", "unknown_item")
    assert "※項目と※でない項目" in row["evidence"]


def test_classify_row_known_items_keep_their_decisions() -> None:
    non_star = classify("IV 開示請求、問合せ 2. 特定個人情報ファイルの取扱いに関する問合せ ②対応方法")
    assert (non_star["rule"], non_star["timing"], non_star["important"]) == ("non_star", "事後", False)
    star = classify("II 特定個人情報ファイルの概要 3. 特定個人情報の入手・使用 ③使用目的 ※")
    assert (star["rule"], star["timing"], star["important"]) == ("substantive_star", "事前", True)


def test_classify_row_label_split_by_a_line_break_is_identified() -> None:
    """OCR'd cells break labels ("①法令上の 根拠"); the rest of the label is not another item."""
    item = "II 特定個人情報ファイルの概要 5. 特定個人情報の提供・移転(委託に伴うものを除く。) 提供先3 ①法令上の 根拠"
    row = classify(item, form="全項目")
    assert (row["rule"], row["timing"], row["path"]) == ("non_star", "事後", "II/5/提供先N/①法令上の根拠")


def test_classify_row_basic_form_item_the_catalogue_lacks_is_review() -> None:
    """様式2 is not special-cased: an item its catalogue does not list is 要確認 as in 様式3/4."""
    row = classify("I 関連情報 9. 独自の欄", form="基礎")
    assert (row["category"], row["timing"], row["rule"]) == ("要確認", "事前", "unknown_item")


def test_classify_row_policy_and_batch(tmp_path: Path) -> None:
    rows = [
        {"form": "重点", "item": "紙2 No.1 別表項番", "before": "16の項", "after": "16の項、24の項"},
        {"form": "重点", "item": "IV 開示請求、問合せ 2. ②対応方法", "before": "電話", "after": "電話と窓口"},
    ]
    source = tmp_path / "rows.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    after = policy_file(tmp_path, '[classification]\nunknown_item_timing = "事後"\n')
    for extra, first_timing in (((), "事前"), (("--policy", after), "事後")):
        code, out, err = run("classify-row", "--jsonl", str(source), *extra)
        assert code == 0, err
        first, second = (json.loads(line) for line in out.splitlines())
        assert (first["category"], first["timing"], first["rule"]) == ("要確認", first_timing, "unknown_item")
        assert UNIDENTIFIED in first["evidence"]
        assert (second["category"], second["timing"], second["rule"]) == ("重要な変更の対象外", "事後", "non_star")


# -- tables, review and audit ---------------------------------------------------------------------


@pytest.fixture
def stored(tmp_path: Path, db_url: str) -> str:
    old, new = pair(tmp_path, unknown="窓口とオンラインで申請を受け付ける。", known="電話と窓口で受け付ける。")
    assert run("init", "--db", db_url)[0] == 0
    for path in (old, new):
        code, _, err = run("commit", path, "--report", "t", "--author", "山田", "--db", db_url)
        assert code == 0, err
    return db_url


def test_tables_show_review(stored: str, tmp_path: Path) -> None:
    code, out, err = run("appendix", "t", "-f", "csv", "--db", stored)
    assert code == 0, err
    rows = {r[1]: r for r in _csv(out)[1:]}
    unknown = next(r for item, r in rows.items() if "⑩独自の記載欄" in item)
    known = next(r for item, r in rows.items() if "②対応方法" in item)
    assert unknown[4] == "事前" and unknown[5].startswith("要確認")
    assert known[4] == "事後" and "要確認" not in known[5]
    code, md, _ = run("appendix", "t", "-f", "md", "--db", stored)
    assert code == 0 and "- 要確認 1 件:" in md
    code, html, _ = run("appendix", "t", "-f", "html", "--db", stored)
    assert code == 0 and html.count("<strong>要確認</strong>") == 1
    code, shinkyu, _ = run("shinkyu", "t", "--db", stored)
    assert code == 0 and "要確認<br>事前" in shinkyu
    target = tmp_path / "変更箇所.xlsx"
    assert run("appendix", "t", "-o", str(target), "--db", stored)[0] == 0
    sheet = load_workbook(target).active
    reasons = {sheet.cell(row=r, column=2).value: sheet.cell(row=r, column=6) for r in range(2, sheet.max_row + 1)}
    cell = next(c for item, c in reasons.items() if "⑩独自の記載欄" in item)
    assert "要確認" in cell.value and cell.fill.fgColor.rgb.endswith("FFF2CC")


def test_policy_reason_without_the_word_still_shows_review(stored: str, tmp_path: Path) -> None:
    own = policy_file(tmp_path, '[reasons]\nunknown_item = "確認中"\n')
    code, out, _ = run("appendix", "t", "-f", "csv", "--policy", own, "--db", stored)
    assert code == 0
    unknown = next(r for r in _csv(out)[1:] if "⑩独自の記載欄" in r[1])
    assert unknown[5] == "【要確認】確認中"


def test_review_override_audit_and_verify(stored: str) -> None:
    code, out, _ = run("review", "t@2", "--db", stored)
    assert code == 0 and "要確認 / 事前 / 要確認  規則 unknown_item" in out
    code, out, _ = run("audit", "--report", "t", "--important", "no", "--format", "json", "--db", stored)
    assert [r["path"] for r in json.loads(out)] == [KNOWN_NON_STAR]  # 要確認 is neither yes nor no
    code, out, _ = run("audit", "--report", "t", "--category", "要確認", "--format", "json", "--db", stored)
    (row,) = json.loads(out)
    assert (row["path"], row["important"], row["timing"]) == (UNKNOWN_PATH, None, "事前")
    changes = json.loads(run("review", "t@2", "--format", "json", "--db", stored)[1])["changes"]
    index = next(c["index"] for c in changes if c["path"] == UNKNOWN_PATH)
    code, out, err = run("review", "t@2", "--change", str(index), "--important", "no", "--timing", "事後",
                         "--reason", "市独自の欄で※に当たらない", "--by", "佐藤", "--db", stored)
    assert code == 0, err
    assert "形式的な変更 / 事後" in out
    code, out, _ = run("appendix", "t", "-f", "csv", "--db", stored)
    unknown = next(r for r in _csv(out)[1:] if "⑩独自の記載欄" in r[1])
    assert (unknown[4], unknown[5]) == ("事後", "市独自の欄で※に当たらない")
    code, out, err = run("verify", "--db", stored)
    assert code == 0, err + out


def _csv(text: str) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))


# -- evaluation -----------------------------------------------------------------------------------


def test_evaluation_counts_review_apart() -> None:
    rows = [
        ChangeRow("令和7年4月1日", "II 特定個人情報ファイルの概要 3. 特定個人情報の入手・使用 ③使用目的 ※", "市税",
                  "市税及び森林環境税", "事前", ""),
        ChangeRow("", "紙2 No.1 別表項番", "16の項", "16の項、24の項", "事前", ""),
        ChangeRow("", "紙2 No.2 別表項番", "16の項", "16の項、24の項", "事後", ""),
    ]
    result = evaluate_rows("t", "重点", rows, Policy())
    assert (result.rows, result.agree, result.review, result.decided) == (3, 1, 2, 1)
    assert result.agreement == pytest.approx(1 / 3) and result.decided_agreement == 1.0
    assert result.confusion[("事前", "要確認")] == 1 and result.confusion[("事後", "要確認")] == 1
    assert result.confusion[("事前", "事前")] == 1 and not result.disagreements
    text = format_evaluation(result)
    assert "要確認 2 行" in text and "団体 事後 / hyoka 要確認(事前)" in text
