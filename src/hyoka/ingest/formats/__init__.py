"""Files that are not plain text, recognised by their content and turned into rows of cells.

A clerk holds the published PDF, or the working copy as the official form's Excel or Word
file. None of these has a reader of its own for items: each format module turns its file into
rows of cells in reading order (one row per printed row, one cell per table cell), and the rows
become the same tab-separated lines the text reader places on the form. So a PDF, an xlsx and
a docx of one report read to the same item tree as its text.

Detection is by magic bytes, never by the file name: a ``.txt`` that is really a workbook is
read as a workbook, and a ``.pdf`` that is really text is read as text.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Sequence
from io import BytesIO
from typing import Literal

from hyoka.errors import InputError

Rows = list[list[str]]
Kind = Literal["pdf", "xlsx", "docx", "xls", "odf", "zip", "utf16", "html", "text"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NAMES = {"pdf": "PDF", "xlsx": "Excel (xlsx)", "docx": "Word (docx)", "xls": "Excel 97-2003 (xls)",
          "html": "Web ページ (HTML)"}


def sniff(data: bytes) -> Kind:
    """The kind of file ``data`` is, by its first bytes (and, for zip containers, their parts)."""
    if data.startswith(b"%PDF-") or data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    if data.startswith(_OLE):
        return "xls"
    if data.startswith(b"PK\x03\x04"):
        try:
            archive = zipfile.ZipFile(BytesIO(data))
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 256 \
                    and archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument."):
                return "odf"
        except (zipfile.BadZipFile, ValueError, OSError, RuntimeError, NotImplementedError, EOFError, zlib.error):
            return "zip"  # a damaged or encrypted member: the zip line says it cannot be read
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        return "zip"
    if is_html(data):
        return "html"
    return "text"


# A page written without its <html> (pandoc -t html, a fragment saved to a file) opens with a block.
_FRAGMENT_STARTS = (b"<p>", b"<p ", b"<h1", b"<h2", b"<h3", b"<table", b"<div", b"<body", b"<section", b"<article")
_FRAGMENT_ENDS = (b"</p>", b"</table>", b"</div>")


def is_html(data: bytes) -> bool:
    """Whether ``data`` is a web page: it opens with a doctype or an ``<html>`` element, or is a
    fragment that opens with a block element and closes one (``<p>…</p>``); a text whose cells hold
    HTML (the seeds) opens with text."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml"):
        head = head[head.find(b"?>") + 2 :].lstrip()
    while head.startswith(b"<!--"):  # a comment before the doctype
        end = head.find(b"-->")
        if end < 0:
            return False
        head = head[end + 3 :].lstrip()
    if head.startswith((b"<!doctype html", b"<html")):
        return True
    return head.startswith(_FRAGMENT_STARTS) and any(end in data[:65536].lower() for end in _FRAGMENT_ENDS)


def printed_lines(rows: Rows) -> Rows:
    """Rows as printed lines: a cell whose text breaks over lines (Alt+Enter in Excel, paragraphs
    in a Word cell, lines of a PDF cell that end before its right edge) continues on the next
    lines in its own column, with the other columns empty, as a PDF of the table prints it. The
    text reader then keeps the breaks, as it does for text."""
    lines: Rows = []
    for row in rows:
        split = [cell.split("\n") for cell in row]
        depth = max((len(parts) for parts in split), default=1)
        if depth == 1:
            lines.append(row)
            continue
        for index in range(depth):
            lines.append([parts[index] if index < len(parts) else "" for parts in split])
    return lines


def rows_to_text(rows: Sequence[Sequence[str]]) -> str:
    """Rows of cells as the tab-separated lines the text reader reads; a line break inside a
    cell continues in its column (``printed_lines``), a tab inside a cell becomes a space."""
    lines: list[str] = []
    for row in printed_lines([[str(cell).replace("\t", " ") for cell in row] for row in rows]):
        cells = [cell.strip() for cell in row]
        while cells and not cells[-1]:
            cells.pop()
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def _reader(kind: Kind) -> Callable[[bytes, str], Rows] | None:
    """The rows reader of a kind, imported only when such a file comes (their libraries are big)."""
    if kind == "pdf":
        from hyoka.ingest.formats.pdf import pdf_rows

        return pdf_rows
    if kind == "xlsx":
        from hyoka.ingest.formats.office import xlsx_rows

        return xlsx_rows
    if kind == "docx":
        from hyoka.ingest.formats.office import docx_rows

        return docx_rows
    if kind == "xls":
        from hyoka.ingest.formats.office import xls_rows

        return xls_rows
    if kind == "html":
        from hyoka.ingest.formats.html import html_rows

        return html_rows
    return None


def decode_utf16(data: bytes, name: str) -> str:
    """UTF-16 text with its byte-order mark (Excel's "Unicode テキスト")."""
    try:
        return data.decode("utf-16")
    except UnicodeDecodeError:
        raise InputError(
            f"{name}: 文字コードを判別できません (UTF-16 として壊れています) / damaged UTF-16 text"
        ) from None


def file_text(data: bytes, name: str) -> str | None:
    """The text lines of a PDF, workbook or document file; None for a text file (decoded elsewhere)."""
    kind = sniff(data)
    if kind == "text":
        return None
    if kind == "utf16":
        return decode_utf16(data, name).lstrip("\ufeff")
    if kind == "odf":
        raise InputError(
            f"{name}: OpenDocument (ods/odt) は読めません: LibreOffice の「名前を付けて保存」で Excel 2007-365 (.xlsx)"
            " または Word 2007-365 (.docx) として保存してください / OpenDocument: save as xlsx or docx"
        )
    if kind == "zip":
        raise InputError(
            f"{name}: バイナリファイル (ZIP) は読めません: xlsx/docx ではありません / zip archive, not xlsx or docx"
        )
    try:
        reader = _reader(kind)
    except ImportError:
        reader = None
    if reader is None:
        raise InputError(f"{name}: {_NAMES[kind]} は読めません (テキストに変換してください) / {kind} not supported")
    return rows_to_text(reader(data, name))
