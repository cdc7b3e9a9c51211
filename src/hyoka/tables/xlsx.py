"""The 変更箇所 and the 新旧対照表 as Excel workbooks, laid out like the form's pages.

The official form is distributed as an Excel workbook, so clerks paste or file the
tables in Excel; openpyxl writes real .xlsx (no template engine can). The sheet
looks like the printed 変更箇所 page: title rows (評価書名, 評価実施機関, 評価書番号,
the versions covered), a bold shaded header row repeated on every printed page,
A4 landscape with page numbers in the footer.

Changed text is marked inside the cells with rich-text runs — added text
underlined and bold, removed text struck through — the marks the HTML tables
print, taken from the same diff spans the templates use (``TableRow.*_spans``),
never from a second diff. Marks are typographic, not colours, so they survive a
black-and-white printer.

Every cell and run names a Japanese font (游ゴシック): Japanese Excel lays out and
measures text with it; the file carries only the name.

A report's text is data, never a formula: openpyxl turns any string that starts
with ``=`` into a formula, so every text cell is forced to a string, and text
that a spreadsheet could read as a formula (= + - @, or a leading tab / CR) is
also marked quotePrefix, so it stays text when a clerk edits the cell.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from hyoka.diff.text import Span
from hyoka.tables.render import Table
from hyoka.tables.rows import TableRow

FONT_NAME = "游ゴシック"
FONT_SIZE = 10
_JAPANESE = {"charset": 128, "family": 3}  # SHIFTJIS charset, modern family: what Japanese Excel writes
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = {i for i in range(32) if i not in (9, 10, 13)}
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="E8E8E8")
_REVIEW_FILL = PatternFill("solid", fgColor="FFF2CC")  # 要確認 rows stand out until a person decides
_TEXT = Font(name=FONT_NAME, size=FONT_SIZE, **_JAPANESE)
_BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True, **_JAPANESE)
_TITLE = Font(name=FONT_NAME, size=14, bold=True, **_JAPANESE)
_PLAIN_RUN = InlineFont(rFont=FONT_NAME, sz=FONT_SIZE, **_JAPANESE)
_ADDED_RUN = InlineFont(rFont=FONT_NAME, sz=FONT_SIZE, b=True, u="single", **_JAPANESE)
_REMOVED_RUN = InlineFont(rFont=FONT_NAME, sz=FONT_SIZE, strike=True, **_JAPANESE)
_TOP = Alignment(wrap_text=True, vertical="top")
_CENTRED = Alignment(wrap_text=True, vertical="top", horizontal="center")
_HEADER = Alignment(wrap_text=True, vertical="center", horizontal="center")
_LINE_HEIGHT = 15.0  # points per wrapped line at 10pt; Excel does not size merged cells itself

CellValue = str | CellRichText


@dataclass(frozen=True)
class Column:
    """One column of a sheet: header, width in Excel character units, the cell of a row."""

    header: str
    width: float
    value: Callable[[TableRow], CellValue]
    centred: bool = False


def clean(text: str) -> str:
    """Control characters other than tab and line breaks are not allowed in xlsx cells."""
    return "".join(ch for ch in text if ord(ch) not in _ILLEGAL)


def rich(spans: Sequence[Span], text: str, deletions: bool = True) -> CellValue:
    """A cell with its changed text marked, as ``render.marked`` marks HTML: inserted runs
    underlined and bold, deleted runs struck through; a cell without spans is plain text."""
    if not spans:
        return clean(text)
    fonts = {"equal": _PLAIN_RUN, "insert": _ADDED_RUN, "delete": _REMOVED_RUN}
    blocks = [TextBlock(fonts[s.op], clean(s.text)) for s in spans if s.text and (deletions or s.op != "delete")]
    return CellRichText(blocks) if blocks else ""


def _remark(row: TableRow) -> str:
    return "\n".join(part for part in (row.category, row.timing) if part)


APPENDIX_COLUMNS: tuple[Column, ...] = (
    Column("変更日", 14, lambda r: r.date),
    Column("項目", 30, lambda r: r.item),
    Column("変更前の記載", 48, lambda r: rich(r.before_spans, r.before)),
    Column("変更後の記載", 48, lambda r: rich(r.after_spans, r.after)),
    Column("提出時期", 9, lambda r: r.timing, centred=True),
    Column("提出時期に係る説明", 24, lambda r: r.reason),
)
SHINKYU_COLUMNS: tuple[Column, ...] = (
    Column("項目", 32, lambda r: r.item),
    Column("旧 (変更前)", 60, lambda r: rich(r.before_spans, r.before)),
    Column("新 (変更後)", 60, lambda r: rich(r.after_spans, r.after)),
    Column("備考", 16, _remark),
)
LAYOUTS: dict[str, tuple[Column, ...]] = {"appendix": APPENDIX_COLUMNS, "shinkyu": SHINKYU_COLUMNS}


def put(cell: Cell, value: CellValue) -> None:
    """Write text that can never become a formula (see the module docstring)."""
    if isinstance(value, str):
        value = clean(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl made it "f" if it starts with "="
    if str(value).startswith(_FORMULA_START):
        cell.quotePrefix = True


def legend() -> CellRichText:
    """The 凡例 the HTML prints above the table, in the marks the cells use."""
    return CellRichText([TextBlock(_ADDED_RUN, "追加された記載"), TextBlock(_PLAIN_RUN, "　"),
                         TextBlock(_REMOVED_RUN, "削除された記載")])


def _lines(text: str, width: float) -> int:
    """Printed lines of ``text`` in a merged cell ``width`` units wide (a kanji is two units)."""
    per_line = max(1.0, width * 0.9)
    return sum(max(1, -(-sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) // int(per_line)))
               for line in text.split("\n"))


def title_rows(sheet: Worksheet, table: Table, columns: Sequence[Column]) -> int:
    """Title, then one labelled row each for 評価書名, 評価実施機関, 評価書番号, the versions
    covered, the notes and the 凡例; returns the row number of the header row.

    A row whose value is empty (a report without 評価書番号) is left out rather than printed blank.
    """
    last = get_column_letter(len(columns))
    span_width = sum(c.width for c in columns[1:])
    sheet.merge_cells(f"A1:{last}1")
    put(sheet["A1"], table.title)
    sheet["A1"].font, sheet["A1"].alignment = _TITLE, Alignment(vertical="center")
    sheet.row_dimensions[1].height = 24
    meta = table.meta
    entries: list[tuple[str, CellValue]] = [
        ("評価書名", meta.title), ("評価実施機関", meta.organisation), ("評価書番号", meta.number),
        ("対象の版", table.scope),
    ]
    entries += [("注記", note) for note in table.notes]
    entries.append(("凡例", legend()))
    row = 2
    for label, value in entries:
        if not str(value):
            continue
        sheet.merge_cells(f"B{row}:{last}{row}")
        put(sheet.cell(row=row, column=1), label)
        put(sheet.cell(row=row, column=2), value)
        sheet.cell(row=row, column=1).font = _BOLD
        sheet.cell(row=row, column=2).font = _TEXT
        for column in (1, 2):
            sheet.cell(row=row, column=column).alignment = _TOP
        lines = _lines(str(value), span_width)
        if lines > 1:
            sheet.row_dimensions[row].height = lines * _LINE_HEIGHT
        row += 1
    return row


def page_setup(sheet: Worksheet, table: Table, header_row: int) -> None:
    """A4 landscape, fitted to the page width, header row on every page, page numbers."""
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    # Header/footer text is a little language of its own: "&" starts a code, and Excel allows
    # 255 characters in all; the report's name is escaped and cut, the rest is ours.
    name = clean(table.meta.title).replace("&", "&&")[:80]
    for footer in (sheet.oddFooter, sheet.evenFooter):
        footer.left.text = name
        footer.center.text = "&P / &N"
        footer.right.text = table.title


def write_xlsx(table: Table, kind: str = "appendix") -> bytes:
    """The workbook's bytes: one sheet named after the table (変更箇所 or 新旧対照表)."""
    columns = LAYOUTS[kind]
    book = Workbook()
    # The Normal style's font (index 0) is what empty cells and the footer use; openpyxl has no
    # public setter, and a Calibri default would make Japanese Excel measure columns in Calibri.
    book._fonts = IndexedList([_TEXT])
    sheet = book.active
    sheet.title = table.title
    header = title_rows(sheet, table, columns)
    for number, column in enumerate(columns, 1):
        cell = sheet.cell(row=header, column=number)
        put(cell, column.header)
        cell.font, cell.fill, cell.alignment, cell.border = _BOLD, _HEADER_FILL, _HEADER, _BORDER
        sheet.column_dimensions[cell.column_letter].width = column.width
    for index, row in enumerate(table.rows, header + 1):
        for number, column in enumerate(columns, 1):
            cell = sheet.cell(row=index, column=number)
            put(cell, column.value(row))
            cell.font, cell.border = _TEXT, _BORDER
            cell.alignment = _CENTRED if column.centred else _TOP
            if row.needs_review:
                cell.fill = _REVIEW_FILL
    page_setup(sheet, table, header)
    book.properties.title = f"{table.title} {table.meta.title}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
