"""The 変更箇所 appendix reader: seed facts counted by hand, small tables, hostile input.

The seed counts below were established by reading each appendix line by line
(tab-split, one printed table line per row checked against its neighbours),
not by running the parser.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hyoka.ingest.appendix import find_appendix_start, parse_appendix
from hyoka.model import ChangeRow

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
HEADER = "変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\t提出時期に係る説明"


def _seed_lines(name: str) -> list[str]:
    path = SEEDS / name
    if not path.is_file():
        pytest.fail(f"seed not found at {path}: ../shared must sit beside the clone")
    return path.read_text(encoding="utf-8").split("\n")


def _seed_rows(name: str) -> tuple[int, tuple[ChangeRow, ...]]:
    lines = _seed_lines(name)
    start = find_appendix_start(lines)
    assert start is not None
    return start, parse_appendix(lines[start + 1 :])


def _timings(rows: tuple[ChangeRow, ...]) -> Counter[str]:
    return Counter(row.timing for row in rows)


# --- seeds -----------------------------------------------------------------


def test_seed_001_noisy_ocr() -> None:
    # Counted by hand: the appendix (heading on line 1002) has 280 printed
    # lines whose 5th cell is 事前/事後 (42 + 238). Besides them, under the
    # heading: 17 repeated header rows, one OCR junk line right under the
    # heading and one junk line at a page foot (no row), and line 1181, which
    # carries a date and the first half of an item but empty 変更前/変更後/提出時期
    # cells: it is the top half of the 提供先74 ⑦時期・頻度 row printed on
    # line 1182 (the cycle of 提供先 items confirms no row is missing there).
    # So 280 rows. The last 39 rows have no legible date (blank or OCR debris).
    start, rows = _seed_rows("001_cc86eefa057d2f96.txt")
    assert start == 1001  # "### (別添3)変更箇所"; the table of contents lost this entry to OCR
    assert len(rows) == 280
    assert _timings(rows) == Counter({"事後": 238, "事前": 42})
    assert sum(1 for row in rows if not row.date) == 39
    first, last = rows[0], rows[-1]
    assert (first.date, first.timing) == ("令和6年3月26日", "事後")
    assert "②請求方法" in first.item
    assert (last.date, last.timing) == ("", "事前")
    assert "②監査" in last.item
    merged = [row for row in rows if "⑦時期・頻" in row.item and "提供先74" in row.item]
    assert len(merged) == 1
    assert merged[0].date == "令和6年11月15日"
    assert merged[0].after == "照会を受けたら都度"
    assert merged[0].timing == "事後"


def test_seed_001_dates_and_html() -> None:
    _, rows = _seed_rows("001_cc86eefa057d2f96.txt")
    dates = Counter(row.date for row in rows)
    assert dates["令和6年3月26日"] == 5
    assert dates["令和7年3月24日"] == 8
    assert all("<b>" not in row.before and "</b>" not in row.before for row in rows)
    assert all(row.timing in {"事前", "事後"} for row in rows)


def test_seed_002_juten() -> None:
    # Counted by hand: 19 rows on lines 379-406 (the last line has no newline).
    # Line 401 merges 変更前/変更後 into one cell so 事前 sits in the 4th cell;
    # line 402 is a row of its own with a blank 変更日 (a spanned date cell).
    start, rows = _seed_rows("002_d96ab8c3580b4465.txt")
    assert start == 375  # not the 項目一覧 entry on line 34
    assert len(rows) == 19
    assert _timings(rows) == Counter({"事後": 10, "事前": 9})
    assert (rows[0].date, rows[0].timing) == ("令和6年5月27日", "事後")
    assert rows[0].item == "I 基本情報 4. 法令上の根拠"
    assert rows[0].reason == "番号法の改正による"
    assert (rows[-1].date, rows[-1].timing) == ("令和7年11月1日", "事後")
    assert rows[1].before == "2024/5/27"
    merged, blank = rows[14], rows[15]
    assert (merged.timing, merged.reason, merged.after) == ("事前", "重要な変更による", "")
    assert (blank.date, blank.timing, blank.before) == ("", "事前", "-")


def test_seed_002_html_is_stripped_but_bracketed_text_kept() -> None:
    _, rows = _seed_rows("002_d96ab8c3580b4465.txt")
    for row in rows:
        for text in (row.item, row.before, row.after, row.reason):
            assert "<p>" not in text and "</p>" not in text and "<ul" not in text and "<li>" not in text
    assert rows[2].before.startswith("<高岡市における措置>")
    assert "\n" in rows[3].item  # <p>III…</p> <p>6. …</p> keeps its paragraph break
    assert rows[3].item.split("\n")[0] == "IIIリスク対策"


def test_seed_004_blank_dates() -> None:
    # Counted by hand: lines 1073-1085, 1088-1097, 1100-1110, 1113-1121 and
    # 1124-1133 (13 + 10 + 11 + 9 + 10 = 53), each one six-cell line; the
    # 変更日 is blank throughout (a draft); 事後 only for the three 評価実施手続 rows.
    start, rows = _seed_rows("004_cbd4026a17bd0163.txt")
    assert start == 1069  # not the 項目一覧 entry on line 36
    assert len(rows) == 53
    assert _timings(rows) == Counter({"事前": 50, "事後": 3})
    assert all(row.date == "" for row in rows)
    assert "①システムの名称" in rows[0].item
    assert rows[0].timing == "事前"
    assert rows[-1].item == "別添1 事務内容(本人確認情報ファイル・送付先情報ファイル)"
    assert rows[-1].timing == "事前"
    late = [row for row in rows if row.timing == "事後"]
    assert all(row.item.startswith("Ⅵ 評価実施手続") and row.reason == "" for row in late)
    assert rows[11].before == "(記載なし)"


# --- small tables ------------------------------------------------------------


def _rows(*lines: str) -> tuple[ChangeRow, ...]:
    return parse_appendix(list(lines))


def test_simple_rows_and_repeated_header() -> None:
    rows = _rows(
        HEADER,
        "令和7年7月18日\tI 基本情報\t旧\t新\t事前\t重要な変更",
        "",
        "- 12 -",
        "-----\t---\t---",
        "|",
        HEADER,
        "2024/5/27\tV 評価実施手続\tA\tB\t事 後\t",
    )
    assert rows == (
        ChangeRow("令和7年7月18日", "I 基本情報", "旧", "新", "事前", "重要な変更"),
        ChangeRow("2024/5/27", "V 評価実施手続", "A", "B", "事後", ""),
    )


def test_row_split_over_lines() -> None:
    rows = _rows(
        "令和元年5月1日\tII 概要\t前の記載の",
        "続き\t後の記載\t事後\t見直し",
        "による",
        "令和7年11月1日\tIII リスク対策\t-\t追記\t事前\t",
    )
    assert len(rows) == 2
    assert rows[0] == ChangeRow(
        "令和元年5月1日", "II 概要", "前の記載の\n続き", "後の記載", "事後", "見直し\nによる"
    )
    assert rows[1].timing == "事前"


def test_full_width_continuation_lines_continue_each_column() -> None:
    rows = _rows(
        "平成28年1月1日\t項目の\t変更前\t変更後\t事前\t",
        "\t続き\t(続)\t\t\t",
    )
    assert rows == (ChangeRow("平成28年1月1日", "項目の\n続き", "変更前\n(続)", "変更後", "事前", ""),)


def test_blank_dates_split_by_timing() -> None:
    rows = _rows(
        HEADER,
        "\t項目1\t(記載なし)\t追加\t事前\t理由",
        "\t項目2\t旧\t新\t事後\t",
        "\t項目3\t旧\t新\t事前\t理由",
    )
    assert [(r.date, r.item, r.timing) for r in rows] == [
        ("", "項目1", "事前"),
        ("", "項目2", "事後"),
        ("", "項目3", "事前"),
    ]


def test_top_half_without_timing_joins_the_line_that_has_it() -> None:
    rows = _rows(
        "令和6年11月15日\t項目 上半分\t\t\t\t",
        "π\t下半分\t(記載なし)\t都度\t事後\t",
    )
    assert rows == (ChangeRow("令和6年11月15日", "項目 上半分\n下半分", "(記載なし)", "都度", "事後", ""),)


def test_html_in_cells() -> None:
    rows = _rows(
        '令和7年11月1日\t<p>III リスク対策</p> <p>7. 保管</p>\t<ul style="x"><li>旧 &amp; 古</li></ul>'
        "\t<p>&lt;新&gt;</p><br><b>太字</b>\t事前\t<p>重要な変更</p>",
    )
    assert rows == (
        ChangeRow("令和7年11月1日", "III リスク対策\n7. 保管", "旧 & 古", "<新>\n太字", "事前", "重要な変更"),
    )


def test_broken_structure_finds_the_lone_token() -> None:
    rows = _rows("令和7年11月1日\t項目\t前後が一つのセル\t事前\t重要な変更による\t")
    assert rows == (ChangeRow("令和7年11月1日", "項目", "前後が一つのセル", "", "事前", "重要な変更による"),)


def test_junk_before_first_row_and_no_timing() -> None:
    rows = _rows("(別添3)変更\t\tala Tiro\t\tAnna", "令和7年1月1日\t項目\t前\t後\t\t")
    assert rows == (ChangeRow("令和7年1月1日", "項目", "前", "後", "", ""),)


def test_find_start_skips_table_of_contents() -> None:
    lines = ["## 項目一覧", "(別添2) 変更箇所", "I 基本情報", "本文\tです", "", "(別添2)変更箇所", "", HEADER]
    assert find_appendix_start(lines) == 5
    assert find_appendix_start(["(別添2) 変更箇所", "I 基本情報"]) is None
    assert find_appendix_start(["本文", HEADER, "令和7年1月1日\tx\ty\tz\t事前\t"]) == 1


# --- hostile input -----------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("令和7年1月日事前後\t <p>/&;#|-\r\n0a変更箇所日項目"), max_size=60)
    )
)
def test_never_raises_on_table_like_text(lines: list[str]) -> None:
    rows = parse_appendix(lines)
    find_appendix_start(lines)
    assert all(row.timing in {"", "事前", "事後"} for row in rows)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    lines = text.split("\n")
    parse_appendix(lines)
    find_appendix_start(lines)


def test_hostile_input_stays_fast() -> None:
    cases = [
        ["<p" * 100_000, "令和 " * 50_000, "\t" * 100_000, "&" * 100_000],
        ["令和7年1月1日\t項目\t前\t後\t事前\t", *["続き"] * 50_000],
        ["(別添3)変更箇所", "あ" * 50_000] * 100,
    ]
    began = time.perf_counter()
    for lines in cases:
        parse_appendix(lines)
        find_appendix_start(lines)
    assert time.perf_counter() - began < 10
