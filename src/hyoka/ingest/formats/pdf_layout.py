"""Where the text of a PDF page sits: glyphs into lines, rulings into table cells.

Split from :mod:`hyoka.ingest.formats.pdf` (which reads pages and turns them into rows): this
module is the page geometry alone — the table finder builds cells from the thin drawn lines
(or the edges of stroked rectangles) on each page, and lines of glyphs become cell text.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_SNAP = 2.0  # rulings closer than this (pt) are the same line
_TICKED = frozenset("■☑☒✓✔●")
_UNTICKED = frozenset("□☐")
SENTENCE_ENDS = frozenset("。．.)）」』]】>＞")
_LIST_START_RE = re.compile(r"^(?:\[\s*[○〇]?\s*\]|[■□☑☐※]|\d{1,2}\)|・)")


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
            gap = char.x0 - prev.x1
            size = max(prev.size, char.size)
            # A space drawn elsewhere in the content stream (a mark set in another font is drawn
            # in its own run) marks the glyph after it in drawing order: next to a glyph that
            # touches it on the page it is no space.
            if (char.space and gap > 0.1 * size) or gap > 0.8 * size:
                out.append(" ")
            out.append(char.text)
        return "".join(out).strip()


def text_lines(chars: Iterable[Char]) -> list[Line]:
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


def is_ascii(ch: str) -> bool:
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
            elif _LIST_START_RE.match(check_marks(text)) or (
                is_ascii(parts[-1][-1]) and is_ascii(head) and parts[-1][-1] != "-"
            ):
                parts.append(" ")
        parts.append(text)
    return "".join(parts)


def check_marks(text: str) -> str:
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
        lines = text_lines(self.chars)
        return check_marks(_join_lines(lines, self.x1 - _padding(self, lines))) if lines else ""

    def runs_on(self) -> bool:
        """The cell's last line runs to its right edge and ends no sentence: its text was cut
        there, as a page break cuts a row (Word and LibreOffice draw a ruling at the break)."""
        lines = text_lines(self.chars)
        if not lines:
            return False
        last = lines[-1]
        right = self.x1 - _padding(self, lines)
        return right - last.x1 < 2.2 * last.size and last.chars[-1].text not in SENTENCE_ENDS


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
        cell = self.last_at(x)
        return cell if cell is not None and cell.open_bottom else None

    def last_at(self, x: float) -> Cell | None:
        """The cell of the last row at ``x``, ruled below or not."""
        if not self.xs[0] <= x <= self.xs[-1]:
            return None
        col = min(max(bisect.bisect_right(self.xs, x) - 1, 0), len(self.xs) - 2)
        return self.grid[(len(self.ys) - 2, col)]

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


def find_tables(horizontal: list[Segment], vertical: list[Segment]) -> list[Table]:
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
