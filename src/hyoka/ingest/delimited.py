"""A report saved as CSV (Excel's or LibreOffice's "CSV (コンマ区切り)" of the form's sheets) as the
tab-separated lines the text reader reads.

The official forms are workbooks, and CSV is what a clerk gets from "名前を付けて保存" without
choosing the tab-separated text: every row a line of comma-separated cells, a cell with a comma,
a quote or a line break (Alt+Enter) quoted, its quotes doubled. Read as plain text, commas are
not cell boundaries and a quoted cell's line breaks start new lines, so no label is found (the
sample's workbook saved as CSV: "not a report"). Such a text is parsed with the standard
library's ``csv`` reader and laid out as a workbook is (:func:`hyoka.ingest.formats.rows_to_text`:
a cell's lines continue in its column).

A text is taken for CSV only when it cannot be a printed report: it has no tab at all, and nearly
every line of it parses into two cells or more. A report printed as text has most of its lines
without a comma (values use 「、」), so a "1,000人以上" here and there never makes it CSV.
"""

from __future__ import annotations

import csv
import io
from itertools import islice

from hyoka.ingest.formats import rows_to_text

# Share of non-blank rows that must have two cells or more (a sheet's title row may have one).
_MULTI_CELL_SHARE = 0.9
# Rows looked at to decide (a report has hundreds; a few dozen settle it).
_SAMPLE_ROWS = 400
_MIN_ROWS = 5


def _rows(text: str, limit: int | None = None) -> list[list[str]] | None:
    """The CSV rows of ``text`` (the first ``limit`` only: the reader is lazy), or None when the
    csv module rejects them (an unclosed quote at the end)."""
    try:
        return list(islice(csv.reader(io.StringIO(text, newline=""), strict=True), limit))
    except csv.Error:
        return None


def is_csv(text: str) -> bool:
    """Whether ``text`` is comma-separated cells rather than printed text (see the module docstring)."""
    if "\t" in text or "," not in text:
        return False
    rows = _rows(text, _SAMPLE_ROWS)
    if rows is None:
        return False
    filled = [row for row in rows if any(cell.strip() for cell in row)]
    if len(filled) < _MIN_ROWS:
        return False
    return sum(1 for row in filled if len(row) >= 2) >= _MULTI_CELL_SHARE * len(filled)


def csv_as_text(text: str) -> str:
    """The lines the text reader reads: tab-separated cells from CSV rows; any other text as it is."""
    if not is_csv(text):
        return text
    rows = _rows(text)
    return text if rows is None else rows_to_text(rows)
