"""Headings wrapped onto the next line, as a PDF's narrow table row or a long title prints them:
a numbered heading ("1. 特定個" then "人情報ファイルを取り扱う事務"), one whose title holds a
bracketed sentence ("(委託に伴うものを除く。)"), and a section heading, its ※ and the bracket
after it. Each reads as the unwrapped file does.

The edits are made here, on the fictional sample and on seed 004 (read from ../shared/seeds),
at every place a title can break; nothing of a seed is copied."""

from __future__ import annotations

import re

import pytest

from conftest import SAMPLES, SEEDS
from hyoka.ingest import read_text

SAMPLE = (SAMPLES / "sakuragawa" / "v1.txt").read_text(encoding="utf-8")


def _seed(name: str) -> str:
    path = SEEDS / name
    if not path.is_file():
        pytest.fail(f"{path} not found: ../shared/seeds must sit beside the clone")
    return path.read_text(encoding="utf-8")


def _reading(text: str) -> list[tuple[str, object, bool]]:
    return [(str(item.path), item.value, item.star) for item in read_text(text).report.items]


def _wrapped(text: str, line: str, cut: int) -> str:
    """``text`` with its first body line starting ``line`` broken after ``cut`` characters of it."""
    rows = text.split("\n")
    at = [i for i, row in enumerate(rows) if row.startswith(line)][-1]  # the body's, not the 項目一覧's
    rows[at : at + 1] = [rows[at][:cut], rows[at][cut:]]
    return "\n".join(rows)


FIRST = "1. 特定個人情報ファイルを取り扱う事務"


@pytest.mark.parametrize("cut", range(len("1. 特定"), len(FIRST) - 1))
def test_the_first_numbered_heading_wrapped_keeps_its_items(cut: int) -> None:
    """The body's first heading wrapped anywhere in its title: its items are read under it, not
    lost to the 項目一覧 (the body used to start at the next heading when the title's first part
    was too short to tell which heading it was)."""
    assert _reading(_wrapped(SAMPLE, FIRST, cut)) == _reading(SAMPLE)


def test_a_wrapped_heading_whose_title_goes_on_across_cells() -> None:
    """"1. 特定個" then "人情報ファイル | を取り扱う事務": the title's second half broken across
    two cells of the next line is joined whole, not left as the heading's value."""
    rows = SAMPLE.split("\n")
    at = [i for i, row in enumerate(rows) if row.startswith(FIRST)][-1]
    rows[at : at + 1] = ["1. 特定個", "人情報ファイル\tを取り扱う事務\t"]
    assert _reading("\n".join(rows)) == _reading(SAMPLE)


PROVISION = "5. 特定個人情報の提供・移転(委託に伴うものを除く。)"


@pytest.mark.parametrize("cut", range(len("5. 特定"), len(PROVISION) - 1))
def test_a_wrapped_heading_with_a_sentence_in_its_brackets(cut: int) -> None:
    """The form's titles hold a sentence in brackets ("(委託に伴うものを除く。)"): its "。" does
    not make the title's second half a sentence that only quotes the heading."""
    assert PROVISION in SAMPLE
    assert _reading(_wrapped(SAMPLE, PROVISION, cut)) == _reading(SAMPLE)


def test_a_line_that_quotes_a_heading_is_still_no_heading() -> None:
    """The sentence test still holds outside brackets: a value's line wrapped to start with a
    heading's number stays in the value."""
    rows = SAMPLE.split("\n")
    at = next(i for i, row in enumerate(rows) if row.startswith("②事務の内容"))
    quoted = "3. 特定個人情報の入手・使用に記載のとおり。"
    rows[at : at + 1] = [rows[at] + " 詳しくは", quoted[:6], quoted[6:]]
    value = dict((path, value) for path, value, _ in _reading("\n".join(rows)))["I/1/②事務の内容"]
    assert "に記載のとおり。" in str(value)
    assert [path for path, _, _ in _reading("\n".join(rows))] == [path for path, _, _ in _reading(SAMPLE)]


def _risk_section(text: str) -> str:
    """The body's first "Ⅲ …リスク対策 ※(…)" heading line of a 全項目評価書."""
    return next(row for row in text.split("\n") if re.match(r"^Ⅲ .*リスク対策 ※", row))


def test_a_section_heading_wrapped_anywhere_reads_as_printed_on_one_line() -> None:
    """A 全項目評価書's long III title wraps: anywhere in the title, before or after its ※, or
    with its numeral alone on the line. The section, its ※ and its exception are read as from
    one line. Inside the exception's bracket, only its text may differ (a line break, or a space
    lost at the break); the section and its ※ are still read."""
    text = _seed("004_cbd4026a17bd0163.txt")
    heading = _risk_section(text)
    title_end = heading.index("※")
    clean = _reading(text)
    bracket = []
    for cut in range(len("Ⅲ"), len(heading) - 1):
        read = _reading(_wrapped(text, heading, cut))
        if cut <= title_end:
            assert read == clean, heading[:cut]
        else:
            assert [(path, star) for path, _, star in read] == [(path, star) for path, _, star in clean], heading[:cut]
            bracket.append(sum(a != b for a, b in zip(read, clean, strict=True)))
    assert max(bracket) <= 1  # only the section's own value (its exception)


def test_a_numeral_alone_on_its_line() -> None:
    """"Ⅱ" on one line and the section's title on the next, as a heading set in a wide font
    prints: one section heading."""
    text = SAMPLE
    rows = text.split("\n")
    at = [i for i, row in enumerate(rows) if row.startswith("II 特定個人情報ファイルの概要")][-1]
    rows[at : at + 1] = ["II", "特定個人情報ファイルの概要"]
    assert _reading("\n".join(rows)) == _reading(text)


def test_a_body_whose_first_found_heading_is_not_its_sections_first() -> None:
    """Word's automatic numbering lost in section I but for one heading numbered by hand
    ("7. 他の評価実施機関"): the body starts at section I's heading, which text follows, not at
    that heading, and the items before it are read (as when no number survives at all)."""
    rows = SAMPLE.split("\n")
    body = [i for i, row in enumerate(rows) if row.startswith("I 基本情報")][-1]
    end = next(i for i in range(body, len(rows)) if rows[i].startswith("II 特定個人情報ファイルの概要"))
    seventh = next(i for i in range(body, end) if rows[i].startswith("7. 他の評価実施機関"))
    rows[seventh + 1 : seventh + 1] = ["桜川市広域事務組合"]  # its value, on the line below
    numbered = "\n".join(rows)
    for i in range(body, end):
        rows[i] = re.sub(r"^[1-6]\. ", "", rows[i])
    lost = {path for path, _, _ in _reading("\n".join(rows))}
    assert {path for path, _, _ in _reading(numbered) if path.startswith("I/")} <= lost
