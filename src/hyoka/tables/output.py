"""Render a table in a format and put it where the user asked, whole or not at all."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from hyoka.errors import InputError
from hyoka.tables.render import Table, render

FORMATS = ("md", "csv", "html", "xlsx")
_SUFFIXES = {".md": "md", ".csv": "csv", ".html": "html", ".htm": "html", ".xlsx": "xlsx"}


def choose_format(requested: str | None, output: Path | None, default: str) -> str:
    """--format if given, else the output file's suffix, else ``default``."""
    if requested is not None:
        if requested not in FORMATS:
            raise InputError(f"形式 {requested} は使えません ({', '.join(FORMATS)}) / unknown format")
        return requested
    if output is not None and output.suffix.lower() in _SUFFIXES:
        return _SUFFIXES[output.suffix.lower()]
    return default


# The formats each table exists in: the appendix in all; the 新旧対照表 is printed (html) or
# filed with the form's workbook (xlsx); the 一覧 is printed only.
TABLE_FORMATS = {"appendix": FORMATS, "shinkyu": ("html", "xlsx"), "ichiran": ("html",)}


def table_bytes(table: Table, kind: str, fmt: str) -> bytes:
    """The table as bytes in ``fmt``, refused in one line when the table has no such format."""
    allowed = TABLE_FORMATS[kind]
    if fmt not in allowed:
        raise InputError(f"{table.title} は {' / '.join(allowed)} 形式です / only {', '.join(allowed)} for this table")
    if fmt == "xlsx":
        from hyoka.tables.xlsx import write_xlsx

        return write_xlsx(table, kind)
    return render(f"{kind}.{fmt}.j2", table).encode("utf-8")


def write_output(data: bytes, output: Path | None, fmt: str) -> None:
    """Write to ``output`` through a temporary file and a rename, so a failure leaves no half
    file; without ``output``, text goes to stdout and xlsx is refused (it is binary)."""
    if output is None:
        if fmt == "xlsx":
            raise InputError("xlsx は -o でファイルを指定してください / xlsx needs -o FILE")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    directory = output.resolve().parent
    if not directory.is_dir():
        raise InputError(f"出力先のフォルダがありません / no such directory: {directory}")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".hyoka-", suffix=output.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
