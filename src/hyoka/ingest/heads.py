"""Mend the head of a line whose numbering the extraction split or ran together.

Instance headers and risk headings are recognised by :mod:`hyoka.numbering` in one cell; PDF
and OCR extraction break them across cells ("委託事 | 項1 | …", "リスク | 2: 不適切な…") or run
them on with the first label ("提供先4 ①法令上の根拠 | …"); Word reports bracket a label
("【①事務の名称】"). These pure functions put the head back into the first cell as the form
prints it, so the placer only ever sees the notation the numbering module knows.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from hyoka.ingest.lines import Line
from hyoka.normalize import nfkc_keep_circled
from hyoka.numbering import CIRCLED, GROUP_NAMES, group_instance, group_range, risk_heading

# A head broken across cells is short: "委託事", "委託", "リスク".
BROKEN_HEAD: Final = 6
_INSTANCE_RUN_ON_RE: Final = re.compile(rf"^((?:{'|'.join(GROUP_NAMES)})\s*[0-9lI|iOo]{{1,3}})\s+(\S.*)$")
# "【①事務の名称】": a circled label in brackets (a value's 【…】 holds a heading of its own text,
# "【情報照会の根拠】", not a circled number and a label).
_BRACKETED_LABEL_RE: Final = re.compile(rf"^【\s*([{CIRCLED}][^【】]{{1,60}}?)\s*】\s*(.*)$")


def mend_head(line: Line) -> Line:
    """``line`` with a group instance, range header or risk heading whole in its first cell."""
    cells = mended_cells(line.cells)
    return line if cells is None else Line(line.number, cells)


@lru_cache(maxsize=16_384)
def mended_cells(cells: tuple[str, ...]) -> tuple[str, ...] | None:
    """The cells :func:`mend_head` gives a line, None when they stay as they are; remembered
    per cells, as two versions of a report share most of their lines."""
    mended = _mend(Line(0, cells))
    return None if mended.cells == cells else mended.cells


def _mend(line: Line) -> Line:
    first = line.first
    bracketed = _BRACKETED_LABEL_RE.match(first) if first.startswith("【") else None
    if bracketed is not None:
        # "【①事務の名称】 | …" (a Word report's label): the label as the form prints it.
        first = " ".join(part for part in bracketed.groups() if part)
        line = Line(line.number, (first, *line.cells[1:]))
    # A circled number first stays first when folded, and no group's name starts with one
    # (most labels): nothing to fold for the pattern, which needs a group's name first.
    folded = "" if first[:1] in CIRCLED else nfkc_keep_circled(first)
    run_on = _INSTANCE_RUN_ON_RE.match(folded) if folded.startswith(GROUP_NAMES) else None
    if run_on is not None and group_instance(run_on.group(1)) and not group_range(folded):
        # "提供先4 ①法令上の根拠 | …": the instance header and its first label in one cell (not
        # a range header spaced around its dash: "システム6 〜 10").
        return Line(line.number, (run_on.group(1), run_on.group(2), *line.cells[1:]))
    if len(first) > BROKEN_HEAD or len(line.cells) < 2:
        return line
    second = line.cells[1]
    if group_instance(first) is None:
        token, _, tail = second.partition(" ")
        joined = f"{first}{token}"
        if group_instance(joined) or group_range(joined):
            # "委託事 | 項1 課税情報の…": the second half may run on with the value.
            return Line(line.number, (joined, *((tail,) if tail else ()), *line.cells[2:]))
        if group_instance(second) or group_range(second):
            # "委託 | 委託事項6~10": a row header before the instance.
            return Line(line.number, line.cells[1:])
    if first.startswith("リスク") and risk_heading(first) is None and risk_heading(first + second) is not None:
        # "リスク | 2: 不適切な…": the risk's number and name in the next cell.
        return Line(line.number, (f"{first}{second}", *line.cells[2:]))
    return line
