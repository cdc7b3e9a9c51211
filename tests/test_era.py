"""和暦 ⇄ date conversion, both ways."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hyoka.era import parse_date, to_era, whole_date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("令和7年8月29日", "2025-08-29"),
        ("令和元年5月1日", "2019-05-01"),
        ("平成31年4月30日", "2019-04-30"),
        ("平成28年1月1日", "2016-01-01"),
        ("令和 6 年 11 月 15 日", "2024-11-15"),
        ("令和７年１０月１日", "2025-10-01"),
        ("2024/5/27", "2024-05-27"),
        ("2024年12月1日", "2024-12-01"),
    ],
)
def test_parse(text: str, iso: str) -> None:
    day = parse_date(text)
    assert day is not None and day.isoformat() == iso


@pytest.mark.parametrize("text", ["", "令和7年13月1日", "未定", "令和7年2月30日"])
def test_parse_rejects(text: str) -> None:
    assert parse_date(text) is None


def test_format_first_year_is_gannen() -> None:
    assert to_era(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert to_era(dt.date(2019, 4, 30)) == "平成31年4月30日"
    assert to_era(dt.date(2025, 11, 1)) == "令和7年11月1日"


@given(st.dates(min_value=dt.date(1926, 12, 25), max_value=dt.date(2200, 12, 31)))
def test_round_trip(day: dt.date) -> None:
    assert parse_date(to_era(day)) == day


@pytest.mark.parametrize(("text", "iso"), [
    ("R5.6.1", "2023-06-01"), ("R5/6/1", "2023-06-01"), ("Ｒ５．６．１", "2023-06-01"), ("R05.06.01", "2023-06-01"),
    ("H30.4.1", "2018-04-01"), ("令和5.6.1", "2023-06-01"), ("R元.6.1", "2019-06-01"), ("S64.1.7", "1989-01-07"),
])
def test_abbreviated_era_dates(text: str, iso: str) -> None:
    assert parse_date(text) == dt.date.fromisoformat(iso)


@pytest.mark.parametrize("text", ["HTML5.1.2", "R5.13.1", "IR5.6.1", "R5.6.123"])
def test_abbreviated_era_dates_only_standing_alone(text: str) -> None:
    assert parse_date(text) is None


def test_an_appendix_row_keeps_its_abbreviated_date() -> None:
    """A 変更日 printed R5.6.1 opens a revision of its own instead of continuing the one above."""
    from pathlib import Path

    from hyoka.ingest import read_text

    text = (Path(__file__).resolve().parents[1] / "samples" / "sakuragawa" / "v4.txt").read_text(encoding="utf-8")
    at = text.rfind("令和5年6月1日")
    assert at > 0
    rows = read_text(text[:at] + "R5.6.1" + text[at + len("令和5年6月1日"):], "abbreviated").report.appendix
    original = read_text(text, "original").report.appendix
    assert len(rows) == len(original)
    changed = [(a.date, b.date) for a, b in zip(original, rows, strict=True) if a.date != b.date]
    assert changed == [("令和5年6月1日", "R5.6.1")]
    assert parse_date(changed[0][1]) == parse_date(changed[0][0])


@pytest.mark.parametrize(("text", "iso"), [
    ("令和7年8月29日", "2025-08-29"), ("2025年8月29日", "2025-08-29"), ("２０２５年８月２９日", "2025-08-29"),
    ("R7.8.29", "2025-08-29"), ("Ｒ７．８．２９", "2025-08-29"), ("令和7.8.29", "2025-08-29"),
    ("令和7年8月29日(金)", "2025-08-29"), ("令和7年8月29日（金）", "2025-08-29"), ("2025/8/29 (金)", "2025-08-29"),
    ("R7年8月29日", "2025-08-29"), ("Ｈ３０年５月１日", "2018-05-01"),
])
def test_a_date_cell_in_any_notation_offices_print(text: str, iso: str) -> None:
    """A cell holding only a date is a date however an office prints it: era, abbreviated era,
    western with 年月日, full width, with its day of the week."""
    assert whole_date(text) == dt.date.fromisoformat(iso)


@pytest.mark.parametrize("text", ["令和7年8月29日から", "7.8.29", "R7.13.1", "2025年8月", "令和7年8月29日(祝日)",
                                  "XR7年8月29日"])
def test_a_cell_with_more_than_a_date_is_no_date_cell(text: str) -> None:
    assert whole_date(text) is None


def test_a_date_printed_another_way_is_a_formal_change() -> None:
    """The same day in two notations (a workbook's cell and its PDF) is no change of meaning,
    even in an item whose change would be important."""
    from hyoka.classify import classify_row
    from hyoka.classify.policy import Policy

    decision = classify_row("全項目", "V 評価実施手続 1. 基礎項目評価 ①実施日", "令和7年8月29日", "R7.8.29（金）",
                            Policy()).decision
    assert (decision.rule, decision.timing) == ("notation_only", "事後")
