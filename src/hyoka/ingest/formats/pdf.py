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
  (``⽇`` for 日, ``⻑`` for 長) are mapped back (:func:`unradical`).

Refused in one line (InputError, exit 2): a PDF that needs a user password, a PDF without a text
layer (scanned; no OCR here), a damaged or truncated PDF, one with more than ``MAX_PAGES`` pages.
A PDF with only an owner password (copy protection) is read. Pages are read one at a time and
closed; only their rows are kept, so memory follows the text, not the page count, and time
grows linearly with the pages.
"""

from __future__ import annotations

import bisect
import ctypes
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from hyoka.errors import InputError

Rows = list[list[str]]

MAX_PAGES = 5000
_EOF_WINDOW = 2048
_RULE = 2.5  # a path at most this thick (pt) is a ruling line
_SNAP = 2.0  # rulings closer than this (pt) are the same line
_MARGIN = 0.12  # top/bottom share of the page where headers, footers and page numbers live

# Kangxi radicals (U+2F00–U+2FDF) fold to their kanji by NFKC except where Japanese fonts draw
# another kanji; the CJK radicals supplement (U+2E80–U+2EFF) is left alone by NFKC but for two.
# These are the code points that share a glyph with an ordinary character in Noto Sans CJK JP
# (read from its cmap): a PDF producer that writes the lowest code point of a glyph into the
# text layer writes these for the kanji and punctuation in the right-hand column.
_SHARED_GLYPHS = {
    "\u2e82": "乛", "\u2e83": "乚", "\u2e85": "亻", "\u2e89": "刂", "\u2e8e": "兀", "\u2e8f": "尣",
    "\u2e90": "尢", "\u2e92": "巳", "\u2e93": "幺", "\u2e94": "彑", "\u2e96": "忄", "\u2e98": "扌",
    "\u2e99": "攵", "\u2e9b": "旡", "\u2e9e": "歺", "\u2e9f": "母", "\u2ea0": "民", "\u2ea1": "氵",
    "\u2ea3": "灬", "\u2ea6": "丬", "\u2ea8": "犭", "\u2eab": "罒", "\u2ead": "礻", "\u2eaf": "糹",
    "\u2eb0": "纟", "\u2eb1": "罓", "\u2eb2": "罒", "\u2eb9": "耂", "\u2eba": "肀", "\u2ebe": "艹",
    "\u2ec2": "衤", "\u2ec3": "覀", "\u2ec4": "西", "\u2ec5": "见", "\u2ec8": "讠", "\u2ec9": "贝",
    "\u2ecb": "车", "\u2ecd": "辶", "\u2ed0": "钅", "\u2ed1": "長", "\u2ed2": "镸", "\u2ed3": "长",
    "\u2ed6": "阝", "\u2ed8": "青", "\u2ed9": "韦", "\u2eda": "页", "\u2edb": "风", "\u2edc": "飞",
    "\u2edf": "飠", "\u2ee0": "饣", "\u2ee2": "马", "\u2ee5": "鱼", "\u2ee6": "鸟", "\u2ee7": "卤",
    "\u2ee8": "麦", "\u2ee9": "黄", "\u2eea": "黾", "\u2eeb": "斉", "\u2eec": "齐", "\u2eed": "歯",
    "\u2eee": "齿", "\u2eef": "竜", "\u2ef0": "龙", "\u2ef2": "亀", "\u2ef3": "龟",
    "\u2f3e": "戸",  # NFKC gives 戶; Japanese fonts draw 戸 with this glyph
    "\u2027": "・", "\u2329": "〈", "\u232a": "〉", "\u2215": "／",
}
_RADICAL_RE = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\u2027\u2329\u232a\u2215]")

_TICKED = frozenset("■☑☒✓✔●")
_UNTICKED = frozenset("□☐")
_PAGE_NUMBER_RE = re.compile(
    r"^(?:[-‐－—–―]\s*\d{1,4}\s*[-‐－—–―]|\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|[(（]\s*\d{1,4}\s*[)）]|\d{1,4}\s*ページ"
    r"|[pP]\.?\s*\d{1,4})$"
)
_LIST_START_RE = re.compile(r"^(?:\[\s*[○〇]?\s*\]|[■□☑☐※]|\d{1,2}\)|・)")


def unradical(text: str) -> str:
    """Kangxi and supplement radicals (and glyph-sharing punctuation) back to the characters a
    document means: ⽇ → 日, ⻑ → 長, ‧ → ・. Other characters are untouched (no NFKC of the whole
    text, which would also turn ① into 1 and full-width letters into half-width)."""
    if not _RADICAL_RE.search(text):
        return text
    return _RADICAL_RE.sub(_radical, text)


def _radical(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _SHARED_GLYPHS:
        return _SHARED_GLYPHS[ch]
    if "\u2f00" <= ch <= "\u2fdf":
        return unicodedata.normalize("NFKC", ch)
    return ch


# -- geometry ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Char:
    """One character in top-down page coordinates (pt): x0 < x1, top < bottom."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    space: bool = False  # a space (printed or inferred by PDFium from the gap) comes before it
    size: float = 1.0  # height of the glyph's box (a line's size is its largest: ・ is 2pt high)
    index: int = 0  # drawing order on the page
    ink: float = 0.0  # middle of the glyph's ink: orders glyphs whose advance boxes overlap


@dataclass
class Line:
    """Characters on one baseline, left to right."""

    chars: list[Char]

    @property
    def x0(self) -> float:
        return self.chars[0].x0

    @property
    def x1(self) -> float:
        return self.chars[-1].x1

    @property
    def top(self) -> float:
        return min(c.top for c in self.chars)

    @property
    def size(self) -> float:
        """The usual glyph height on the line (the median: Latin glyphs' boxes are taller, a
        middle dot's shorter)."""
        sizes = sorted(c.size for c in self.chars)
        return sizes[len(sizes) // 2]

    def text(self) -> str:
        """The line's text, with a space where the PDF has one. Producers often print no space
        character, only a gap: PDFium infers a space from the gap and the font's widths, which
        is more faithful than guessing from boxes (some glyphs have only tight boxes)."""
        out = [self.chars[0].text]
        for prev, char in zip(self.chars, self.chars[1:], strict=False):
            if char.space or char.x0 - prev.x1 > 0.8 * max(prev.size, char.size):
                out.append(" ")
            out.append(char.text)
        return "".join(out).strip()


def _lines(chars: Iterable[Char]) -> list[Line]:
    """Group characters into lines by their vertical middle."""
    ordered = sorted(chars, key=lambda c: (c.top + c.bottom) / 2)
    lines: list[list[Char]] = []
    middle = -1e9
    for char in ordered:
        mid = (char.top + char.bottom) / 2
        if lines and abs(mid - middle) <= 0.45 * char.size:
            lines[-1].append(char)
        else:
            lines.append([char])
            middle = mid
    return [Line(_in_order(line)) for line in lines]


def _in_order(chars: list[Char]) -> list[Char]:
    """Left to right by where the ink is: a browser that trims the space between two brackets
    ("(「") draws the second from an origin left of the first's, its ink still to the right."""
    return sorted(chars, key=lambda c: (c.ink, c.index))


def _is_ascii(ch: str) -> bool:
    return ch.isascii() and not ch.isspace()


def _join_lines(lines: Sequence[Line], right: float) -> str:
    """A cell's lines as its text: a line that ran to the cell's right edge wrapped (joined
    without a break, with a space between Latin words or before a list mark), any other ends
    with a line break."""
    parts: list[str] = []
    for idx, line in enumerate(lines):
        text = line.text()
        if not text:
            continue
        if parts:
            prev = lines[idx - 1]
            wrapped = right - prev.x1 < 2.2 * prev.size
            head = text[0]
            if not wrapped:
                parts.append("\n")
            elif _LIST_START_RE.match(_marks(text)) or (
                _is_ascii(parts[-1][-1]) and _is_ascii(head) and parts[-1][-1] != "-"
            ):
                parts.append(" ")
        parts.append(text)
    return "".join(parts)


def _marks(text: str) -> str:
    """Check marks in the text reader's notation: ■ ☑ → [○], □ ☐ → [ ], [〇] → [○]."""
    out = []
    for ch in text:
        if ch in _TICKED:
            out.append("[○]")
        elif ch in _UNTICKED:
            out.append("[ ]")
        else:
            out.append(ch)
    return re.sub(r"\[\s*[○〇◯]\s*\]", "[○]", "".join(out))


# -- rulings and tables -----------------------------------------------------------------------


@dataclass
class Segment:
    """A ruling: horizontal (pos = y, span = x range) or vertical (pos = x, span = y range)."""

    pos: float
    start: float
    end: float


@dataclass
class Cell:
    """A table cell after merging grid cells no ruling separates."""

    row: int
    col: int
    last_row: int
    last_col: int
    x0: float
    x1: float
    open_top: bool  # no ruling above: the cell goes on from the previous page
    open_bottom: bool  # no ruling below: the cell goes on on the next page
    chars: list[Char] = field(default_factory=list)

    def text(self) -> str:
        lines = _lines(self.chars)
        return _marks(_join_lines(lines, self.x1 - _padding(self, lines))) if lines else ""


def _padding(cell: Cell, lines: Sequence[Line]) -> float:
    return max(min(line.x0 for line in lines) - cell.x0, 0.0)


@dataclass
class Table:
    xs: list[float]
    ys: list[float]
    cells: list[Cell]
    grid: dict[tuple[int, int], Cell]

    @property
    def top(self) -> float:
        return self.ys[0]

    def contains(self, char: Char) -> bool:
        """The character is inside the table; one whose line starts above the table's bottom but
        overflows it belongs to the last row (Chromium paints a cut cell's last line so)."""
        x, y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
        inside = self.ys[0] <= y <= self.ys[-1] or self.ys[0] <= char.top < self.ys[-1] - 1.0
        return self.xs[0] <= x <= self.xs[-1] and inside

    def place(self, char: Char) -> None:
        x, y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
        col = min(max(bisect.bisect_right(self.xs, x) - 1, 0), len(self.xs) - 2)
        row = min(max(bisect.bisect_right(self.ys, y) - 1, 0), len(self.ys) - 2)
        self.grid[(row, col)].chars.append(char)

    def open_below(self, x: float) -> Cell | None:
        """The cell of the last row at ``x`` if the page break cut it (no ruling below it)."""
        if not self.xs[0] <= x <= self.xs[-1]:
            return None
        col = min(max(bisect.bisect_right(self.xs, x) - 1, 0), len(self.xs) - 2)
        cell = self.grid[(len(self.ys) - 2, col)]
        return cell if cell.open_bottom else None

    def rows(self) -> list[list[Cell | None]]:
        """Each grid row: the cells that start in it, and None for a cell spanning down into it."""
        out: list[list[Cell | None]] = []
        for row in range(len(self.ys) - 1):
            cells: list[Cell | None] = []
            seen: set[int] = set()
            starts = False
            for col in range(len(self.xs) - 1):
                cell = self.grid[(row, col)]
                if id(cell) in seen:
                    continue
                seen.add(id(cell))
                if cell.row == row:
                    cells.append(cell)
                    starts = True
                else:
                    cells.append(None)
            if starts:
                out.append(cells)
        return out


def _snap(values: Iterable[float]) -> list[float]:
    snapped: list[float] = []
    for value in sorted(values):
        if snapped and value - snapped[-1] <= _SNAP:
            continue
        snapped.append(value)
    return snapped


def _covered(segments: Sequence[Segment], pos: float, point: float) -> bool:
    return any(abs(s.pos - pos) <= _SNAP and s.start - _SNAP <= point <= s.end + _SNAP for s in segments)


def _merge(segments: Iterable[Segment]) -> list[Segment]:
    """Collinear pieces that touch or overlap as one ruling (producers often draw a table's
    lines cell by cell)."""
    merged: list[Segment] = []
    for seg in sorted(segments, key=lambda s: (round(s.pos / _SNAP), s.start)):
        last = merged[-1] if merged else None
        if last is not None and abs(last.pos - seg.pos) <= _SNAP and seg.start <= last.end + _SNAP:
            last.end = max(last.end, seg.end)
        else:
            merged.append(Segment(seg.pos, seg.start, seg.end))
    return merged


def _tables(horizontal: list[Segment], vertical: list[Segment]) -> list[Table]:
    """Tables from rulings: segments that touch form one table; its cells are the grid cells
    (between consecutive distinct ruling positions) merged wherever no ruling separates them."""
    horizontal, vertical = _merge(horizontal), _merge(vertical)
    segments = [("h", s) for s in horizontal] + [("v", s) for s in vertical]
    parent = list(range(len(segments)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hs = sorted(range(len(horizontal)), key=lambda i: horizontal[i].pos)
    hpos = [horizontal[i].pos for i in hs]
    for vi, v in enumerate(vertical):
        lo = bisect.bisect_left(hpos, v.start - _SNAP)
        hi = bisect.bisect_right(hpos, v.end + _SNAP)
        for k in range(lo, hi):
            h = horizontal[hs[k]]
            if h.start - _SNAP <= v.pos <= h.end + _SNAP:
                a, b = find(hs[k]), find(len(horizontal) + vi)
                if a != b:
                    parent[a] = b
    # Columns cut by a page break have no ruling across their open end: verticals that start (or
    # end) at the same height belong to one table even where no horizontal joins them.
    base = len(horizontal)
    for attr in ("start", "end"):
        order = sorted(range(len(vertical)), key=lambda i: getattr(vertical[i], attr))
        for a, b in itertools.pairwise(order):
            if getattr(vertical[b], attr) - getattr(vertical[a], attr) <= _SNAP:
                ra, rb = find(base + a), find(base + b)
                if ra != rb:
                    parent[ra] = rb
    groups: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for idx, (kind, seg) in enumerate(segments):
        group = groups.setdefault(find(idx), ([], []))
        group[0 if kind == "h" else 1].append(seg)
    tables = []
    for hs_, vs_ in groups.values():
        if len(vs_) < 2 or (not hs_ and min(v.end - v.start for v in vs_) < 50):
            continue  # a table needs two columns' rulings (a page inside one cut row has no others)
        table = _grid(hs_, vs_)
        if table is not None:
            tables.append(table)
    return tables


def _grid(horizontal: list[Segment], vertical: list[Segment]) -> Table | None:
    xs = _snap(v.pos for v in vertical)
    top, bottom = min(v.start for v in vertical), max(v.end for v in vertical)
    ys = _snap([top, bottom, *(h.pos for h in horizontal if top - _SNAP <= h.pos <= bottom + _SNAP)])
    if len(xs) < 2 or len(ys) < 2:
        return None
    ids = {(r, c): r * len(xs) + c for r in range(len(ys) - 1) for c in range(len(xs) - 1)}
    parent = {i: i for i in ids.values()}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (r, c), i in ids.items():
        mid_y, mid_x = (ys[r] + ys[r + 1]) / 2, (xs[c] + xs[c + 1]) / 2
        if c + 1 < len(xs) - 1 and not _covered(vertical, xs[c + 1], mid_y):
            parent[find(i)] = find(ids[(r, c + 1)])
        if r + 1 < len(ys) - 1 and not _covered(horizontal, ys[r + 1], mid_x):
            parent[find(i)] = find(ids[(r + 1, c)])
    members: dict[int, list[tuple[int, int]]] = {}
    for key, i in ids.items():
        members.setdefault(find(i), []).append(key)
    grid: dict[tuple[int, int], Cell] = {}
    cells = []
    for keys in members.values():
        r0, c0 = min(r for r, _ in keys), min(c for _, c in keys)
        r1, c1 = max(r for r, _ in keys), max(c for _, c in keys)
        mid = (xs[c0] + xs[c1 + 1]) / 2
        open_top = r0 == 0 and not _covered(horizontal, ys[0], mid)
        open_bottom = r1 == len(ys) - 2 and not _covered(horizontal, ys[-1], mid)
        cell = Cell(r0, c0, r1, c1, xs[c0], xs[c1 + 1], open_top, open_bottom)
        cells.append(cell)
        for key in keys:
            grid[key] = cell
    return Table(xs, ys, cells, grid)


# -- pages ------------------------------------------------------------------------------------


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
    textpage = page.get_textpage()
    try:
        handle = textpage.raw
        count = pdfium_c.FPDFText_CountChars(handle)
        rect = pdfium_c.FS_RECTF()
        left, right, low, high = (ctypes.c_double() for _ in range(4))
        chars: list[Char] = []
        space = False
        for idx in range(count):
            code = pdfium_c.FPDFText_GetUnicode(handle, idx)
            if code in (10, 13):  # PDFium's line ends: the geometry tells lines apart
                space = False
                continue
            if code in (0, 0xFFFE, 0xFFFF) or code > 0x10FFFF or chr(code).isspace():
                space = True
                continue
            if not pdfium_c.FPDFText_GetLooseCharBox(handle, idx, rect):
                continue
            top, bottom = height - rect.top, height - rect.bottom
            size = max(bottom - top, 1.0)
            ink = (rect.left + rect.right) / 2
            if pdfium_c.FPDFText_GetCharBox(handle, idx, left, right, low, high) and right.value > left.value:
                ink = (left.value + right.value) / 2
            char = Char(unradical(chr(code)), rect.left, top, rect.right, bottom, space, size, idx, ink)
            chars.append(char)
            space = False
        return chars
    finally:
        textpage.close()


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


def _read_page(page: pdfium.PdfPage) -> tuple[list[Block], int]:
    """The page's blocks top to bottom, and how many characters it has."""
    _, height = page.get_size()
    chars = _page_chars(page, height)
    tables = _tables(*_page_rulings(page, height))
    loose: list[Char] = []
    for char in chars:
        table = next((t for t in tables if t.contains(char)), None)
        if table is None:
            loose.append(char)
        else:
            table.place(char)
    loose = _overflow(tables, loose)
    blocks: list[Block] = []
    lines = _lines(loose)
    right = max([line.x1 for line in lines] + [t.xs[-1] for t in tables], default=0.0)
    for line in lines:
        text = _marks(line.text())
        if text:
            in_margin = line.top < height * _MARGIN or line.top > height * (1 - _MARGIN)
            full = right - line.x1 < 2.2 * line.size
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
                joint = " " if _is_ascii(rows[-1][0][-1]) and _is_ascii(entry.text[0]) else ""
                rows[-1][0] += joint + entry.text
            else:
                rows.append([entry.text])
            prev_line = entry
        return rows


def _wrapped(prev: TextLine, line: TextLine) -> bool:
    """A paragraph line that ran to the right edge of the page's text, continued just below in
    the same size (a heading or the next paragraph stands further down or in another size)."""
    same_size = abs(line.size - prev.size) <= 0.12 * prev.size
    return prev.full and same_size and 0 < line.top - prev.top < 1.6 * prev.size


def _carry_over(previous: Table, rows: list[list[Cell | None]]) -> list[list[Cell | None]]:
    """Move what the first row of a page continues into the cells of the previous page's table
    that the page break cut (no ruling below them), below their text: a cell cut in the middle of
    a row, or a label spanning down past the break. A first row left empty was only the rest of
    a cut row and is dropped."""
    moved = False
    for cell in rows[0] if rows else []:
        if cell is None or not cell.chars or not cell.open_top:
            continue
        target = previous.open_below((cell.x0 + cell.x1) / 2)
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
    if moved and not any(cell is not None and cell.chars for cell in rows[0]):
        return rows[1:]
    return rows
