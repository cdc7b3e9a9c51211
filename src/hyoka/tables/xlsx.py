"""The 変更箇所 as an Excel workbook, because the official form is distributed as one.

openpyxl writes real .xlsx (no template engine can); one row per change,
column widths like the form's, wrapped cells and a styled, repeated header row.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.properties import PageSetupProperties

from hyoka.tables.render import Table

HEADERS: tuple[tuple[str, float], ...] = (
    ("変更日", 14),
    ("項目", 30),
    ("変更前の記載", 48),
    ("変更後の記載", 48),
    ("提出時期", 9),
    ("提出時期に係る説明", 24),
)
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_ILLEGAL = {i for i in range(32) if i not in (9, 10, 13)}


def _cell_text(text: str) -> str:
    """Control characters other than tab and line breaks are not allowed in xlsx cells."""
    return "".join(ch for ch in text if ord(ch) not in _ILLEGAL)


def _rows(table: Table) -> Sequence[tuple[str, ...]]:
    return [(r.date, r.item, r.before, r.after, r.timing, r.reason) for r in table.rows]


def write_xlsx(table: Table) -> bytes:
    """The workbook's bytes: sheet 変更箇所, header on row 1 repeated on every printed page."""
    book = Workbook()
    sheet = book.active
    sheet.title = "変更箇所"
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E8E8E8")
    wrap = Alignment(wrap_text=True, vertical="top")
    review_fill = PatternFill("solid", fgColor="FFF2CC")  # 要確認 rows stand out until a person decides
    for column, (name, width) in enumerate(HEADERS, 1):
        cell = sheet.cell(row=1, column=column, value=name)
        cell.font, cell.fill, cell.alignment, cell.border = header_font, header_fill, wrap, _BORDER
        sheet.column_dimensions[cell.column_letter].width = width
    for row_number, (row, values) in enumerate(zip(table.rows, _rows(table), strict=True), 2):
        for column, value in enumerate(values, 1):
            cell = sheet.cell(row=row_number, column=column, value=_cell_text(value))
            cell.alignment, cell.border = wrap, _BORDER
            if row.needs_review:
                cell.fill = review_fill
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    book.properties.title = f"{table.title} {table.meta.title}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
