"""Bad input is refused with the project's own error before any parsing."""

from __future__ import annotations

import pytest

from hyoka.errors import InputError
from hyoka.ingest.decode import decode_bytes


def test_shift_jis_and_bom_are_decoded() -> None:
    text = "特定個人情報保護評価書(重点項目評価書)\n"
    assert decode_bytes(text.encode("cp932")) == text
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode_bytes(b"a\r\nb\rc") == "a\nb\nc"


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "空"),
        (b"  \n\t\n", "空"),
        (b"PK\x03\x04\x00\x00binary", "バイナリ"),
        (bytes(range(1, 32)) * 20, "制御文字"),
        (b"\xff\xfe\xfa\x80\x81\xfc\xfd", "文字コード"),
    ],
)
def test_bad_bytes_are_refused(data: bytes, needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        decode_bytes(data)
