"""The 変更箇所 appendix (別添2 / 別添3): a six-column table → ChangeRow tuples.

The table is 変更日 | 項目 | 変更前の記載 | 変更後の記載 | 提出時期 | 提出時期に係る説明.
PDF extraction prints it as tab-separated lines, but real files are messy:
the header row repeats after every page break, OCR adds border debris and
junk lines, a row can spill over several lines (cells split in the middle,
or a second line carrying the rest of each column), the 変更日 may be blank
(drafts) or garbled, and the 提出時期 cell may slide into another column.

The reader therefore decides row boundaries from the two cells that are hard
to confuse with free text: a date in the 変更日 cell, or a lone 事前/事後 in
the row. Everything else is continuation of the open row. Every regex is
bounded or anchored so that the whole pass stays linear in the input, and
nothing here raises: hostile text just yields fewer rows.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from hyoka.model import ChangeRow
from hyoka.normalize import collapse_space

NCOLS = 6
"""Columns printed in the appendix table."""

TIMINGS = ("事前", "事後")
_DATE_COL, _ITEM_COL, _BEFORE_COL, _TIMING_COL = 0, 1, 2, 4
_HEADING_MAX = 20  # "(別添3)変更箇所" and OCR variants; longer lines are prose mentioning it
_HEADER_MAX = 48  # the header row compacted is 32 characters
_DATE_START_MAX = 8  # OCR may glue a few junk characters before the date
_LOOKAHEAD_LINES = 40
_LOOKAHEAD_FILLED = 12

_BLOCK_TAG_RE = re.compile(
    r"<\s*/?\s*(?:p|br|li|ul|ol|div|tr|td|th|table|tbody|thead|h[1-6])\b[^<>]{0,400}>", re.IGNORECASE
)
_INLINE_TAG_RE = re.compile(
    r"<\s*/?\s*(?:b|i|u|s|a|em|strong|span|font|sup|sub|small|big|mark|input)\b[^<>]{0,400}>",
    re.IGNORECASE,
)
_DIGIT = "[0-9０-９〇○]"
_DATE_RE = re.compile(
    rf"(?:令和|平成|昭和)\s?(?:元|{_DIGIT}{{1,2}})\s?年\s?{_DIGIT}{{1,2}}\s?月\s?{_DIGIT}{{1,2}}\s?日"
    r"|[0-9０-９]{4}\s?(?:[/.\-]|年)\s?[0-9０-９]{1,2}\s?(?:[/.\-]|月)\s?[0-9０-９]{1,2}(?:\s?日)?"
)
_MEANINGFUL_RE = re.compile(
    "[0-9\u3005-\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff10-\uff19]"
)
_PAGE_NUMBER_RE = re.compile(r"[-‐−–—]\s?\d{1,4}\s?[-‐−–—]|\d{1,4}\s?/\s?\d{1,4}")
_MARKDOWN_RE = re.compile(r"#{1,6}\s")
_TIMING_NOISE_RE = re.compile(r"[\s|｜。.、,・:：]")


@dataclass
class _OpenRow:
    """A row being assembled.

    Each cell is a list of its physical lines, joined once at the end, so a
    row continued over many lines costs linear, not quadratic, time; ``timed``
    is tracked for the same reason (no line rescans the row).
    """

    parts: list[list[str]] = field(default_factory=list)
    timed: bool = False

    @classmethod
    def start(cls, cells: Sequence[str]) -> _OpenRow:
        return cls([[cell] if cell else [] for cell in cells], bool(line_timing(cells)))

    def add(self, idx: int, text: str) -> None:
        """Append a physical line to cell ``idx``, creating empty cells up to it."""
        while len(self.parts) <= idx:
            self.parts.append([])
        if text:
            self.parts[idx].append(text)

    def cells(self) -> list[str]:
        return ["\n".join(lines) for lines in self.parts]


# --- cell text -------------------------------------------------------------


def clean_cell(raw: str) -> str:
    """Printed cell text: HTML tags gone, entities unescaped, one space per gap.

    Only known tag names are stripped, because the forms print angle-bracketed
    headings such as ``<高岡市における措置>`` that are content, not markup.
    Block tags become line breaks so paragraphs stay apart.
    """
    text = raw.replace("\r", "")
    text = _BLOCK_TAG_RE.sub("\n", text)
    text = _INLINE_TAG_RE.sub("", text)
    text = html.unescape(text).replace("\r", "")
    lines = (collapse_space(line.replace("\u200b", "")) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _compact(text: str) -> str:
    """Text with every kind of blank removed, for keyword tests that OCR spacing must not break."""
    return "".join(text.split())


def timing_of(cell: str) -> str:
    """The 提出時期 token of a cell that holds only 事前/事後 (OCR spacing, stray marks allowed), else ""."""
    if len(cell) > 12:
        return ""
    token = _TIMING_NOISE_RE.sub("", unicodedata.normalize("NFKC", cell))
    return token if token in TIMINGS else ""


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
    if len(line) > _HEADING_MAX * 8:
        return False
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


def _is_noise(cells: Sequence[str]) -> bool:
    """Page numbers, borders ('|', '-----', 'Г') and Latin OCR garbage carry no cell text."""
    joined = " ".join(cells).strip()
    if not joined or _PAGE_NUMBER_RE.fullmatch(joined):
        return True
    return _MEANINGFUL_RE.search(joined) is None


def split_cells(line: object) -> list[str] | None:
    """A line's cleaned cells, or None for lines that are not table content.

    Trailing empty cells beyond the six columns are dropped; within six they
    are kept, so a continuation line knows which cell was still open.
    """
    if not isinstance(line, str):
        return None
    text = line.replace("\r", "").rstrip(" \n")  # keep trailing tabs: they count the cells
    if not text.strip() or _MARKDOWN_RE.match(text) or _is_heading(text):
        return None
    cells = [clean_cell(cell) for cell in text.split("\t")]
    while len(cells) > NCOLS and not cells[-1]:
        cells.pop()
    if _is_noise(cells) or _is_header(cells):
        return None
    return cells


def line_timing(cells: Sequence[str]) -> str:
    """The 提出時期 carried by a line: its 5th cell, else any lone token cell."""
    if len(cells) > _TIMING_COL:
        found = timing_of(cells[_TIMING_COL])
        if found:
            return found
    for cell in cells:
        found = timing_of(cell)
        if found:
            return found
    return ""


def _starts_row(cells: Sequence[str], open_row: _OpenRow | None) -> bool:
    """Whether a line opens a new row rather than continuing the open one.

    A date in the 変更日 cell always opens a row. Without a date (drafts leave
    it blank, OCR garbles it) a line carrying 事前/事後 opens a row only when
    the open row already has its timing; otherwise it is that row's second half.
    """
    if len(cells) == 1:
        return bool(_DATE_RE.fullmatch(cells[0]))
    if _starts_with_date(cells[_DATE_COL]):
        return True
    return bool(line_timing(cells)) and (open_row is None or open_row.timed)


# --- row assembly ----------------------------------------------------------


def _full_width(cells: Sequence[str]) -> bool:
    if len(cells) >= NCOLS:
        return True
    return len(cells) == NCOLS - 1 and bool(timing_of(cells[_TIMING_COL]))


def _continue_row(row: _OpenRow, cells: Sequence[str]) -> None:
    """Add a continuation line to the open row.

    A full-width line (six cells, or five ending in the 提出時期) is the next
    physical line of every column, so cell i continues column i. A shorter
    line continues the cell that was left open and then adds the cells after it.
    """
    if _full_width(cells):
        for idx, cell in enumerate(cells):
            row.add(idx, cell)
    else:
        last = max(len(row.parts) - 1, 0)
        if row.parts and len(row.parts[last]) == 1 and timing_of(row.parts[last][0]):
            last += 1  # a 提出時期 cell never continues; the text is the 説明
        row.add(last, cells[0])
        for offset, cell in enumerate(cells[1:], start=1):
            row.add(last + offset, cell)
    row.timed = row.timed or bool(line_timing(cells))


def _timing_index(cells: Sequence[str]) -> int | None:
    """Where the 提出時期 cell sits: the first lone token from the 変更前 column on.

    Searching rather than trusting column 5 recovers rows whose 変更前/変更後
    cells were merged by extraction (the token then sits in column 4).
    """
    for idx in range(_BEFORE_COL, len(cells)):
        if timing_of(cells[idx]):
            return idx
    return None


def _get(cells: Sequence[str], idx: int) -> str:
    return cells[idx] if 0 <= idx < len(cells) else ""


def _join_all(cells: Sequence[str]) -> str:
    return "\n".join(cell for cell in cells if cell)


def to_change_row(cells: Sequence[str]) -> ChangeRow:
    """Map assembled cells onto the six fields, wherever the timing token landed."""
    date, item = date_text(_get(cells, _DATE_COL)), _get(cells, _ITEM_COL)
    k = _timing_index(cells)
    if k is None:
        return ChangeRow(date, item, _get(cells, 2), _get(cells, 3), "", _join_all(cells[4:]))
    before = _get(cells, _BEFORE_COL) if k > _BEFORE_COL else ""
    after = _join_all(cells[_BEFORE_COL + 1 : k])
    reason = _join_all([cell for cell in cells[k + 1 :] if not timing_of(cell)])
    return ChangeRow(date, item, before, after, timing_of(cells[k]), reason)


# --- public API ------------------------------------------------------------


def parse_appendix(lines: Sequence[str]) -> tuple[ChangeRow, ...]:
    """Rows of the 変更箇所 table in ``lines`` (the appendix after its heading).

    Lines before the first row (OCR junk under the heading) are dropped; lines
    after a row that do not open a new one are that row's continuation.
    """
    rows: list[_OpenRow] = []
    for line in lines:
        cells = split_cells(line)
        if cells is None:
            continue
        open_row = rows[-1] if rows else None
        if _starts_row(cells, open_row):
            rows.append(_OpenRow.start(cells))
        elif open_row is not None:
            _continue_row(open_row, cells)
    return tuple(to_change_row(row.cells()) for row in rows)


def _line_kind(line: object) -> str:
    """What the heading lookahead needs to know of a line: heading, header, row, blank or other."""
    if not isinstance(line, str) or not line.strip():
        return "blank"
    if _is_heading(line):
        return "heading"
    cells = split_cells(line)
    if cells is None:
        return "header" if "変更" in line and _is_header(line.split("\t")) else "other"
    return "row" if len(cells) > 1 and _starts_row(cells, None) else "other"


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

    headings = [idx for idx, line in enumerate(lines) if isinstance(line, str) and _is_heading(line)]
    for rows_too in (False, True):
        for idx in headings:
            if _table_follows(kind, idx, len(lines), rows_too=rows_too):
                return idx
    for idx, line in enumerate(lines):
        if isinstance(line, str) and "変更日" in line and _is_header(line.split("\t")):
            return idx
    return None
