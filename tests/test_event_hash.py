"""verify's fast path: an event row's hash text assembled from its columns, payload verbatim."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from hyoka.store.events import EVENT_KINDS, GENESIS, NewEvent, chain_rows, event_hash_text, stored_hash_text

texts = st.text(max_size=12)
optional_texts = st.none() | texts
json_values = st.recursive(st.none() | st.booleans() | st.integers() | texts,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
                           max_leaves=8)
events = st.builds(
    NewEvent, kind=st.sampled_from(EVENT_KINDS), actor=texts,
    at=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))
    .map(lambda d: d + timedelta(microseconds=1)),
    version=st.none() | st.integers(0, 10**6), change_index=st.none() | st.integers(0, 10**6),
    path=optional_texts, important=st.none() | st.booleans(), timing=optional_texts, category=optional_texts,
    rule=optional_texts, payload=st.dictionaries(texts, json_values, max_size=4),
)


@given(st.text(min_size=1, max_size=10), st.lists(events, min_size=1, max_size=4))
def test_the_assembled_text_is_the_hashed_text(report_id: str, new: list[NewEvent]) -> None:
    prev = GENESIS
    for row, event in zip(chain_rows(report_id, new, 0, GENESIS), new, strict=True):
        record = SimpleNamespace(**row)
        assert stored_hash_text(report_id, record, prev) == event_hash_text(report_id, row["seq"], event, prev)
        prev = str(row["hash"])


def test_a_payload_stored_differently_no_longer_matches() -> None:
    event = NewEvent("change", "山田", datetime(2026, 1, 1, tzinfo=UTC), 2, 1, "I/1", True, "事前", "c", "r",
                     {"b": 1, "a": "x"})
    (row,) = chain_rows("r", [event], 0, GENESIS)
    record = SimpleNamespace(**{**row, "payload": '{"b": 1, "a": "x"}'})
    assert stored_hash_text("r", record, GENESIS) != event_hash_text("r", 1, event, GENESIS)
