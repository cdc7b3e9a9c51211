"""verify's batched chain walk: its hash texts are the canonical ones, and it still names every break.

The walk (:func:`hyoka.store.events.walk_report_chain`) reads raw DB-API rows a batch at a
time and assembles each row's hash text from cached encodings of its values, so these tests
hold it to :func:`~hyoka.store.events.event_hash_text` byte for byte (hypothesis-made events
with non-ASCII, escapes, control characters, nested payloads and numbers, stored and read
back on the backend under test), and tamper with rows in a later batch, where only the
batched comparison stands between an edit and a passing verify.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from conftest import run_sql
from hyoka.store import Store, init_db
from hyoka.store.events import (
    CHAIN_BATCH,
    CHAIN_COLUMNS,
    EVENT_KINDS,
    GENESIS,
    ChainWalk,
    EncodedValues,
    NewEvent,
    at_converter,
    chain_rows,
    event_hash_text,
    iter_chain_batches,
    iter_report_events,
    record_to_event,
    walk_report_chain,
)
from hyoka.store.schema import EventRecord, ReportRecord

# No NUL and no lone surrogates: neither can be stored as text by PostgreSQL (nor UTF-8 encoded).
characters = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
texts = st.text(characters, max_size=12) | st.sampled_from(
    ["山田", "重要な変更", '"\\/\b\f\n\r\t\x1f\x7f', "\u2028é😀"])
optional_texts = st.none() | texts
numbers = st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False)
json_values = st.recursive(st.none() | st.booleans() | numbers | texts,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
                           max_leaves=8)
def _within(limit: int) -> st.SearchStrategy[str | None]:
    """Optional texts that fit a VARCHAR(limit), which PostgreSQL enforces."""
    return st.none() | texts.filter(lambda text: len(text) <= limit)


events = st.builds(
    NewEvent, kind=st.sampled_from(EVENT_KINDS), actor=texts,
    at=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))
    | st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))
    .map(lambda d: d.replace(microsecond=0)),
    version=st.none() | st.integers(0, 2**31 - 1), change_index=st.none() | st.integers(0, 2**31 - 1),
    path=optional_texts, important=st.none() | st.booleans(), timing=_within(8), category=optional_texts,
    rule=optional_texts, payload=st.dictionaries(texts, json_values, max_size=4),
)


def _raw(row: dict[str, object]) -> tuple[object, ...]:
    """A chain_rows row as iter_chain_batches reads it back: payload and prev_hash as UTF-8 bytes."""
    return tuple(str(row[name]).encode() if name in ("payload", "prev_hash") else row[name] for name in CHAIN_COLUMNS)


@given(st.text(characters, min_size=1, max_size=10), st.lists(events, min_size=1, max_size=6))
def test_batch_texts_are_the_canonical_texts(report_id: str, new: list[NewEvent]) -> None:
    rows = chain_rows(report_id, new, 0, GENESIS)
    walk = ChainWalk(report_id)
    expected, prev = [], GENESIS
    for row, event in zip(rows, new, strict=True):
        expected.append(event_hash_text(report_id, int(row["seq"]), event, prev).encode())  # type: ignore[call-overload]
        prev = str(row["hash"])
    assert walk.texts([_raw(row) for row in rows]) == expected
    assert walk.check([_raw(row) for row in rows]) is None
    assert (walk.count, walk.prev) == (len(rows), prev)


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory, new_db_url: Callable[[Path], str]) -> str:
    url = new_db_url(tmp_path_factory.mktemp("chain_walk"))
    init_db(url)
    return url


_REPORT_NUMBERS = itertools.count(1)


def _store_events(url: str, report_id: str, new: list[NewEvent]) -> None:
    with Store(url) as store, store._engine.begin() as connection:  # bulk, as a migration would
        connection.execute(insert(ReportRecord), [{"id": report_id, "created_at": datetime(2020, 1, 1, tzinfo=UTC)}])
        connection.execute(insert(EventRecord), chain_rows(report_id, new, 0, GENESIS))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(events, min_size=1, max_size=8))
def test_stored_events_read_back_to_the_canonical_texts(store_url: str, new: list[NewEvent]) -> None:
    """Through the backend: what the walk assembles from raw rows is the text the ORM path hashes."""
    report_id = f"h{next(_REPORT_NUMBERS)}"
    _store_events(store_url, report_id, new)
    with Store(store_url) as store, store.reading() as session:
        records = list(iter_report_events(session, report_id))
        walk = ChainWalk(report_id, session.get_bind().dialect)
        (rows,) = list(iter_chain_batches(session, report_id))
        expected = [event_hash_text(report_id, r.seq, record_to_event(r), r.prev_hash).encode() for r in records]
        assert walk.texts(rows) == expected
        assert walk_report_chain(session, report_id) == (None, len(new))


# -- a long chain: two batches and more -----------------------------------------------------------

LONG = CHAIN_BATCH + CHAIN_BATCH // 2


def _long_chain(report_id: str) -> list[NewEvent]:
    rng = random.Random(7)
    start = datetime(2021, 4, 1, 9, 30, tzinfo=UTC)
    return [NewEvent("change", rng.choice(("山田", "佐藤")), start + timedelta(seconds=n // 50, microseconds=n % 3),
                     n // 50 + 1, n % 50 + 1, f"II/{n % 7}/項目{n % 11}", n % 3 == 0, "事後", "形式的な変更", "typo",
                     {"reason": f"理由 {n} \"引用\"\n", "n": n}) for n in range(LONG)]


@pytest.fixture
def long_chain(db_url: str) -> str:
    init_db(db_url)
    _store_events(db_url, "long", _long_chain("long"))
    return db_url


def _walk(url: str) -> tuple[object, int]:
    with Store(url) as store, store.reading() as session:
        return walk_report_chain(session, "long")


def _event_id(url: str, seq: int) -> int:
    return int(run_sql(url, "SELECT id FROM events WHERE report_id = 'long' AND seq = :seq", seq=seq)[0][0])


def test_a_long_chain_passes_and_is_counted(long_chain: str) -> None:
    assert _walk(long_chain) == (None, LONG)


LATE = CHAIN_BATCH + 17  # a row of the second batch


@pytest.mark.parametrize(("statement", "problem"), [
    ("UPDATE events SET payload = replace(payload, '引用', '改竄') WHERE seq = :seq", "content does not match"),
    ("UPDATE events SET actor = '鈴木' WHERE seq = :seq", "content does not match"),
    ("UPDATE events SET path = NULL WHERE seq = :seq", "content does not match"),
    ("UPDATE events SET important = NOT important WHERE seq = :seq", "content does not match"),
    ("UPDATE events SET version = version + 1 WHERE seq = :seq", "content does not match"),
    ("UPDATE events SET change_index = NULL WHERE seq = :seq", "content does not match"),
    ("UPDATE events SET at = at + interval '1 second' WHERE seq = :seq", "content does not match"),
    ("UPDATE events SET payload = 'not json' WHERE seq = :seq", "unreadable payload"),
    ("UPDATE events SET prev_hash = hash WHERE seq = :seq", "previous hash mismatch"),
    ("UPDATE events SET prev_hash = substr(prev_hash, 1, 31) || ' ' || substr(prev_hash, 33) WHERE seq = :seq",
     "previous hash mismatch"),
    (f"UPDATE events SET hash = '{'cd' * 32}' WHERE seq = :seq", "content does not match"),
    ("DELETE FROM events WHERE seq = :seq", "seq gap"),
])
def test_an_edit_in_a_later_batch_is_named(long_chain: str, statement: str, problem: str) -> None:
    if "interval" in statement and long_chain.startswith("sqlite"):
        statement = statement.replace("at + interval '1 second'", "datetime(at, '+1 second')")
    event_id = _event_id(long_chain, LATE)
    run_sql(long_chain, statement + " AND report_id = 'long'", seq=LATE)
    broken, count = _walk(long_chain)
    assert broken is not None and problem in str(broken)
    if "seq gap" in problem:
        assert (broken.seq, count) == (LATE + 1, LATE - 1)  # type: ignore[attr-defined]
    else:
        assert (broken.seq, broken.event_id, count) == (LATE, event_id, LATE - 1)  # type: ignore[attr-defined]


def test_the_last_row_of_a_batch_and_the_first_of_the_next(long_chain: str) -> None:
    run_sql(long_chain, "UPDATE events SET prev_hash = :fake WHERE report_id = 'long' AND seq = :seq",
            fake="ab" * 32, seq=CHAIN_BATCH + 1)
    broken, count = _walk(long_chain)
    assert broken is not None and (broken.seq, count) == (CHAIN_BATCH + 1, CHAIN_BATCH)  # type: ignore[attr-defined]


def test_a_payload_stored_in_another_spelling_still_verifies(long_chain: str) -> None:
    """Not canonical, same content: the batch falls back to the row walk, which re-serialises (as before)."""
    run_sql(long_chain, "UPDATE events SET payload = replace(payload, ',\"reason\":', ', \"reason\": ') "
            "WHERE report_id = 'long' AND seq = :seq", seq=LATE)
    assert run_sql(long_chain, "SELECT payload FROM events WHERE report_id = 'long' AND seq = :seq",
                   seq=LATE)[0][0].count(" ") >= 2
    assert _walk(long_chain) == (None, LONG)


def test_verify_walks_the_long_chain_and_names_a_late_break(long_chain: str) -> None:
    from hyoka.store.events import at_converter, event_id_finder
    from hyoka.store.integrity import Broken, _CommitEvents

    with Store(long_chain) as store, store.reading() as session:
        seen: list[int] = []
        assert walk_report_chain(session, "long", also=lambda rows: seen.append(len(rows))) == (None, LONG)
        assert sum(seen) == LONG and len(seen) == 2
    run_sql(long_chain, "UPDATE events SET rule = 'x' WHERE report_id = 'long' AND seq = :seq", seq=LATE)
    with Store(long_chain) as store, store.reading() as session:
        seen.clear()
        broken, _ = walk_report_chain(session, "long", also=lambda rows: seen.append(len(rows)))
        assert broken is not None and broken.seq == LATE and seen == [CHAIN_BATCH]  # no rows past a break
        commits = _CommitEvents("long", [], at_converter(session.get_bind().dialect),
                                event_id_finder(session, "long"))
        for rows in iter_chain_batches(session, "long"):
            commits.see(rows)
        with pytest.raises(Broken, match="missing version"):
            commits.finish()


def test_encodings_carried_across_reports_and_started_afresh(long_chain: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """verify shares one EncodedValues between every report's walk; a full one starts afresh."""
    _store_events(long_chain, "other", _long_chain("other")[:300])
    with Store(long_chain) as store, store.reading() as session:
        values = EncodedValues(at_converter(session.get_bind().dialect))
        assert walk_report_chain(session, "other", values=values) == (None, 300)
        learned = len(values.json) + len(values.iso)
        assert walk_report_chain(session, "long", values=values) == (None, LONG)
        assert len(values.json) + len(values.iso) > learned
        monkeypatch.setattr(EncodedValues, "LIMIT", 5)
        assert walk_report_chain(session, "long", values=values) == (None, LONG)
        assert walk_report_chain(session, "other", values=values) == (None, 300)
