"""The project's own text format round-trips exactly and reports defects by line."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hyoka.era import to_era
from hyoka.errors import FormatError
from hyoka.ingest.native import dumps, loads
from hyoka.model import (
    FORM_KINDS,
    ChangeRow,
    Check,
    Checks,
    Choice,
    Count,
    Date,
    Item,
    ItemPath,
    Report,
    ReportMeta,
    Text,
)

# Any printable text, including Japanese, "|", "==", "#" and leading/trailing spaces.
line = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=30)
multiline = st.lists(line, max_size=4).map("\n".join)
segment = st.text(
    st.characters(blacklist_categories=("Cs", "Zs", "Cc"), blacklist_characters="/\n\r"), min_size=1, max_size=8
)
label = line.map(lambda s: s.strip().rstrip("※").strip())

values = st.one_of(
    multiline.map(Text),
    st.builds(Choice, line, st.lists(line, max_size=4).map(tuple)),
    st.builds(Count, line, st.none() | st.integers(0, 10_000), st.lists(line, max_size=4).map(tuple)),
    st.builds(Checks, st.lists(st.builds(Check, line, st.booleans()), max_size=5).map(tuple), line),
    line.map(Date),
)


@st.composite
def reports(draw: st.DrawFn) -> Report:
    paths = draw(st.lists(st.lists(segment, min_size=1, max_size=4).map(tuple), max_size=12, unique=True))
    items = tuple(Item(ItemPath(p), draw(label), draw(st.booleans()), draw(values)) for p in paths)
    meta = ReportMeta(
        number=draw(line), title=draw(line), organisation=draw(line), published=draw(line),
        form=draw(st.sampled_from(FORM_KINDS)), files=tuple(draw(st.lists(line, max_size=3))),
    )
    # 変更日 is a date or blank (loads refuses anything else, e.g. "@SUM(A1)").
    change_day = st.just("") | st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)).map(to_era)
    rows = tuple(draw(st.lists(st.builds(ChangeRow, change_day, *(multiline,) * 5), max_size=3)))
    return Report(meta, items, rows)


@settings(max_examples=300, deadline=None)
@given(reports())
def test_round_trip_is_exact(report: Report) -> None:
    text = dumps(report)
    assert loads(text) == report
    assert dumps(loads(text)) == text


def test_readable_layout() -> None:
    report = Report(
        ReportMeta(number="12", title="桜川市 軽自動車税", organisation="桜川市長", form="重点"),
        (Item(ItemPath(("II", "3", "③使用目的")), "③使用目的", True, Text("賦課のため。\n収納のため。")),),
    )
    text = dumps(report)
    assert "== II/3/③使用目的\n表示: ③使用目的 ※\n| 賦課のため。\n| 収納のため。\n" in text
    assert text.startswith("hyoka-report 1\n評価書番号: 12\n")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("not a report\n", "1行目"),
        ("hyoka-report 1\n様式: 特別\n", "様式"),
        ("hyoka-report 1\n\n== II/1\n| no label line\n", "表示"),
        ("hyoka-report 1\n\n== II/1\n表示: x\n選択: a\n件数: 三\n", "件数"),
        ("hyoka-report 1\n\n== II/1\n表示: x\n[x] a\n", "その他"),
        ("hyoka-report 1\n\n== II/1\n表示: x\n\n== II/1\n表示: y\n", "duplicate"),
    ],
)
def test_defects_name_the_problem(text: str, needle: str) -> None:
    with pytest.raises(FormatError, match=needle):
        loads(text)
