"""A report saved as CSV (hyoka.ingest.delimited): the sample workbooks saved by LibreOffice as
Shift_JIS CSV, sheet after sheet (samples/sakuragawa/printed/vN.excel.csv, made by
``scripts/make_sample_documents.py --csv``), read to the workbook's own report; a printed text is
never taken for CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES, SEEDS
from hyoka.cli import app
from hyoka.ingest import read_file
from hyoka.ingest.delimited import csv_as_text, is_csv

PRINTED = SAMPLES / "sakuragawa" / "printed"
TEXTS = [*sorted(SEEDS.glob("*.txt")), *sorted(SAMPLES.glob("*/v*.txt"))]


@pytest.mark.parametrize("stem", ["v2", "v3"])
def test_a_workbook_saved_as_csv_reads_as_the_workbook(stem: str) -> None:
    data = (PRINTED / f"{stem}.excel.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # Shift_JIS, as Excel's "CSV (コンマ区切り)" writes it
    csv_report = read_file(PRINTED / f"{stem}.excel.csv").report
    book = read_file(SAMPLES / "sakuragawa" / f"{stem}.xlsx").report
    assert len(book.items) >= 120 and len(book.appendix) >= 7
    assert csv_report.items == book.items
    assert (csv_report.meta, csv_report.appendix) == (book.meta, book.appendix)


def test_one_sheet_saved_as_csv_reads_its_items(tmp_path: Path) -> None:
    """Excel saves only the sheet in view: the form's body alone, without cover or 変更箇所."""
    text = (PRINTED / "v2.excel.csv").read_bytes().decode("cp932")
    start = text.index("\nI 基本情報,,") + 1  # the body sheet's first row (the cover's list has one cell)
    end = text.index("(別添2) 変更箇所", start)
    body = tmp_path / "body.csv"
    body.write_text(text[start:end], encoding="utf-8-sig")  # Excel's "CSV UTF-8" has a BOM
    result = CliRunner().invoke(app, ["check", str(body), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["items"] == data["resolved"] == 127 and data["unplaced"] == []
    book = read_file(SAMPLES / "sakuragawa" / "v2.xlsx").report
    def body_items(report: object) -> list[object]:
        return [i for i in report.items if i.path.segments[0] != "表紙"]  # type: ignore[attr-defined]

    assert body_items(read_file(body).report) == body_items(book)


def test_a_quoted_cell_keeps_its_lines_in_its_column() -> None:
    text = '①事務の名称,"一行目,読点つき\n二行目",\n' + "②事務の内容,内容,\n" * 5
    lines = csv_as_text(text).split("\n")
    assert lines[:2] == ["①事務の名称\t一行目,読点つき", "\t二行目"]


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem[:10])
def test_a_printed_report_is_never_taken_for_csv(path: Path) -> None:
    text = path.read_text("utf-8")
    # No tab left, and an ASCII comma wherever the text has 「、」 (some bodies write ","):
    spaced = text.replace("\t", "  ").replace("、", ",")
    assert spaced.count(",") >= 5
    assert not is_csv(text) and not is_csv(spaced)


def test_a_broken_csv_is_refused_in_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_text('"①事務の名称,"閉じない引用符\n' + "a,b,c\n" * 10, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(broken)])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "読めません" in result.output
