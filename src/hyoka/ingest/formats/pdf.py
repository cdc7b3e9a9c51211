"""PDF (text layer) → rows of cells, the way the form prints them.

Library: pypdfium2 (PDFium, the PDF engine of Chromium, as a binary wheel with no further
dependencies), compared with pdfplumber (on pdfminer.six) on the fixture PDFs of the samples and
seeds (tests/pdf_fixtures.py). Fidelity: pdfplumber's table finder got every cell a page holds
whole (v1 222/222 cells; 002 338/379 and 004 1496/1583, the rest being cells cut by page breaks,
which need the joining below with either library). Speed: pdfplumber took 1.6 s (v1, 5 pages),
3.6 s (002, 20 pages) and 12 s (004, 67 pages) for its tables alone, this reader 0.2, 0.6 and 1.7 s
for finished rows; on seed 001's 75 pages pdfplumber's characters and tables take ~10x
``pdftotext -layout``, this reader ~1.5x (bench/bench_pdf.py). pdfminer also needs
``cryptography`` for AES, which PDFium decrypts itself. So the table finder here is our own and
small: PDFium gives characters with boxes and the page's path objects; rulings are the thin
paths (or the edges of stroked rectangles), and cells are what the rulings enclose.

What the rows are (:mod:`hyoka.ingest.formats` turns them into the text reader's lines):

- a table row lists its cells left to right; a cell spanning down from a row above (a label
  beside its sub-items) appears as an empty cell, so the columns stay where they were;
- text outside tables is one-cell rows, one per printed line (a line that runs to the right
  margin is joined with the next, as a wrapped paragraph);
- inside a cell, a line that wrapped is joined without a break (with a space between Latin
  words), a shorter line ends with a line break;
- check marks ■ ☑ and ○ in brackets become ``[○]``, □ ☐ become ``[ ]`` (cells.py's notation);
- page headers and footers (lines at the same place on most pages, digits aside) and page
  numbers (``- 3 -``, ``3 / 20``) in the top and bottom margins are dropped;
- a row cut by a page break (no ruling above the first row of the next page) is joined to the
  row it continues, cell by cell;
- kanji that the text layer maps to Kangxi radicals or CJK radicals supplement code points
  (``⽇`` for 日, ``⻑`` for 長) are mapped back (:func:`hyoka.ingest.radicals.unradical`, which text
  extracted by other tools goes through too).

Refused in one line (InputError, exit 2): a PDF that needs a user password, a PDF without a text
layer (scanned; no OCR here), a damaged or truncated PDF, one with more than ``MAX_PAGES`` pages.
A PDF with only an owner password (copy protection) is read. Pages are read one at a time and
closed; only their rows are kept, so memory follows the text, not the page count, and time
grows linearly with the pages.
"""

from __future__ import annotations

import ctypes
import dataclasses
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from hyoka.errors import InputError
from hyoka.ingest.formats.pdf_layout import (
    SENTENCE_ENDS,
    Cell,
    Char,
    Line,
    Segment,
    Table,
    check_marks,
    find_tables,
    is_ascii,
    text_lines,
)
from hyoka.ingest.radicals import unradical
from hyoka.normalize import JAPANESE_SCRIPTS, script_of

Rows = list[list[str]]

MAX_PAGES = 5000
_EOF_WINDOW = 2048
_RULE = 2.5  # a path at most this thick (pt) is a ruling line
_MARGIN = 0.12  # top/bottom share of the page where headers, footers and page numbers live
# Lines of one paragraph stand less than this many glyph heights apart (a glyph's box is about
# two thirds of the font size; LibreOffice sets 11 pt text 1.6 of those apart, browsers less).
_LINE_PITCH = 1.8


_PAGE_NUMBER_RE = re.compile(
    r"^(?:[-‐－—–―]\s*\d{1,4}\s*[-‐－—–―]|\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|[(（]\s*\d{1,4}\s*[)）]|\d{1,4}\s*ページ"
    r"|[pP]\.?\s*\d{1,4})$"
)
@dataclass
class TextLine:
    """A line outside any table, with where it stands (for headers and footers)."""

    text: str
    top: float
    x0: float
    x1: float
    size: float
    margin: bool  # in the top or bottom margin band of the page
    full: bool = False  # runs to the right edge of the page's text (a paragraph that wraps)


@dataclass
class TableRows:
    top: float
    table: Table
    rows: list[list[Cell | None]]


Block = TextLine | TableRows


def _page_chars(page: pdfium.PdfPage, height: float) -> list[Char]:
    """The page's glyphs in drawing order, each marked when a space comes before it.

    PDFium reports the spaces a page prints and generates others from gaps. A producer that
    prints its spaces as characters (Word, Excel, LibreOffice) also leaves gaps where nobody
    typed a space: the room it makes between Japanese and digits (Word's autospace, a quarter
    em: 「令和 6 年」, 「第 9 条」, 「1 万人」) and after a circled number set in another font
    (「③ 他の…」). On a page that prints spaces, such a generated space narrower than half an em
    is dropped (``_autospace``); on a page that prints none (a browser's print) generated spaces
    are all there is, and a space typed between Japanese words or before a Latin word is kept
    everywhere: only digits and circled numbers are never spaced from Japanese in these forms."""
    textpage = page.get_textpage()
    try:
        handle = textpage.raw
        count = pdfium_c.FPDFText_CountChars(handle)
        rect = pdfium_c.FS_RECTF()
        left, right, low, high = (ctypes.c_double() for _ in range(4))
        chars: list[Char] = []
        generated: set[int] = set()  # positions in chars of glyphs after a producer's gap only
        printed_spaces = 0
        space = gap = False
        for idx in range(count):
            code = pdfium_c.FPDFText_GetUnicode(handle, idx)
            if code in (10, 13):  # PDFium's line ends: the geometry tells lines apart
                space = gap = False
                continue
            if code in (0, 0xFFFE, 0xFFFF) or code > 0x10FFFF or chr(code).isspace():
                if pdfium_c.FPDFText_IsGenerated(handle, idx) == 1:
                    gap = True
                else:
                    space = True
                    printed_spaces += 1
                continue
            if not pdfium_c.FPDFText_GetLooseCharBox(handle, idx, rect):
                continue
            top, bottom = height - rect.top, height - rect.bottom
            size = max(bottom - top, 1.0)
            ink = (rect.left + rect.right) / 2
            if pdfium_c.FPDFText_GetCharBox(handle, idx, left, right, low, high) and right.value > left.value:
                ink = (left.value + right.value) / 2
            if gap and not space and chars and _autospace(chars[-1], chr(code), rect.left):
                generated.add(len(chars))
            chars.append(Char(unradical(chr(code)), rect.left, top, rect.right, bottom, space or gap, size, idx, ink))
            space = gap = False
        if printed_spaces:
            for at in generated:
                chars[at] = dataclasses.replace(chars[at], space=False)
        return chars
    finally:
        textpage.close()


def _autospace(prev: Char, text: str, x0: float) -> bool:
    """A gap of less than half an em between a Japanese character and a digit (either way), or
    after a circled number: the producer's spacing, not a typed space (see ``_page_chars``)."""
    if x0 - prev.x1 >= 0.5 * prev.size:
        return False
    before = prev.text
    if "\u2460" <= before <= "\u2473":
        return script_of(text) in JAPANESE_SCRIPTS
    return (script_of(before) in JAPANESE_SCRIPTS and text.isascii() and text.isdigit()) or (
        before.isascii() and before.isdigit() and script_of(text) in JAPANESE_SCRIPTS)


def _page_rulings(page: pdfium.PdfPage, height: float) -> tuple[list[Segment], list[Segment]]:
    horizontal: list[Segment] = []
    vertical: list[Segment] = []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=1):
        left, bottom, right, top = obj.get_bounds()
        x0, x1, y0, y1 = left, right, height - top, height - bottom
        width, tall = x1 - x0, y1 - y0
        if width <= _RULE and tall > _RULE:
            vertical.append(Segment((x0 + x1) / 2, y0, y1))
        elif tall <= _RULE and width > _RULE:
            horizontal.append(Segment((y0 + y1) / 2, x0, x1))
        elif width > _RULE and tall > _RULE:
            pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
            if stroke.value:  # a stroked rectangle: its four edges are rulings
                horizontal += [Segment(y0, x0, x1), Segment(y1, x0, x1)]
                vertical += [Segment(x0, y0, y1), Segment(x1, y0, y1)]
    return horizontal, vertical


def _overflow(tables: Sequence[Table], loose: list[Char]) -> list[Char]:
    """Lines painted below a cell the page break cut, at the cell's line pitch, are the cell's
    (Chromium paints the last lines of a cut cell past the page's content box)."""
    rest: list[Char] = []
    last_top: dict[int, float] = {}
    for char in sorted(loose, key=lambda c: c.top):
        cell = next(
            (
                found
                for t in tables
                if t.xs[0] <= char.x0 and char.x1 <= t.xs[-1] and char.top >= t.ys[-1] - 1.0
                and (found := t.open_below((char.x0 + char.x1) / 2)) is not None
            ),
            None,
        )
        if cell is not None and cell.chars:
            above = last_top.get(id(cell), max(c.top for c in cell.chars))
            if 0 <= char.top - above <= 1.6 * max(char.size, cell.chars[-1].size):
                cell.chars.append(char)
                last_top[id(cell)] = max(above, char.top) if char.top - above > 0.5 * char.size else above
                continue
        rest.append(char)
    return rest


def _column_rights(lines: Sequence[Line]) -> list[float]:
    """For each line outside tables, the right edge of the text column it stands in: the widest
    of the lines that start where it starts, one under the other (a paragraph laid out in a
    narrower column than the page's text, as a spreadsheet cell prints, wraps at that column).
    Two lines at least must end there, or the widest of a list of short lines would count as
    wrapped; otherwise the page's right edge stands (inf here)."""
    rights = [float("inf")] * len(lines)
    start = 0
    for end in range(1, len(lines) + 1):
        if end < len(lines):
            prev, line = lines[end - 1], lines[end]
            if abs(line.x0 - prev.x0) <= 1.0 and 0 < line.top - prev.top < _LINE_PITCH * prev.size:
                continue
        run = lines[start:end]
        widest = max(line.x1 for line in run)
        if sum(1 for line in run if widest - line.x1 < 2.2 * line.size) >= 2:  # a paragraph's edge
            rights[start:end] = [widest] * (end - start)
        start = end
    return rights


def _read_page(page: pdfium.PdfPage) -> tuple[list[Block], int]:
    """The page's blocks top to bottom, and how many characters it has."""
    _, height = page.get_size()
    chars = _page_chars(page, height)
    tables = find_tables(*_page_rulings(page, height))
    loose: list[Char] = []
    for char in chars:
        table = next((t for t in tables if t.contains(char)), None)
        if table is None:
            loose.append(char)
        else:
            table.place(char)
    loose = _overflow(tables, loose)
    blocks: list[Block] = []
    lines = text_lines(loose)
    right = max([line.x1 for line in lines] + [t.xs[-1] for t in tables], default=0.0)
    column_right = _column_rights(lines)
    for line, column in zip(lines, column_right, strict=True):
        text = check_marks(line.text())
        if text:
            in_margin = line.top < height * _MARGIN or line.top > height * (1 - _MARGIN)
            # At a column's edge narrower than the page only a line cut mid-sentence wrapped: a list
            # of sentences one per line (別添1's 備考) may end there too.
            full = right - line.x1 < 2.2 * line.size or (
                column - line.x1 < 2.2 * line.size and text[-1] not in SENTENCE_ENDS)
            blocks.append(TextLine(text, line.top, line.x0, line.x1, line.size, in_margin, full))
    for table in tables:
        rows = table.rows()
        if rows:
            blocks.append(TableRows(table.top, table, rows))
    blocks.sort(key=lambda b: b.top)
    return blocks, len(chars)


# -- the document ------------------------------------------------------------------------------


def _open(data: bytes, name: str) -> pdfium.PdfDocument:
    tail = data[-_EOF_WINDOW:]
    if b"%%EOF" not in tail:
        raise InputError(f"{name}: PDF が途中で切れています (%%EOF がありません) / truncated PDF")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        code = getattr(err, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise InputError(
                f"{name}: PDF を開くにはパスワードが必要です (閲覧制限を解除してから読んでください)"
                " / password-protected PDF"
            ) from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise InputError(f"{name}: PDF の暗号化方式に対応していません / unsupported PDF encryption") from None
        raise InputError(f"{name}: PDF として読めません (壊れています) / damaged PDF") from None


def pdf_rows(data: bytes, name: str) -> Rows:
    """The rows of cells a PDF prints (see the module docstring); InputError if it cannot be read."""
    doc = _open(data, name)
    rows = _Rows()
    total = 0
    try:
        count = len(doc)
        if count > MAX_PAGES:
            raise InputError(f"{name}: PDF のページが多すぎます ({count} > {MAX_PAGES}) / too many pages")
        for index in range(count):
            try:
                page = doc[index]
            except pdfium.PdfiumError:
                raise InputError(
                    f"{name}: PDF の {index + 1} ページ目が読めません (壊れています) / damaged PDF"
                ) from None
            try:
                blocks, chars = _read_page(page)
            except pdfium.PdfiumError:
                raise InputError(
                    f"{name}: PDF の {index + 1} ページ目が読めません (壊れています) / damaged PDF"
                ) from None
            finally:
                page.close()
            rows.add_page(blocks)
            total += chars
    finally:
        doc.close()
    if total == 0:
        raise InputError(
            f"{name}: PDF に文字 (テキスト層) がありません。スキャンした画像の PDF は読めません (OCR は未対応)"
            " / no text layer"
        )
    return rows.finish()


def _furniture_key(line: TextLine) -> tuple[int, str]:
    return round(line.top / 4), re.sub(r"\d+", "#", line.text)


class _Rows:
    """Pages in, rows out, one page at a time: a page's tables become strings as soon as the next
    page has said whether it continues their last row, so what is kept is text, not glyphs.

    Lines in the top and bottom margins are kept aside until the end: only then is it known which
    of them stand at the same place on most pages (headers and footers, dropped)."""

    def __init__(self) -> None:
        self.stream: list[TextLine | list[str]] = []
        self.pending: list[list[Cell | None]] = []  # the last table's rows: the next page may add to them
        self.last_table: Table | None = None
        self.held: list[TextLine] = []  # margin lines after the pending rows
        self.seen: Counter[tuple[int, str]] = Counter()
        self.pages = 0

    def _flush(self) -> None:
        for row in self.pending:
            self.stream.append([cell.text() if cell is not None else "" for cell in row])
        self.pending.clear()
        self.stream.extend(self.held)
        self.held.clear()

    def add_page(self, blocks: Sequence[Block]) -> None:
        self.pages += 1
        self.seen.update({_furniture_key(b) for b in blocks if isinstance(b, TextLine) and b.margin})
        first = True
        for block in blocks:
            if isinstance(block, TextLine):
                if block.margin:  # a header or footer does not end a table: it waits behind it
                    self.held.append(block)
                    continue
                self._flush()
                self.last_table = None
                self.stream.append(block)
                first = False
                continue
            table_rows = block.rows
            if first and self.last_table is not None:
                table_rows = _carry_over(self.last_table, table_rows)
                if not table_rows:  # the page held only the rest of a cut row: it may go on
                    first = False
                    continue
            self._flush()
            self.pending.extend(table_rows)
            self.last_table = block.table
            first = False

    def finish(self) -> Rows:
        self._flush()
        need = max(2, (self.pages + 1) // 2) if self.pages >= 2 else self.pages + 1
        furniture = {key for key, n in self.seen.items() if n >= need}
        rows: Rows = []
        prev_line: TextLine | None = None
        for entry in self.stream:
            if not isinstance(entry, TextLine):
                rows.append(entry)
                prev_line = None
                continue
            if entry.margin and (_PAGE_NUMBER_RE.match(entry.text) or _furniture_key(entry) in furniture):
                continue
            if prev_line is not None and rows and _wrapped(prev_line, entry):
                joint = " " if is_ascii(rows[-1][0][-1]) and is_ascii(entry.text[0]) else ""
                rows[-1][0] += joint + entry.text
            else:
                rows.append([entry.text])
            prev_line = entry
        return rows


def _wrapped(prev: TextLine, line: TextLine) -> bool:
    """A paragraph line that ran to the right edge of the page's text, continued just below in
    the same size (a heading or the next paragraph stands further down or in another size)."""
    same_size = abs(line.size - prev.size) <= 0.12 * prev.size
    return prev.full and same_size and 0 < line.top - prev.top < _LINE_PITCH * prev.size


def _carry_over(previous: Table, rows: list[list[Cell | None]]) -> list[list[Cell | None]]:
    """Move what the first row of a page continues into the cells of the previous page's table
    that the page break cut, below their text: a cell cut in the middle of a row, or a label
    spanning down past the break. A browser leaves a cut cell open (no ruling below it, none
    above its rest); Word and LibreOffice rule both, and then the rest is known by its place
    and its text (``_ruled_cut``). A first row left empty was only the rest of a cut row and is
    dropped."""
    first = rows[0] if rows else []
    ruled = _ruled_cut(previous, first)
    moved = False
    for cell in first:
        if cell is None or not cell.chars or not (cell.open_top or ruled):
            continue
        target = previous.open_below((cell.x0 + cell.x1) / 2) or (
            previous.last_at((cell.x0 + cell.x1) / 2) if ruled else None)
        if target is None:
            continue
        offset = max((c.bottom for c in target.chars), default=0.0) + 1000.0
        shift = offset - min(c.top for c in cell.chars)
        target.chars.extend(
            Char(c.text, c.x0, c.top + shift, c.x1, c.bottom + shift, c.space, c.size, c.index, c.ink)
            for c in cell.chars
        )
        cell.chars = []
        moved = True
    if moved and not any(cell is not None and cell.chars for cell in first):
        return rows[1:]
    return rows


def _ruled_cut(previous: Table, first: Sequence[Cell | None]) -> bool:
    """A row cut by the page break although ruled at it: every cell of the page's first row that
    holds text stands in the column of a cell of the previous page's last row whose text runs to
    its right edge without ending a sentence (「…申告書や他」 / 「機関からの…」). A new row of the
    form starts with its label, so when the first cell holds text too, every cell of the last
    row that holds text must have been cut so (a label, its sub-label and the value all broken)."""
    filled = [cell for cell in first if cell is not None and cell.chars]
    if not filled or any(cell.open_top for cell in filled):
        return False
    for cell in filled:
        above = previous.last_at((cell.x0 + cell.x1) / 2)
        if above is None or abs(above.x0 - cell.x0) > 2.0 or abs(above.x1 - cell.x1) > 2.0 or not above.runs_on():
            return False
    if first[0] is None or not first[0].chars:
        return True
    last_row = previous.rows()[-1] if previous.rows() else []
    return all(cell.runs_on() for cell in last_row if cell is not None and cell.chars)
