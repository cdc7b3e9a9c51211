"""Bytes → text, refusing what is not a text report.

Reports reach staff as UTF-8, UTF-8 with BOM or Shift_JIS/CP932 (Excel and
older Word exports); anything else is refused before parsing so that a binary
file can never produce a half-parsed version.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from hyoka.errors import InputError
from hyoka.ingest.formats import file_text
from hyoka.normalize import unix_newlines

MAX_BYTES: Final = 20 * 1024 * 1024
_CONTROL_OK: Final = {"\n", "\r", "\t", "\f"}
# The control characters below " " other than _CONTROL_OK, counted by the regex engine (in C).
_CONTROL_RE: Final = re.compile("[" + "".join(re.escape(chr(c)) for c in range(32) if chr(c) not in _CONTROL_OK) + "]")


def decode_bytes(data: bytes, name: str = "入力") -> str:
    """Decode a report file — text, or a PDF, workbook or document turned into text lines
    (:mod:`hyoka.ingest.formats`); raise InputError with a one-line reason when it is neither."""
    if not data.strip():
        raise InputError(f"{name}: ファイルが空です / file is empty")
    if len(data) > MAX_BYTES:
        raise InputError(f"{name}: ファイルが大きすぎます (上限 {MAX_BYTES // 1024 // 1024} MB) / file too large")
    other = file_text(data, name)
    if other is not None:
        return unix_newlines(other)
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: バイナリファイルは読めません / binary file")
    text = decode_text(data, name)
    controls = len(_CONTROL_RE.findall(text, 0, 65536))
    if controls > max(8, len(text[:65536]) // 100):
        raise InputError(f"{name}: 制御文字が多く、テキストではありません / not a text file")
    return unix_newlines(text)


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (BOM or not), else Shift_JIS/CP932 with no stray byte; InputError otherwise."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    undecodable = InputError(f"{name}: 文字コードを判別できません (UTF-8 / Shift_JIS のみ対応) / undecodable text")
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        raise undecodable from None
    # Python's cp932 maps stray bytes (0x80, 0xA0, 0xFD-0xFF) to C1 controls and
    # private-use code points; real Shift_JIS documents contain neither.
    if any("\x80" <= ch <= "\x9f" or "\uf8f0" <= ch <= "\uf8ff" for ch in text):
        raise undecodable
    return text


def read_text_file(path: Path) -> str:
    """Read and decode a file, mapping OS errors to the project's own error.

    At most ``MAX_BYTES`` + 1 bytes are read whatever the source: a device or a pipe reports
    a size of 0, so the cap is enforced on what arrives, not on what ``stat`` says.
    """
    try:
        if path.is_dir():
            raise InputError(f"{path}: ディレクトリです / is a directory")
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: ファイルがありません / no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: 読めません / cannot read ({exc.strerror})") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{path}: ファイルが大きすぎます (上限 {MAX_BYTES // 1024 // 1024} MB) / file too large")
    return decode_bytes(data, str(path))
