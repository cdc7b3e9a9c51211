"""Excel and Word files read as the text they were made from; hostile containers refused in one line.

The fixtures are built with the real libraries (openpyxl, python-docx) from the text of each
sample and of seeds 002 and 004, by scripts/make_sample_documents.py, in the form's layout (merged
label cells, drop-downs, check box glyphs, era dates) and in the plain layout (one row per line).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from io import BytesIO
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from typer.testing import CliRunner

from conftest import REPO, SAMPLES, SEEDS
from hyoka.cli import app
from hyoka.errors import InputError
from hyoka.ingest import parse_text, read_report
from hyoka.ingest.cells import parse_value
from hyoka.ingest.formats import file_text, office, sniff
from hyoka.ingest.formats.office import docx_rows, xls_rows, xlsx_rows
from hyoka.model import Choice, Report, value_to_json

runner = CliRunner()
SAKURAGAWA = SAMPLES / "sakuragawa"
TEXTS = [
    *(SAKURAGAWA / f"v{n}.txt" for n in range(1, 5)),
    SEEDS / "002_d96ab8c3580b4465.txt",
    SEEDS / "004_cbd4026a17bd0163.txt",
]


def _builder_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_sample_documents", REPO / "scripts" / "make_sample_documents.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


builders = _builder_module()


def _squash(text: str) -> str:
    return " ".join(text.split())


def tree(report: Report) -> dict[str, tuple[str, bool, str]]:
    """Paths → (label, ※, value), whitespace-normalised: what must not depend on the file's format."""
    return {
        str(item.path): (
            item.label,
            item.star,
            _squash(json.dumps(value_to_json(item.value), ensure_ascii=False).replace("\\n", " ")),
        )
        for item in report.items
    }


def appendix(report: Report) -> list[tuple[str, ...]]:
    return [tuple(_squash(c) for c in (r.date, r.item, r.before, r.after, r.timing, r.reason)) for r in report.appendix]


def _read(data: bytes, name: str) -> Report:
    text = file_text(data, name)
    assert text is not None
    return parse_text(text, name)


@pytest.mark.parametrize("layout", ["form", "plain"])
@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
@pytest.mark.parametrize("source", TEXTS, ids=lambda p: p.stem)
def test_workbook_and_document_read_as_the_text(source: Path, fmt: str, layout: str) -> None:
    if not source.exists():
        pytest.fail(f"{source} missing: ../shared must sit beside the clone")
    text = source.read_text(encoding="utf-8")
    build: Callable[[str], bytes] = getattr(builders, f"{layout}_{fmt}")
    data = build(text)
    assert sniff(data) == fmt
    expected, got = parse_text(text), _read(data, f"{source.stem}.{fmt}")
    assert tree(got) == tree(expected)
    assert appendix(got) == appendix(expected)
    assert got.meta == expected.meta


def test_the_form_layout_really_merges_labels_and_has_drop_downs() -> None:
    """The fixture is what the test claims: merged label cells down the rows of their sub-items,
    list validations on the choice cells, era-formatted dates, glyph check boxes."""
    from openpyxl import load_workbook

    text = (SEEDS / "002_d96ab8c3580b4465.txt").read_text(encoding="utf-8")
    sheet = load_workbook(BytesIO(builders.form_xlsx(text)))["評価書"]
    tall = [m for m in sheet.merged_cells.ranges if m.max_row > m.min_row]
    assert any(sheet.cell(m.min_row, m.min_col).value == "④使用の主体" for m in tall)
    assert len(sheet.data_validations.dataValidation) >= 5
    dates = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, date)]
    assert dates and all("ggg" in c.number_format for c in dates)
    assert any("■" in str(c.value) for row in sheet.iter_rows() for c in row)
    rows = xlsx_rows(builders.form_xlsx(text), "002.xlsx")
    using = next(i for i, row in enumerate(rows) if "④使用の主体" in row)
    assert rows[using + 1][rows[using].index("④使用の主体")] == ""  # the merged label reads once


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_committed_samples_read_as_their_text(version: int, suffix: str) -> None:
    source = SAKURAGAWA / f"v{version}.txt"
    document = source.with_suffix(suffix)
    assert document.stat().st_size < 64 * 1024
    assert tree(read_report(document)) == tree(read_report(source))


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_diff_of_text_and_office_file_reports_no_change(suffix: str) -> None:
    text = SAKURAGAWA / "v2.txt"
    result = runner.invoke(app, ["diff", str(text), str(text.with_suffix(suffix)), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["changes"] == []


# -- xlsx details ----------------------------------------------------------------------------------


def _xlsx(workbook: Workbook) -> bytes:
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_drop_down_cells_read_as_choices() -> None:
    workbook = Workbook()
    sheet = workbook.active
    lists = workbook.create_sheet("リスト")
    lists.sheet_state = "hidden"
    for number, option in enumerate(["特に力を入れている", "十分である", "課題が残されている"], 1):
        lists.cell(number, 1, option)
    workbook.defined_names["対策"] = DefinedName("対策", attr_text="'リスト'!$A$1:$A$3")
    sheet["A1"], sheet["B1"] = "リスクへの対策は十分か", "十分である"
    sheet["A2"], sheet["B2"] = "①実施の有無", "実施する"
    sheet["A3"] = "②再委託の有無"  # left unselected
    by_name = DataValidation(type="list", formula1="=対策")
    inline = DataValidation(type="list", formula1='"実施する,実施しない,未定"')
    by_range = DataValidation(type="list", formula1="'リスト'!$A$1:$A$3")
    for validation, cell in ((by_name, "B1"), (inline, "B2"), (by_range, "B3")):
        sheet.add_data_validation(validation)
        validation.add(cell)
    rows = xlsx_rows(_xlsx(workbook), "choice.xlsx")
    assert rows == [
        ["リスクへの対策は十分か", "[十分である] <選択肢> 1) 特に力を入れている 2) 十分である 3) 課題が残されている"],
        ["①実施の有無", "[実施する] <選択肢> 1) 実施する 2) 実施しない 3) 未定"],
        ["②再委託の有無", "[] <選択肢> 1) 特に力を入れている 2) 十分である 3) 課題が残されている"],
    ]  # the hidden list sheet is not printed
    assert parse_value(rows[0][1]) == Choice("十分である", ("特に力を入れている", "十分である", "課題が残されている"))


X14 = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>リスト!$A$1:$A$2</xm:f></x14:formula1>'
    "<xm:sqref>B1</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>"
)


def _patched(data: bytes, member: str, change: Callable[[str], str]) -> bytes:
    """The workbook with one part's XML changed, as another writer (Excel) would have written it."""
    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            target.writestr(info, change(body.decode("utf-8")).encode("utf-8") if info.filename == member else body)
    return out.getvalue()


def test_excel_2010_drop_downs_on_another_sheet_read_as_choices() -> None:
    """Excel writes a list taken from another sheet as an x14 validation in extLst (which openpyxl
    drops); the reader takes it from the sheet's XML."""
    workbook = Workbook()
    workbook.active["A1"], workbook.active["B1"] = "委託契約書中の規定", "定めている"
    lists = workbook.create_sheet("リスト")
    lists["A1"], lists["A2"] = "定めている", "定めていない"
    lists.sheet_state = "hidden"
    data = _patched(
        _xlsx(workbook), "xl/worksheets/sheet1.xml", lambda xml: xml.replace("</worksheet>", X14 + "</worksheet>")
    )
    assert xlsx_rows(data, "x14.xlsx") == [
        ["委託契約書中の規定", "[定めている] <選択肢> 1) 定めている 2) 定めていない"]
    ]


def test_a_drop_down_over_a_block_marks_filled_cells_only() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["B1"], sheet["A2"] = "①実施の有無", "実施する", "②法令上の根拠"
    sheet["A3"], sheet["B3"] = "③備考", ""
    block = DataValidation(type="list", formula1='"実施する,実施しない"')
    sheet.add_data_validation(block)
    block.add("B1:B40")
    assert xlsx_rows(_xlsx(workbook), "block.xlsx") == [
        ["①実施の有無", "[実施する] <選択肢> 1) 実施する 2) 実施しない"],
        ["②法令上の根拠"],
        ["③備考"],
    ]


def _with_cached_values(data: bytes, values: dict[str, str]) -> bytes:
    """The workbook as Excel saves it after calculating: each formula cell with its cached <v>
    (openpyxl writes formulas without one)."""

    def cache(xml: str) -> str:
        for ref, value in values.items():
            kind = "" if value.isdigit() else ' t="str"'  # a text result is typed as Excel types it
            pattern = rf'<c r="{ref}"([^>]*)>\s*(<f>[^<]*</f>)\s*<v\s*/?>(</v>)?'
            xml = re.sub(pattern, rf'<c r="{ref}"\1{kind}>\2<v>{value}</v>', xml)
        return xml

    return _patched(data, "xl/worksheets/sheet1.xml", cache)


def test_formulas_read_as_cached_values_never_evaluated_nor_as_source() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["B1"] = "件数", "=2+3"
    sheet["A2"], sheet["B2"] = "名称", '=CONCATENATE("税務","課")'
    sheet["A3"], sheet["B3"] = "未計算", "=1+1"
    data = _with_cached_values(_xlsx(workbook), {"B1": "7", "B2": "税務課"})  # 7: cached, not 2+3
    rows = xlsx_rows(data, "formula.xlsx")
    assert rows == [["件数", "7"], ["名称", "税務課"], ["未計算"]]


def test_merged_ranges_read_in_their_top_left_cell_only() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["B1"], sheet["C1"] = "④使用の主体", "使用部署", "税務課"
    sheet["B2"], sheet["C2"] = "使用者数", "[10人未満]"
    sheet["A2"] = "古い値"  # stale text under the merge: Excel does not show it
    sheet["A3"] = "⑤使用方法"
    sheet["B3"] = "突き合わせる。"
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B3:C3")
    sheet.row_dimensions[4].hidden = True
    sheet["A4"] = "隠れた行"
    sheet.column_dimensions["E"].hidden = True
    sheet["E1"] = "隠れた列"  # hidden rows and columns are not printed
    rows = xlsx_rows(_xlsx(workbook), "merged.xlsx")
    assert rows == [
        ["④使用の主体", "使用部署", "税務課"],
        ["", "使用者数", "[10人未満]"],
        ["⑤使用方法", "突き合わせる。"],
    ]


def test_dates_and_numbers_print_as_their_format_shows_them() -> None:
    workbook = Workbook()
    sheet = workbook.active
    formats = ['[$-ja-JP-x-gannen]ggge"年"m"月"d"日";@', 'yyyy"年"m"月"d"日"', "yyyy/m/d", "#,##0"]
    values: list[object] = [date(2019, 5, 7), date(2024, 10, 1), date(2024, 5, 27), 300000]
    for col, (number_format, value) in enumerate(zip(formats, values, strict=True), 1):
        sheet.cell(1, col, value).number_format = number_format
    assert xlsx_rows(_xlsx(workbook), "dates.xlsx") == [["令和元年5月7日", "2024年10月1日", "2024/5/27", "300,000"]]


# -- docx details ----------------------------------------------------------------------------------


def test_docx_merged_cells_read_once_and_glyphs_become_marks() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("II 特定個人情報ファイルの概要")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "④使用の主体"
    table.cell(0, 1).text = "使用部署"
    table.cell(0, 2).text = "税務課"
    table.cell(1, 1).text = "使用者数"
    table.cell(1, 2).text = "[10人未満]"
    table.cell(0, 0).merge(table.cell(1, 0))
    table.cell(2, 0).text = "①入手元 ※"
    table.cell(2, 1).text = "☑ 本人 ☐ 紙 ■ 庁内連携システム □ その他"
    table.cell(2, 1).merge(table.cell(2, 2))
    out = BytesIO()
    document.save(out)
    assert docx_rows(out.getvalue(), "t.docx") == [
        ["II 特定個人情報ファイルの概要"],
        ["④使用の主体", "使用部署", "税務課"],
        ["", "使用者数", "[10人未満]"],
        ["①入手元 ※", "[○] 本人 [ ] 紙 [○] 庁内連携システム [ ] その他", ""],
    ]



@pytest.mark.parametrize("source", [SAKURAGAWA / "v2.txt", SEEDS / "002_d96ab8c3580b4465.txt"],
                         ids=lambda p: p.stem)
def test_docx_headings_numbered_by_word_read_as_the_text(source: Path) -> None:
    """A Word report whose "1. 特定個人情報ファイルを取り扱う事務" headings are automatic list
    numbering ("List Number" style): the numbers are Word's, not text, so the document reads
    "特定個人情報ファイルを取り扱う事務" alone; it must still read as the text it was made from."""
    import docx

    from layout_variants import lost_numbers

    text = source.read_text(encoding="utf-8")
    stripped = lost_numbers(text)
    titles = {new.strip() for old, new in zip(text.split("\n"), stripped.split("\n"), strict=True) if old != new}
    document = docx.Document(BytesIO(builders.plain_docx(stripped)))
    numbered = 0
    for paragraph in document.paragraphs:
        if paragraph.text.strip() in titles:
            paragraph.style = document.styles["List Number"]
            numbered += 1
    out = BytesIO()
    document.save(out)
    assert numbered >= 20
    styles = zipfile.ZipFile(BytesIO(out.getvalue())).read("word/styles.xml").decode()
    assert re.search(r'w:styleId="ListNumber".*?<w:numPr>', styles, re.S)  # Word numbers them itself
    expected, got = parse_text(text), _read(out.getvalue(), f"{source.stem}.docx")
    assert tree(got) == tree(expected)


W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


def test_docx_reads_content_controls_symbol_boxes_and_revisions_as_printed() -> None:
    """Word's own check boxes (a content control showing ☒/☐, or a Wingdings symbol), rows wrapped
    in a repeating-section control, and tracked changes (deleted text is not printed)."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "②入手方法"
    table.cell(1, 0).text = "③使用目的 ※"
    boxes = parse_xml(
        f'<w:p {nsdecls("w")} xmlns:w14="{W14}">'
        '<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="1"/></w14:checkbox></w:sdtPr>'
        '<w:sdtContent><w:r><w:t>☒</w:t></w:r></w:sdtContent></w:sdt><w:r><w:t xml:space="preserve"> 紙 </w:t></w:r>'
        '<w:r><w:sym w:font="Wingdings" w:char="F0A8"/></w:r>'
        '<w:r><w:t xml:space="preserve"> 電子記録媒体</w:t></w:r></w:p>'
    )
    table.cell(0, 1)._tc.remove(table.cell(0, 1).paragraphs[0]._p)
    table.cell(0, 1)._tc.append(boxes)
    purpose = parse_xml(
        f'<w:p {nsdecls("w")}><w:r><w:t>市税</w:t></w:r><w:del w:id="1" w:author="a"><w:r><w:delText>の賦課</w:delText>'
        '</w:r></w:del><w:ins w:id="2" w:author="a"><w:r><w:t>及び森林環境税</w:t></w:r></w:ins></w:p>'
    )
    table.cell(1, 1)._tc.remove(table.cell(1, 1).paragraphs[0]._p)
    table.cell(1, 1)._tc.append(purpose)
    second = table.rows[1]._tr
    wrapper = parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent/></w:sdt>")
    second.addprevious(wrapper)
    wrapper[1].append(second)
    out = BytesIO()
    document.save(out)
    assert docx_rows(out.getvalue(), "controls.docx") == [
        ["②入手方法", "[○] 紙 [ ] 電子記録媒体"],
        ["③使用目的 ※", "市税及び森林環境税"],
    ]


# -- hostile and unsupported files: one line, exit 2, nothing written -------------------------------


def _refused_by_commit(tmp_path: Path, path: Path) -> str:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    result = runner.invoke(app, ["commit", str(path), "-r", "x", "-a", "山田", "--db", db])
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert runner.invoke(app, ["log", "x", "--db", db]).exit_code == 2  # no report was created
    return result.output


def _zip(parts: dict[str, bytes], level: int = 9) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


def test_a_zip_bomb_workbook_is_refused_before_inflating(tmp_path: Path) -> None:
    workbook = zipfile.ZipFile(BytesIO(_xlsx(Workbook())))
    parts = {info.filename: workbook.read(info) for info in workbook.infolist()}
    parts["xl/worksheets/sheet1.xml"] = b"<worksheet>" + b" " * (8 * 1024 * 1024) + b"</worksheet>"
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_zip(parts))
    assert sniff(path.read_bytes()) == "xlsx"
    assert "ZIP 爆弾" in _refused_by_commit(tmp_path, path)


def test_a_part_larger_than_it_declares_is_refused(tmp_path: Path) -> None:
    """A zip whose directory understates a part: zipfile stops at the declared size and fails the
    CRC, so the lie is never inflated past the limits."""
    data = bytearray(_xlsx(Workbook()))
    archive = zipfile.ZipFile(BytesIO(bytes(data)))
    info = archive.getinfo("xl/workbook.xml")
    # the size fields in the local header and the central directory, both rewritten to 10 bytes
    for at in (info.header_offset + 22, bytes(data).rindex(b"xl/workbook.xml") - 46 + 24):
        data[at : at + 4] = (10).to_bytes(4, "little")
    with pytest.raises(InputError) as caught:
        xlsx_rows(bytes(data), "lie.xlsx")
    assert "\n" not in str(caught.value)


def _docx_with_document_xml(xml: bytes) -> bytes:
    import docx

    out = BytesIO()
    docx.Document().save(out)
    source = zipfile.ZipFile(BytesIO(out.getvalue()))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["word/document.xml"] = xml
    return _zip(parts)


LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE w:document [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"""


def test_entity_expansion_in_a_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "laughs.docx"
    path.write_bytes(_docx_with_document_xml(LAUGHS))
    assert sniff(path.read_bytes()) == "docx"
    assert "DTD" in _refused_by_commit(tmp_path, path)


def test_a_doctype_in_any_workbook_part_is_refused() -> None:
    source = zipfile.ZipFile(BytesIO(_xlsx(Workbook())))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    styles = parts["xl/styles.xml"]
    parts["xl/styles.xml"] = b'<!DOCTYPE styleSheet [<!ENTITY e "e">]>' + styles[styles.index(b"<styleSheet") :]
    with pytest.raises(InputError, match="DTD"):
        xlsx_rows(_zip(parts), "dtd.xlsx")


def test_too_many_cells_and_too_deep_nesting_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    workbook = Workbook()
    for row in range(1, 40):
        workbook.active.cell(row, 1, "x")
    data = _xlsx(workbook)
    monkeypatch.setattr(office, "MAX_CELLS", 20)
    with pytest.raises(InputError, match="セルが多すぎます"):
        xlsx_rows(data, "big.xlsx")
    monkeypatch.undo()
    wide = Workbook()
    for row in range(1, 10):
        wide.active.cell(row, 1, "a")
        wide.active.cell(row, 16_000, "z")
    monkeypatch.setattr(office, "MAX_GRID", 50_000)
    with pytest.raises(InputError, match="広すぎます"):
        xlsx_rows(_xlsx(wide), "wide.xlsx")
    deep = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    deep += b"<w:sdt><w:sdtContent>" * 300 + b"</w:sdtContent></w:sdt>" * 300 + b"</w:body></w:document>"
    with pytest.raises(InputError, match="入れ子"):
        docx_rows(_docx_with_document_xml(deep), "deep.docx")


def test_damaged_workbook_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(_zip({"xl/workbook.xml": b"<workbook><sheets><sheet"}))
    assert "壊れています" in _refused_by_commit(tmp_path, path)


INSERTS = [
    b"<x>",
    b"</c>",
    b' r="XFD1048576"',
    b' hidden="1"',
    b'<mergeCell ref="A1:XFD1048576"/>',
    b' min="abc"',
    b'<row r="q">',
    b"&#0;",
    b'<w:gridSpan w:val="99999"/>',
    b"<w:vMerge/>",
    b'<?xml version="1.0" encoding="es"?>',
]


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_damaged_parts_read_or_are_refused_in_one_line(suffix: str, data: st.DataObject) -> None:
    """Any damage to any XML part of a sample workbook or document: rows, or one line of our own."""
    source = zipfile.ZipFile(SAKURAGAWA / f"v2{suffix}")
    parts = {info.filename: source.read(info) for info in source.infolist()}
    name = data.draw(st.sampled_from(sorted(n for n in parts if n.endswith((".xml", ".rels")))))
    body = bytearray(parts[name])
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(body) - 1))
        change = data.draw(st.sampled_from(["byte", "cut", "insert"]))
        if change == "byte":
            body[at] = data.draw(st.sampled_from(list(b'<>/"=\x00 aZ9:')))
        elif change == "cut":
            del body[at : at + data.draw(st.integers(1, 60))]
        else:
            body[at:at] = data.draw(st.sampled_from(INSERTS))
    parts[name] = bytes(body)
    read = xlsx_rows if suffix == ".xlsx" else docx_rows
    try:
        rows = read(_zip(parts), f"damaged{suffix}")
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert all(isinstance(cell, str) for row in rows for cell in row)


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    ("stream", "needle"), [("Workbook", "Excel ブック (*.xlsx)"), ("WordDocument", "Word 文書 (*.docx)"),
                           ("DocumentText", "一太郎"), ("PowerPoint Document", "一太郎")]
)
def test_excel_and_word_97_files_are_refused_with_what_to_do(tmp_path: Path, stream: str, needle: str) -> None:
    path = tmp_path / "old.xls"  # the name says nothing: the streams decide
    path.write_bytes(OLE + stream.encode("utf-16-le") + b"\x00" * 64)
    assert sniff(path.read_bytes()) == "xls"
    with pytest.raises(InputError, match=re.escape(needle)):
        xls_rows(path.read_bytes(), str(path))
    assert needle in _refused_by_commit(tmp_path, path)


@pytest.mark.parametrize("name", ["v2.ods", "v2.odt"])
def test_an_opendocument_file_is_refused_with_what_to_save_it_as(tmp_path: Path, name: str) -> None:
    """LibreOffice's own formats (a zip like xlsx/docx, named by its ``mimetype`` member) get their
    own line saying to save as xlsx or docx, not the bare "zip archive"; nothing is written."""
    path = SAMPLES / "sakuragawa" / "printed" / name
    with zipfile.ZipFile(path) as archive:
        assert archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument.")
    output = _refused_by_commit(tmp_path, path)
    assert "OpenDocument" in output and ".xlsx" in output and ".docx" in output
    assert "ZIP" not in output



@pytest.mark.parametrize(("suffix", "needle"), [(".xls", "Excel ブック (*.xlsx)"), (".doc", "Word 文書 (*.docx)")])
def test_office_97_files_written_by_libreoffice_are_refused_with_what_to_do(
        tmp_path: Path, suffix: str, needle: str) -> None:
    """The sample saved by LibreOffice as Excel 97-2003 / Word 97-2003 (a .doc also holds a "Book"
    stream name, so Word is asked first)."""
    path = SAMPLES / "sakuragawa" / "printed" / f"v2{suffix}"
    assert sniff(path.read_bytes()) == "xls"
    assert needle in _refused_by_commit(tmp_path, path)


def _labels_broken(source: Path, target: Path, *, at: str, star: bool) -> int:
    """The workbook with its label cells broken by Alt+Enter, as a clerk fits a long label to its
    column: every label cell starting with ``at`` broken after it, and with ``star`` every
    starred label's ※ put on a line of its own. Returns how many cells were broken."""
    from openpyxl import load_workbook

    book = load_workbook(source)
    broken = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = cell.value
                if not isinstance(text, str):
                    continue
                if text.startswith(at) and len(text) > len(at):
                    cell.value = f"{at}\n{text[len(at):]}"
                    broken += 1
                elif star and re.match(r"^[①-⑳].*\S\s*※$", text):
                    cell.value = text[:-1].rstrip() + "\n※"
                    broken += 1
    book.save(target)
    return broken


@pytest.mark.parametrize("at", ["①システム", "①シス", "①システムの名", "①事故発生", "②所属長"])
def test_label_cells_broken_by_alt_enter_read_as_whole_labels(tmp_path: Path, at: str) -> None:
    """Excel prints a label cell broken by Alt+Enter on two lines, the value beside the first half
    ("システム2 | ①システム | 収納管理システム" then "の名称"; beside a risk heading, "リスク:… |
    ①事故発生 | [十分に行っている]" then "時手順の策定・周知"), and a ※ broken off on a line of its
    own. Read, they are the whole label and its ※: the same items, values and stars as the
    unbroken workbook, where before the heading took the broken label as its value and the ※
    joined the value. "②所属長" then "の役職名": the first half is an older wording of the label
    (an alias), which named the item alone and left "の役職名" in the value."""
    source = SAMPLES / "sakuragawa" / "v2.xlsx"
    target = tmp_path / "broken.xlsx"
    assert _labels_broken(source, target, at=at, star=True) >= 6
    assert "\tの名称" in file_text(target.read_bytes(), target.name) or at != "①システム"
    clean, read = read_report(source), read_report(target)
    assert [(i.path, i.value, i.star) for i in read.items] == [(i.path, i.value, i.star) for i in clean.items]
