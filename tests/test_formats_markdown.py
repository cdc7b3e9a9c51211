"""Markdown made from a report reads as the text it was made from (hyoka.ingest.markdown).

The fixtures ``samples/sakuragawa/printed/v2|v3.pandoc.gfm.md`` and ``.pandoc.html`` are the
sample's Word form converted by pandoc (``scripts/make_sample_documents.py --pandoc``): pipe
tables, an HTML table for the merged 別添1 cell, escaped brackets and dots, paragraphs wrapped
at a space; the .html is a fragment without ``<html>``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLES, SEEDS
from hyoka.ingest import parse_text, read_file
from hyoka.ingest.markdown import is_markdown, markdown_as_text
from hyoka.model import Report, value_to_json

PRINTED = SAMPLES / "sakuragawa" / "printed"


def _rows(report: Report) -> list[tuple[str, object]]:
    return [(str(item.path), value_to_json(item.value)) for item in report.items]


@pytest.mark.parametrize("name", ["v2.pandoc.gfm.md", "v3.pandoc.gfm.md", "v2.pandoc.html", "v3.pandoc.html"])
def test_pandoc_conversions_of_the_word_form_read_as_its_text(name: str) -> None:
    source = (PRINTED / name).read_text("utf-8")
    assert ("\\[" in source and "<table>" in source) if name.endswith(".md") else source.startswith("<p>")
    text = parse_text((SAMPLES / "sakuragawa" / f"{name[:2]}.txt").read_text("utf-8"))
    read = read_file(PRINTED / name).report
    assert len(text.items) >= 127 and len(text.appendix) >= 7
    assert _rows(read) == _rows(text)
    assert (read.meta, read.appendix) == (text.meta, text.appendix)


def test_pipe_rows_escapes_and_wrapped_paragraphs() -> None:
    text = ("特記事項\n\n桜川市は架空の市であり、この評価書は hyoka\nの試験用に作成した見本である。\n\n"
            "| 1\\. 特定個人情報ファイル名 | |\n|---|---|\n| ③対象人数 | \\[1万人以上10万人未満\\] |\n"
            "| 連絡先 | 税務課 a\\|b C:\\Users |\n\n- 一つ目\n- 二つ目\n")
    assert is_markdown(text)
    assert markdown_as_text(text).split("\n") == [
        "特記事項", "", "桜川市は架空の市であり、この評価書は hyoka の試験用に作成した見本である。", "",
        "1. 特定個人情報ファイル名\t", "③対象人数\t[1万人以上10万人未満]", "連絡先\t税務課 a|b C:\\Users", "",
        "- 一つ目", "- 二つ目", ""]


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem[:3])
def test_extracted_text_is_not_taken_for_markdown(path: Path) -> None:
    """The seeds hold markdown headers (001), HTML tables inside cells (002, 004) and lines of
    their own: none has a pipe-table rule, and none is changed."""
    text = path.read_text("utf-8")
    assert not is_markdown(text)
    assert markdown_as_text(text) == text
