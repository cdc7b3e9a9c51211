"""A change event names its long old and new texts by the Text value blob they equal, instead
of copying them (issue 13: those copies were over half of what a version added to the database).

On the backend under test: samples/sakuragawa v1…v3 committed through the CLI, the stored
change payloads compared with the records `diff` gives for the same pairs, the texts read back
whole through the store (review), and verify's check that every named blob is there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SAMPLES, run_cli, run_sql
from hyoka.audit.review import reviewed_changes
from hyoka.classify import ChangeRecord, compare_reports
from hyoka.classify.policy import Policy
from hyoka.ingest import read_report
from hyoka.model import Text, sha256_text, value_canonical
from hyoka.store import Store, change_texts
from hyoka.store.change_texts import SHARED_KEYS, SHARED_MIN

VERSIONS = [SAMPLES / "sakuragawa" / f"v{n}.txt" for n in (1, 2, 3)]


def _commit(url: str, path: Path) -> None:
    code, _, err = run_cli("commit", str(path), "--report", "sk", "--author", "山田", "--db", url)
    assert code == 0, err


@pytest.fixture
def history(db_url: str) -> str:
    assert run_cli("init", "--db", db_url)[0] == 0
    for path in VERSIONS:
        _commit(db_url, path)
    return db_url


def _records(version: int) -> list[ChangeRecord]:
    """What `diff` finds between version - 1 and version (the commit classified the same)."""
    old, new = read_report(VERSIONS[version - 2]), read_report(VERSIONS[version - 1])
    return list(compare_reports(old, new, Policy()).records)


def _payloads(url: str, version: int) -> dict[int, dict[str, object]]:
    rows = run_sql(url, "SELECT change_index, payload FROM events WHERE kind = 'change' AND version = :v "
                        "ORDER BY seq", v=version)
    return {index: json.loads(payload) for index, payload in rows}


def _blob_hash(text: str) -> str:
    return sha256_text(value_canonical(Text(text)))


@pytest.mark.parametrize("version", [2, 3])
def test_long_texts_are_named_by_hash_and_short_ones_kept(history: str, version: int) -> None:
    records, payloads = _records(version), _payloads(history, version)
    assert len(payloads) == len(records) >= 5
    named = kept = 0
    for index, record in enumerate(records, 1):
        payload = payloads[index]
        for key, ref in SHARED_KEYS:
            text = getattr(record, key)
            if len(text) >= SHARED_MIN:
                assert key not in payload and payload[ref] == _blob_hash(text)
                named += 1
            else:
                assert payload[key] == text and ref not in payload
                kept += 1
    assert named and kept  # both kinds occur in these revisions


def test_a_text_items_new_text_is_its_own_value_blob(history: str) -> None:
    """Naming a changed text item's texts adds no blob: they are the two versions' values."""
    values = {digest for (digest,) in run_sql(history, "SELECT value_hash FROM items")}
    named = [payload[ref] for v in (2, 3) for payload in _payloads(history, v).values()
             for _, ref in SHARED_KEYS if ref in payload]
    in_values = [digest for digest in named if digest in values]
    assert in_values and len(in_values) < len(named)  # a box list's display text is a blob of its own
    stored = {digest for (digest,) in run_sql(history, "SELECT hash FROM blobs WHERE kind = 'text'")}
    assert set(named) <= stored


@pytest.mark.parametrize("version", [2, 3])
def test_review_reads_the_texts_back_whole(history: str, version: int) -> None:
    with Store(history) as store:
        reviewed = reviewed_changes(store, "sk", version)
    assert [(c.before, c.after) for c in reviewed] == [(r.before, r.after) for r in _records(version)]


def test_events_that_copy_their_texts_still_read_and_verify(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A trail holding events written before (texts copied) and after (texts named), in one chain."""
    assert run_cli("init", "--db", db_url)[0] == 0
    with monkeypatch.context() as patch:
        patch.setattr(change_texts, "SHARED_MIN", 10**9)  # how releases before this one wrote them
        for path in VERSIONS[:2]:
            _commit(db_url, path)
    _commit(db_url, VERSIONS[2])
    assert not any(ref in p for p in _payloads(db_url, 2).values() for _, ref in SHARED_KEYS)
    assert any(ref in p for p in _payloads(db_url, 3).values() for _, ref in SHARED_KEYS)
    with Store(db_url) as store:
        for version in (2, 3):
            assert [(c.before, c.after) for c in reviewed_changes(store, "sk", version)] == \
                [(r.before, r.after) for r in _records(version)]
    code, out, err = run_cli("verify", "--db", db_url)
    assert code == 0, out + err


def test_verify_names_a_missing_text_blob(history: str) -> None:
    assert run_cli("verify", "--db", history)[0] == 0
    values = {digest for (digest,) in run_sql(history, "SELECT value_hash FROM items")}
    only_named = sorted({p[ref] for p in _payloads(history, 3).values() for _, ref in SHARED_KEYS
                         if ref in p and p[ref] not in values})
    assert only_named  # a box list's display text, which no version holds as a value
    run_sql(history, "DELETE FROM blobs WHERE hash = :h", h=only_named[0])
    code, out, err = run_cli("verify", "--db", history)
    assert code != 0
    assert "変更記録が指す本文" in out + err and only_named[0][:12] in out + err
