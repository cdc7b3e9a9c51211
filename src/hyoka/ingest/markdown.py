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
  rule lines go; an HTML table that starts a line becomes rows (:func:`tables_as_rows`);
- a backslash before ASCII punctuation is dropped (CommonMark's escapes; a ``\\`` before any other
  character, as in ``C:\\Users``, stays);
- a paragraph's line wrapped by the converter is joined to the next by a space: a line no wider
  than a wrap (80 columns, CJK counting 2, as pandoc counts) that the next line's first word would
  have taken past 60 columns (pandoc wraps at 72, at spaces only); a line that starts a list item,
  heading, table, HTML block or quote starts its own. Two short lines ("評価実施機関名" then
  "高岡市長", as an extractor prints a label above its value) stay two.

Text without a pipe-table rule is returned as it is (except its HTML tables, which
:func:`tables_as_rows` turns into rows whatever the text).
"""

from __future__ import annotations

import re
import unicodedata

# "|---|:--:|", "| --- | --- |": the rule under a pipe table's first row.
_RULE_RE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?[ \t]*$", re.MULTILINE)
_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
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


def _markdown_lines(text: str) -> str:
    lines: list[str] = []
    paragraph = False  # whether the last line is a paragraph's that the next may continue
    for raw in text.split("\n"):
        line = raw.rstrip()
        if _RULE_RE.fullmatch(line):
            paragraph = False
            continue
        stripped = line.strip()
        if stripped.startswith("|") and stripped.count("|") >= 2 and "\t" not in line:
            cells = stripped.replace("\\|", _PIPE).strip("|").split("|")
            lines.append("\t".join(_unescape(cell.strip()).replace(_PIPE, "|") for cell in cells))
            paragraph = False
            continue
        if not stripped or "\t" in line:
            lines.append(_unescape(line))
            paragraph = False
            continue
        if paragraph and not _BLOCK_START_RE.match(line) and _wrapped(lines[-1], stripped):
            lines[-1] = f"{lines[-1]} {_unescape(stripped)}"
            continue
        lines.append(_unescape(line))
        paragraph = True
    return "\n".join(lines)


WRAP_MAX, WRAP_MIN = 80, 60


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrapped(line: str, following: str) -> bool:
    """Whether a converter wrapped ``line`` before ``following``: it fits a wrap width, and the
    next line's first word would not have (see the module docstring)."""
    width = _width(line)
    return width <= WRAP_MAX and width + 1 + _width(following.split(" ", 1)[0]) > WRAP_MIN


def _unescape(text: str) -> str:
    return _ESCAPE_RE.sub(r"\1", text) if "\\" in text else text
