"""Formula injection: report text that looks like a spreadsheet formula stays text in every output
hyoka writes (issue 12). The OWASP CSV-injection payloads go through commit — in item values, in
an imported appendix row (説明 and the other cells) and as the author — and out through the
appendix in csv / xlsx / html / md and the audit csv."""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import SAMPLES, run_cli
from hyoka.errors import FormatError
from hyoka.ingest import dumps, loads, read_report
from hyoka.model import ChangeRow, Text
from hyoka.tables.render import CSV_FORMULA_START, CSV_PLACEHOLDERS, csv_cell

PAYLOADS = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x","click")',
    "@SUM(A1)",
    "+1+1",
    "-2+3",
    "\t=1+1",
)
AUTHOR = '=HYPERLINK("http://evil","監査")'


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory, new_db_url) -> str:  # type: ignore[no-untyped-def]
    """sakuragawa v1 with a payload-laden imported appendix row, then v2 with payloads as values."""
    folder = tmp_path_factory.mktemp("injection")
    url = new_db_url(folder)
    assert run_cli("init", "--db", url)[0] == 0
    first = read_report(SAMPLES / "sakuragawa" / "v1.txt")
    row = ChangeRow("令和6年10月1日", PAYLOADS[0], PAYLOADS[1], PAYLOADS[4], "事後", PAYLOADS[2])
    first = dataclasses.replace(first, appendix=(*first.appendix, row))
    v1 = folder / "v1.txt"
    v1.write_text(dumps(first), encoding="utf-8")
    code, _, err = run_cli("commit", str(v1), "-r", "evil", "-a", AUTHOR, "--db", url)
    assert code == 0, err
    texts = [i for i in first.items if isinstance(i.value, Text)]
    changed = {texts[n].path: Text(payload) for n, payload in enumerate(PAYLOADS)}
    second = dataclasses.replace(
        first, items=tuple(dataclasses.replace(i, value=changed.get(i.path, i.value)) for i in first.items))
    v2 = folder / "v2.txt"
    v2.write_text(dumps(second), encoding="utf-8")
    code, _, err = run_cli("commit", str(v2), "-r", "evil", "-a", "\r=1+1", "-m", "+SUM(1)", "--db", url)
    assert code == 0, err
    return url


def _csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def _assert_inert(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(CSV_FORMULA_START) or cell in CSV_PLACEHOLDERS, repr(cell)


def test_csv_cell_rules() -> None:
    assert csv_cell("=1+1") == "'=1+1"
    assert csv_cell("\r=1") == "'\r=1"
    assert csv_cell("-") == "-" and csv_cell("記載なし") == "記載なし"
    assert csv_cell("令和7年") == "令和7年" and csv_cell("") == ""


def test_appendix_csv_neutralised(hostile_db: str, tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    code, _, err = run_cli("appendix", "evil", "-o", str(out), "--by", "t", "--db", hostile_db)
    assert code == 0, err
    rows = _csv_cells(out.read_text(encoding="utf-8"))
    _assert_inert(rows)
    cells = {c for r in rows for c in r}
    for payload in PAYLOADS:
        assert any(c.startswith("'" + payload) for c in cells), payload


@pytest.mark.parametrize("kind", ["appendix", "shinkyu"])
def test_xlsx_cells_are_strings(hostile_db: str, tmp_path: Path, kind: str) -> None:
    out = tmp_path / "a.xlsx"
    code, _, err = run_cli(kind, "evil", "-o", str(out), "--by", "t", "--db", hostile_db)
    assert code == 0, err
    sheet = load_workbook(out).active
    found = set()
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str) and cell.value.startswith(CSV_FORMULA_START):
                assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
                found.add(cell.value)
    for payload in PAYLOADS:
        assert any(v.startswith(payload) for v in found), payload
    with zipfile.ZipFile(out) as book:
        assert "<f>" not in book.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_appendix_html_and_md_keep_payloads_as_text(hostile_db: str) -> None:
    code, page, _ = run_cli("appendix", "evil", "-f", "html", "--by", "t", "--db", hostile_db)
    assert code == 0
    assert '"http://x"' not in page  # quotes escaped: no attribute can be opened
    assert PAYLOADS[1] in html.unescape(page)
    code, text, _ = run_cli("appendix", "evil", "-f", "md", "--by", "t", "--db", hostile_db)
    assert code == 0
    plain = html.unescape(text).replace("\\|", "|")
    for payload in ("=cmd|' /C calc'!A0", "@SUM(A1)", "-2+3"):
        assert payload in plain


def test_audit_csv_neutralised(hostile_db: str) -> None:
    code, out, err = run_cli("audit", "--report", "evil", "-f", "csv", "--db", hostile_db)
    assert code == 0, err
    rows = _csv_cells(out)
    _assert_inert(rows)
    authors = {r[4] for r in rows[1:]}
    assert "'" + AUTHOR in authors
    assert authors & {"'\r=1+1", "'=1+1"}  # the CR may be stripped with the author's blanks
    assert any(r[12] == "'+SUM(1)" for r in rows[1:])


def test_native_date_must_be_a_date() -> None:
    text = dumps(read_report(SAMPLES / "sakuragawa" / "v1.txt"))
    row = "\n## 変更箇所\n変更日:\n| @SUM(A1)\n項目:\n| x\n変更前:\n変更後:\n提出時期:\n説明:\n"
    with pytest.raises(FormatError, match="変更日") as caught:
        loads(text + row)
    assert "\n" not in str(caught.value)
    assert loads(text + row.replace("@SUM(A1)", "令和6年10月1日")).appendix[-1].date == "令和6年10月1日"
    assert loads(text + row.replace("| @SUM(A1)\n", "")).appendix[-1].date == ""
