"""The generated tables: rows, formats (golden files), escaping, options and bad input."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import run_cli as run
from hyoka.classify.policy import AppendixStyle
from hyoka.diff.text import Span
from hyoka.tables.rows import abridge

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "sakuragawa"
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("HYOKA_UPDATE_GOLDEN") == "1"




@pytest.fixture(scope="module")
def db(sample_history: str) -> str:
    return sample_history


def generate(db: str, *args: str) -> str:
    code, out, err = run(*args, "--db", db)
    assert code == 0, err
    return out


def read_exact(path: Path) -> str:
    """The file's text with its line endings as written (CSV uses CRLF)."""
    with path.open(encoding="utf-8", newline="") as stream:
        return stream.read()


def check_golden(name: str, text: str) -> None:
    golden = GOLDEN / name
    if UPDATE:
        golden.write_text(text, encoding="utf-8", newline="")
    assert text == read_exact(golden)


def csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff"), "CSV starts with a BOM so that Excel reads UTF-8"
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_v2_to_v3_matches_the_hand_written_table(db: str) -> None:
    out = generate(db, "appendix", "sakuragawa", "--from", "2", "--to", "3", "--date", "令和7年11月1日", "-f", "csv")
    expected_lines = (GOLDEN / "expected_appendix_v2_v3.tsv").read_text(encoding="utf-8").splitlines()
    expected = [line.split("\t") for line in expected_lines if line and not line.startswith("#")]
    rows = csv_rows(out)
    assert rows[0] == ["変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明"]
    assert rows[1:] == expected


def test_cumulative_appendix_starts_with_the_imported_rows(db: str) -> None:
    rows = csv_rows(generate(db, "appendix", "sakuragawa", "--to", "4", "-f", "csv"))[1:]
    imported = [
        ["令和5年6月1日", "I 基本情報 4. 個人番号の利用 ※ 法令上の根拠"],
        ["令和5年10月1日", "IV 開示請求、問合せ 2. ①連絡先"],
    ]
    assert [r[:2] for r in rows[:2]] == imported  # v1's own appendix, unchanged, first
    dates = [r[0] for r in rows[2:]]  # each revision's 公表日, oldest first
    assert list(dict.fromkeys(dates)) == ["令和6年10月1日", "令和7年4月1日", "令和7年10月1日"]
    assert len(rows) == 2 + 5 + 5 + 3
    until_3 = csv_rows(generate(db, "appendix", "sakuragawa", "--to", "3", "-f", "csv"))[1:]
    assert until_3 == rows[: 2 + 5 + 5]


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("appendix_v1_v4.md", ["appendix", "sakuragawa", "--to", "4", "-f", "md"]),
        ("appendix_v1_v4.csv", ["appendix", "sakuragawa", "--to", "4", "-f", "csv"]),
        ("appendix_v1_v4.html", ["appendix", "sakuragawa", "--to", "4", "-f", "html"]),
        ("shinkyu_v2_v3.html", ["shinkyu", "sakuragawa", "--from", "2", "--to", "3"]),
        ("ichiran_v2_v3.html", ["ichiran", "sakuragawa", "--from", "2", "--to", "3"]),
    ],
)
def test_golden_outputs(db: str, name: str, args: list[str]) -> None:
    """Every text format on the samples; regenerate only with HYOKA_UPDATE_GOLDEN=1."""
    check_golden(name, generate(db, *args))


def test_xlsx_holds_one_row_per_change_with_styles(db: str, tmp_path: Path) -> None:
    target = tmp_path / "変更箇所.xlsx"
    generate(db, "appendix", "sakuragawa", "--to", "4", "-o", str(target))
    sheet = load_workbook(target).active
    values = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    header = next(n for n, row in enumerate(values, 1) if row[0] == "変更日")  # below the title rows
    assert values[header - 1:] == csv_rows(read_exact(GOLDEN / "appendix_v1_v4.csv"))
    assert sheet.cell(header, 1).font.bold and sheet.cell(header + 1, 3).alignment.wrap_text
    assert sheet.print_title_rows == f"${header}:${header}" and sheet.page_setup.orientation == "landscape"
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width


def test_html_marks_changes_and_escapes_markup(db: str) -> None:
    html = generate(db, "appendix", "sakuragawa", "--from", "2", "--to", "3", "-f", "html")
    assert "<ins>(種別割及び環境性能割)</ins>" in html
    assert "&lt;ガバメントクラウドにおける措置&gt;" in html  # a report's angle brackets stay text
    assert "<ガバメントクラウド" not in html


def test_hostile_markup_in_a_report_renders_as_text(tmp_path: Path, db_url: str) -> None:
    """Published-text ingest strips tags; the own format keeps text verbatim, so markup typed
    there reaches the templates and must come out escaped."""
    url = db_url
    run("init", "--db", url)
    run("commit", str(SAMPLES / "v2.txt"), "--report", "x", "--author", "a", "--db", url)
    exported = generate(url, "export", "x@1")
    assert "| 軽自動車税の賦課のため。" in exported
    hostile = tmp_path / "v3.hyoka.txt"
    hostile.write_text(exported.replace("| 軽自動車税の賦課のため。", "| <script>alert(1)</script>&amp;賦課", 1),
                       encoding="utf-8")
    code, _, err = run("commit", str(hostile), "--report", "x", "--author", "a", "--db", url)
    assert code == 0, err
    for args in (["appendix", "x", "-f", "html"], ["shinkyu", "x"], ["ichiran", "x"]):
        html = generate(url, *args, "--from", "1", "--to", "2")
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert "&amp;amp;賦課" in html
    md = generate(url, "appendix", "x", "--from", "1", "--to", "2", "-f", "md")
    assert "<script>" not in md and "&lt;script&gt;" in md


def test_policy_abridges_and_renames_conventions(db: str, tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('[appendix]\nabridge_context = 8\nnew_item = "-"\n', encoding="utf-8")
    rows = csv_rows(generate(db, "appendix", "sakuragawa", "--from", "2", "--to", "3", "-f", "csv",
                             "--policy", str(policy)))
    storage = next(r for r in rows if "保管場所" in r[1])
    assert storage[2] == "…だけが操作する。"  # deleted nothing: only the context before the insertion
    assert storage[3].startswith("…") and storage[3].endswith("登録された者に限る。")
    assert next(r for r in rows if "システム4 ①" in r[1])[2] == "-"
    md = generate(db, "appendix", "sakuragawa", "--from", "2", "--to", "3", "--policy", str(policy))
    assert "前後8文字を残し" in md


def test_abridge_keeps_context_around_each_change() -> None:
    spans = (Span("equal", "あ" * 30), Span("insert", "追加"), Span("equal", "い" * 30), Span("delete", "削除"),
             Span("equal", "う" * 3))
    out = abridge(spans, 5)
    assert [s.text for s in out] == ["…" + "あ" * 5, "追加", "い" * 5 + "…" + "い" * 5, "削除", "う" * 3]
    assert abridge(spans, 0) == spans
    assert AppendixStyle().abridge_context == 0


def test_ranges_and_outputs_are_checked(db: str, tmp_path: Path) -> None:
    for args, needle in [
        (["appendix", "sakuragawa", "--to", "9"], "9"),
        (["appendix", "sakuragawa", "--from", "3", "--to", "2"], "--from"),
        (["shinkyu", "sakuragawa", "--from", "3", "--to", "3"], "--from"),
        (["appendix", "nobody"], "nobody"),
        (["appendix", "sakuragawa", "-f", "xlsx"], "-o"),
        (["appendix", "sakuragawa", "-f", "pdf"], "pdf"),
        (["appendix", "sakuragawa", "--date", "いつか"], "いつか"),
        (["appendix", "sakuragawa", "-o", str(tmp_path / "no" / "such" / "dir.md")], "dir"),
    ]:
        code, out, err = run(*args, "--db", db)
        assert code == 2, args
        assert needle in err and len(err.strip().splitlines()) == 1, err
        assert out == ""
    assert not list(tmp_path.rglob("*.md"))


def test_shinkyu_defaults_to_the_last_revision(db: str) -> None:
    html = generate(db, "shinkyu", "sakuragawa")
    assert "第3版から第4版までの変更" in html
    assert "<ins>11-1111</ins>" in html
