"""A report saved as a web page (Word's 「Web ページ」, a browser's 「名前を付けて保存」): its
tables' rows as rows of cells, and the text between tables as lines of one cell.

The official forms are tables; saved as HTML, each printed row is a ``<tr>`` and each cell a
``<td>``. Only the outermost tables give rows: a table inside a cell (the options of a choice,
laid out in columns) is that cell's text, one line per row. Inside a cell, ``<br>`` and the end
of a paragraph, list item or block break the line (kept as a line break, as the other formats
keep a cell's lines); a checkbox or radio button is a printed box, ``[○]`` when checked (a radio
button too, as the text reader reads one: extractors draw a printed ○ so) and ``[ ]`` when not,
once even where the page prints it inside brackets (``[<input …>]``). Scripts, styles and
comments (Word's conditional ones too) carry no text.

LibreOffice Calc heads an exported workbook with an "Overview" of links to its sheets
(``<a href="#table0">``) and each sheet with "Sheet N: name": export furniture, not the report's
text, and skipped.

The page's bytes are decoded by the charset it declares (Shift_JIS pages included), else as
UTF-8, else Shift_JIS; a page that decodes as none is refused as text would be.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hyoka.errors import InputError
from hyoka.ingest.decode import decode_text

Rows = list[list[str]]

_BLOCKS = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "pre", "blockquote",
                     "section", "article", "header", "footer", "caption", "title"})
_SKIPPED = frozenset({"script", "style", "head"})
_CALC_FURNITURE_RE = re.compile(r"^(?:Overview|Sheet \d+: .*)$")  # LibreOffice Calc's sheet headings
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_SPACES_RE = re.compile(r"[ \t\u00a0\r\f\v]+")
_BRACKETED_BOX_RE = re.compile(r"[\[［]\s*\[(○| )\]\s*[\]］]")  # "[<input>]": the page's brackets around the box


_SHIFT_JIS_NAMES = {"shift_jis": "cp932", "shift-jis": "cp932", "x-sjis": "cp932", "sjis": "cp932"}


def decode_page(data: bytes, name: str) -> str:
    """The page's text, by the charset it declares, else as a text file is decoded (UTF-8, else
    Shift_JIS: :func:`hyoka.ingest.decode.decode_text`)."""
    declared = _CHARSET_RE.search(data[:8192])
    if declared is not None:
        encoding = declared.group(1).decode("ascii").lower()
        try:
            return data.decode(_SHIFT_JIS_NAMES.get(encoding, encoding)).lstrip("\ufeff")
        except (UnicodeDecodeError, LookupError):
            pass
    return decode_text(data, name).lstrip("\ufeff")


class _Page(HTMLParser):
    """Collects rows while the parser walks the page (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: Rows = []
        self.depth = 0  # how many tables are open
        self.skip = 0  # inside script/style/head
        self.row: list[str] | None = None  # the outermost table's open row
        self.cell: list[str] | None = None  # the open cell's text pieces
        self.line: list[str] = []  # text outside any table
        self.link = False  # inside LibreOffice Calc's link to a sheet (<a href="#tableN">)

    # -- text sinks ----------------------------------------------------------------
    def _put(self, text: str) -> None:
        if self.cell is not None:
            self.cell.append(text)
        elif self.depth == 0:
            self.line.append(text)

    def _end_line(self) -> None:
        if self.depth == 0 and self.cell is None:
            text = _clean("".join(self.line))
            if text and not _CALC_FURNITURE_RE.match(text):
                self.rows.extend([[part] for part in text.split("\n")])
            self.line = []
        else:
            self._put("\n")

    # -- parser callbacks ---------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "table":
            if self.depth == 0:
                self._end_line()
            self.depth += 1
        elif tag == "tr":
            if self.depth == 1:
                self._close_row()
                self.row = []
            elif self.cell is not None:
                self._put("\n")
        elif tag in ("td", "th"):
            if self.depth == 1:
                self._close_cell()
                if self.row is None:
                    self.row = []
                self.cell = []
            elif self.cell is not None:
                self._put(" ")
        elif tag == "br" or tag in _BLOCKS:
            self._end_line()
        elif tag == "a":
            self.link = bool(re.fullmatch(r"#table\d+", dict(attrs).get("href") or ""))
        elif tag == "input":
            values = dict(attrs)
            kind = (values.get("type") or "").lower()
            if kind in ("checkbox", "radio"):
                self._put(" [○] " if "checked" in values or kind == "radio" else " [ ] ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag == "table" and self.depth:
            if self.depth == 1:
                self._close_row()
            self.depth -= 1
            if self.cell is not None:
                self._put("\n")
        elif tag in ("td", "th") and self.depth == 1:
            self._close_cell()
        elif tag == "tr" and self.depth == 1:
            self._close_row()
        elif tag == "a":
            self.link = False
        elif tag in _BLOCKS:
            self._end_line()

    def handle_data(self, data: str) -> None:
        if not self.skip and not self.link:
            self._put(data.replace("\n", " "))

    # -- closing ------------------------------------------------------------------------
    def _close_cell(self) -> None:
        if self.cell is not None and self.row is not None:
            self.row.append(_clean("".join(self.cell)))
        self.cell = None

    def _close_row(self) -> None:
        self._close_cell()
        if self.row is not None and any(self.row):
            self.rows.append(self.row)
        self.row = None

    def finish(self) -> Rows:
        self.close()
        self._close_row()
        self.depth = 0
        self._end_line()
        return self.rows


def _clean(text: str) -> str:
    """One space per gap on each line, no blank lines (a cell's line breaks are kept)."""
    lines = (_BRACKETED_BOX_RE.sub(r"[\1]", _SPACES_RE.sub(" ", line)).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def html_rows(data: bytes, name: str) -> Rows:
    """The page's rows: each outermost table row's cells, and each line of text between tables."""
    page = _Page()
    page.feed(decode_page(data, name))
    rows = page.finish()
    if not rows:
        raise InputError(f"{name}: Web ページに本文がありません / web page without text")
    return rows


# An HTML table that starts a line of a text file: pandoc writes a Word table with merged cells so
# in markdown (gfm), and other converters fall back to it. A table after a tab is a cell's value.
_TABLE_OPEN_RE = re.compile(r"<table\b", re.IGNORECASE)
_TABLE_TAG_RE = re.compile(r"<(/?)table\b[^>]*>", re.IGNORECASE)


def tables_as_rows(text: str) -> str:
    """``text`` with each HTML table that starts a line (to its matching ``</table>``) written as
    the tab-separated rows the text reader reads, a cell's line breaks in its column; text
    without one comes back as it is."""
    from hyoka.ingest.formats import rows_to_text

    if "<table" not in text and "<TABLE" not in text:
        return text
    out: list[str] = []
    position = 0
    while (start := _line_table(text, position)) is not None:
        depth, end = 0, None
        for tag in _TABLE_TAG_RE.finditer(text, start):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = tag.end()
                break
        if end is None:  # never closed: left as text
            break
        page = _Page()
        page.feed(text[start:end])
        out += [text[position:start], rows_to_text(page.finish())]
        position = end
    out.append(text[position:])
    return "".join(out)


def _line_table(text: str, position: int) -> int | None:
    """Where the next ``<table`` at or after ``position`` that starts a paragraph begins: alone at
    the start of its line (blanks before it allowed), after a blank line or the text's start, as
    markdown writes a block of HTML. A table on the line after a label is that label's value,
    printed one cell per line (the seeds' option tables). A text holds few tables, so each one
    found is checked (no regex over lines)."""
    for found in _TABLE_OPEN_RE.finditer(text, position):
        line_start = text.rfind("\n", 0, found.start()) + 1
        if text[line_start : found.start()].strip(" \u3000"):
            continue
        previous = text.rfind("\n", 0, max(line_start - 1, 0)) + 1
        if line_start == 0 or not text[previous : line_start].strip():
            return line_start
    return None

