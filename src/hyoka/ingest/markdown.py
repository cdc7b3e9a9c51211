"""Markdown made from a report (pandoc ``-t gfm`` of the Word form, PDF-to-markdown converters)
as the plain lines the text reader reads.

A converter writes the form's tables as pipe rows (``| ①事務の名称 | 軽自動車税… |``) under a
``|---|---|`` rule, falls back to an HTML ``<table>`` for a table with merged cells or cells of
several paragraphs, escapes the characters markdown would read (``\\[1万人以上10万人未満\\]``,
``1\\. 特定個人情報ファイル名``) and wraps a long paragraph at a space (``この評価書は hyoka`` /
``の試験用に…``). Read as plain text that broke the item tree (pandoc's markdown of the sample's
Word form: 81 of 132 items the same, no 変更箇所 row). So a text that has a pipe-table rule is
read as markdown first:

- pipe rows become tab-separated cells (an escaped ``\\|`` stays a character of its cell) and the
  rule lines go; ``NaN`` and ``Unnamed: 1``, pandas' words for an empty cell and an unnamed
  column (markitdown's markdown of a workbook), are empty cells, in such a table a cell's
  ``\\n`` is its line break, and the ``## 評価書`` line naming the sheet above it is dropped; an
  HTML table that starts a line becomes rows (:func:`tables_as_rows`);
- a backslash before ASCII punctuation is dropped (CommonMark's escapes; a ``\\`` before any other
  character, as in ``C:\\Users``, stays);
- a paragraph's line wrapped by the converter is joined to the next by a space (only in a text
  whose lines in a row are nearly all such wraps, not in one extracted line by line): a line no
  wider than a wrap (80 columns, CJK counting 2, as pandoc counts) that the next line's first word would
  have taken past 60 columns (pandoc wraps at 72, at spaces only); a line that starts a list item,
  heading, table, HTML block or quote starts its own. Two short lines ("評価実施機関名" then
  "高岡市長", as an extractor prints a label above its value) stay two.

Text without a pipe-table rule is returned as it is (except its HTML tables, which
:func:`tables_as_rows` turns into rows whatever the text).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise
from typing import Final

from hyoka.ingest.formats import printed_lines

# "|---|:--:|", "| --- | --- |": the rule under a pipe table's first row.
_RULE_RE: Final = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?[ \t]*$", re.MULTILINE)
_ESCAPE_RE: Final = re.compile(r"\\([!-/:-@\[-`{-~])")
_PIPE = "\x00"  # an escaped pipe while rows are split at the others
# A line that opens a block of its own: list item, heading, table row, HTML, quote, numbered item.
_BLOCK_START_RE = re.compile(r"^[ \t]*(?:[-*+・•][ \t]|#|\||<|>|\d+[.)][ \t]|[(（]?\d+[)）])")


def is_markdown(text: str) -> bool:
    """Whether ``text`` has a pipe table's rule line (what converters' markdown of a form has)."""
    if "---" not in text or not any(pipe in text for pipe in ("-|", "|-", "- |", "| -", "-:|", "|:-")):
        return False  # checked in C before the regex runs over the whole text
    return _RULE_RE.search(text) is not None


def markdown_as_text(text: str) -> str:
    """The lines the text reader reads, from markdown (see the module docstring); HTML tables are
    turned into rows last, so that a cell's lines are never taken for a wrapped paragraph."""
    text = _markdown_lines(text) if is_markdown(text) else text
    if "<table" not in text and "<TABLE" not in text:
        return text  # most texts: the HTML parser is not even imported
    from hyoka.ingest.formats.html import tables_as_rows

    return tables_as_rows(text)


# What pandas writes for a sheet's empty cell and a header cell it had to name (markitdown's
# markdown of a workbook: "| 評価書番号 | Unnamed: 1 |", "| NaN | NaN |"): no report prints either.
_PANDAS_EMPTY = r"NaN|Unnamed: \d+"
_PANDAS_EMPTY_RE = re.compile(_PANDAS_EMPTY)
_PANDAS_CELL_RE = re.compile(rf"\|[ \t]*(?:{_PANDAS_EMPTY})[ \t]*\|")


def _cell(raw: str) -> str:
    """One pipe cell's text: escapes dropped, an escaped pipe back, pandas' empty-cell words empty."""
    text = _unescape(raw.strip()).replace(_PIPE, "|")
    return "" if _PANDAS_EMPTY_RE.fullmatch(text) else text


def _markdown_lines(text: str) -> str:
    lines: list[str] = []
    paragraph = False  # whether the last line is a paragraph's that the next may continue
    pandas = _PANDAS_CELL_RE.search(text) is not None
    raws = text.split("\n")
    joining = _converter_wrapped(raws)
    for index, raw in enumerate(raws):
        line = raw.rstrip()
        if pandas and line.startswith("## ") and index + 1 < len(raws) and raws[index + 1].lstrip().startswith("|"):
            continue  # markitdown's name of the sheet whose table follows ("## 評価書"): not report text
        if _RULE_RE.fullmatch(line):
            paragraph = False
            continue
        stripped = line.strip()
        if stripped.startswith("|") and stripped.count("|") >= 2 and "\t" not in line:
            cells = [_cell(cell) for cell in stripped.replace("\\|", _PIPE).strip("|").split("|")]
            if pandas and any("\\n" in cell for cell in cells):
                # pandas writes a cell's line break (Alt+Enter) as the two characters \n: its lines
                # continue in its column, as a workbook's do (formats.printed_lines).
                lines.extend("\t".join(row) for row in printed_lines([[c.replace("\\n", "\n") for c in cells]]))
            else:
                lines.append("\t".join(cells))
            paragraph = False
            continue
        if not stripped or "\t" in line:
            lines.append(_unescape(line))
            paragraph = False
            continue
        if joining and paragraph and not _BLOCK_START_RE.match(line) and _wrapped(lines[-1], stripped):
            lines[-1] = f"{lines[-1]} {_unescape(stripped)}"
            continue
        lines.append(_unescape(line))
        paragraph = True
    return "\n".join(lines)


WRAP_MAX, WRAP_MIN = 80, 60


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _plain(line: str) -> bool:
    """A paragraph's line: not blank, not a table row or rule, no tab."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("|") and "\t" not in line and not _RULE_RE.fullmatch(line)


def _converter_wrapped(raws: list[str]) -> bool:
    """Whether the text's paragraphs were wrapped by a converter, so that wrapped lines may be
    joined. A converter (pandoc) separates paragraphs by blank lines: two lines in a row are one
    paragraph wrapped, and the first fills the wrap width. A text extracted line by line (pdfminer's,
    in markitdown's markdown of a PDF) has lines in a row that no wrap explains ("①事務の名称 …"
    then "②事務の内容 …"); there a width-filling line is a printed line too ("2. …使用するシステム"
    then "システム1"), and nothing is joined. Joining is kept where wraps outnumber the others
    four to one."""
    wraps = others = 0
    for line, following in pairwise(raws):
        if _plain(line) and _plain(following) and not _BLOCK_START_RE.match(following):
            if _wrapped(line.strip(), following.strip()):
                wraps += 1
            else:
                others += 1
    return others * 4 <= wraps


def _wrapped(line: str, following: str) -> bool:
    """Whether a converter wrapped ``line`` before ``following``: it fits a wrap width, and the
    next line's first word would not have (see the module docstring)."""
    width = _width(line)
    return width <= WRAP_MAX and width + 1 + _width(following.split(" ", 1)[0]) > WRAP_MIN


def _unescape(text: str) -> str:
    return _ESCAPE_RE.sub(r"\1", text) if "\\" in text else text
