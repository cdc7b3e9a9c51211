"""Build the sample reports as the files bodies hold: Excel workbooks and Word documents.

No real working copies are available offline, so the fixtures are made honestly with the real
libraries from the TEXT of a report, in two layouts:

* the form layout: the report read with :func:`hyoka.ingest.parse_text` and laid out as the
  様式 lays it out: section and numbered headings as full-width rows, one row per item with its
  label and value cells, the label of an item with sub-items merged down the rows of its sub-items,
  check boxes printed as glyphs (■ □ in Excel, ☑ ☐ in Word), choice cells as an Excel drop-down
  (a list validation whose options sit on a hidden sheet) with the selected value, dates as real
  Excel dates with the Japanese era format, and the 変更箇所 table on a sheet of its own;
* the plain layout: one row per line of the text, one cell per tab-separated cell.

The cover (up to the first section heading) is laid out plainly in both: it is free-form on the
official form too. Run as a script to regenerate ``samples/sakuragawa/v*.xlsx`` and ``v*.docx``.

The PDFs (``v*.pdf``) are the same reports laid out as the form prints them and printed by headless
Chromium (``tests/pdf_fixtures.py`` holds that layout; the PDF reader's tests use it too). Run with
``--pdf`` to regenerate only the PDFs, ``--office`` for only the workbooks and documents.

``printed/vN.excel.pdf`` and ``printed/vN.word.pdf`` (v2 and v3) are the workbook and the document
printed by LibreOffice (``soffice --headless --convert-to pdf``), as a body publishes its Excel
or Word form: rulings drawn at page breaks, rows cut by them, autospace between Japanese and
digits. ``--office-pdf`` regenerates them (needs LibreOffice; Debian: libreoffice-calc,
libreoffice-writer); ``--office-html`` writes ``printed/vN.excel.html`` and ``.word.html``, the
same saved as a web page (``--convert-to html``); ``--pandoc`` writes ``printed/vN.pandoc.gfm.md``
and ``.pandoc.html``, vN.docx converted by pandoc (Debian: pandoc); ``--pdftotext`` writes
``printed/v2.pdftotext.txt``, v2.pdf through poppler's pdftotext in its default mode; ``--csv``
writes ``printed/vN.excel.csv``, vN.xlsx saved as CSV (Shift_JIS) by LibreOffice, sheet after sheet;
``--refused`` writes ``printed/v2.ods|odt|xls|doc`` (OpenDocument and Office 97-2003, refused by hyoka);
``--markitdown`` writes ``printed/v2.markitdown.xlsx|docx|pdf.md`` (Microsoft's markitdown).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from tempfile import TemporaryDirectory

from hyoka.era import parse_date
from hyoka.ingest import parse_text
from hyoka.ingest.appendix import HEADER_NAMES, find_appendix_start
from hyoka.ingest.legacy import value_text
from hyoka.model import Checks, Choice, Count, Date, Item, Report, Value

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples" / "sakuragawa"
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Excel's classic 和暦 format (Excel 2019+ also writes [$-ja-JP-x-gannen]…, which LibreOffice
# prints as the bare serial number; hyoka reads both, tests/test_formats_office.py).
_ERA_FORMAT = '[$-411]ggge"年"m"月"d"日";@'


@dataclass
class LayoutCell:
    """One cell of the form layout: where it sits, how far it spans, what it prints."""

    row: int
    col: int
    text: str
    cols: int = 1
    rows: int = 1
    value: Value | None = None  # the typed value when this is an item's value cell
    depth: int = 0  # of the item's path (1: a section heading or its value)


@dataclass
class FormLayout:
    cover: list[list[str]]  # plain rows before the first section heading
    body: list[LayoutCell]
    body_rows: int
    width: int
    appendix_heading: str
    appendix: list[list[str]]  # header row and the 変更箇所 rows


def _clean(text: str) -> str:
    """Cell text both libraries accept (no C0 controls but tab and line feed)."""
    return _CONTROL_RE.sub("", text)


def plain_layout(text: str) -> list[list[str]]:
    """One row per line of the text, one cell per tab-separated cell."""
    return [[_clean(cell) for cell in line.split("\t")] for line in text.replace("\r\n", "\n").split("\n")]


def _key(text: str) -> str:
    return "".join(text.replace("※", "").split())


def _cover_end(lines: list[str], report: Report) -> int:
    """Index of the body's first line: the first section heading followed by the first numbered
    heading (earlier ones are the 項目一覧)."""
    body = [item for item in report.items if item.path.segments[0] != "表紙"]
    section = next(item for item in body if len(item.path.segments) == 1)
    first = next((item for item in body if len(item.path.segments) == 2), section)
    starts = [i for i, line in enumerate(lines) if _key(line).startswith(_key(section.label))]
    for index in starts:
        following = next((line for line in lines[index + 1 :] if line.strip()), "")
        if _key(following).startswith(_key(first.label)[:8]):
            return index
    return starts[-1] if starts else 0


def _printed(value: Value) -> str:
    """A value as the text prints it; a choice or count without printed options stays bare."""
    if isinstance(value, (Choice, Count)) and not value.options:
        return value_text(value).removesuffix("<選択肢>").rstrip()
    return value_text(value)


def _label(item: Item) -> str:
    return f"{item.label} ※" if item.star else item.label


def form_layout(text: str) -> FormLayout:
    """The report read from ``text`` laid out as the form lays it out (see the module doc)."""
    report = parse_text(text)
    lines = text.replace("\r\n", "\n").split("\n")
    end = _cover_end(lines, report)
    items = [item for item in report.items if item.path.segments[0] != "表紙"]
    width = max(3, max(len(item.path.segments) for item in items) - 1)
    cells: list[LayoutCell] = []
    label_cells: dict[tuple[str, ...], LayoutCell] = {}
    value_cells: dict[tuple[str, ...], LayoutCell] = {}
    row = -1
    for item in items:
        depth = len(item.path.segments)
        printed = _printed(item.value)
        if depth == 1:
            row += 1
            head = f"{_label(item)}{printed}" if item.star else item.label
            cells.append(LayoutCell(row, 0, head, cols=width, depth=1))
            if printed and not item.star:
                row += 1
                cells.append(LayoutCell(row, 0, printed, cols=width, value=item.value, depth=1))
            continue
        col = max(depth - 3, 0)
        parent_path = item.path.segments[:-1]
        parent = label_cells.get(parent_path)
        empty = value_cells.get(parent_path)
        # The first sub-item of an item without a value of its own shares the item's row.
        if parent is not None and parent.row == row and parent.rows == 1 and empty is not None and not empty.text:
            cells.remove(empty)
            del value_cells[parent_path]
        else:
            row += 1
        label = LayoutCell(row, col, _label(item), depth=depth)
        cells.append(label)
        label_cells[item.path.segments] = label
        if depth == 2 and not printed:
            label.cols = width
        else:
            value = LayoutCell(row, col + 1, printed, cols=width - col - 1, value=item.value, depth=depth)
            cells.append(value)
            value_cells[item.path.segments] = value
        for size in range(3, depth):
            ancestor = label_cells.get(item.path.segments[:size])
            if ancestor is not None:
                ancestor.rows = row - ancestor.row + 1
    at = find_appendix_start(lines)
    heading, table = "", []
    if report.appendix:
        heading = lines[at].strip() if at is not None and "変更日" not in lines[at] else "変更箇所"
        table = [list(HEADER_NAMES)] + [
            [r.date, r.item, r.before, r.after, r.timing, r.reason] for r in report.appendix
        ]
    cover = plain_layout("\n".join(lines[:end]))
    return FormLayout(cover, cells, row + 1, width, heading, [[_clean(c) for c in r] for r in table])


def _checks_text(value: Checks, ticked: str, empty: str) -> str:
    """A checkbox list printed with glyphs, as the form prints it."""
    boxes = [
        f"{ticked if box.ticked else empty} {box.option}"
        + (f" ({value.other})" if box.option == "その他" and value.other else "")
        for box in value.boxes
    ]
    return " ".join(boxes)


def _real_date(value: Date) -> date | None:
    """The date of a printed era date when Excel's era format prints it back exactly."""
    day = parse_date(value.printed)
    if day is None or not value.printed.startswith(("令和", "平成")):
        return None
    from hyoka.ingest.formats.office import _era

    return day if _era(day) == value.printed else None


# -- xlsx ------------------------------------------------------------------------------------------


def _put(sheet: object, row: int, col: int, text: str) -> object:
    """A string cell (never a formula, even when the text starts with "=")."""
    cell = sheet.cell(row=row, column=col)  # type: ignore[attr-defined]
    cell.value = _clean(text)
    cell.data_type = "s"
    return cell


def _rows_to_sheet(sheet: object, rows: list[list[str]], start: int = 1) -> int:
    for offset, cells in enumerate(rows):
        for col, text in enumerate(cells, 1):
            if text:
                _put(sheet, start + offset, col, text)
    return start + len(rows)


def _printable(sheet: object, widths: list[int], landscape: bool = False) -> None:
    """Set a sheet up as a form is for printing: wrapped text at the top of each cell, the given
    column widths, rows as tall as their text, A4 and one page wide (what Excel's or
    LibreOffice's "save as PDF" prints; neither grows a row to its text when it opens a file)."""
    import math
    import unicodedata

    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for col, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(col)].width = width  # type: ignore[attr-defined]
    spans = {(r.min_row, r.min_col): r for r in sheet.merged_cells.ranges}  # type: ignore[attr-defined]
    wrap = Alignment(wrap_text=True, vertical="top")
    lines: dict[int, int] = {}
    for row in sheet.iter_rows():  # type: ignore[attr-defined]
        for cell in row:
            if cell.value is None:
                continue
            cell.alignment = wrap
            span = spans.get((cell.row, cell.column))
            last_col, last_row = (span.max_col, span.max_row) if span else (cell.column, cell.row)
            room = sum(widths[c - 1] if c <= len(widths) else 10 for c in range(cell.column, last_col + 1)) - 1
            needed = sum(
                math.ceil(max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in part), 1) / room)
                for part in str(cell.value).split("\n")
            )
            rows = last_row - cell.row + 1
            for r in range(cell.row, last_row + 1):  # a merged cell's lines shared by its rows
                lines[r] = max(lines.get(r, 1), math.ceil(needed / rows))
    for r, count in lines.items():
        sheet.row_dimensions[r].height = 15 * count + 3  # type: ignore[attr-defined]
    setup = sheet.page_setup  # type: ignore[attr-defined]
    setup.paperSize = sheet.PAPERSIZE_A4  # type: ignore[attr-defined]
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[attr-defined]


def plain_xlsx(text: str) -> bytes:
    """The plain layout as a one-sheet workbook."""
    from openpyxl import Workbook

    workbook = Workbook()
    _rows_to_sheet(workbook.active, plain_layout(text))
    return _save_xlsx(workbook)


def _save_xlsx(workbook: object) -> bytes:
    out = BytesIO()
    workbook.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


def form_xlsx(text: str) -> bytes:
    """The form layout as a workbook: 表紙, 評価書 (merged label cells, drop-downs, glyphs, era
    dates), 変更箇所, and the hidden 選択肢 sheet that holds the drop-downs' option lists."""
    from openpyxl import Workbook
    from openpyxl.styles import Border, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    layout = form_layout(text)
    workbook = Workbook()
    cover = workbook.active
    cover.title = "表紙"
    _rows_to_sheet(cover, layout.cover)
    _printable(cover, [24, 72])
    body = workbook.create_sheet("評価書")
    lists = workbook.create_sheet("選択肢")
    lists.sheet_state = "hidden"
    validations: dict[tuple[str, ...], DataValidation] = {}
    thin = Side(style="thin")
    ruled = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in layout.body:
        row, col = cell.row + 1, cell.col + 1
        value = cell.value
        if isinstance(value, Choice):
            options = value.options or (value.selected,)
            if options not in validations:
                column = get_column_letter(len(validations) + 1)
                for number, option in enumerate(options, 1):
                    _put(lists, number, len(validations) + 1, option)
                validation = DataValidation(type="list", formula1=f"'選択肢'!${column}$1:${column}${len(options)}")
                body.add_data_validation(validation)
                validations[options] = validation
            target = _put(body, row, col, value.selected)
            validations[options].add(target.coordinate)  # type: ignore[attr-defined]
        elif isinstance(value, Checks):
            target = _put(body, row, col, _checks_text(value, "■", "□"))
        elif isinstance(value, Date) and (day := _real_date(value)) is not None:
            target = body.cell(row=row, column=col, value=day)
            target.number_format = _ERA_FORMAT
        else:
            target = _put(body, row, col, cell.text)
        bottom, right = row + cell.rows - 1, col + cell.cols - 1
        for grid_row in range(row, bottom + 1):  # ruled like the form, so a print of it is a table
            for grid_col in range(col, right + 1):
                body.cell(row=grid_row, column=grid_col).border = ruled
        if cell.rows > 1 or cell.cols > 1:
            body.merge_cells(start_row=row, start_column=col, end_row=bottom, end_column=right)
    _printable(body, [60 if col == layout.width else 24 for col in range(1, layout.width + 1)])
    if layout.appendix:
        changes = workbook.create_sheet("変更箇所", index=2)
        _put(changes, 1, 1, layout.appendix_heading)
        end = _rows_to_sheet(changes, layout.appendix, start=2)
        for row in range(2, end):  # the table ruled, the heading above it not
            for col in range(1, 7):
                changes.cell(row=row, column=col).border = ruled
        _printable(changes, [14, 30, 40, 40, 8, 24], landscape=True)
    return _save_xlsx(workbook)


# -- docx ------------------------------------------------------------------------------------------


def _paragraph_or_table_docx(document: object, rows: list[list[str]]) -> None:
    """Rows as Word prints them: a line of one cell as a paragraph (tabs kept as tab stops), runs
    of lines of several cells as a table."""
    run: list[list[str]] = []

    def flush() -> None:
        if run:
            width = max(len(cells) for cells in run)
            table = document.add_table(rows=len(run), cols=width)  # type: ignore[attr-defined]
            for row, cells in zip(table.rows, run, strict=True):
                for target, text in zip(row.cells, cells, strict=False):
                    target.text = text
            run.clear()

    for cells in rows:
        while cells and not cells[-1].strip():
            cells = cells[:-1]
        if len(cells) > 1:
            run.append(cells)
            continue
        flush()
        if cells:
            document.add_paragraph(cells[0])  # type: ignore[attr-defined]
    flush()


def plain_docx(text: str) -> bytes:
    """The plain layout as a Word document."""
    import docx

    document = docx.Document()
    _paragraph_or_table_docx(document, plain_layout(text))
    return _save_docx(document)


def _save_docx(document: object) -> bytes:
    out = BytesIO()
    document.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


def form_docx(text: str) -> bytes:
    """The form layout as a Word document: section headings as paragraphs, each section's items as
    a table with merged label cells and ☑ ☐ check boxes, then the 変更箇所 table."""
    import docx

    layout = form_layout(text)
    document = docx.Document()
    _paragraph_or_table_docx(document, layout.cover)
    sections: list[list[LayoutCell]] = []
    for cell in layout.body:
        if cell.depth == 1 and cell.value is None:
            sections.append([cell])
        elif sections:
            sections[-1].append(cell)
    for heading, *cells in sections:
        document.add_paragraph(heading.text)
        if not cells:
            continue
        first = min(c.row for c in cells)
        count = max(c.row + c.rows for c in cells) - first
        table = document.add_table(rows=count, cols=layout.width)
        table.style = "Table Grid"
        grid = [row.cells for row in table.rows]  # looked up once: table.cell() walks the table
        for cell in cells:
            value = cell.value
            printed = _checks_text(value, "☑", "☐") if isinstance(value, Checks) else cell.text
            top = grid[cell.row - first][cell.col]
            lines = _clean(printed).split("\n")
            top.text = lines[0]
            for line in lines[1:]:
                top.add_paragraph(line)
        for cell in cells:  # merged areas never overlap, so each merge leaves the others' cells valid
            if cell.rows > 1 or cell.cols > 1:
                top = grid[cell.row - first][cell.col]
                top.merge(grid[cell.row - first + cell.rows - 1][cell.col + cell.cols - 1])
    if layout.appendix:
        document.add_paragraph(layout.appendix_heading)
        table = document.add_table(rows=len(layout.appendix), cols=len(HEADER_NAMES))
        table.style = "Table Grid"
        for row, cells in zip(table.rows, layout.appendix, strict=True):
            for target, text in zip(row.cells, cells, strict=False):
                target.text = text
    return _save_docx(document)


def write_xlsx_docx_samples(folder: Path = SAMPLES) -> list[Path]:
    """vN.xlsx and vN.docx (form layout) beside every vN.txt sample."""
    written = []
    for source in sorted(folder.glob("v*.txt")):
        text = source.read_text(encoding="utf-8")
        for suffix, build in ((".xlsx", form_xlsx), (".docx", form_docx)):
            target = source.with_suffix(suffix)
            target.write_bytes(build(text))
            written.append(target)
    return written


# -- pdf -------------------------------------------------------------------------------------------


def _pdf_fixtures() -> object:
    """tests/pdf_fixtures.py: the form layout as HTML and the Chromium that prints it."""
    tests = str(REPO / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    import pdf_fixtures

    return pdf_fixtures


def write_pdf_samples(folder: Path = SAMPLES, out: Path | None = None, driver: object = None) -> list[Path]:
    """vN.pdf (the form printed by headless Chromium) for every vN.txt in ``folder``, written to
    ``out`` (default: beside the text). A driver can be passed in to reuse a running browser."""
    fixtures = _pdf_fixtures()
    out = out or folder
    if driver is None:
        with TemporaryDirectory() as work, fixtures.chromium(Path(work) / "profile") as own:  # type: ignore[attr-defined]
            return write_pdf_samples(folder, out, own)
    written = []
    with TemporaryDirectory() as work:
        for source in sorted(folder.glob("v*.txt")):
            text = source.read_text(encoding="utf-8")
            data = fixtures.text_to_pdf(driver, text, Path(work), source.stem)  # type: ignore[attr-defined]
            target = out / f"{source.stem}.pdf"
            target.write_bytes(data)
            written.append(target)
    return written


OFFICE_PRINTED = ("v2", "v3")


def _tool_and_folder(command: str, missing: str, folder: Path) -> tuple[str, Path]:
    """The converter's path (or exit with what to install) and the printed/ folder, made if new."""
    import shutil

    path = shutil.which(command)
    if path is None:
        raise SystemExit(missing)
    out = folder / "printed"
    out.mkdir(exist_ok=True)
    return path, out


def _soffice(soffice: str, work: str, source: Path, to: str) -> None:
    """``soffice --convert-to TO`` of ``source`` into ``work`` (a profile of its own there, so that a
    running LibreOffice never takes the job)."""
    import subprocess

    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to", to,
         "--outdir", work, str(source)],
        check=True, capture_output=True, timeout=300,
    )


def _find_soffice(folder: Path) -> tuple[str, Path]:
    return _tool_and_folder(
        "soffice", "LibreOffice (soffice) が見つかりません / install libreoffice-calc and libreoffice-writer", folder)


def write_office_pdf_samples(folder: Path = SAMPLES, to: str = "pdf") -> list[Path]:
    """printed/vN.excel.pdf and printed/vN.word.pdf: vN.xlsx and vN.docx printed by LibreOffice
    (with ``to="html"``, printed/vN.excel.html and .word.html: the same saved as a web page)."""
    import shutil

    soffice, out = _find_soffice(folder)
    written = []
    with TemporaryDirectory() as work:
        for stem in OFFICE_PRINTED:
            for suffix, kind in ((".xlsx", "excel"), (".docx", "word")):
                _soffice(soffice, work, folder / f"{stem}{suffix}", to)
                target = out / f"{stem}.{kind}.{to}"
                shutil.move(str(Path(work) / f"{stem}.{to}"), target)
                written.append(target)
    return written


# pandoc's own markdown (its default) is left out: its multiline tables set cells by column
# position, and CJK text that cannot wrap runs past its column (docs/formats.md).
PANDOC_OUTPUTS = (("gfm", "pandoc.gfm.md"), ("html", "pandoc.html"))


def write_pandoc_samples(folder: Path = SAMPLES) -> list[Path]:
    """printed/vN.pandoc.gfm.md and .pandoc.html: vN.docx converted by pandoc, as a clerk turns the
    Word form into markdown or an HTML fragment; pandoc wraps paragraphs, escapes markdown's
    characters and writes a table with merged cells as HTML."""
    import subprocess

    pandoc, out = _tool_and_folder("pandoc", "pandoc が見つかりません / install pandoc", folder)
    written = []
    for stem in OFFICE_PRINTED:
        for to, suffix in PANDOC_OUTPUTS:
            target = out / f"{stem}.{suffix}"
            subprocess.run([pandoc, "-f", "docx", "-t", to, str(folder / f"{stem}.docx"), "-o", str(target)],
                           check=True, capture_output=True, timeout=300)
            written.append(target)
    return written


def write_pdftotext_samples(folder: Path = SAMPLES) -> list[Path]:
    """printed/v2.pdftotext.txt: v2.pdf through ``pdftotext`` in its default mode (no -layout), as a
    clerk extracts a PDF's text: a table row's cells joined by single spaces, wrapped cell lines
    interleaved. hyoka warns that its 変更箇所 table gives no row (tests/test_check.py)."""
    import subprocess

    pdftotext, out = _tool_and_folder("pdftotext", "pdftotext が見つかりません / install poppler-utils", folder)
    target = out / "v2.pdftotext.txt"
    subprocess.run([pdftotext, str(folder / "v2.pdf"), str(target)], check=True, capture_output=True, timeout=300)
    return [target]



# LibreOffice's CSV filter options: comma, double quote, Shift_JIS (64, what Excel's
# "CSV (コンマ区切り)" writes on Japanese Windows), from line 1, cells as shown (dates in their era
# format), every sheet to a file of its own (-1).
_CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,64,1,,0,false,true,true,false,false,-1"


def write_csv_samples(folder: Path = SAMPLES) -> list[Path]:
    """printed/vN.excel.csv: vN.xlsx saved as CSV by LibreOffice, one file per sheet, joined in the
    workbook's order (the hidden sheet of choice options left out), in Shift_JIS."""
    from openpyxl import load_workbook

    soffice, out = _find_soffice(folder)
    written = []
    with TemporaryDirectory() as work:
        for stem in OFFICE_PRINTED:
            source = folder / f"{stem}.xlsx"
            _soffice(soffice, work, source, _CSV_FILTER)
            book = load_workbook(source, read_only=True)
            shown = [sheet.title for sheet in book.worksheets if sheet.sheet_state == "visible"]
            target = out / f"{stem}.excel.csv"
            target.write_bytes(b"".join((Path(work) / f"{stem}-{title}.csv").read_bytes() for title in shown))
            written.append(target)
    return written


# Formats hyoka refuses, each written from the sample of its kind.
_REFUSED = {"ods": "v2.xlsx", "odt": "v2.docx", "xls": "v2.xlsx", "doc": "v2.docx"}


def write_refused_samples(folder: Path = SAMPLES) -> list[Path]:
    """printed/v2.ods|odt|xls|doc: v2.xlsx and v2.docx saved by LibreOffice in OpenDocument and in
    Office 97-2003 formats, which hyoka refuses in one line saying what to save them as."""
    import shutil

    soffice, out = _find_soffice(folder)
    written = []
    with TemporaryDirectory() as work:
        for to, source in _REFUSED.items():
            _soffice(soffice, work, folder / source, to)
            target = out / f"v2.{to}"
            shutil.move(str(Path(work) / f"v2.{to}"), target)
            written.append(target)
    return written


def write_markitdown_samples(folder: Path = SAMPLES) -> list[Path]:
    """printed/v2.markitdown.xlsx.md, .docx.md and .pdf.md: v2.xlsx, v2.docx and v2.pdf converted by
    Microsoft's markitdown (``pip install 'markitdown[docx,xlsx,pdf]'``), as a clerk turns a file
    into text for other tools: a workbook as pandas tables (NaN, Unnamed: 1, dates as
    2016-01-01 00:00:00), a PDF as pdfminer's lines (kanji as Kangxi radicals)."""
    import subprocess

    markitdown, out = _tool_and_folder(
        "markitdown", "markitdown が見つかりません / pip install 'markitdown[docx,xlsx,pdf]'", folder)
    written = []
    for suffix in ("xlsx", "docx", "pdf"):
        target = out / f"v2.markitdown.{suffix}.md"
        done = subprocess.run([markitdown, str(folder / f"v2.{suffix}")], check=True, capture_output=True, timeout=300)
        target.write_bytes(done.stdout)
        written.append(target)
    return written


def main() -> None:
    only = set(sys.argv[1:])
    paths = []
    if not only or "--office" in only:
        paths += write_xlsx_docx_samples()
    if not only or "--pdf" in only:
        paths += write_pdf_samples()
    if "--office-pdf" in only:
        paths += write_office_pdf_samples()
    if "--office-html" in only:
        paths += write_office_pdf_samples(to="html")
    if "--pandoc" in only:
        paths += write_pandoc_samples()
    if "--pdftotext" in only:
        paths += write_pdftotext_samples()
    if "--csv" in only:
        paths += write_csv_samples()
    if "--refused" in only:
        paths += write_refused_samples()
    if "--markitdown" in only:
        paths += write_markitdown_samples()
    for path in paths:
        print(path.relative_to(REPO))


if __name__ == "__main__":
    sys.exit(main())
