"""The policy a report has adopted: the newest ``policy`` event of its trail names a blob.

`hyoka policy use` stores a policy's text content-addressed (a blob of kind "policy": the
canonical JSON {"kind": "policy", "toml": text}, so that verify checks it like any blob) and
records who adopted it, when, as an event of the report's hash-chained trail; later commits
of the report classify with it. Nothing is replaced: adopting another policy is a later event.
"""

from __future__ import annotations

import json

from hyoka.store.repository import Store

POLICY_EVENT = "policy"


def adopted_policy_text(store: Store, report_id: str) -> tuple[str, str] | None:
    """(hash, TOML text) of the policy the report adopted last, or None if it never did."""
    found = store.adopted_policy(report_id, POLICY_EVENT)
    if found is None:
        return None
    digest, body = found
    return digest, str(json.loads(body)["toml"])
