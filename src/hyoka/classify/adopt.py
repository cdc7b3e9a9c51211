"""Adopting a policy for a report is an audited act (hyoka policy use).

The policy file is validated first (a bad file changes nothing), stored with the report,
content-addressed, and recorded as an event naming its hash and who adopted it. Commits of the
report then classify with it unless a command is given --policy for that one run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hyoka.classify.policy import Policy, policy_document, policy_from_text, policy_hash, read_policy_text
from hyoka.errors import InputError
from hyoka.store import Store
from hyoka.store.events import NewEvent
from hyoka.store.policies import POLICY_EVENT, adopted_policy_text


@dataclass(frozen=True)
class Adopted:
    report_id: str
    hash: str
    source: str


def use_policy(store: Store, report_id: str, path: Path, by: str, when: datetime | None = None) -> Adopted:
    """Store the policy at ``path`` with the report and record the adoption; returns its hash."""
    if not by or not by.strip():
        raise InputError("--by (実行者) が空です。名前を指定してください / --by must name who does this")
    text = read_policy_text(path)
    policy_from_text(text, str(path))  # validate before anything is written
    digest = policy_hash(text)
    at = (when or datetime.now(UTC)).astimezone(UTC)
    event = NewEvent(kind=POLICY_EVENT, actor=by.strip(), at=at,
                     payload={"hash": digest, "source": path.name,
                              "reason": f"ポリシー {path.name} を採用 (sha256:{digest[:12]})"})
    store.put_policy(report_id, policy_document(text), event)
    return Adopted(report_id, digest, path.name)


def report_policy(store: Store, report_id: str) -> Policy | None:
    """The policy the report adopted last (None: it never adopted one, or is not stored yet)."""
    found = adopted_policy_text(store, report_id)  # None too for a report not stored yet
    if found is None:
        return None
    digest, text = found
    return policy_from_text(text, f"{report_id} の採用ポリシー sha256:{digest[:12]}")
