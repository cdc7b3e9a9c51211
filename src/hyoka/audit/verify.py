"""`hyoka verify`: recompute every hash and chain, and name the first broken link.

Three things are checked per report: the version chain (each version's hash
over its content and its parent's hash, numbers contiguous), the blobs the
versions use (each body hashes to its name), and the event chain.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hyoka.model import sha256_text
from hyoka.store import Store, version_hash
from hyoka.store.events import Break, check_chain, iter_report_events
from hyoka.store.schema import Blob, EventRecord, ReportRecord, VersionItemRecord, VersionRecord


@dataclass(frozen=True)
class VerifyResult:
    reports: int
    versions: int
    events: int
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _check_versions(session: Session, report_id: str) -> tuple[int, str | None]:
    records = session.scalars(
        select(VersionRecord).where(VersionRecord.report_id == report_id).order_by(VersionRecord.number)
    ).all()
    parent_hash: str | None = None
    parent_id: int | None = None
    for expected, record in enumerate(records, 1):
        where = f"評価書 {report_id} の第{record.number}版 (id {record.id})"
        if record.number != expected:
            return len(records), f"{where}: 版番号が飛んでいます (期待 {expected}) / version gap"
        if record.parent_id != parent_id:
            return len(records), f"{where}: 親の版が違います / wrong parent"
        refs = [
            (path, label, bool(star), value_hash)
            for path, label, star, value_hash in session.execute(
                select(VersionItemRecord.path, VersionItemRecord.label, VersionItemRecord.star,
                       VersionItemRecord.value_hash)
                .where(VersionItemRecord.version_id == record.id)
                .order_by(VersionItemRecord.ordinal)
            )
        ]
        digest = version_hash(
            parent=parent_hash, report_id=report_id, number=record.number, created_at=record.created_at,
            author=record.author, message=record.message, meta=json.loads(record.meta_json),
            appendix_hash=record.appendix_hash, items=refs, reader=record.reader,
        )
        if digest != record.hash:
            return len(records), f"{where}: 内容が書き換えられています / version content does not match its hash"
        parent_hash, parent_id = record.hash, record.id
    return len(records), None


def _check_commit_events(session: Session, report_id: str, records: Sequence[EventRecord]) -> Break | None:
    """Each commit event names a version by number and hash; that version must still be there."""
    stored = dict(session.execute(
        select(VersionRecord.number, VersionRecord.hash).where(VersionRecord.report_id == report_id)
    ).all())
    for record in records:
        if record.kind != "commit":
            continue
        if stored.get(record.version) != json.loads(record.payload).get("hash"):
            return Break(report_id, record.seq, record.id,
                         f"記録された第{record.version}版が見つからないか異なります / committed version missing")
    return None


def _check_blobs(session: Session) -> str | None:
    for hash_, body in session.execute(select(Blob.hash, Blob.body).execution_options(yield_per=5000)):
        if sha256_text(body) != hash_:
            return f"値 {hash_[:12]}… の内容が書き換えられています / blob does not match its hash"
    return None


def verify(store: Store, progress: Callable[[str], None] | None = None) -> VerifyResult:
    """Every report's versions and events, and every blob; stops at the first problem."""
    versions = events = 0
    with store.reading() as session:
        report_ids = list(session.scalars(select(ReportRecord.id).order_by(ReportRecord.id)))
        problem = _check_blobs(session)
        if problem:
            return VerifyResult(len(report_ids), 0, 0, problem)
        for n, report_id in enumerate(report_ids, 1):
            count, problem = _check_versions(session, report_id)
            versions += count
            if problem:
                return VerifyResult(len(report_ids), versions, events, problem)
            records = list(iter_report_events(session, report_id))
            events += len(records)
            broken = check_chain(report_id, records) or _check_commit_events(session, report_id, records)
            if broken is not None:
                return VerifyResult(len(report_ids), versions, events, str(broken))
            if progress is not None and n % 100 == 0:
                progress(f"{n}/{len(report_ids)} 件の評価書を確認しました")
    return VerifyResult(len(report_ids), versions, events, None)
