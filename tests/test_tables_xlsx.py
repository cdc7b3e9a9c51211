"""The xlsx 変更箇所 and 新旧対照表 as a clerk opens them in Excel: change marks as rich-text
runs (the HTML's marks), a Japanese font on every cell, title rows, print settings, and a
report's text that never becomes a formula."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.worksheet.worksheet import Worksheet

from conftest import run_cli as run
from hyoka.diff.text import Span
from hyoka.model import ReportMeta
from hyoka.tables.render import Table
from hyoka.tables.rows import TableRow
from hyoka.tables.xlsx import FONT_NAME, write_xlsx

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "sakuragawa"
HOSTILE = '=HYPERLINK("http://x","click")'



@pytest.fixture(scope="module")
def db(sample_history: str) -> str:
    return sample_history


def workbook_sheet(db: str, tmp_path: Path, name: str, *args: str) -> Worksheet:
    target = tmp_path / name
    code, _, err = run(*args, "-o", str(target), "--db", db)
    assert code == 0, err
    with target.open("rb") as stream:  # a file object: openpyxl judges a path by its suffix
        return load_workbook(stream, rich_text=True).active


def html_table(db: str, *args: str) -> str:
    code, out, err = run(*args, "--db", db)
    assert code == 0, err
    return out


def header_row(sheet: Worksheet, first: str) -> int:
    return next(cell.row for cell in sheet["A"] if cell.value == first)


def marks_in_cell(value: object) -> list[tuple[str, str]]:
    """The marked runs of a cell: ("ins", text) for underlined bold, ("del", text) for struck."""
    if not isinstance(value, CellRichText):
        return []
    marks: list[tuple[str, str]] = []
    for block in value:
        if not isinstance(block, TextBlock):
            continue
        font = block.font
        if font.strike:
            assert not font.u and not font.b, block
            marks.append(("del", block.text))
        elif font.u:
            assert font.u == "single" and font.b, block
            marks.append(("ins", block.text))
        else:
            assert not font.b, block
    return marks


def marks_in_html(page: str, columns: tuple[int, ...]) -> list[list[list[tuple[str, str]]]]:
    """Per body row, per chosen column, the <ins>/<del> runs the HTML table prints."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", tr, flags=re.S)
        rows.append([[(tag, html.unescape(text)) for tag, text in re.findall(r"<(ins|del)>(.*?)</\1>", cells[c])]
                     for c in columns])
    return rows


def title_values(sheet: Worksheet, header: int) -> dict[str, str]:
    return {str(sheet.cell(r, 1).value): str(sheet.cell(r, 2).value) for r in range(2, header)}


def test_appendix_marks_changes_as_the_html_does(db: str, tmp_path: Path) -> None:
    args = ("appendix", "sakuragawa", "--to", "4")
    sheet = workbook_sheet(db, tmp_path, "変更箇所.xlsx", *args)
    header = header_row(sheet, "変更日")
    purpose = next(r for r in range(header + 1, sheet.max_row + 1) if "③使用目的" in str(sheet.cell(r, 2).value))
    after = sheet.cell(purpose, 4).value
    assert isinstance(after, CellRichText)
    assert str(after) == "軽自動車税(種別割及び環境性能割)の賦課及び収納のため。"
    assert marks_in_cell(after) == [("ins", "(種別割及び環境性能割)"), ("ins", "及び収納")]
    cells = [[marks_in_cell(sheet.cell(r, c).value) for c in (3, 4)] for r in range(header + 1, sheet.max_row + 1)]
    assert cells == marks_in_html(html_table(db, *args, "-f", "html"), (2, 3))
    struck = [m for row in cells for cell in row for m in cell if m[0] == "del"]
    assert struck, "the sample history removes text somewhere: the struck run must show"
    assert all(not m or m[0] == "del" for row in cells for m in row[0])  # only deletions before
    assert all(not m or m[0] == "ins" for row in cells for m in row[1])  # only insertions after


def test_appendix_fonts_titles_and_print_settings(db: str, tmp_path: Path) -> None:
    sheet = workbook_sheet(db, tmp_path, "変更箇所.xlsx", "appendix", "sakuragawa", "--to", "4")
    header = header_row(sheet, "変更日")
    assert sheet["A1"].value == "変更箇所" and sheet["A1"].font.bold
    titles = title_values(sheet, header)
    assert titles["評価書名"] == "軽自動車税の賦課・収納に関する事務 重点項目評価書"
    assert titles["評価実施機関"] == "桜川市長"
    assert titles["評価書番号"] == "12"
    assert titles["対象の版"].startswith("初版から第4版までの変更")
    assert [c.value for c in sheet[header]] == ["変更日", "項目", "変更前の記載", "変更後の記載", "提出時期",
                                                "提出時期に係る説明"]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            assert cell.font.name == FONT_NAME, cell.coordinate
            if isinstance(cell.value, CellRichText):
                assert all(b.font.rFont == FONT_NAME for b in cell.value if isinstance(b, TextBlock))
    timing = [sheet.cell(r, 5) for r in range(header, sheet.max_row + 1)]
    assert all(c.alignment.horizontal == "center" for c in timing)
    assert sheet.cell(header + 1, 3).alignment.horizontal != "center"
    assert all(sheet.cell(r, c).alignment.wrap_text for r in range(header, sheet.max_row + 1) for c in (2, 3, 4))
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDEF"}
    assert widths["C"] == widths["D"] > widths["B"] > widths["A"] > widths["E"]
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.print_title_rows == f"${header}:${header}"
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet["Z99"].font.name == FONT_NAME  # the Normal style too: no Calibri anywhere


def test_shinkyu_as_xlsx(db: str, tmp_path: Path) -> None:
    args = ("shinkyu", "sakuragawa", "--from", "2", "--to", "3")
    sheet = workbook_sheet(db, tmp_path, "新旧対照表.xlsx", *args)  # the suffix chooses xlsx
    header = header_row(sheet, "項目")
    assert sheet.title == "新旧対照表" and sheet["A1"].value == "新旧対照表"
    assert title_values(sheet, header)["対象の版"].startswith("第2版から第3版までの変更")
    assert [c.value for c in sheet[header]] == ["項目", "旧 (変更前)", "新 (変更後)", "備考"]
    rows = range(header + 1, sheet.max_row + 1)
    cells = [[marks_in_cell(sheet.cell(r, c).value) for c in (2, 3)] for r in rows]
    assert cells == marks_in_html(html_table(db, *args), (1, 2))
    assert any(cells) and sheet.cell(header + 1, 4).value == "重要な変更の対象外\n事後"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
    assert sheet.print_title_rows == f"${header}:${header}" and "&P" in sheet.oddFooter.center.text
    assert all(sheet.cell(r, c).font.name == FONT_NAME for r in rows for c in range(1, 5))
    explicit = workbook_sheet(db, tmp_path, "table.bin", *args, "-f", "xlsx")
    assert explicit.title == "新旧対照表"


def test_shinkyu_formats_are_checked(db: str) -> None:
    for args, needle in [(["-f", "xlsx"], "-o"), (["-f", "md"], "xlsx"), (["-f", "pdf"], "pdf")]:
        code, out, err = run("shinkyu", "sakuragawa", *args, "--db", db)
        assert code == 2 and needle in err and len(err.strip().splitlines()) == 1, err
        assert out == ""
    code, out, _ = run("shinkyu", "sakuragawa", "--db", db)
    assert code == 0 and out.startswith("<!DOCTYPE html>")  # html stays the default


def test_report_text_never_becomes_a_formula(tmp_path: Path) -> None:
    """Text from a report that looks like a formula stays the string it is, in plain cells,
    in marked (rich-text) cells and in the title rows."""
    meta = ReportMeta(number="@12", title=HOSTILE + " & 評価書", organisation="+桜川市長")
    rows = [
        TableRow(date="-1", item=HOSTILE, before="=1+1", after="\t=2", timing="@SUM(A1)", reason="\r+3"),
        TableRow(date="令和7年4月1日", item="項目", before="旧", after=HOSTILE + "追加", timing="事後", reason="-",
                 before_spans=(Span("delete", "旧"),),
                 after_spans=(Span("insert", HOSTILE), Span("equal", "追加"))),
    ]
    target = tmp_path / "hostile.xlsx"
    target.write_bytes(write_xlsx(Table("変更箇所", meta, "第1版から第2版までの変更", rows)))
    sheet = load_workbook(target, rich_text=True).active
    header = header_row(sheet, "変更日")
    plain = [sheet.cell(header + 1, c) for c in range(1, 7)]
    assert [c.value for c in plain] == ["-1", HOSTILE, "=1+1", "\t=2", "@SUM(A1)", "\r+3"]
    assert all(c.data_type != "f" and c.quotePrefix for c in plain)
    marked = sheet.cell(header + 2, 4)
    assert str(marked.value) == HOSTILE + "追加" and marked.data_type != "f"
    assert marks_in_cell(marked.value) == [("ins", HOSTILE)]
    titles = title_values(sheet, header)
    assert titles["評価書名"] == HOSTILE + " & 評価書" and titles["評価実施機関"] == "+桜川市長"
    assert all(sheet.cell(r, 2).data_type != "f" for r in range(2, header))
    assert sheet.oddFooter.left.text.startswith(HOSTILE + " && ")  # "&" escaped in the footer codes
    with zipfile.ZipFile(target) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml
    ordinary = sheet.cell(header + 2, 2)
    assert ordinary.value == "項目" and not ordinary.quotePrefix  # only formula-like text is quoted
