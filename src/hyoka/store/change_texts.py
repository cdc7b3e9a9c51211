"""A change event's old and new text, stored once as the Text value blob it equals.

A ``change`` event used to copy the item's old and new text into its payload: about 1.3 KB
of UTF-8 per change, over half of what a version added to the database (issue 13), though
the new text is the new version's value and the old one the old version's, both stored
already as blobs. Now a text of :data:`SHARED_MIN` characters or more goes into the payload
as the hash of the ``Text`` value blob it equals (``"before_value"``, ``"after_value"``):
for a text item that is the item's own value blob, so nothing is added; for a choice or a
box list, whose display text differs from its value, one small blob is added.

The event's hash covers the payload as stored, and so each text through its hash. Events
written before keep their copies and their hashes: nothing is rewritten. What reads change
payloads through the store gets them whole again (:func:`expand`), and verify checks that
every blob a payload names is there and is a text (:func:`named_blobs`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from hyoka.errors import StoreError
from hyoka.model import Text, canonical_json, sha256_text, value_canonical, value_from_json
from hyoka.store.items import decode_body, insert_missing_blobs
from hyoka.store.sql import Tx

if TYPE_CHECKING:  # events.py writes through this module
    from hyoka.store.events import NewEvent

# Shorter texts stay in the payload: a hash reference costs ~80 bytes of payload and index.
SHARED_MIN = 32
# The payload key of a text and the key of the hash it is stored under.
SHARED_KEYS: tuple[tuple[str, str], ...] = (("before", "before_value"), ("after", "after_value"))
TEXT_KIND = "text"


def share(events: Sequence[NewEvent]) -> tuple[list[NewEvent], dict[str, tuple[str, str]]]:
    """``events`` with each change event's long texts replaced by their blob hashes, and the
    blobs those hashes name ({hash: (kind, canonical text)}), for the caller to store."""
    documents: dict[str, tuple[str, str]] = {}
    shared: list[NewEvent] = []
    for event in events:
        if event.kind != "change" or not any(_long(event.payload.get(key)) for key, _ in SHARED_KEYS):
            shared.append(event)
            continue
        payload = dict(event.payload)
        for key, ref in SHARED_KEYS:
            text = payload.get(key)
            if _long(text):
                assert isinstance(text, str)
                body = value_canonical(Text(text))
                digest = sha256_text(body)
                documents[digest] = (TEXT_KIND, body)
                del payload[key]
                payload[ref] = digest
        shared.append(replace(event, payload=payload))
    return shared, documents


def store_shared(tx: Tx, events: Sequence[NewEvent]) -> list[NewEvent]:
    """:func:`share` the events' texts and insert the blobs the database lacks, inside the
    caller's transaction (before the events that name them)."""
    shared, documents = share(events)
    if documents:
        insert_missing_blobs(tx, documents)
    return shared


def named_blobs(payload: dict[str, object]) -> list[str]:
    """The blob hashes a change payload names in place of its texts (none for older events)."""
    return [str(payload[ref]) for _, ref in SHARED_KEYS if ref in payload]


def expand(payloads: Sequence[str], fetch: Callable[[list[str]], Iterable[tuple[str, bytes]]]) -> list[str]:
    """Payload texts with every named text put back under its own key, as events written
    before :func:`share` hold it; ``fetch(hashes)`` gives the stored (hash, body) of blobs.
    A payload that names none is returned as stored."""
    parsed = {index: json.loads(text) for index, text in enumerate(payloads) if '_value"' in text}
    wanted = sorted({digest for payload in parsed.values() for digest in named_blobs(payload)})
    if not wanted:
        return list(payloads)
    texts: dict[str, str] = {}
    for digest, body in fetch(wanted):
        value = value_from_json(json.loads(decode_body(body)))
        if isinstance(value, Text):
            texts[digest] = value.text
    out = list(payloads)
    for index, payload in parsed.items():
        for key, ref in SHARED_KEYS:
            if ref in payload:
                digest = str(payload.pop(ref))
                if digest not in texts:
                    raise StoreError(f"変更の本文 (値 {digest[:12]}…) が見つかりません。hyoka verify で"
                                     f"確認してください / change text blob missing")
                payload[key] = texts[digest]
        out[index] = canonical_json(payload)
    return out


def _long(text: object) -> bool:
    return isinstance(text, str) and len(text) >= SHARED_MIN
