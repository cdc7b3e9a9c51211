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
- the lines of one paragraph are one line, joined by a space (a converter wraps only at a space);
  a line that starts a list item, heading, table, HTML block or quote starts its own.

Text without a pipe-table rule is returned as it is (except its HTML tables, which
:func:`tables_as_rows` turns into rows whatever the text).
"""

from __future__ import annotations

import re

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
        if paragraph and not _BLOCK_START_RE.match(line):
            lines[-1] = f"{lines[-1]} {_unescape(stripped)}"
            continue
        lines.append(_unescape(line))
        paragraph = True
    return "\n".join(lines)


def _unescape(text: str) -> str:
    return _ESCAPE_RE.sub(r"\1", text) if "\\" in text else text
