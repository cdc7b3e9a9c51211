"""Render a table in a format and put it where the user asked, whole or not at all."""

from __future__ import annotations

import os
import stat
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


# Pseudo-filesystems: nothing hyoka writes belongs there, and no temporary file may be made there.
_SPECIAL_ROOTS = (Path("/dev"), Path("/proc"), Path("/sys"))


def _umask() -> int:
    """The process's umask (read by setting and restoring it; hyoka's CLI is single-threaded)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _target(output: Path) -> Path:
    """The regular file ``output`` names, symlinks resolved; anything else is refused in one line."""
    if not str(output) or str(output) == ".":
        raise InputError("出力ファイル名が空です / empty output file name")
    target = output.resolve()
    if any(target == root or target.is_relative_to(root) for root in _SPECIAL_ROOTS):
        raise InputError(f"{output}: 特殊なファイルには書き出せません / not a regular file ({target})")
    if target.is_dir():
        raise InputError(f"{output}: フォルダです。ファイル名を指定してください / is a directory")
    if target.exists() and not target.is_file():
        raise InputError(f"{output}: 通常のファイルではありません / not a regular file")
    if not target.parent.is_dir():
        raise InputError(f"出力先のフォルダがありません / no such directory: {target.parent}")
    return target


def write_output(data: bytes, output: Path | None, fmt: str) -> None:
    """Write to ``output`` through a temporary file beside the resolved target and a rename, so a
    failure leaves no half file; without ``output``, text goes to stdout and xlsx is refused (it is
    binary). A new file gets the mode the umask gives (0644 under 022); a replaced file keeps its own."""
    if output is None:
        if fmt == "xlsx":
            raise InputError("xlsx は -o でファイルを指定してください / xlsx needs -o FILE")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = _target(output)
    try:
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".hyoka-", suffix=target.suffix)
    except OSError as exc:
        raise InputError(f"{output}: 書き出せません / cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"{output}: 書き出せません / cannot write ({exc.strerror})") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
