"""Lines of published report text: cells, noise and (別添N) headings.

Numbering (Ⅲ/III, ①, "1.", システム6) is recognised in :mod:`hyoka.numbering`
and labels by the form catalogue (:mod:`hyoka.ingest.placer`); this module only
splits a raw line into cells and says whether it carries anything at all.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Final

from hyoka.normalize import collapse_cells, nfkc_keep_circled
from hyoka.numbering import join_circled

_MARKDOWN_RE: Final = re.compile(r"^#{1,6}\s*")
_INLINE_NOISE_RE: Final = re.compile(r"</?(?:b|strong|em|i|u|span)\b[^>]*>", re.IGNORECASE)
# Markdown emphasis around a cell's text ("**①事務の名称**"), as PDF-to-markdown converters print
# labels and headers: markup, like <b>. Only paired **, never a lone * (an OCR'd ※).
MARKDOWN_BOLD_RE: Final = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_COLUMN_GAP_RE: Final = re.compile(r"(?: {2,}|\u3000+)")
_APPENDIX_RE: Final = re.compile(r"^[(（]\s*別添\s*(\d)\s*[)）]\s*(.*)$")
# Page numbers and table rules; a lone dash is not one: it is the value "-" (none) of a label
# whose value an extractor put on the next line.
_PAGE_NOISE_RE: Final = re.compile(r"^(?!\s*[-－―‐]\s*$)(?:-\s*\d{1,3}\s*-|\d{1,3}\s*/\s*\d{1,3}|[|\-=_ΓГ「」\s]+)$")
# A cell starting with one of these is a value (list item, bracket, mark), never a label.
VALUE_START: Final = tuple("・･-‐•<＜〈[［【「『(（{※*＊■□☑☒☐○〇●◯→")


_UNSET: Any = object()


class Line:
    """A body line split into stripped cells, leading empty cells dropped.

    A plain class with slots, not a frozen dataclass: a reading makes one for every line and
    asks most of them for their first cell, the cells after it, their joined text and whether
    they are noise, several times each; a frozen dataclass's __init__ (object.__setattr__ per
    field) and computed properties cost a reading ~1 ms. The last three are computed on first
    use and kept. Lines compare and hash by number and cells; nothing may change them."""

    __slots__ = ("_joined", "_noise", "_rest", "cells", "first", "number")

    def __init__(self, number: int, cells: tuple[str, ...]) -> None:
        self.number = number
        self.cells = cells
        self.first = cells[0] if cells else ""
        self._rest = self._joined = self._noise = _UNSET

    def __repr__(self) -> str:
        return f"Line(number={self.number!r}, cells={self.cells!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Line):
            return NotImplemented
        return self.number == other.number and self.cells == other.cells

    def __hash__(self) -> int:
        return hash((self.number, self.cells))

    @property
    def rest(self) -> tuple[str, ...]:
        """The cells after the first, empty ones dropped."""
        if self._rest is _UNSET:
            self._rest = tuple(c for c in self.cells[1:] if c)
        return self._rest  # type: ignore[no-any-return]

    @property
    def joined(self) -> str:
        """The non-empty cells, one space apart."""
        if self._joined is _UNSET:
            self._joined = " ".join(c for c in self.cells if c)
        return self._joined  # type: ignore[no-any-return]

    @property
    def noise(self) -> bool:
        """See :func:`is_noise` (the reader asks about most lines twice)."""
        if self._noise is _UNSET:
            self._noise = not self.cells or bool(_PAGE_NOISE_RE.match(self.joined))
        return self._noise  # type: ignore[no-any-return]


@lru_cache(maxsize=16_384)
def split_line(number: int, raw: str) -> Line:
    """Cells of a raw line after removing markdown headers and inline emphasis tags; tabs, the
    pipes of a markdown table, or (in a line without tabs) runs of spaces separate cells.

    Remembered per number and text: a Line never changes, and what it works out once (its cells
    joined, whether it is noise) serves the next version's reading too, whose unchanged lines
    keep their numbers unless lines were added or removed above them."""
    return Line(number, split_cells(raw))


@lru_cache(maxsize=16_384)
def split_cells(raw: str) -> tuple[str, ...]:
    """The cells of :func:`split_line`, remembered per text: each line is split once, and two
    versions of a report share most of their lines."""
    raw = raw.strip(" \u3000")
    if raw.startswith("#"):
        raw = _MARKDOWN_RE.sub("", raw)
    if "<" in raw:
        raw = _INLINE_NOISE_RE.sub("", raw)
    if "**" in raw:
        raw = MARKDOWN_BOLD_RE.sub(r"\1", raw)
    raw = join_circled(raw)  # "① 入手元": layout, not text (labels and values alike)
    cells = collapse_cells(tab_separated(raw))
    while cells and not cells[0]:
        cells.pop(0)
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


def tab_separated(raw: str) -> str:
    """A printed line with its cells separated by tabs, whatever separated them: the pipes of a
    markdown table row ("| ①入手元 ※ | [○] 本人 |", empty cells kept) or, in a line without tabs,
    runs of two or more spaces or of full-width spaces (pdftotext -layout; an indent stays one
    empty cell). Shared by the body's lines and the 変更箇所 table's."""
    stripped = raw.strip(" \u3000")
    if stripped.startswith("|") and stripped.count("|") >= 2:
        return stripped.strip("|").replace("|", "\t")
    if "\t" in raw or ("  " not in raw and "\u3000" not in raw):
        return raw  # tabs separate the cells, or no gap to find (scans in C, before the pattern's)
    return _COLUMN_GAP_RE.sub("\t", raw)


def is_noise(line: Line) -> bool:
    """Blank lines, page numbers and table-border debris carry nothing."""
    return line.noise


@lru_cache(maxsize=4096)
def appendix_heading(text: str) -> tuple[str, str] | None:
    """("別添N", title) for a "(別添N) …" heading."""
    if "別" not in text or "添" not in text:
        return None  # no character but 別 and 添 themselves folds (NFKC) to them: most lines end here
    m = _APPENDIX_RE.match(nfkc_keep_circled(text).replace("\t", " ").strip())
    return (f"別添{m.group(1)}", m.group(2).strip()) if m else None
