"""Excel (xlsx) and Word (docx) files as rows of cells; Excel 97-2003 (xls) refused in one line.

The official 様式 are Excel workbooks and Word documents; the clerk's working copy is one of
them. This module turns such a file into rows of cells in reading order (one row per printed
table row, one cell per table cell) for the one text reader, so the workbook, the document and
the published text of a report read to the same item tree.

The two containers are zip archives of XML parts, and both can be hostile. Before any library
touches the bytes, every part is checked against fixed limits (count, declared size, total size,
compression ratio: a zip bomb never gets inflated) and every XML part is parsed once by
defusedxml's streaming parser, which refuses DTDs (so entity expansion never happens, whatever the
libraries would do) and lets us count cells, merged areas and nesting depth without building a
tree. Only then does openpyxl (read-only, cached values) or python-docx load the file, so memory
is bounded by the limits below, not by what the file claims.
"""

from __future__ import annotations

import posixpath
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from io import BytesIO
from typing import Any
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser
from openpyxl.utils.cell import column_index_from_string, range_boundaries

from hyoka.errors import InputError
from hyoka.ingest.formats import Rows, printed_lines
from hyoka.normalize import unix_newlines

# -- limits: what a real 評価書 needs, many times over --------------------------------------------
MAX_MEMBERS = 2_000  # parts in the zip (a report workbook has a few dozen)
MAX_PART_BYTES = 48 * 1024 * 1024  # one part, uncompressed, as declared (zipfile never reads past it)
MAX_TOTAL_BYTES = 128 * 1024 * 1024  # all parts together, uncompressed
MAX_RATIO = 200  # uncompressed / compressed of a part over RATIO_FLOOR (XML: 5-30, a zip bomb: ~1000)
RATIO_FLOOR = 1024 * 1024
MAX_CELLS = 300_000  # cells (xlsx: stored cells, merged and drop-down areas; docx: table grid positions)
MAX_GRID = 4_000_000  # xlsx: positions up to each row's last stored cell (what the read-only reader walks)
MAX_XML_DEPTH = 200  # element nesting of any XML part
MAX_TABLE_NESTING = 8  # tables inside table cells (docx)
MAX_OPTIONS = 200  # options of one drop-down list

_XML_SUFFIXES = (".xml", ".rels", ".vml")
_TICKED, _UNTICKED = "[○]", "[ ]"
_CHECK_GLYPHS = str.maketrans({"☑": _TICKED, "☒": _TICKED, "■": _TICKED, "☐": _UNTICKED, "□": _UNTICKED})
# Word's symbol-font check boxes (w:sym, Wingdings): checked and empty boxes.
_SYM_TICKED = {"F0FE", "F0FD", "F078", "F0FC"}
_SYM_UNTICKED = {"F0A8", "F06F", "F071", "F072"}


def _refuse(name: str, kind: str, reason: str, english: str) -> InputError:
    """The one-line refusal (a library's message may span lines or run long: folded and cut)."""
    reason = " ".join(reason.split())
    reason = reason if len(reason) <= 200 else reason[:199] + "…"
    return InputError(f"{name}: {kind} を読めません ({reason}) / {english}")


# -- the container ---------------------------------------------------------------------------------


def _checked_zip(data: bytes, name: str, kind: str) -> zipfile.ZipFile:
    """The zip archive, after its directory was checked against the limits: nothing is inflated
    before every part's declared size and ratio are known to be sane. zipfile stops reading a part
    at its declared size (and fails on the CRC if more was hidden), so the declared sizes bound
    what any later reader inflates."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _refuse(name, kind, f"ZIP が壊れています: {exc}", "damaged zip container") from None
    if len(infos) > MAX_MEMBERS:
        raise _refuse(name, kind, f"部品が多すぎます ({len(infos)} 個)", "too many zip members")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _refuse(name, kind, "暗号化されています", "encrypted container")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_PART_BYTES or (info.file_size > RATIO_FLOOR and ratio > MAX_RATIO):
            raise _refuse(
                name, kind, f"ZIP 爆弾の疑い: {info.filename} が展開後 {info.file_size} バイト", "zip bomb refused"
            )
    if total > MAX_TOTAL_BYTES:
        raise _refuse(name, kind, f"ZIP 爆弾の疑い: 展開後の合計 {total} バイト", "zip bomb refused")
    return archive


class _Scan(ContentHandler):
    """Streaming look at one XML part: nesting depth always, and what a subclass collects."""

    def __init__(self, budget: _Budget) -> None:
        super().__init__()
        self.budget = budget
        self.depth = 0

    def startElement(self, name: str, attrs: Any) -> None:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise self.budget.error(f"XML の入れ子が深すぎます ({MAX_XML_DEPTH} 段超)", "XML nested too deeply")
        self.start(name.rpartition(":")[2], attrs)

    def endElement(self, name: str) -> None:
        self.depth -= 1
        self.end(name.rpartition(":")[2])

    def start(self, tag: str, attrs: Any) -> None:
        """A subclass's look at an opening tag (local name, prefix dropped)."""

    def end(self, tag: str) -> None:
        """A subclass's look at a closing tag."""


@dataclass
class _Budget:
    """Cells counted over the whole file, and the file's name for the one-line refusal."""

    name: str
    kind: str
    cells: int = 0

    def error(self, reason: str, english: str) -> InputError:
        return _refuse(self.name, self.kind, reason, english)

    def spend(self, count: int) -> None:
        self.cells += count
        if self.cells > MAX_CELLS:
            raise self.error(f"セルが多すぎます (上限 {MAX_CELLS:,})", "too many cells")


def _scan(archive: zipfile.ZipFile, member: str, handler: _Scan) -> None:
    """Parse one part with defusedxml (DTDs, entities and external references refused)."""
    parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(handler)
    budget = handler.budget
    try:
        with archive.open(member) as stream:
            parser.parse(stream)
    except InputError:
        raise
    except DefusedXmlException as exc:
        raise budget.error(
            f"XML に DTD/実体宣言があります ({member}: {type(exc).__name__})", "XML entity expansion refused"
        ) from None
    except Exception as exc:  # SAX, zip, encoding or attribute errors: a damaged part, in one line
        raise budget.error(f"部品が壊れています ({member}: {type(exc).__name__}: {exc})", "damaged part") from None


def _scan_rest(archive: zipfile.ZipFile, budget: _Budget, done: set[str]) -> None:
    """Every XML part not scanned yet through defusedxml (depth and DTDs checked)."""
    for info in archive.infolist():
        if info.filename not in done and info.filename.lower().endswith(_XML_SUFFIXES):
            _scan(archive, info.filename, _Scan(budget))


# -- xlsx ------------------------------------------------------------------------------------------

Box = tuple[int, int, int, int]  # min_row, min_col, max_row, max_col


def _box(ref: str) -> Box | None:
    """A reference ("B3:D5", "B3", "A:A", "3:3") as a box; None for what is no cell reference."""
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", "").strip())
    except (ValueError, TypeError):
        return None
    return (min_row or 1, min_col or 1, max_row or 1_048_576, max_col or 16_384)


@dataclass
class _Sheet:
    """What openpyxl's read-only mode does not tell: merged ranges, drop-downs, hidden rows."""

    title: str
    part: str
    visible: bool
    merges: list[Box] = field(default_factory=list)
    validations: list[tuple[list[Box], str]] = field(default_factory=list)  # (cells, list formula)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)
    values: dict[tuple[int, int], str] = field(default_factory=dict)


class _WorkbookScan(_Scan):
    """workbook.xml and its relationships: sheets in order with their state and part, and the
    defined names (drop-down lists often name their range)."""

    def __init__(self, budget: _Budget) -> None:
        super().__init__(budget)
        self.sheets: list[tuple[str, str, str]] = []  # title, state, relationship id
        self.targets: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self._name: str | None = None
        self._text: list[str] = []

    def start(self, tag: str, attrs: Any) -> None:
        if tag == "sheet":
            rid = next((attrs[k] for k in attrs.getNames() if k.rpartition(":")[2] == "id" and ":" in k), "")
            self.sheets.append((attrs.get("name", ""), attrs.get("state", "visible"), rid))
        elif tag == "Relationship":
            self.targets[attrs.get("Id", "")] = attrs.get("Target", "")
        elif tag == "definedName":
            self._name, self._text = attrs.get("name", ""), []

    def characters(self, content: str) -> None:
        if self._name is not None:
            self._text.append(content)

    def end(self, tag: str) -> None:
        if tag == "definedName" and self._name is not None:
            self.names.setdefault(self._name, "".join(self._text))
            self._name = None


class _SheetScan(_Scan):
    """One worksheet: counts its cells and collects merges, drop-down lists (the plain ones and
    Excel 2010's x14 ones in extLst, which openpyxl drops) and hidden rows and columns."""

    def __init__(self, budget: _Budget, sheet: _Sheet) -> None:
        super().__init__(budget)
        self.sheet = sheet
        self._validation: tuple[str, str] | None = None  # (type, sqref)
        self._collect: str | None = None
        self._formula: list[str] = []
        self._sqref: list[str] = []
        self._cells = 0
        self._col = 0
        self._row_width = 0
        self._grid = 0

    def start(self, tag: str, attrs: Any) -> None:
        if tag == "c":
            self._cells += 1
            if self._cells % 4096 == 0:
                self.budget.spend(4096)
            ref = attrs.get("r")
            letters = ref.rstrip("0123456789").lstrip("$") if ref else ""
            self._col = column_index_from_string(letters) if letters else self._col + 1
            self._row_width = max(self._row_width, self._col)
        elif tag == "row":
            self._col = self._row_width = 0
            if attrs.get("hidden") in ("1", "true"):
                self.sheet.hidden_rows.add(int(attrs.get("r", "0") or 0))
        elif tag == "col" and attrs.get("hidden") in ("1", "true"):
            self.sheet.hidden_cols.append((int(attrs.get("min", "0")), int(attrs.get("max", "0"))))
        elif tag == "mergeCell":
            box = _box(attrs.get("ref", ""))
            if box is not None:
                self.sheet.merges.append(box)
        elif tag == "dataValidation":
            self._validation = (attrs.get("type", ""), attrs.get("sqref", ""))
            self._formula, self._sqref = [], []
        elif self._validation is not None and tag in ("formula1", "sqref"):
            self._collect = tag

    def characters(self, content: str) -> None:
        if self._collect == "formula1":
            self._formula.append(content)
        elif self._collect == "sqref":
            self._sqref.append(content)

    def end(self, tag: str) -> None:
        if tag == "row":
            self._grid += self._row_width
            if self._grid > MAX_GRID:
                raise self.budget.error(f"表が広すぎます (上限 {MAX_GRID:,} マス)", "sheet too wide")
        elif tag in ("formula1", "sqref"):
            self._collect = None
        elif tag == "dataValidation" and self._validation is not None:
            kind, sqref = self._validation
            refs = (sqref or "".join(self._sqref)).split()
            if kind == "list":
                boxes = [b for b in (_box(ref) for ref in refs) if b is not None]
                self.sheet.validations.append((boxes, "".join(self._formula).strip()))
            self._validation = None
        elif tag == "worksheet":
            self.budget.spend(self._cells % 4096)


def _part_path(target: str) -> str:
    """A workbook relationship's target ("worksheets/sheet1.xml", "/xl/…") as a zip member name."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _number_text(value: float, number_format: str) -> str:
    """A number as Excel prints it, near enough: no ".0" on integers, thousands separators when
    the format has them, percentages; other formats print plainly."""
    if "%" in number_format:
        return f"{value * 100:g}%"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}" if "#,##" in number_format else str(value)
    return f"{value:g}"


def _era(day: date) -> str:
    """令和/平成 for a date, as the 様式 print dates ("令和6年10月1日"; first year 元年)."""
    for era, start in (("令和", date(2019, 5, 1)), ("平成", date(1989, 1, 8))):
        if day >= start:
            year = day.year - start.year + 1
            return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


_FORMAT_LITERAL_RE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def _era_format(number_format: str) -> bool:
    """Whether a date format prints the Japanese era (its g/e tokens, outside literals and the
    [$-411] locale and [DBNum] sections)."""
    bare = _FORMAT_LITERAL_RE.sub("", number_format)
    return bare.lower() != "general" and any(ch in "geGE" for ch in bare)


def _value_text(value: object, number_format: str) -> str:
    """A cell's cached value as printed; formulas are never evaluated (no cached value: empty)."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value).upper()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, (datetime, date)):
        day = value.date() if isinstance(value, datetime) else value
        if _era_format(number_format or ""):
            return _era(day)
        return f"{day.year}年{day.month}月{day.day}日" if "年" in (number_format or "") else f"{day:%Y/%-m/%-d}"
    if isinstance(value, (int, float)):
        return _number_text(value, number_format or "")
    return unix_newlines(str(value))


def _read_values(data: bytes, sheets: list[_Sheet]) -> None:
    """Cached values of every sheet through openpyxl's read-only mode: it streams each sheet and
    keeps no cell objects, so only the non-empty values stored here take memory."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():  # openpyxl warns about parts it skips; the reader says nothing
        warnings.simplefilter("ignore")
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True, keep_links=False)
        try:
            for sheet in sheets:
                if sheet.title not in workbook.sheetnames:
                    continue
                worksheet = workbook[sheet.title]
                worksheet.reset_dimensions()  # the stored <dimension> may lie; read what is there
                for row in worksheet.iter_rows():
                    for cell in row:
                        if cell.value is None or not hasattr(cell, "row"):
                            continue
                        text = _value_text(cell.value, getattr(cell, "number_format", ""))
                        if text.strip():
                            sheet.values[(cell.row, cell.column)] = text.translate(_CHECK_GLYPHS)
        finally:
            workbook.close()


def _option_source(
    formula: str, sheet: _Sheet, by_title: dict[str, _Sheet], names: dict[str, str], budget: _Budget
) -> list[str]:
    """The options of a list drop-down: an inline list ("a,b,c") or the cells of a range on any
    sheet, directly or through a defined name. INDIRECT and other formulas give no options."""
    formula = formula.strip().lstrip("=")
    if formula.startswith('"') and formula.endswith('"') and len(formula) >= 2:
        return [option.strip() for option in formula[1:-1].replace('""', '"').split(",") if option.strip()]
    formula = names.get(formula, formula).strip().lstrip("=")
    target, _, ref = formula.rpartition("!")
    source = by_title.get(target.strip("'").replace("''", "'")) if target else sheet
    box = _box(ref)
    if source is None or box is None:
        return []
    area = (box[2] - box[0] + 1) * (box[3] - box[1] + 1)
    budget.spend(min(area, len(source.values)))  # the lookups below, so many lists stay linear
    inside = (
        ((row, col) for row in range(box[0], box[2] + 1) for col in range(box[1], box[3] + 1))
        if area <= len(source.values)
        else (at for at in source.values if box[0] <= at[0] <= box[2] and box[1] <= at[1] <= box[3])
    )
    return [source.values[at].strip() for at in sorted(inside) if at in source.values][:MAX_OPTIONS]


def _choice_text(value: str, options: list[str]) -> str:
    """A drop-down cell in the text reader's notation: ``[selected] <選択肢> 1) a 2) b``."""
    if "選択肢" in value:
        return value
    selected = value.strip()
    if selected.startswith("[") and selected.endswith("]"):
        selected = selected[1:-1].strip()
    listed = " ".join(f"{number}) {option}" for number, option in enumerate(options, 1))
    return f"[{selected}] <選択肢> {listed}".rstrip()


def _expand(box: Box, bounds: Box, budget: _Budget) -> Iterator[tuple[int, int]]:
    """The cells of ``box`` inside ``bounds`` (the sheet's used area), counted against the budget."""
    top, left = max(box[0], bounds[0]), max(box[1], bounds[1])
    bottom, right = min(box[2], bounds[2]), min(box[3], bounds[3])
    if top > bottom or left > right:
        return
    budget.spend((bottom - top + 1) * (right - left + 1))
    for row in range(top, bottom + 1):
        for col in range(left, right + 1):
            yield row, col


def _sheet_rows(sheet: _Sheet, by_title: dict[str, _Sheet], names: dict[str, str], budget: _Budget) -> Rows:
    """One visible sheet as rows: merged ranges read in their top-left cell only, drop-downs as
    choices, hidden rows and columns left out (they are not printed), blank rows dropped."""
    cells = dict(sheet.values)
    anchors = [(m[0], m[1]) for m in sheet.merges]
    if not cells and not anchors:
        return []
    rows_used, cols_used = zip(*cells, *anchors, strict=True)
    bounds = (min(rows_used), min(cols_used), max(rows_used), max(cols_used))
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for merge in sheet.merges:
        for position in _expand(merge, bounds, budget):
            owner[position] = (merge[0], merge[1])
    for position, anchor in owner.items():
        if position != anchor:
            cells.pop(position, None)
    merged_boxes = set(sheet.merges)
    for boxes, formula in sheet.validations:
        options = _option_source(formula, sheet, by_title, names, budget)
        for box in boxes:
            # An empty cell is an unselected choice only where the drop-down was put on that one
            # cell (or its merged range); a drop-down laid over a whole block marks filled cells.
            single = box[:2] == box[2:] or box in merged_boxes
            for position in _expand(box, bounds, budget):
                anchor = owner.get(position, position)
                if anchor in cells or single:
                    cells[anchor] = _choice_text(cells.get(anchor, ""), options)
    hidden, reach = bytearray(16_385), 0  # one flag per Excel column, each set at most once
    for low, high in sorted(sheet.hidden_cols):
        low, high = max(low, reach + 1, 1), min(high, 16_384)
        if high >= low:
            hidden[low : high + 1] = b"\x01" * (high - low + 1)
            reach = high

    def shown_col(col: int) -> bool:
        return col > 16_384 or not hidden[col]

    by_row: dict[int, dict[int, str]] = {}
    for (row, col), text in cells.items():
        if text.strip() and row not in sheet.hidden_rows and shown_col(col):
            by_row.setdefault(row, {})[col] = text
    if not by_row:
        return []
    first = min(col for row in by_row.values() for col in row)
    rows: Rows = []
    for row in sorted(by_row):
        line = by_row[row]
        columns = [col for col in range(first, max(line) + 1) if shown_col(col)]
        budget.spend(len(columns))
        rows.append([line.get(col, "") for col in columns])
    return rows


def xlsx_rows(data: bytes, name: str) -> Rows:
    """Every visible sheet of a workbook, in order, as rows of cells (cached values only)."""
    kind = "Excel (xlsx)"
    archive = _checked_zip(data, name, kind)
    budget = _Budget(name, kind)
    workbook = _WorkbookScan(budget)
    members = set(archive.namelist())
    done = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"} & members
    for part in sorted(done, reverse=True):
        _scan(archive, part, workbook)
    sheets = [
        _Sheet(title, _part_path(workbook.targets.get(rid, "")), state == "visible")
        for title, state, rid in workbook.sheets
    ]
    sheets = [sheet for sheet in sheets if sheet.part in members]
    for sheet in sheets:
        if sheet.part not in done:
            _scan(archive, sheet.part, _SheetScan(budget, sheet))
            done.add(sheet.part)
    _scan_rest(archive, budget, done)
    budget.cells = 0  # the stored cells were counted; now count what is made of them
    try:
        _read_values(data, sheets)
    except Exception as exc:  # a damaged part openpyxl cannot read: one line, not a traceback
        raise budget.error(f"壊れています: {type(exc).__name__}: {exc}", "damaged workbook") from None
    by_title = {sheet.title: sheet for sheet in sheets}
    rows: Rows = []
    for sheet in sheets:
        if sheet.visible:
            rows += _sheet_rows(sheet, by_title, workbook.names, budget)
    return printed_lines(rows)


# -- docx ------------------------------------------------------------------------------------------


class _DocumentScan(_Scan):
    """Counts the table grid (a cell spanning N columns is N positions) and paragraphs, and the
    nesting of tables, before python-docx builds its tree."""

    def __init__(self, budget: _Budget) -> None:
        super().__init__(budget)
        self.tables = 0

    def start(self, tag: str, attrs: Any) -> None:
        if tag == "tbl":
            self.tables += 1
            if self.tables > MAX_TABLE_NESTING:
                raise self.budget.error(
                    f"表の入れ子が深すぎます ({MAX_TABLE_NESTING} 段超)", "tables nested too deeply"
                )
        elif tag in ("tc", "p"):
            self.budget.spend(1)
        elif tag in ("gridSpan", "gridBefore", "gridAfter"):
            value = next((attrs[k] for k in attrs.getNames() if k.rpartition(":")[2] == "val"), "1")
            self.budget.spend(max(int(value) - 1, 0) if value.isdigit() else 0)

    def end(self, tag: str) -> None:
        if tag == "tbl":
            self.tables -= 1


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


_SKIP = {"pPr", "rPr", "sdtPr", "Fallback", "del", "moveFrom", "delText", "instrText", "sectPr", "tblPr", "trPr"}


def _text(element: Any, out: list[str]) -> None:
    """The printed text under a paragraph: runs, tabs, breaks, symbol check boxes, content
    controls and hyperlinks; not deleted revisions, field codes or the VML copy of a text box."""
    for child in element:
        tag = _local(child)
        if tag == "t":
            out.append(child.text or "")
        elif tag == "tab":
            out.append("\t")
        elif tag in ("br", "cr"):
            out.append("\n")
        elif tag == "noBreakHyphen":
            out.append("-")
        elif tag == "sym":
            char = next((str(v) for k, v in child.attrib.items() if k.endswith("}char")), "").upper()
            char = "F0" + char[-2:] if len(char) == 4 and char.startswith("00") else char
            out.append(_TICKED if char in _SYM_TICKED else _UNTICKED if char in _SYM_UNTICKED else "")
        elif tag not in _SKIP:
            _text(child, out)


def _paragraph_text(paragraph: Any) -> str:
    out: list[str] = []
    _text(paragraph, out)
    return "".join(out).translate(_CHECK_GLYPHS)


def _children(element: Any, *wanted: str) -> Iterator[Any]:
    """Children of the wanted kinds (paragraphs and tables of a body or cell, rows of a table,
    cells of a row) in document order, including those wrapped in content controls."""
    for child in element:
        tag = _local(child)
        if tag in wanted:
            yield child
        elif tag in ("sdt", "sdtContent", "customXml"):
            yield from _children(child, *wanted)


def _cell_text(cell: Any) -> str:
    lines: list[str] = []
    for block in _children(cell, "p", "tbl"):
        if _local(block) == "p":
            lines.append(_paragraph_text(block).replace("\t", " "))
        else:
            lines += [" ".join(c for c in row if c) for row in _table_rows(block)]
    return "\n".join(line for line in lines if line.strip())


def _table_rows(table: Any) -> Rows:
    """A table as rows of its layout grid: a merged cell (gridSpan across, vMerge down) reads once,
    in its first position, and its other positions read empty, so columns stay in place."""
    from docx.oxml.table import CT_Row, CT_Tc

    rows: Rows = []
    for tr in _children(table, "tr"):
        cells: list[str] = [""] * (tr.grid_before if isinstance(tr, CT_Row) else 0)
        for tc in _children(tr, "tc"):
            span = tc.grid_span if isinstance(tc, CT_Tc) else 1
            merge = tc.vMerge if isinstance(tc, CT_Tc) else None
            continued = merge is not None and merge != "restart"
            cells.append("" if continued else _cell_text(tc))
            cells += [""] * (max(span, 1) - 1)
        rows.append(cells)
    return rows


def docx_rows(data: bytes, name: str) -> Rows:
    """Paragraphs (one row each, tab stops as cells) and table rows of a Word document in order."""
    kind = "Word (docx)"
    archive = _checked_zip(data, name, kind)
    budget = _Budget(name, kind)
    if "word/document.xml" in archive.namelist():
        _scan(archive, "word/document.xml", _DocumentScan(budget))
    _scan_rest(archive, budget, {"word/document.xml"})
    try:
        import docx

        body = docx.Document(BytesIO(data)).element.body
        rows: Rows = []
        for block in _children(body, "p", "tbl"):
            if _local(block) == "p":
                text = _paragraph_text(block)
                if text.strip():
                    rows += [line.split("\t") for line in text.split("\n") if line.strip()]
            else:
                rows += _table_rows(block)
    except InputError:
        raise
    except Exception as exc:  # a damaged part python-docx cannot read: one line, not a traceback
        raise budget.error(f"壊れています: {type(exc).__name__}: {exc}", "damaged document") from None
    return printed_lines(rows)


# -- xls -------------------------------------------------------------------------------------------


def xls_rows(data: bytes, name: str) -> Rows:
    """Excel 97-2003 (and Word 97-2003, 一太郎 and other OLE) files are refused with what to do instead: their binary
    formats need a reader of their own (xlrd reads values and merges but no drop-downs, so a choice
    would read differently than from the xlsx), and Excel or Word saves them as xlsx/docx in one
    step."""
    if "WordDocument".encode("utf-16-le") in data:
        raise InputError(
            f"{name}: Word 97-2003 (doc) 形式は読めません。Word で「名前を付けて保存」から Word 文書 (*.docx) "
            "として保存してください / doc not supported: save as docx"
        )
    if not any(stream.encode("utf-16-le") in data for stream in ("Workbook", "Book")):
        # The same container holds 一太郎 (.jtd), PowerPoint 97-2003 and other documents: no Excel
        # stream, so "save as xlsx" would mislead.
        raise InputError(
            f"{name}: この複合文書形式 (一太郎・PowerPoint 97-2003 など) は読めません。評価書を PDF、Word 文書 (*.docx)"
            " または Excel ブック (*.xlsx) として保存してください / OLE document not supported"
        )
    raise InputError(
        f"{name}: Excel 97-2003 (xls) 形式は読めません。Excel で「名前を付けて保存」から Excel ブック (*.xlsx) "
        "として保存してください / xls not supported: save as xlsx"
    )
