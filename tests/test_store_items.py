"""Item validity ranges: a version costs the rows it changed, order apart from membership."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import run_sql
from hyoka.model import Item, ItemPath, Report, ReportMeta, Text
from hyoka.store import Store, init_db
from hyoka.store.items import SPACING, OpenRow, decode_body, encode_body, plan


def report(items: list[tuple[str, str]]) -> Report:
    return Report(meta=ReportMeta(title="t", form="重点"),
                  items=tuple(Item(ItemPath.parse(p), p.rsplit("/", 1)[-1], False, Text(v)) for p, v in items))


SYSTEMS = [(f"II/6/システム{n}/名称", f"システム{n}の名称") for n in range(1, 11) if n != 6]


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    init_db(db_url)
    with Store(db_url) as opened:
        yield opened


def rows(store: Store) -> list[tuple[object, ...]]:
    return run_sql(store.url, "SELECT id, since, until, position FROM items ORDER BY id")


def test_inserting_an_item_writes_one_row_and_moves_nothing(store: Store) -> None:
    store.commit("r", report(SYSTEMS), author="a", message="")
    before = rows(store)
    with_six = [*SYSTEMS[:5], ("II/6/システム6/名称", "システム6の名称"), *SYSTEMS[5:]]
    store.commit("r", report(with_six), author="a", message="")
    after = rows(store)
    assert after[: len(before)] == before  # no row closed, none moved
    (new,) = after[len(before):]
    assert new[1:3] == (2, None)
    positions = {row[0]: row[3] for row in before}
    assert positions[5] < new[3] < positions[6]  # between システム5 and システム7
    assert store.checkout("r") == report(with_six)
    assert store.checkout("r", 1) == report(SYSTEMS)


def test_a_change_closes_one_row_and_opens_one(store: Store) -> None:
    store.commit("r", report(SYSTEMS), author="a", message="")
    edited = [*SYSTEMS[:3], (SYSTEMS[3][0], "変えた"), *SYSTEMS[4:]]
    store.commit("r", report(edited), author="a", message="")
    all_rows = rows(store)
    assert len(all_rows) == len(SYSTEMS) + 1
    assert [r[1:3] for r in all_rows if r[2] is not None or r[1] == 2] == [(1, 2), (2, None)]
    # The tree as of each version, and the changes of revision 2, each one query.
    assert store.checkout("r", 1) == report(SYSTEMS)
    assert store.checkout("r", 2) == report(edited)
    walked = [(info.number, rep) for info, rep in store.walk("r", 1, 2)]
    assert walked == [(1, report(SYSTEMS)), (2, report(edited))]


def test_names_are_stored_once_across_versions_and_reports(store: Store) -> None:
    store.commit("r", report(SYSTEMS), author="a", message="")
    store.commit("s", report(SYSTEMS), author="a", message="")
    store.commit("r", report(SYSTEMS[:-1]), author="a", message="")
    assert run_sql(store.url, "SELECT count(*) FROM names")[0][0] == len(SYSTEMS) + 1  # paths + "名称"


# -- the plan, on its own ------------------------------------------------------------------------

Ref = tuple[str, str, bool, str]


def apply(old: list[OpenRow], new: list[Ref]) -> tuple[list[Ref], int]:
    """The list the plan's rows hold, and how many rows it writes."""
    close, opened = plan(old, new)
    closed = set(close)
    kept = [(row.position, row.ref) for row in old if row.id not in closed]
    result = sorted(kept + [(position, ref) for ref, position in opened], key=lambda pair: pair[0])
    positions = [p for p, _ in result]
    assert len(set(positions)) == len(positions)
    return [ref for _, ref in result], len(opened)


def as_rows(refs: list[Ref]) -> list[OpenRow]:
    return [OpenRow(i + 100, ref, i * SPACING) for i, ref in enumerate(refs)]


refs_strategy = st.lists(st.tuples(st.sampled_from("abcdefgh"), st.sampled_from("xy"), st.booleans(),
                                   st.sampled_from("0123")), max_size=12)


@given(refs_strategy, refs_strategy)
def test_the_plan_turns_any_list_into_any_other(old: list[Ref], new: list[Ref]) -> None:
    result, _ = apply(as_rows(old), new)
    assert result == new


@given(refs_strategy, st.integers(min_value=0, max_value=12))
def test_one_insertion_writes_one_row(old: list[Ref], where: int) -> None:
    where = min(where, len(old))
    new = [*old[:where], ("new", "z", False, "9"), *old[where:]]
    result, written = apply(as_rows(old), new)
    assert result == new and written == 1


def test_blob_bodies_round_trip_and_refuse_trailing_bytes() -> None:
    long = '{"kind":"text","text":"' + "個人番号を利用する事務" * 20 + '"}'
    short = '{"kind":"text","text":"a"}'
    assert decode_body(encode_body(long)) == long and len(encode_body(long)) < len(long.encode())
    assert encode_body(short) == short.encode()  # compression would not pay
    assert decode_body(encode_body(short)) == short
    with pytest.raises(ValueError):
        decode_body(encode_body(long) + b" ")
    with pytest.raises(ValueError):
        decode_body(zlib.compress(b"\xff\xfe", 9))


def test_repeated_prepends_keep_room(store: Store) -> None:
    items = list(SYSTEMS)
    store.commit("r", report(items), author="a", message="")
    for n in range(40):
        items = [(f"I/前{n}", f"前{n}"), *items]
        store.commit("r", report(items), author="a", message="")
    assert store.checkout("r") == report(items)
    assert run_sql(store.url, "SELECT count(*) FROM items WHERE until IS NOT NULL")[0][0] == 0
    assert replace(store.checkout("r", 1)) == report(SYSTEMS)
