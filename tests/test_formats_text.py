"""Formats recognised by content: UTF-16 text with a BOM reads as its UTF-8 twin; containers that
are neither workbook nor document are refused in one line (exit 2, nothing written)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from hyoka.cli import app
from hyoka.ingest import read_report
from hyoka.ingest.formats import rows_to_text, sniff

SAMPLE = SAMPLES / "sakuragawa" / "v2.txt"
runner = CliRunner()


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_reads_as_the_utf8_text(tmp_path: Path, encoding: str) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace("\n", "\r\n")
    path = tmp_path / "unicode.txt"
    path.write_bytes("\ufeff".encode(encoding) + text.encode(encoding))
    assert sniff(path.read_bytes()) == "utf16"
    assert read_report(path) == read_report(SAMPLE)
    result = runner.invoke(app, ["diff", str(SAMPLE), str(path), "--format", "json"])
    assert result.exit_code == 0 and '"changes": []' in result.stdout


def test_a_zip_that_is_no_office_file_is_refused_in_one_line(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "report.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    db = f"sqlite:///{tmp_path / 'h.db'}"
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    result = runner.invoke(app, ["commit", str(path), "-r", "x", "-a", "山田", "--db", db])
    assert result.exit_code == 2
    assert "xlsx/docx ではありません" in result.output and len(result.output.strip().splitlines()) == 1
    assert runner.invoke(app, ["log", "x", "--db", db]).exit_code == 2  # no report was created


def test_rows_become_the_tab_separated_lines_of_the_text_reader() -> None:
    """A line break inside a cell continues the cell on the next line, in its own column (as the
    text reader reads a cell printed over lines); a tab inside a cell is a space."""
    rows = [["①入手元 ※", "[○] 本人\n[ ] 紙", ""], ["", "使用部署", "税務課\t収納課"]]
    assert rows_to_text(rows) == "①入手元 ※\t[○] 本人\n\t[ ] 紙\n\t使用部署\t税務課 収納課\n"
