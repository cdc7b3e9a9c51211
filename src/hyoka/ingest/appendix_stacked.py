"""The 変更箇所 table printed one cell per line: rows told apart by their 提出時期.

Some extractions (a PDF viewer's copy, a Word table saved as plain text, pdfminer without
layout) put every cell of a table on a line of its own and drop the empty ones, so no line
says which column it is. :mod:`hyoka.ingest.appendix` reads columns from tabs; this reads such
a "stacked" table from what every row has in the same order: [変更日] 項目 [変更前] [変更後]
提出時期 [説明], the brackets for cells that may be blank (and so absent).

- A row ends with its 提出時期 (a cell of 事前 or 事後 alone, the one cell every row fills)
  and the 説明 after it: one line, unless that line is a date or reads as a 項目 (a section
  numeral first), or the next row would be left without its 項目.
- A row starts with its 変更日 when one is printed (a draft leaves them blank), then the 項目.
- Between the 項目 and the 提出時期 are the 変更前 and 変更後 texts. With two lines, one each;
  with one, it is the 変更後 (a new item's 変更前 left blank); with more, the lines are cut
  where the two halves read most alike: a change's old and new texts share most of their
  words, and an edit that adds sentences keeps the old lines at the head of the new text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from typing import Final

from hyoka.model import ChangeRow

# A 項目 cell starts with its section's numeral ("II 特定個人情報ファイルの概要 …"); a 説明 does not.
_ITEM_START_RE: Final = re.compile(r"^[ \u3000]*(?:[IVⅠⅡⅢⅣⅤⅥ]{1,4}|別添\d?)[ \u3000.．]")


def is_stacked(cells: Sequence[Sequence[str]], timing_of: Callable[[str], str]) -> bool:
    """Whether the table's lines hold one filled cell each and some are a 提出時期 alone."""
    filled = [[cell for cell in line if cell] for line in cells]
    return bool(filled) and all(len(line) == 1 for line in filled) and any(timing_of(line[0]) for line in filled)


def stacked_rows(texts: Sequence[str], timing_of: Callable[[str], str],
                 date_of: Callable[[str], str]) -> tuple[ChangeRow, ...]:
    """The rows of a stacked table (``texts``: one cell per entry, in print order).

    ``timing_of`` gives the 提出時期 of a cell holding only one, ``date_of`` the date a
    変更日 cell holds ("" for none); a cell that is a date and nothing else opens a row."""

    def is_date(text: str) -> bool:
        date = date_of(text)
        return bool(date) and len("".join(text.split())) <= len(date) + 2

    # A 提出時期 printed twice in a row (OCR, or the 説明 column repeating it) is one row's.
    timings = [idx for idx, text in enumerate(texts) if timing_of(text) and not (idx and timing_of(texts[idx - 1]))]
    rows: list[ChangeRow] = []
    # Lines before the first row's 変更日 or 項目 are debris under the heading (OCR), as in a
    # table read by columns.
    start = next((idx for idx, text in enumerate(texts[: timings[0]] if timings else ())
                  if is_date(text) or _ITEM_START_RE.match(text)), 0)
    for number, at in enumerate(timings):
        following = timings[number + 1] if number + 1 < len(timings) else len(texts)
        reason_end = at + 1
        while reason_end < following and timing_of(texts[reason_end]):
            reason_end += 1
        reason_start = reason_end
        if reason_end < following and not is_date(texts[reason_end]) and not _ITEM_START_RE.match(
            texts[reason_end]
        ) and (number + 1 == len(timings) or reason_end + 1 < following):
            reason_end += 1  # the 説明: one line, unless it would be the next row's 項目
        if number + 1 == len(timings):
            reason_end = len(texts)  # the last row's 説明 is all that is left
        rows.append(_row(texts[start:at], texts[at], texts[reason_start:reason_end], timing_of, is_date))
        start = reason_end
    return tuple(rows)


def _row(head: Sequence[str], timing_cell: str, reason: Sequence[str], timing_of: Callable[[str], str],
         is_date: Callable[[str], bool]) -> ChangeRow:
    cells = list(head)
    date = cells.pop(0) if cells and is_date(cells[0]) else ""
    item = cells.pop(0) if cells else ""
    before, after = _halves(cells)
    return ChangeRow("".join(date.split()), item, before, after, timing_of(timing_cell), "\n".join(reason))


def _halves(lines: Sequence[str]) -> tuple[str, str]:
    """(変更前, 変更後) of the lines between a row's 項目 and its 提出時期 (see the module docstring)."""
    if not lines:
        return "", ""
    if len(lines) == 1:
        return "", lines[0]
    best, cut = -1.0, len(lines) // 2
    for k in range(1, len(lines)):
        old, new = "\n".join(lines[:k]), "\n".join(lines[k:])
        score = SequenceMatcher(None, old, new, autojunk=False).ratio()
        if new.startswith(old):
            score += 1.0  # the old text kept whole at the head of the new one
        if score > best:
            best, cut = score, k
    return "\n".join(lines[:cut]), "\n".join(lines[cut:])
