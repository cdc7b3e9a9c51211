"""Readers: any supported input file → Report.

One entry point so the CLI and the store never care which kind of file a
user gave: the project's own format is recognised by its first line, anything
else is read as published report text.
"""

from __future__ import annotations

import os
from pathlib import Path

from hyoka.errors import HyokaError, InputError
from hyoka.ingest.decode import decode_bytes, read_text_file
from hyoka.ingest.delimited import csv_as_text
from hyoka.ingest.markdown import markdown_as_text
from hyoka.ingest.native import dumps, loads, looks_native
from hyoka.ingest.published import read_published
from hyoka.ingest.radicals import unradical
from hyoka.ingest.reading import Reading
from hyoka.model import Report

__all__ = ["Reading", "dumps", "forget", "loads", "parse_text", "read_bytes", "read_file", "read_report",
           "read_text"]


def forget() -> None:
    """Empty what readings remember for later readings in this process (issue 13, fast reading):
    the grammar's lookups, split lines, cell values, numbering and label keys. Nothing a reading
    returns depends on it; benchmarks use it to time a first reading, tests to prove that."""
    from hyoka import numbering
    from hyoka.forms import match
    from hyoka.ingest import appendix, cells, grammar, heads, lines, placer, published

    grammar.forget()
    lines.split_cells.cache_clear()
    lines.split_line.cache_clear()
    heads.mended_cells.cache_clear()
    lines.appendix_heading.cache_clear()
    appendix._table_text.cache_clear()
    appendix._parse_appendix.cache_clear()
    published.item_of.cache_clear()
    placer._clean_label.cache_clear()
    appendix._short_timing.cache_clear()
    cells.parse_value.cache_clear()
    numbering.forget()
    match.key.cache_clear()
    match.names.cache_clear()


def parse_text(text: str, name: str = "入力") -> Report:
    """A decoded file's text → Report, choosing the reader by content."""
    return read_text(text, name).report


def read_text(text: str, name: str = "入力") -> Reading:
    """A decoded file's text → Report and what its reading noticed (nothing for the own format)."""
    text = text.lstrip("\ufeff")
    if looks_native(text):
        return Reading(loads(text))
    try:
        return read_published(markdown_as_text(csv_as_text(unradical(text))), name)
    except HyokaError:
        raise
    except Exception as exc:
        # A reader fault on a file it was not made for: one line and exit 2, nothing written,
        # never a traceback (HYOKA_DEBUG=1 shows it, for a bug report).
        if os.environ.get("HYOKA_DEBUG"):
            raise
        raise InputError(f"{name}: 読み取りに失敗しました (hyoka の不具合の可能性があります: {type(exc).__name__}。"
                         f"HYOKA_DEBUG=1 で詳細) / reader failure") from exc


def read_bytes(data: bytes, name: str = "入力") -> Report:
    return parse_text(decode_bytes(data, name), name)


def read_report(path: Path) -> Report:
    """Read a report file of any supported kind; raises InputError (exit 2 in the CLI)."""
    return read_file(path).report


def read_file(path: Path) -> Reading:
    """Read a report file with the reading's diagnostics (`hyoka check`, warnings on commit/diff)."""
    return read_text(read_text_file(path), str(path))
