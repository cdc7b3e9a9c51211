"""The store's reads through SQLAlchemy: log, versions, checkout, walk and the queries of
:class:`hyoka.store.queries.StoreQueries`.

:class:`hyoka.store.Store` builds this on first use and hands it every read it does not answer
itself, so a command that only commits (:mod:`hyoka.store.sql`) never imports SQLAlchemy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from hyoka.errors import StoreError, UnknownReport, UnknownVersion
from hyoka.model import (
    LEGACY_READER,
    ChangeRow,
    Item,
    ItemPath,
    Report,
    Value,
    meta_from_json,
    row_from_json,
    value_from_json,
)
from hyoka.store.items import changes_query, decode_body, tree_query
from hyoka.store.migrate import WRITE_OPTION
from hyoka.store.queries import StoreQueries
from hyoka.store.repository import VersionInfo, info
from hyoka.store.schema import Blob, ItemRecord, ReportRecord, VersionRecord

if TYPE_CHECKING:
    from hyoka.store.integrity import IntegrityResult


class StoreReads(StoreQueries):
    """Read-only sessions on the store's engine, and the reads that need them."""

    def __init__(self, engine: Engine) -> None:
        self._read = sessionmaker(engine)
        self._write = sessionmaker(engine.execution_options(**{WRITE_OPTION: True}))

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session for the store's own walks that live outside this class (its
        benchmarks and tests); everything outside the store goes through the methods here."""
        with self._read() as session:
            yield session

    def check_integrity(self, progress: Callable[[str], None] | None = None,
                        after: Callable[[], str | None] | None = None) -> IntegrityResult:
        """Recompute every hash and chain in one read transaction (:mod:`hyoka.store.integrity`);
        ``after`` adds a check of the caller's in the same transaction (the anchor)."""
        from hyoka.store.integrity import check_integrity

        with self._read() as session:
            return check_integrity(session, progress, after)

    def require_report(self, report_id: str) -> None:
        """Raise UnknownReport unless the report exists (versions or not)."""
        with self._read() as session:
            self._require_report(session, report_id)

    def report_ids(self) -> list[str]:
        """Every stored report id, sorted."""
        with self._read() as session:
            return list(session.scalars(select(ReportRecord.id).order_by(ReportRecord.id)))

    def log(self, report_id: str) -> list[VersionInfo]:
        """Every version of the report, oldest first."""
        with self._read() as session:
            self._require_report(session, report_id)
            query = select(VersionRecord).where(VersionRecord.report_id == report_id).order_by(VersionRecord.number)
            records = session.scalars(query).all()
            numbers = {record.id: record.number for record in records}
            return [
                info(record, None if record.parent_id is None else numbers[record.parent_id]) for record in records
            ]

    def version(self, report_id: str, number: int | None = None) -> VersionInfo:
        """One version's description; number None means the newest."""
        with self._read() as session:
            record = self._find(session, report_id, number)
            return info(record, self._parent_number(session, record))

    def checkout(self, report_id: str, number: int | None = None) -> Report:
        """The Report exactly as committed: cover, items in order with labels, ※ and values, appendix."""
        with self._read() as session:
            return self._checkout(session, self._find(session, report_id, number))

    @staticmethod
    def _checkout(session: Session, record: VersionRecord) -> Report:
        rows = session.execute(
            tree_query(record.report_id, record.number, Blob.body).join(Blob, Blob.hash == ItemRecord.value_hash)
        ).all()
        appendix_body = session.scalar(select(Blob.body).where(Blob.hash == record.appendix_hash))
        if appendix_body is None:
            raise StoreError(f"付録が見つかりません / appendix blob missing: {record.appendix_hash}")
        values: dict[str, Value] = {}
        items = [StoreReads._item(path, label, star, hash_, body, values) for path, label, star, hash_, body in rows]
        return Report(
            meta=meta_from_json(json.loads(record.meta_json)),
            items=tuple(items),
            appendix=tuple(row_from_json(row) for row in json.loads(decode_body(appendix_body))),
            reader=LEGACY_READER if record.reader is None else record.reader,
        )

    def walk(self, report_id: str, start: int, stop: int) -> Iterator[tuple[VersionInfo, Report]]:
        """Versions ``start`` … ``stop`` in order, each read from its predecessor plus the rows its
        revision changed (one query each), so memory holds one version whatever the history's length."""
        with self._read() as session:
            first = self._find(session, report_id, start)
            self._find(session, report_id, stop)
            records = session.scalars(
                select(VersionRecord)
                .where(VersionRecord.report_id == report_id, VersionRecord.number.between(start, stop))
                .order_by(VersionRecord.number)
            )
            live: dict[int, tuple[int, Item, str]] = {}  # row id -> (position, item, value hash)
            rows = session.execute(tree_query(report_id, start, ItemRecord.id, ItemRecord.position, Blob.body)
                                   .join(Blob, Blob.hash == ItemRecord.value_hash))
            values: dict[str, Value] = {}
            for path, label, star, hash_, id_, position, body in rows:
                live[id_] = (position, self._item(path, label, star, hash_, body, values), hash_)
            appendix: tuple[str, tuple[ChangeRow, ...]] | None = None
            parent_number: int | None = self._parent_number(session, first)
            for record in records:
                if record.number > start:
                    for id_, body, since, path, label, star, hash_, position in session.execute(
                        changes_query(report_id, record.number, ItemRecord.id, Blob.body)
                        .join(Blob, Blob.hash == ItemRecord.value_hash)
                    ):
                        if since == record.number:
                            live[id_] = (position, self._item(path, label, star, hash_, body, values), hash_)
                        else:
                            live.pop(id_, None)
                    # Keep only the values the current version holds.
                    values = {hash_: item.value for _, item, hash_ in live.values()}
                if appendix is None or appendix[0] != record.appendix_hash:
                    appendix = (record.appendix_hash, self._appendix(session, record.appendix_hash))
                report = Report(
                    meta=meta_from_json(json.loads(record.meta_json)),
                    items=tuple(entry[1] for entry in sorted(live.values(), key=lambda entry: entry[0])),
                    appendix=appendix[1],
                    reader=LEGACY_READER if record.reader is None else record.reader,
                )
                yield info(record, parent_number), report
                parent_number = record.number

    @staticmethod
    def _item(path: str, label: str, star: bool, hash_: str, body: bytes, values: dict[str, Value]) -> Item:
        if hash_ not in values:
            values[hash_] = value_from_json(json.loads(decode_body(body)))
        return Item(ItemPath.parse(path), label, bool(star), values[hash_])

    @staticmethod
    def _appendix(session: Session, appendix_hash: str) -> tuple[ChangeRow, ...]:
        body = session.scalar(select(Blob.body).where(Blob.hash == appendix_hash))
        if body is None:
            raise StoreError(f"付録が見つかりません / appendix blob missing: {appendix_hash}")
        return tuple(row_from_json(row) for row in json.loads(decode_body(body)))

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _head(session: Session, report_id: str) -> VersionRecord | None:
        return session.scalar(
            select(VersionRecord)
            .where(VersionRecord.report_id == report_id)
            .order_by(VersionRecord.number.desc())
            .limit(1)
        )

    def _head_number(self, report_id: str) -> int | None:
        with self._read() as session:
            return session.scalar(select(func.max(VersionRecord.number)).where(VersionRecord.report_id == report_id))

    @staticmethod
    def _require_report(session: Session, report_id: str) -> None:
        if session.get(ReportRecord, report_id) is None:
            raise UnknownReport(f"評価書 '{report_id}' は登録されていません / unknown report: {report_id}")

    def _find(self, session: Session, report_id: str, number: int | None) -> VersionRecord:
        self._require_report(session, report_id)
        if number is None:
            head = self._head(session, report_id)
            if head is None:
                raise UnknownVersion(f"評価書 '{report_id}' に版がありません / no versions of {report_id}")
            return head
        record = session.scalar(
            select(VersionRecord).where(VersionRecord.report_id == report_id, VersionRecord.number == number)
        )
        if record is None:
            low, high = session.execute(
                select(func.min(VersionRecord.number), func.max(VersionRecord.number)).where(
                    VersionRecord.report_id == report_id
                )
            ).one()
            available = "なし / none" if low is None else f"{low}–{high}"
            raise UnknownVersion(
                f"評価書 '{report_id}' に版 {number} はありません (あるのは {available}) / "
                f"unknown version: {report_id}@{number} (available: {available})"
            )
        return record

    @staticmethod
    def _parent_number(session: Session, record: VersionRecord) -> int | None:
        if record.parent_id is None:
            return None
        return session.scalar(select(VersionRecord.number).where(VersionRecord.id == record.parent_id))
