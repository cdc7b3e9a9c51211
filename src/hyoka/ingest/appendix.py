"""The 変更箇所 appendix (別添2 / 別添3): a six-column table → ChangeRow tuples.

The table is 変更日 | 項目 | 変更前の記載 | 変更後の記載 | 提出時期 | 提出時期に係る説明.
PDF extraction prints it as tab-separated lines, but real files are messy:
the header row repeats after every page break (sometimes itself broken over
lines, one column name per line), page numbers (``- 12 -``, ``12 / 40``) sit
between rows, OCR adds border debris and junk lines, a row can spill over
several lines, the 変更日 may be blank (drafts) or garbled, the 提出時期 cell
may slide into another column or carry its 説明 run into it
(``事後 形式的な変更であるため…``), and line ends may be CRLF.

The reader therefore decides row boundaries from the two cells that are hard
to confuse with free text: a date in the 変更日 cell, or a 事前/事後 in the
row. Everything else is continuation of the open row. Continuation lines come
in two shapes, and the shape says where their text belongs:

* positional: the line starts with an empty cell (leading tabs) or spans all
  six columns, so its i-th cell is column i (a layout extractor printing the
  next physical line of every column);
* relative: the line starts with text, so it carries on the cell that was
  still open and the cells after it (a cell with an embedded line break
  written out as TSV).

Every regex is bounded or anchored so that the whole pass stays linear in the
input, and nothing here raises: hostile text just yields fewer rows.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

from hyoka.ingest.appendix_stacked import is_stacked, stacked_rows
from hyoka.ingest.lines import MARKDOWN_BOLD_RE, tab_separated
from hyoka.model import ChangeRow
from hyoka.normalize import collapse_cells, collapse_space

NCOLS: Final = 6
"""Columns printed in the appendix table."""

TIMINGS: Final = ("事前", "事後")
HEADER_NAMES: Final = ("変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明")
"""The printed column names, in order."""

_DATE_COL, _ITEM_COL, _BEFORE_COL, _TIMING_COL = 0, 1, 2, 4
_HEADING_MAX: Final = 20  # "(別添3)変更箇所" and OCR variants; longer lines are prose mentioning it
_HEADER_MAX: Final = 48  # the header row compacted is 32 characters
_DATE_START_MAX: Final = 8  # OCR may glue a few junk characters before the date
_LOOKAHEAD_LINES: Final = 40
_LOOKAHEAD_FILLED: Final = 12

_BLOCK_TAG_RE: Final = re.compile(
    r"<\s*/?\s*(?:p|br|li|ul|ol|div|tr|td|th|table|tbody|thead|h[1-6])\b[^<>]{0,400}>", re.IGNORECASE
)
_INLINE_TAG_RE: Final = re.compile(
    r"<\s*/?\s*(?:b|i|u|s|a|em|strong|span|font|sup|sub|small|big|mark|input)\b[^<>]{0,400}>",
    re.IGNORECASE,
)
_DIGIT: Final = "[0-9０-９〇○]"
_DATE_RE: Final = re.compile(
    rf"(?:令和|平成|昭和)\s?(?:元|{_DIGIT}{{1,2}})\s?年\s?{_DIGIT}{{1,2}}\s?月\s?{_DIGIT}{{1,2}}\s?日"
    r"|[0-9０-９]{4}\s?(?:[/.\-]|年)\s?[0-9０-９]{1,2}\s?(?:[/.\-]|月)\s?[0-9０-９]{1,2}(?:\s?日)?"
    # R5.6.1, H30/4/1, 令和5.6.1 (abbreviated era dates), never inside a word or a longer number
    rf"|(?<![A-Za-zＡ-Ｚａ-ｚ])(?:令和|平成|昭和|[RHSＲＨＳ])\s?(?:元|{_DIGIT}{{1,2}})\s?[./\-．／－]"
    rf"\s?{_DIGIT}{{1,2}}\s?[./\-．／－]\s?{_DIGIT}{{1,2}}(?![0-9０-９])"
)
# What a cell of a real row holds somewhere: digits, kana, kanji (々〆〇 too), full-width digits.
# Code point ranges, tested in Python: a regex class over them took ~4 ms to compile (sre fills
# a map of every code point in the ranges), paid by every process that reads a table.
_MEANINGFUL: Final = ((0x30, 0x39), (0x3005, 0x3007), (0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
               (0xF900, 0xFAFF), (0xFF10, 0xFF19))


def _meaningful(text: str) -> bool:
    """Whether ``text`` has a character of :data:`_MEANINGFUL` (most rows do at their start)."""
    return any(low <= ord(ch) <= high for ch in text for low, high in _MEANINGFUL)
# Matched against NFKC text, so full-width digits, dashes and slashes are covered.
# A bare number is not a page number here: it may be the rest of a cell.
_DASH: Final = "[-‐−–—ー]"
_PAGE_NUMBER_RE: Final = re.compile(
    rf"{_DASH}\s?\d{{1,4}}\s?{_DASH}"
    r"|(?:p\.?\s?)?\d{1,4}\s?/\s?\d{1,4}(?:\s?(?:頁|ページ))?"
    r"|(?:p\.|page|ページ)\s?\d{1,4}|\d{1,4}\s?(?:頁|ページ)",
    re.IGNORECASE,
)
_MARKDOWN_RE: Final = re.compile(r"#{1,6}\s")
_TIMING_NOISE_RE: Final = re.compile(r"[\s|｜。.、,・:：]")
# A 提出時期 token with the 説明 run into it: the token, then a separator or any
# character that cannot continue a word starting 事前/事後 (not a particle or 的,
# so "事前に通知" and "事後的に" are prose, while "事前重要な変更に当たるため" splits).
_TIMING_LEAD_RE: Final = re.compile(r"[\s|｜]{0,3}事\s?([前後])(?:[\s|｜。.、,・:：]+|(?![\u3040-\u309f的]))")
_HEADER_TEXT: Final = "".join(HEADER_NAMES)


@dataclass
class _Row:
    """A row being assembled from its physical lines.

    ``parts`` holds each cell as a list of its physical lines, joined once at
    the end, so a row continued over many lines costs linear, not quadratic,
    time. ``lines`` keeps the physical lines themselves so that trailing lines
    that turn out to open the next row can be handed over to it; ``timed_upto``
    counts the lines up to the last one that carried a 提出時期. The sentinel
    row (``junk``) collects whatever precedes the first row and is dropped.
    """

    lines: list[list[str]] = field(default_factory=list)
    parts: list[list[str]] = field(default_factory=list)
    timed_upto: int = 0
    junk: bool = False
    open_col: int = 0

    @property
    def timed(self) -> bool:
        """Whether the row has its 提出時期 (the sentinel counts as closed)."""
        return self.junk or self.timed_upto > 0

    @classmethod
    def replay(cls, lines: Sequence[list[str]]) -> _Row:
        """A row rebuilt from physical lines, the first of which opens it."""
        row = cls()
        for cells in lines:
            row.add_line(cells)
        return row

    def add_line(self, cells: list[str]) -> None:
        """Place a physical line's cells into their columns (see the module docstring)."""
        first_col = self.next_col(cells)
        for offset, text in enumerate(cells):
            self._put(first_col + offset, text)
        self.lines.append(cells)
        self.open_col = first_col + len(cells) - 1
        if line_timing(cells, first_col):
            self.timed_upto = len(self.lines)

    def relative_col(self) -> int:
        """The column a relative line continues: the one the previous physical line ended in."""
        col = self.open_col
        if col < len(self.parts) and len(self.parts[col]) == 1 and timing_of(self.parts[col][0]):
            col += 1  # a 提出時期 cell never continues; the text is the 説明
        return col

    def next_col(self, cells: Sequence[str]) -> int:
        """The column the first cell of ``cells`` lands in.

        A relative line whose text would run past the last column cannot carry
        on the open cell; it is one physical line of every column instead
        (its first cell is then OCR debris of the 変更日 cell).
        """
        if not self.lines or is_positional(cells):
            return 0
        col = self.relative_col()
        return 0 if _overflows(col, cells) else col

    def take_tail(self) -> list[list[str]]:
        """Remove and return the lines from the last positional one after the 提出時期.

        Such a line looked like this row's continuation ("\\t項目の前半"), but a
        later line proved it opens the next row. Returns [] when there is none.
        """
        for idx in range(len(self.lines) - 1, self.timed_upto - 1, -1):
            if len(self.lines[idx]) > 1 and not self.lines[idx][_DATE_COL]:
                tail = self.lines[idx:]
                rebuilt = _Row.replay(self.lines[:idx])
                self.lines, self.parts, self.open_col = rebuilt.lines, rebuilt.parts, rebuilt.open_col
                return tail
        return []

    def cells(self) -> list[str]:
        """The assembled cells, each cell's physical lines joined by line breaks."""
        return ["\n".join(lines) for lines in self.parts]

    def _put(self, idx: int, text: str) -> None:
        while len(self.parts) <= idx:
            self.parts.append([])
        if text:
            self.parts[idx].append(text)


# --- cell text -------------------------------------------------------------


def clean_cell(raw: str) -> str:
    """Printed cell text: HTML tags gone, entities unescaped, one space per gap.

    Only known tag names are stripped, because the forms print angle-bracketed
    headings such as ``<高岡市における措置>`` that are content, not markup.
    Block tags become line breaks so paragraphs stay apart.
    """
    if "\n" not in raw and "<" not in raw and "&" not in raw and "**" not in raw and "\u200b" not in raw \
            and "\r" not in raw:
        # One line without markup (most cells): all _clean_markup would do is fold its spaces.
        return collapse_space(raw)
    return _clean_markup(raw)


def _clean_markup(raw: str) -> str:
    """:func:`clean_cell` of a cell with markup or line breaks."""
    text = raw.replace("\r", "")
    if "<" in text:  # both tag patterns start with "<"; most cells have none
        text = _BLOCK_TAG_RE.sub("\n", text)
        text = _INLINE_TAG_RE.sub("", text)
    text = html.unescape(text).replace("\r", "")
    if "**" in text:
        text = MARKDOWN_BOLD_RE.sub(r"\1", text)
    lines = (collapse_space(line.replace("\u200b", "")) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _compact(text: str) -> str:
    """Text with every kind of blank removed, for keyword tests that OCR spacing must not break."""
    return "".join(text.split())


def timing_of(cell: str) -> str:
    """The 提出時期 token of a cell that holds only 事前/事後 (OCR spacing, stray marks allowed), else ""."""
    if len(cell) > 12:
        return ""
    return _short_timing(cell)


@lru_cache(maxsize=4096)
def _short_timing(cell: str) -> str:
    """:func:`timing_of` of a short cell, remembered: a table asks it of every cell, many times."""
    token = _TIMING_NOISE_RE.sub("", unicodedata.normalize("NFKC", cell))
    return token if token in TIMINGS else ""


def split_timing(cell: str) -> tuple[str, str]:
    """(提出時期, 説明) of a 提出時期 cell; ("", "") when it does not start with 事前/事後.

    Extractors often print the two last columns as one cell, with or without a
    blank between them: ``事後 形式的な変更であるため…``, ``事前重要な変更に当たるため``.
    """
    lone = timing_of(cell)
    if lone:
        return lone, ""
    match = _TIMING_LEAD_RE.match(cell)
    if match is None:
        return "", ""
    rest = cell[match.end() :].strip()
    return ("事" + match.group(1), rest) if rest else ("", "")


def date_text(cell: str) -> str:
    """The printed date in a 変更日 cell, without the OCR junk around it; "" if none."""
    match = _DATE_RE.search(cell)
    return _compact(match.group()) if match else ""


def _starts_with_date(cell: str) -> bool:
    match = _DATE_RE.search(cell[: _DATE_START_MAX + 24])
    return match is not None and match.start() <= _DATE_START_MAX


# --- line classification ---------------------------------------------------


def _is_heading(line: str) -> bool:
    """The "(別添N) 変更箇所" heading line (or an OCR variant), never a prose mention."""
    if len(line) > _HEADING_MAX * 8 or "変" not in line or "箇" not in line:
        return False  # compacting only drops blanks: no 変 or 箇, no 変更箇所 (most lines; checked in C)
    compact = _compact(line).lstrip("#")
    return "変更箇所" in compact and len(compact) <= _HEADING_MAX


def _is_header(cells: Sequence[str]) -> bool:
    """The 変更日 項目 … header row, which repeats after every page break."""
    compact = _compact("".join(cells))
    if len(compact) > _HEADER_MAX:
        return False
    if compact.startswith("変更日") and "項目" in compact:
        return True
    return "変更前" in compact and "変更後" in compact and "提出時期" in compact


def _is_header_piece(cells: Sequence[str]) -> bool:
    """Part of a header printed one or a few column names per line ("変更日", "項目\\t変更前の記載")."""
    names: list[str] = []
    for cell in cells:
        if cell:
            name = _compact(cell)
            if name not in HEADER_NAMES:
                return False  # a row's first filled cell, mostly: the rest need not be compacted
            names.append(name)
    return bool(names) and ("変更日" in names or len(set(names)) > 1)


def _is_header_fragment(cells: Sequence[str]) -> bool:
    """A line of header words only ("\\t\\t記載\\t記載", "る説明"): the header's second line.

    Only asked right after a header line, where a row cannot start with such text.
    """
    parts = [_compact(cell) for cell in cells if cell]
    return bool(parts) and all(len(part) <= len(_HEADER_TEXT) and part in _HEADER_TEXT for part in parts)


_PAGE_NUMBER_MAX: Final = 24


def _is_noise(cells: Sequence[str]) -> bool:
    """Page numbers, borders ('|', '-----', 'Г') and Latin OCR garbage carry no cell text."""
    joined = " ".join(cells).strip()
    if not joined:
        return True
    # A page number is short; normalising a whole long row only to find it is not one costs.
    if len(joined) <= _PAGE_NUMBER_MAX and _PAGE_NUMBER_RE.fullmatch(unicodedata.normalize("NFKC", joined)):
        return True
    return not _meaningful(joined)


def _table_line(line: object) -> tuple[str, list[str]]:
    """("cells", cleaned cells), ("header", []) or ("skip", []) for one physical line.

    Trailing empty cells beyond the six columns are dropped; within six they
    are kept, so a continuation line knows which cell was still open.
    """
    if not isinstance(line, str):
        return "skip", []
    kind, cells = _table_text(line)
    return kind, list(cells)


@lru_cache(maxsize=8192)
def _table_text(line: str) -> tuple[str, tuple[str, ...]]:
    """:func:`_table_line` of a text line, remembered: two versions of a report share most rows."""
    text = line.replace("\r", "").rstrip(" \n")  # keep trailing tabs: they count the cells
    if not text.strip() or _MARKDOWN_RE.match(text) or _is_heading(text):
        return "skip", ()
    cells = _clean_cells(text)
    while len(cells) > NCOLS and not cells[-1]:
        cells.pop()
    if _is_header(cells) or _is_header_piece(cells):
        return "header", ()
    if _is_noise(cells):
        return "skip", ()
    return "cells", tuple(cells)


def _clean_cells(text: str) -> list[str]:
    """:func:`clean_cell` of each of the line's cells (:func:`_columns`). In a line without markup
    (most rows) clean_cell only folds blanks: the body's :func:`~hyoka.normalize.collapse_cells`
    does that for the whole line, stripping each cell without a call when there is none to fold."""
    if "<" in text or "&" in text or "**" in text or "\u200b" in text:
        return [clean_cell(cell) for cell in _columns(text)]
    return collapse_cells(_column_line(text))


def _columns(text: str) -> list[str]:
    """A table line's cells: between tabs (leading ones kept: they say which column a continuation
    line is in), else as the body's lines are split (:func:`~hyoka.ingest.lines.tab_separated`)."""
    return _column_line(text).split("\t")


def _column_line(text: str) -> str:
    """The line with its cells between tabs (:func:`_columns`)."""
    return text if "\t" in text else tab_separated(text.rstrip())


def split_cells(line: object) -> list[str] | None:
    """A line's cleaned cells, or None for lines that are not table content (headers, noise)."""
    kind, cells = _table_line(line)
    return cells if kind == "cells" else None


def line_timing(cells: Sequence[str], first_col: int = 0) -> str:
    """The 提出時期 carried by a line whose first cell sits in column ``first_col``.

    A lone 事前/事後 in any cell counts; otherwise the first filled cell from
    the 提出時期 column on may start with the token, the 説明 run into it.
    """
    for cell in cells:
        found = timing_of(cell)
        if found:
            return found
    for offset, cell in enumerate(cells):
        if cell and first_col + offset >= _TIMING_COL:
            return split_timing(cell)[0]
    return ""


def _full_width(cells: Sequence[str]) -> bool:
    """Six cells, or five ending in the 提出時期: one physical line of every column."""
    if len(cells) >= NCOLS:
        return True
    return len(cells) == NCOLS - 1 and bool(split_timing(cells[_TIMING_COL])[0])


def is_positional(cells: Sequence[str]) -> bool:
    """Whether cell i of the line is column i: it starts with an empty cell or spans the table."""
    return len(cells) > 1 and (not cells[_DATE_COL] or _full_width(cells))


def _opens_row(cells: Sequence[str], open_row: _Row) -> bool:
    """Whether a line opens a new row by itself.

    A date in the 変更日 cell always opens a row. Without a date (drafts leave
    it blank, OCR garbles it) a positional line carrying 事前/事後 opens a row
    only when the open row already has its timing; otherwise it is that row's
    second half. Relative lines are decided by ``_breaks_out``.
    """
    if len(cells) == 1:
        return bool(_DATE_RE.fullmatch(cells[0]))
    if _starts_with_date(cells[_DATE_COL]):
        return True
    return is_positional(cells) and open_row.timed and bool(line_timing(cells))


def _breaks_out(row: _Row, cells: Sequence[str]) -> bool:
    """Whether a relative line cannot belong to ``row``, which already has its 提出時期.

    It cannot if it brings a second 提出時期, or if its text would run past
    the last column.
    """
    first_col = row.relative_col()
    return _overflows(first_col, cells) or bool(line_timing(cells, first_col))


def _overflows(first_col: int, cells: Sequence[str]) -> bool:
    """Whether cells placed from ``first_col`` would put text past the last column."""
    filled = [offset for offset, cell in enumerate(cells) if cell]
    return bool(filled) and first_col + filled[-1] >= NCOLS


def _feed(rows: list[_Row], cells: list[str]) -> None:
    """Add one table line: open a row, continue the open one, or split the open one's tail off.

    A relative line that breaks out of a timed row is the rest of a row that
    began on an earlier positional line (``\\t項目の前半`` then
    ``後半\\t前\\t後\\t事前``): that line and those after it move to a new row.
    """
    open_row = rows[-1]
    if _opens_row(cells, open_row):
        rows.append(_Row.replay([cells]))
        return
    if open_row.timed and not is_positional(cells) and _breaks_out(open_row, cells):
        tail = open_row.take_tail()
        rows.append(_Row.replay(tail or [cells]))
        if not tail:
            return
    rows[-1].add_line(cells)


def _physical_lines(lines: Sequence[object]) -> Iterator[object]:
    """Each line split at any line break left inside it (CRLF, lone CR, form feed)."""
    for line in lines:
        if isinstance(line, str):
            yield from line.splitlines()
        else:
            yield line


# --- row assembly ----------------------------------------------------------


def _timing_at(cells: Sequence[str]) -> tuple[int, str, str] | None:
    """(column, 提出時期, 説明 run into it) of the assembled row, or None.

    The first lone token from the 変更前 column on wins: searching rather than
    trusting column 5 recovers rows whose 変更前/変更後 cells were merged by
    extraction (the token then sits in column 4). Failing that, the first
    filled cell from the 提出時期 column on may carry the token with its 説明.
    """
    for idx in range(_BEFORE_COL, len(cells)):
        found = timing_of(cells[idx])
        if found:
            return idx, found, ""
    for idx in range(_TIMING_COL, len(cells)):
        if cells[idx]:
            token, lead = split_timing(cells[idx])
            return (idx, token, lead) if token else None
    return None


def _get(cells: Sequence[str], idx: int) -> str:
    return cells[idx] if 0 <= idx < len(cells) else ""


def _join_all(cells: Sequence[str]) -> str:
    return "\n".join(cell for cell in cells if cell)


def to_change_row(cells: Sequence[str]) -> ChangeRow:
    """Map assembled cells onto the six fields, wherever the timing token landed.

    The 変更日 is what the row printed: a blank cell stays blank (see parse_appendix).
    """
    date, item = date_text(_get(cells, _DATE_COL)), _get(cells, _ITEM_COL)
    found = _timing_at(cells)
    if found is None:
        return ChangeRow(date, item, _get(cells, 2), _get(cells, 3), "", _join_all(cells[4:]))
    k, timing, lead = found
    before = _get(cells, _BEFORE_COL) if k > _BEFORE_COL else ""
    after = _join_all(cells[_BEFORE_COL + 1 : k])
    reason = _join_all([lead, *(cell for cell in cells[k + 1 :] if not timing_of(cell))])
    return ChangeRow(date, item, before, after, timing, reason)


# --- public API ------------------------------------------------------------


def parse_appendix(lines: Sequence[str]) -> tuple[ChangeRow, ...]:
    """Rows of the 変更箇所 table in ``lines`` (the appendix after its heading); see
    :func:`_parse_appendix`. Remembered per table text: two versions of a report mostly share
    their 変更箇所 table, and rows are immutable."""
    return _parse_appendix(tuple(lines))


@lru_cache(maxsize=64)
def _parse_appendix(lines: tuple[str, ...]) -> tuple[ChangeRow, ...]:
    """Rows of the 変更箇所 table in ``lines`` (the appendix after its heading).

    Lines before the first row (OCR junk under the heading) are dropped; lines
    after a row that do not open a new one are that row's continuation. Header
    rows, header lines broken after them, page numbers and blank lines between
    rows are skipped, wherever the page breaks fall.

    A blank 変更日 stays blank; the reader does not copy the date of the row
    above. The seeds show why: in a draft (004) every date is blank; in 001
    the 39 undated rows at the end are 事前 rows of a submission not yet dated,
    following 事後 rows of 令和7年3月24日, so inheriting would put a wrong date
    on them; in 002 the one blank cell is a date cell spanning a group, and
    classify.evaluate.revisions already reads a blank date as "the group
    above", which is where that knowledge belongs. ChangeRow records the row
    as the body printed it.
    """
    table: list[list[str]] = []
    after_header = False
    for line in _physical_lines(lines):
        kind, cells = _table_line(line)
        if kind != "cells":
            after_header = after_header or kind == "header"
            continue
        if after_header and _is_header_fragment(cells):
            continue
        after_header = False
        table.append(cells)
    if is_stacked(table, timing_of):  # one cell per line: no column to read (appendix_stacked)
        return stacked_rows([next(cell for cell in cells if cell) for cells in table], timing_of, date_text)
    rows = [_Row(junk=True)]
    for cells in table:
        _feed(rows, cells)
    return tuple(to_change_row(row.cells()) for row in rows[1:])


def _line_kind(line: object) -> str:
    """What the heading lookahead needs to know of a line: heading, header, row, blank or other."""
    if not isinstance(line, str) or not line.strip():
        return "blank"
    if _is_heading(line):
        return "heading"
    cells = split_cells(line)
    if cells is None:
        if "変更" in line and _is_header(line.split("\t")):
            return "header"
        # The header printed one column name per line (an extraction that puts each cell on a
        # line of its own): its first name alone opens it, as no table of contents prints it.
        return "header" if _compact(line) == HEADER_NAMES[0] else "other"
    return "row" if len(cells) > 1 and _opens_table(cells) else "other"


def _opens_table(cells: Sequence[str]) -> bool:
    """Whether a line could be a table's first row: a date first, or a 提出時期 in it."""
    return _starts_with_date(cells[_DATE_COL]) or bool(line_timing(cells))


def _table_follows(kind: Callable[[int], str], start: int, end: int, *, rows_too: bool) -> bool:
    """Whether a header row (or, with ``rows_too``, a dated/timed row) follows soon after ``start``.

    The search stops at the next 変更箇所 heading: a table after it belongs to that one.
    """
    filled = 0
    for idx in range(start + 1, min(start + 1 + _LOOKAHEAD_LINES, end)):
        found = kind(idx)
        filled += found != "blank"
        if filled > _LOOKAHEAD_FILLED or found == "heading":
            return False
        if found == "header" or (rows_too and found == "row"):
            return True
    return False


def find_appendix_start(lines: Sequence[str]) -> int | None:
    """Index of the line that opens the 変更箇所 appendix, or None.

    The table of contents near the top also lists "(別添N) 変更箇所", so a
    heading only counts when the table follows it: first a header row, then
    (for a garbled header) a dated or timed row. The first such heading wins,
    because some printings repeat the heading on every page of the table.
    With no usable heading the first header row itself opens the appendix.
    Line kinds are cached so that many headings close together stay linear.
    """
    kinds: dict[int, str] = {}

    def kind(idx: int) -> str:
        if idx not in kinds:
            kinds[idx] = _line_kind(lines[idx])
        return kinds[idx]

    # A line without 箇 is no heading (_is_heading's own first test), asked here without a call.
    headings = [idx for idx, line in enumerate(lines) if isinstance(line, str) and "箇" in line and _is_heading(line)]
    for rows_too in (False, True):
        for idx in headings:
            if _table_follows(kind, idx, len(lines), rows_too=rows_too):
                return idx
    for idx, line in enumerate(lines):
        if isinstance(line, str) and "変更日" in line and _is_header(line.split("\t")):
            return idx
    return None
