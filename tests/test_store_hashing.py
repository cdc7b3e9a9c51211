"""verify's VersionHasher spells a version's hash text exactly as version_hash does."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from hyoka.model import canonical_json
from hyoka.store.hashing import VersionHasher, version_hash

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["山田", '"\\/\b\f\n\r\t\x00\x1f\x7f', "\u2028é😀"])
hashes = st.text("0123456789abcdef", min_size=64, max_size=64)
refs = st.tuples(texts, texts, st.booleans(), hashes)
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
                           max_leaves=8)
versions = st.fixed_dictionaries({
    "parent": st.none() | hashes, "report_id": texts, "number": st.integers(1, 10**6),
    "created_at": st.datetimes(min_value=datetime(2000, 1, 1), timezones=st.just(UTC)), "author": texts,
    "message": texts, "meta": st.dictionaries(texts, json_values, max_size=4), "appendix_hash": hashes,
    "items": st.lists(refs, max_size=8), "reader": st.none() | st.integers(0, 10),
})


@given(st.lists(versions, min_size=1, max_size=4))
def test_the_hasher_agrees_with_version_hash(walk: list[dict[str, object]]) -> None:
    """One hasher over several versions (its caches carried from one to the next), meta stored
    canonically or not: the same hash as version_hash every time."""
    hasher = VersionHasher()
    for data in walk:
        meta = data["meta"]
        expected = version_hash(**data)  # type: ignore[arg-type]
        fields = {k: v for k, v in data.items() if k != "meta"}
        assert hasher.hash(meta_json=canonical_json(meta), **fields) == expected  # type: ignore[arg-type]
        assert hasher.hash(meta_json=json.dumps(meta, indent=1), **fields) == expected  # type: ignore[arg-type]


def test_a_shared_item_list_and_a_changed_one() -> None:
    hasher = VersionHasher()
    items = [("I/1", "名称", True, "a" * 64), ("I/2", "目的", False, "b" * 64)]
    common = {"parent": None, "report_id": "r", "number": 1, "created_at": datetime(2026, 1, 1, tzinfo=UTC),
              "author": "山田", "message": "", "appendix_hash": "c" * 64}
    for listing in (items, items[:1], [], [*items, ("I/3", "x", True, "d" * 64)]):
        assert hasher.hash(meta_json='{"様式":"重点"}', items=listing, **common) == version_hash(  # type: ignore[arg-type]
            meta={"様式": "重点"}, items=listing, **common)  # type: ignore[arg-type]
