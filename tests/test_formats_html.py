"""A report saved as a web page reads as the text it was made from.

The fixtures ``samples/sakuragawa/printed/v2|v3.excel|word.html`` are the sample workbook and
document saved as HTML by LibreOffice (``scripts/make_sample_documents.py --office-html``), as a
clerk saves a form from Word or a browser: tables of rows, Writer's paragraphs, Calc's sheet
headings. Other pages are built here from the seeds' text, a ``<tr>`` per row.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES, SEEDS
from hyoka.cli import app
from hyoka.errors import InputError
from hyoka.ingest import parse_text, read_file
from hyoka.ingest.decode import decode_bytes
from hyoka.ingest.formats import sniff
from hyoka.ingest.formats.html import html_rows
from hyoka.model import Report, value_to_json

runner = CliRunner()
PRINTED = SAMPLES / "sakuragawa" / "printed"


def _rows(report: Report) -> list[tuple[str, object]]:
    return [(str(item.path), value_to_json(item.value)) for item in report.items]


def as_page(text: str, encoding: str = "utf-8") -> bytes:
    """The text as a web page: rows with tabs as table rows (cells escaped, a table per run of
    rows), other lines as paragraphs."""
    out = [f'<!DOCTYPE html>\n<html><head><meta charset="{encoding}"><title>評価書</title>'
           "<style>td { border: 1px solid }</style><script>var x = '<td>';</script></head><body>"]
    in_table = False
    for line in text.split("\n"):
        if "\t" in line:
            if not in_table:
                out.append('<table border="1">')
                in_table = True
            out.append("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in line.split("\t")) + "</tr>")
            continue
        if in_table:
            out.append("</table>")
            in_table = False
        out.append(f"<p>{html.escape(line)}</p>" if line.strip() else "<!-- blank -->")
    out.append("</table></body></html>" if in_table else "</body></html>")
    return "\n".join(out).encode({"shift_jis": "cp932"}.get(encoding, encoding))  # Word's Shift_JIS is CP932


@pytest.mark.parametrize("name", ["v2.excel.html", "v2.word.html", "v3.excel.html", "v3.word.html"])
def test_pages_saved_by_libreoffice_read_as_their_text(name: str) -> None:
    page = PRINTED / name
    assert sniff(page.read_bytes()) == "html"
    text = parse_text((SAMPLES / "sakuragawa" / f"{name[:2]}.txt").read_text("utf-8"))
    read = read_file(page).report
    assert len(text.items) >= 127
    assert _rows(read) == _rows(text)
    assert (read.meta, read.appendix) == (text.meta, text.appendix)


def test_calc_export_furniture_is_not_read_as_report_text() -> None:
    rows = html_rows((PRINTED / "v3.excel.html").read_bytes(), "v3.excel.html")
    texts = [cell for row in rows for cell in row]
    assert not [t for t in texts if t == "Overview" or t.startswith("Sheet ")]
    assert texts[0] == "特定個人情報保護評価書(重点項目評価書)"


@pytest.mark.parametrize("path", [*(SAMPLES / "sakuragawa").glob("v*.txt"), *(SAMPLES / "midori").glob("v*.txt")],
                         ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_a_page_of_table_rows_reads_as_the_text(path: Path) -> None:
    text = path.read_text("utf-8")
    plain, page = parse_text(text), parse_text(decode_bytes(as_page(text), "x.html"))
    assert _rows(page) == _rows(plain)
    assert (page.meta, page.appendix) == (plain.meta, plain.appendix)


def test_a_shift_jis_page_reads_by_its_declared_charset() -> None:
    text = (SAMPLES / "sakuragawa" / "v2.txt").read_text("utf-8")
    page = as_page(text, "shift_jis")
    assert page.decode("cp932")  # really Shift_JIS bytes, not UTF-8
    assert _rows(parse_text(decode_bytes(page, "x.htm"))) == _rows(parse_text(text))


def test_boxes_cell_lines_and_nested_tables_read_as_printed() -> None:
    page = ("<html><body><table><tr><td>①入手元 ※</td><td>[<input type='checkbox' checked>] 本人<br>"
            "<input type=checkbox> 他の機関</td></tr>"
            "<tr><td>②入手方法</td><td><table><tr><td>1) 紙</td><td>2) 電子</td></tr></table></td></tr>"
            "</table><p>以上</p></body></html>").encode()
    assert html_rows(page, "x") == [["①入手元 ※", "[○] 本人\n[ ] 他の機関"], ["②入手方法", "1) 紙 2) 電子"], ["以上"]]


@pytest.mark.parametrize(("data", "kind"), [
    (b"<!DOCTYPE html><html></html>", "html"),
    (b"\xef\xbb\xbf\n  <!-- saved --><html lang='ja'>", "html"),
    (b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">', "html"),
    ("評価書\t<table><tr><td>x</td></tr></table>".encode(), "text"),  # HTML inside a cell: the seeds' text
])
def test_a_page_is_told_from_text_by_its_first_element(data: bytes, kind: str) -> None:
    assert sniff(data) == kind


def test_an_empty_or_undecodable_page_is_one_line_and_exit_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"<!DOCTYPE html><html><head><title>t</title></head><body> </body></html>")
    with pytest.raises(InputError, match="本文がありません"):
        read_file(empty)
    broken = tmp_path / "broken.html"
    broken.write_bytes(b'<!DOCTYPE html><meta charset="utf-8"><p>\xff\xfe\x80\x81</p>')
    result = runner.invoke(app, ["check", str(broken)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_seed_pages_keep_every_item_path_and_the_change_table() -> None:
    """The seeds hold HTML inside their cells (lists, option tables, <input>): set into a page it
    is markup of the page, so a cell's lines may differ; the tree, cover and table may not."""
    for name in ("002_d96ab8c3580b4465.txt", "004_cbd4026a17bd0163.txt"):
        text = (SEEDS / name).read_text("utf-8")
        plain = parse_text(text)
        page = parse_text(decode_bytes(as_page(text), name))
        assert [p for p, _ in _rows(page)] == [p for p, _ in _rows(plain)]
        assert (page.meta, page.appendix) == (plain.meta, plain.appendix)
