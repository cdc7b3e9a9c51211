"""The tamper suite: raw-SQL alterations of a small real history, each caught by `hyoka verify`.

The history is samples/sakuragawa v1…v4 committed through the CLI, plus a second report
(kita) sharing its blobs, an override, a publication and a generated table, so every
table and every event kind holds rows. Each alteration runs on a fresh copy of it, with
foreign keys off (SQLite's raw connections; ``session_replication_role = replica`` on
PostgreSQL, as a database owner could), on whatever backend the suite runs on.

Every alteration must make `hyoka verify` exit 1 with a one-line message naming the
broken link; only truncation of the newest rows and wholesale recomputation of a chain
may pass plain verify, and those must then be caught by ``verify --anchor`` with an
anchor taken before the alteration. ``TAMPER_TABLE`` is the closing note's table.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, make_url, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from conftest import SAMPLES, run_cli
from hyoka.model import canonical_json, sha256_text
from hyoka.store import version_hash
from hyoka.store.events import GENESIS, event_hash, record_to_event
from hyoka.store.items import decode_body, encode_body, tree_query
from hyoka.store.repository import _diff_counts
from hyoka.store.schema import EventRecord, VersionRecord

SAKURA = "sakuragawa"


# -- the history and its copies -----------------------------------------------------------------


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory, new_db_url: Callable[[Path], str]) -> str:
    url = new_db_url(tmp_path_factory.mktemp("tamper_golden"))
    steps: list[tuple[str, ...]] = [("init",)]
    steps += [("commit", str(SAMPLES / "sakuragawa" / f"v{n}.txt"), "--report", SAKURA, "--author", "山田",
               "-m", f"第{n}版") for n in (1, 2, 3, 4)]
    steps += [("commit", str(SAMPLES / "sakuragawa" / f"v{n}.txt"), "--report", "kita", "--author", "北")
              for n in (1, 2)]
    steps += [
        ("review", f"{SAKURA}@3", "--change", "1", "--timing", "事前", "--reason", "新システム追加", "--by", "佐藤"),
        ("publish", f"{SAKURA}@4", "--date", "令和7年10月1日", "--by", "佐藤"),
        ("appendix", SAKURA, "--to", "4", "-o", str(tmp_path_factory.mktemp("out") / "a.html"), "--by", "田中"),
    ]
    for step in steps:
        code, _, err = run_cli(*step, "--db", url)
        assert code == 0, (step, err)
    return url


def _copy(url: str, folder: Path) -> str:
    """A fresh copy: SQLite's backup API, or CREATE DATABASE … TEMPLATE on PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        target = folder / "copy.db"
        with sqlite3.connect(str(parsed.database)) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return f"sqlite:///{target}"
    import psycopg

    name = f"c_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(f"host={parsed.host} port={parsed.port} user={parsed.username} dbname=postgres",
                         autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"')
    return str(parsed.set(database=name).render_as_string(hide_password=False))


@pytest.fixture
def history(golden: str, tmp_path: Path) -> str:
    return _copy(golden, tmp_path)


# -- tampering helpers --------------------------------------------------------------------------


@dataclass
class Tamper:
    """One open transaction on the copy, with foreign keys off, and the recomputations a forger would do."""

    con: Connection
    session: Session

    @property
    def sqlite(self) -> bool:
        return self.con.dialect.name == "sqlite"

    def sql(self, statement: str, **params: object) -> list[Any]:
        result = self.con.execute(text(statement), params)
        return list(result) if result.returns_rows else []

    def one(self, statement: str, **params: object) -> Any:
        return self.sql(statement, **params)[0][0]

    def shift(self, column: str) -> str:
        """The column one day earlier, in the backend's own date arithmetic."""
        return f"datetime({column}, '-1 day')" if self.sqlite else f"{column} - interval '1 day'"

    def version(self, number: int, report: str = SAKURA) -> VersionRecord:
        record = self.session.scalar(select(VersionRecord).where(VersionRecord.report_id == report,
                                                                 VersionRecord.number == number))
        assert record is not None
        return record

    def event(self, seq: int, report: str = SAKURA) -> EventRecord:
        record = self.session.scalar(select(EventRecord).where(EventRecord.report_id == report,
                                                               EventRecord.seq == seq))
        assert record is not None
        return record

    def refs(self, record: VersionRecord) -> list[tuple[str, str, bool, str]]:
        rows = self.session.execute(tree_query(record.report_id, record.number))
        return [(p, label, bool(s), h) for p, label, s, h in rows]

    def fix_counts(self, number: int) -> None:
        """Recompute a version's item_count and +/−/~ from its (altered) items, as a forger would."""
        self.session.expire_all()
        record, parent = self.version(number), self.version(number - 1)
        refs = self.refs(record)
        record.item_count = len(refs)
        record.added, record.removed, record.modified = _diff_counts(self.refs(parent), refs)
        self.session.flush()

    def version_digest(self, record: VersionRecord, parent_hash: str | None) -> str:
        return version_hash(parent=parent_hash, report_id=record.report_id, number=record.number,
                            created_at=record.created_at, author=record.author, message=record.message,
                            meta=json.loads(record.meta_json), appendix_hash=record.appendix_hash,
                            items=self.refs(record), reader=record.reader)

    def rehash_version(self, number: int, report: str = SAKURA) -> None:
        """Recompute one version's own hash (from its parent's stored hash), nothing else."""
        self.session.expire_all()
        record = self.version(number, report)
        parent = None if number == 1 else self.version(number - 1, report).hash
        record.hash = self.version_digest(record, parent)
        self.session.flush()

    def rehash_event(self, seq: int, report: str = SAKURA) -> None:
        """Recompute one event's own hash (over its stored prev_hash), nothing else."""
        self.session.expire_all()
        record = self.event(seq, report)
        record.hash = event_hash(report, record.seq, record_to_event(record), record.prev_hash)
        self.session.flush()

    def recompute(self, report: str = SAKURA) -> None:
        """Wholesale recomputation: every version hash, the hashes events quote, and the event chain
        (renumbered 1…n in stored order): a self-consistent history only an anchor can tell apart."""
        self.session.expire_all()
        versions = list(self.session.scalars(select(VersionRecord).where(VersionRecord.report_id == report)
                                             .order_by(VersionRecord.number)))
        renamed: dict[str, str] = {}
        parent_hash: str | None = None
        parent_id: int | None = None
        for record in versions:
            new = self.version_digest(record, parent_hash)
            renamed[record.hash] = new
            record.hash, record.parent_id = new, parent_id
            parent_hash, parent_id = new, record.id
        self.session.flush()
        events = list(self.session.scalars(select(EventRecord).where(EventRecord.report_id == report)
                                           .order_by(EventRecord.seq)))
        for record in events:
            record.seq += 100_000
        self.session.flush()
        prev = GENESIS
        for seq, record in enumerate(events, 1):
            payload = json.loads(record.payload)
            if payload.get("hash") in renamed:
                payload["hash"] = renamed[payload["hash"]]
                record.payload = canonical_json(payload)
            record.seq, record.prev_hash = seq, prev
            record.hash = event_hash(report, seq, record_to_event(record), prev)
            prev = record.hash
        self.session.flush()

    def edit_payload(self, seq: int, **changes: object) -> None:
        record = self.event(seq)
        record.payload = canonical_json({**json.loads(record.payload), **changes})
        self.session.flush()

    def insert_event(self, kind: str, version: int | None, payload: dict[str, object], *, chained: bool = True,
                     report: str = SAKURA, actor: str = "偽造") -> None:
        """Append an event after the report's last one, with a correct chain hash unless ``chained`` is False."""
        last = self.session.scalar(select(EventRecord).where(EventRecord.report_id == report)
                                   .order_by(EventRecord.seq.desc()).limit(1))
        assert last is not None
        record = EventRecord(report_id=report, seq=last.seq + 1, kind=kind, at=last.at, actor=actor, version=version,
                             payload=canonical_json(payload), prev_hash=last.hash, hash="0" * 64)
        self.session.add(record)
        self.session.flush()
        record.hash = event_hash(report, record.seq, record_to_event(record), record.prev_hash) if chained \
            else "ab" * 32
        self.session.flush()

    def forge_version(self, drop_last: bool) -> None:
        """A version 5 after sakuragawa's head, hashes recomputed, no commit event."""
        head = self.version(4)
        refs = self.refs(head)[:-1] if drop_last else self.refs(head)
        added, removed, modified = _diff_counts(self.refs(head), refs)
        record = VersionRecord(report_id=SAKURA, number=5, parent_id=head.id, created_at=head.created_at,
                               author="偽造", message="", meta_json=head.meta_json, appendix_hash=head.appendix_hash,
                               item_count=len(refs), added=added, removed=removed, modified=modified,
                               hash="f" * 64, reader=head.reader)
        self.session.add(record)
        self.session.flush()
        if drop_last:
            self.sql(f"UPDATE items SET until = 5 WHERE id = (SELECT id FROM items WHERE report_id = '{SAKURA}' "
                     f"AND until IS NULL ORDER BY position DESC LIMIT 1)")
        record.hash = self.version_digest(record, head.hash)
        self.session.flush()

    def new_blob(self, body: str, kind: str = "text") -> str:
        digest = sha256_text(body)
        self.sql("INSERT INTO blobs (hash, kind, body) VALUES (:h, :k, :b)", h=digest, k=kind,
                 b=encode_body(body))
        return digest


@dataclass(frozen=True)
class Kind:
    """One kind of alteration: what it does, and how it must be caught."""

    name: str
    action: Callable[[Tamper], None]
    needle: str  # in verify's one-line message
    anchor: bool = False  # only detectable with an anchor taken before
    sqlite_only: bool = False  # PostgreSQL's column types refuse the alteration itself


V = "(SELECT id FROM versions WHERE report_id = 'sakuragawa' AND number = {})"
# The first item row revision N opened, and a row valid from v1 to the head (an item never changed).
ROW = "(SELECT id FROM items WHERE report_id = 'sakuragawa' AND since = {} ORDER BY position LIMIT 1{})"
STEADY = "(SELECT id FROM items WHERE report_id = 'sakuragawa' AND since = 1 AND until IS NULL " \
         "ORDER BY position LIMIT 1 OFFSET 5)"
ITEM_BLOB = f"(SELECT value_hash FROM items WHERE id = {STEADY})"
META_EDIT = "UPDATE versions SET meta_json = '{{\"x\"\\:1,' || substr(meta_json, 2) WHERE id = " + V
APPX_BLOB = f"(SELECT appendix_hash FROM versions WHERE id = {V.format(4)})"


def sql(statement: str) -> Callable[[Tamper], None]:
    def run(t: Tamper) -> None:
        t.sql(statement)

    return run


def steps(*actions: Callable[[Tamper], None]) -> Callable[[Tamper], None]:
    def run(t: Tamper) -> None:
        for action in actions:
            action(t)

    return run


def swap(table: str, column: str, key: str, a: str, b: str, temp: str) -> Callable[[Tamper], None]:
    """Swap ``column`` between the rows ``key = a`` and ``key = b`` through a temporary value (unique keys)."""
    return sql(f"UPDATE {table} SET {column} = CASE WHEN {key} = {a} THEN {temp} ELSE {column} END "
               f"WHERE {key} IN ({a}, {b})")


def _swap_versions(t: Tamper) -> None:
    t.sql(f"UPDATE versions SET number = 102 WHERE id = {V.format(2)}")
    t.sql(f"UPDATE versions SET number = 2 WHERE id = {V.format(3)}")
    t.sql("UPDATE versions SET number = 3 WHERE report_id = 'sakuragawa' AND number = 102")


def _swap_version_hashes(t: Tamper) -> None:
    one, two = t.version(1).hash, t.version(2).hash
    t.sql("UPDATE versions SET hash = :x WHERE hash = :a", x="e" * 64, a=one)
    t.sql("UPDATE versions SET hash = :a WHERE hash = :b", a=one, b=two)
    t.sql("UPDATE versions SET hash = :b WHERE hash = :x", b=two, x="e" * 64)


def _swap_events(t: Tamper, a: int, b: int) -> None:
    t.sql(f"UPDATE events SET seq = seq + 1000 WHERE report_id = 'sakuragawa' AND seq IN ({a}, {b})")
    t.sql(f"UPDATE events SET seq = CASE seq WHEN {a + 1000} THEN {b} ELSE {a} END "
          f"WHERE report_id = 'sakuragawa' AND seq > 1000")


def _swap_items(t: Tamper) -> None:
    vid = t.version(2).id
    t.sql(f"UPDATE version_items SET ordinal = 1000 WHERE version_id = {vid} AND ordinal = 3")
    t.sql(f"UPDATE version_items SET ordinal = 3 WHERE version_id = {vid} AND ordinal = 4")
    t.sql(f"UPDATE version_items SET ordinal = 4 WHERE version_id = {vid} AND ordinal = 1000")


def row(number: int, offset: int = 0) -> str:
    return ROW.format(number, f" OFFSET {offset}" if offset else "")


def _swap_positions(t: Tamper) -> None:
    a, b = row(3), row(3, 1)
    pa, pb = t.one(f"SELECT position FROM items WHERE id = {a}"), t.one(f"SELECT position FROM items WHERE id = {b}")
    ia, ib = t.one(f"SELECT id FROM items WHERE id = {a}"), t.one(f"SELECT id FROM items WHERE id = {b}")
    t.sql("UPDATE items SET position = :p WHERE id = :i", p=pb, i=ia)
    t.sql("UPDATE items SET position = :p WHERE id = :i", p=pa, i=ib)


def _split_steady(label_from: str) -> Callable[[Tamper], None]:
    """The steady item's row closed at v4 and a copy with another label opened there: v4 alone edited."""
    def run(t: Tamper) -> None:
        id_ = t.one(f"SELECT id FROM items WHERE id = {STEADY}")
        t.sql("UPDATE items SET until = 4 WHERE id = :i", i=id_)
        t.sql(f"INSERT INTO items (report_id, path_id, label_id, star, value_hash, position, since, until) "
              f"SELECT report_id, path_id, {label_from}, star, value_hash, position, 4, NULL FROM items WHERE id = :i",
              i=id_)

    return run


def _reopen_head(t: Tamper) -> None:
    """The rows v4 opened deleted and the rows it closed opened again: the state before v4."""
    t.sql("DELETE FROM items WHERE report_id = 'sakuragawa' AND since = 4")
    t.sql("UPDATE items SET until = NULL WHERE report_id = 'sakuragawa' AND until = 4")


def _swap_blob_bodies(t: Tamper) -> None:
    a, b = (row[0] for row in t.sql("SELECT hash FROM blobs WHERE kind = 'text' ORDER BY hash LIMIT 2"))
    body_a = t.one("SELECT body FROM blobs WHERE hash = :h", h=a)
    body_b = t.one("SELECT body FROM blobs WHERE hash = :h", h=b)
    t.sql("UPDATE blobs SET body = :b WHERE hash = :h", b=body_b, h=a)
    t.sql("UPDATE blobs SET body = :b WHERE hash = :h", b=body_a, h=b)


def _blob_renamed(t: Tamper) -> None:
    """A value edited and stored under its new hash: consistent blob, dangling references."""
    old, body = t.sql(f"SELECT hash, body FROM blobs WHERE hash = {ITEM_BLOB}")[0]
    new_body = decode_body(body).replace('"kind"', '"kind" ', 1)
    t.sql("UPDATE blobs SET body = :b, hash = :n WHERE hash = :o", b=encode_body(new_body), n=sha256_text(new_body),
          o=old)


def _blob_replaced(t: Tamper) -> None:
    """A new, valid blob and one item v4 opened pointed at it."""
    digest = t.new_blob(canonical_json({"kind": "text", "text": "偽の値"}))
    t.sql(f"UPDATE items SET value_hash = :h WHERE id = {row(4)}", h=digest)


def _item_repointed(t: Tamper) -> None:
    other = t.one(f"SELECT value_hash FROM items WHERE id = {STEADY}")
    t.sql(f"UPDATE items SET value_hash = :h WHERE id = {row(3)}", h=other)


def _delete_item_fix_row(t: Tamper) -> None:
    """v4 loses an item it opened; its counts and its own hash are recomputed (v4 is the head)."""
    t.sql(f"DELETE FROM items WHERE id = {row(4)}")
    t.fix_counts(4)
    t.rehash_version(4)


def _recount(t: Tamper) -> None:
    """v3's counts forged in the row and the commit event, the event chain recomputed."""
    t.sql(f"UPDATE versions SET added = 7, modified = 0 WHERE id = {V.format(3)}")
    t.edit_payload(9, added=7, modified=0)
    t.recompute()


def _report_renamed(t: Tamper, recompute: bool) -> None:
    for table, column in (("reports", "id"), ("versions", "report_id"), ("events", "report_id"),
                          ("items", "report_id")):
        t.sql(f"UPDATE {table} SET {column} = 'kita2' WHERE {column} = 'kita'")
    if recompute:
        t.recompute("kita2")


def _delete_report(t: Tamper) -> None:
    t.sql("DELETE FROM items WHERE report_id = 'kita'")
    for table, column in (("events", "report_id"), ("versions", "report_id"), ("reports", "id")):
        t.sql(f"DELETE FROM {table} WHERE {column} = 'kita'")


def _truncate_head(t: Tamper) -> None:
    _reopen_head(t)
    t.sql("DELETE FROM events WHERE report_id = 'sakuragawa' AND seq >= 16")
    t.sql(f"DELETE FROM versions WHERE id = {V.format(4)}")


def _set_time(column: str, table: str, where: str) -> Callable[[Tamper], None]:
    return lambda t: t.sql(f"UPDATE {table} SET {column} = {t.shift(column)} WHERE {where}")


KINDS: list[Kind] = [
    # -- blobs --
    Kind("blob: value body edited", sql(f"UPDATE blobs SET body = body || ' ' WHERE hash = {ITEM_BLOB}"), "値"),
    Kind("blob: appendix body edited", sql(f"UPDATE blobs SET body = body || ' ' WHERE hash = {APPX_BLOB}"), "値"),
    Kind("blob: value deleted", sql(f"DELETE FROM blobs WHERE hash = {ITEM_BLOB}"), "value blob missing"),
    Kind("blob: appendix deleted", sql(f"DELETE FROM blobs WHERE hash = {APPX_BLOB}"), "appendix blob missing"),
    Kind("blob: value edited and stored under its new hash", _blob_renamed, "value blob missing"),
    Kind("blob: new valid blob, one item re-pointed to it", _blob_replaced, "第4版"),
    Kind("blob: kind edited", sql("UPDATE blobs SET kind = 'date' WHERE hash = "
                                  "(SELECT min(hash) FROM blobs WHERE kind = 'text')"), "blob kind"),
    Kind("blob: value marked as appendix",
         sql(f"UPDATE blobs SET kind = 'appendix' WHERE hash = {ITEM_BLOB}"), "item value is an appendix"),
    Kind("blob: appendix marked as a value",
         sql(f"UPDATE blobs SET kind = 'text' WHERE hash = {APPX_BLOB}"), "appendix is not an appendix"),
    Kind("blob: two bodies swapped", _swap_blob_bodies, "値"),
    Kind("blob: inserted under a wrong name",
         lambda t: t.sql("INSERT INTO blobs (hash, kind, body) VALUES (:h, 'text', :b)", h="ab" * 32,
                         b=encode_body('{"kind":"text"}')),
         "値 abababab"),
    Kind("blob: name upper-cased", sql(f"UPDATE blobs SET hash = upper(hash) WHERE hash = {ITEM_BLOB}"),
         "value blob missing"),
    # -- versions --
    Kind("version: message edited", sql(f"UPDATE versions SET message = '書き換え' WHERE id = {V.format(2)}"), "第2版"),
    Kind("version: author edited", sql(f"UPDATE versions SET author = '鈴木' WHERE id = {V.format(2)}"), "第2版"),
    Kind("version: created_at edited", _set_time("created_at", "versions", f"id = {V.format(2)}"), "第2版"),
    Kind("version: meta edited", sql(META_EDIT.format(2)), "第2版"),
    Kind("version: meta made unreadable", sql(f"UPDATE versions SET meta_json = '{{' WHERE id = {V.format(2)}"),
         "unreadable value"),
    Kind("version: appendix re-pointed to another version's",
         sql(f"UPDATE versions SET appendix_hash = (SELECT appendix_hash FROM versions WHERE id = {V.format(1)}) "
             f"WHERE id = {V.format(4)}"), "第4版"),
    Kind("version: appendix re-pointed to nothing",
         sql(f"UPDATE versions SET appendix_hash = '{'cd' * 32}' WHERE id = {V.format(4)}"), "appendix blob missing"),
    Kind("version: number changed (gap)", sql(f"UPDATE versions SET number = 7 WHERE id = {V.format(4)}"),
         "第4版がありません"),
    Kind("version: number changed (gap), its items moved along",
         steps(sql(f"UPDATE versions SET number = 7 WHERE id = {V.format(4)}"),
               sql("UPDATE items SET since = 7 WHERE report_id = 'sakuragawa' AND since = 4"),
               sql("UPDATE items SET until = 7 WHERE report_id = 'sakuragawa' AND until = 4")), "version gap"),
    Kind("version: numbers of two versions swapped", _swap_versions, "第2版"),
    Kind("version: parent re-pointed", sql(f"UPDATE versions SET parent_id = {V.format(2)} WHERE id = {V.format(4)}"),
         "wrong parent"),
    Kind("version: parent removed", sql(f"UPDATE versions SET parent_id = NULL WHERE id = {V.format(3)}"),
         "wrong parent"),
    Kind("version: reader changed", sql(f"UPDATE versions SET reader = 0 WHERE id = {V.format(3)}"), "第3版"),
    Kind("version: reader set NULL", sql(f"UPDATE versions SET reader = NULL WHERE id = {V.format(2)}"), "第2版"),
    Kind("version: hash edited", sql(f"UPDATE versions SET hash = '{'ab' * 32}' WHERE id = {V.format(3)}"), "第3版"),
    Kind("version: hashes of two versions swapped", _swap_version_hashes, "第1版"),
    Kind("version: item_count edited", sql(f"UPDATE versions SET item_count = item_count + 1 WHERE id = {V.format(4)}"),
         "item_count"),
    Kind("version: added edited", sql(f"UPDATE versions SET added = 6 WHERE id = {V.format(3)}"),
         "added/removed/modified"),
    Kind("version: removed edited", sql(f"UPDATE versions SET removed = 1 WHERE id = {V.format(3)}"),
         "added/removed/modified"),
    Kind("version: modified edited", sql(f"UPDATE versions SET modified = 9 WHERE id = {V.format(4)}"),
         "added/removed/modified"),
    Kind("version: counts forged in row and commit event, chain recomputed", _recount, "added/removed/modified"),
    Kind("version: middle version deleted",
         steps(sql("DELETE FROM items WHERE report_id = 'sakuragawa' AND since = 2"),
               sql(f"DELETE FROM versions WHERE id = {V.format(2)}")), "item of a missing version"),
    Kind("version: newest version deleted, events kept",
         steps(_reopen_head, sql(f"DELETE FROM versions WHERE id = {V.format(4)}")), "第4版"),
    Kind("version: forged v5 with recomputed hash, no commit event", lambda t: t.forge_version(True),
         "commit 記録がありません"),
    Kind("version: forged v5 equal to v4, recomputed hash", lambda t: t.forge_version(False), "equals its parent"),
    Kind("version: moved to another report", sql(f"UPDATE versions SET report_id = 'kita' WHERE id = {V.format(4)}"),
         "item of a missing version"),
    Kind("version: moved to a missing report",
         sql(f"UPDATE versions SET report_id = 'ghost' WHERE id = {V.format(4)}"), "version of a missing report"),
    Kind("version: first version's and report's times edited together",
         steps(_set_time("created_at", "versions", f"id = {V.format(1)}"),
               _set_time("created_at", "reports", "id = 'sakuragawa'")), "第1版"),
    # -- version items --
    Kind("item: label edited", sql(f"UPDATE items SET label_id = path_id WHERE id = {row(3)}"), "第3版"),
    Kind("item: path edited", sql(f"UPDATE items SET path_id = label_id WHERE id = {row(3)}"), "第3版"),
    Kind("item: ※ flipped", sql(f"UPDATE items SET star = NOT star WHERE id = {row(3)}"), "第3版"),
    Kind("item: ※ set to 2", sql(f"UPDATE items SET star = 2 WHERE id = {row(3)}"), "items.star", sqlite_only=True),
    Kind("item: ※ stored as text", sql(f"UPDATE items SET star = 'x' WHERE id = {row(3)}"), "stray type text",
         sqlite_only=True),
    Kind("item: value re-pointed to another stored value", _item_repointed, "第3版"),
    Kind("item: value re-pointed to nothing",
         sql(f"UPDATE items SET value_hash = '{'cd' * 32}' WHERE id = {row(3)}"), "value blob missing"),
    Kind("item: row deleted", sql(f"DELETE FROM items WHERE id = {row(3)}"), "第3版"),
    Kind("item: unchanged item's row deleted", sql(f"DELETE FROM items WHERE id = {STEADY}"), "第1版"),
    Kind("item: row inserted",
         sql(f"INSERT INTO items (report_id, path_id, label_id, star, value_hash, position, since, until) "
             f"SELECT report_id, label_id, label_id, star, value_hash, position + 1, since, until FROM items "
             f"WHERE id = {row(4)}"), "第4版"),
    Kind("item: range shortened", sql(f"UPDATE items SET until = 4 WHERE id = {row(3)}"), "第4版"),
    Kind("item: range started earlier", sql(f"UPDATE items SET since = 2 WHERE id = {row(3)}"), "第2版"),
    Kind("item: closed row opened again",
         sql("UPDATE items SET until = NULL WHERE id = (SELECT min(id) FROM items "
             "WHERE report_id = 'sakuragawa' AND until = 2)"), "第2版"),
    Kind("item: empty range", sql(f"UPDATE items SET until = since WHERE id = {row(3)}"), "empty item range"),
    Kind("item: range starting after the head", sql(f"UPDATE items SET since = 9 WHERE id = {row(3)}"),
         "item of a missing version"),
    Kind("item: range ending after the head", sql(f"UPDATE items SET until = 9 WHERE id = {STEADY}"),
         "item of a missing version"),
    Kind("item: two items swapped", _swap_positions, "第3版"),
    Kind("item: two items at one position",
         sql(f"UPDATE items SET position = (SELECT position FROM items WHERE id = {row(3)}) "
             f"WHERE id = {row(3, 1)}"), "one position"),
    Kind("item: moved to another report", sql(f"UPDATE items SET report_id = 'kita' WHERE id = {row(3)}"),
         "item of a missing version"),
    Kind("item: moved to another report's existing version",
         sql(f"UPDATE items SET report_id = 'kita' WHERE id = {row(2)}"), "kita"),
    Kind("item: orphan of a missing report",
         sql(f"INSERT INTO items (report_id, path_id, label_id, star, value_hash, position, since, until) "
             f"SELECT 'ghost', path_id, label_id, star, value_hash, position, since, until FROM items "
             f"WHERE id = {row(3)}"), "item of a missing report"),
    Kind("item: name deleted", sql(f"DELETE FROM names WHERE id = (SELECT path_id FROM items WHERE id = {row(3)})"),
         "item name missing"),
    Kind("item: name edited",
         sql(f"UPDATE names SET text = text || 'x' WHERE id = (SELECT path_id FROM items WHERE id = {row(3)})"),
         "第3版"),
    Kind("item: deleted, version's counts and own hash recomputed", _delete_item_fix_row, "#16"),
    Kind("item: label edited, version's own hash recomputed",
         steps(sql(f"UPDATE items SET label_id = path_id WHERE id = {row(4)}"),
               lambda t: t.rehash_version(4)), "#16"),
    Kind("version: message edited, every version hash recomputed",
         steps(sql(f"UPDATE versions SET message = 'x' WHERE id = {V.format(2)}"),
               *(lambda t, n=n: t.rehash_version(n) for n in (2, 3, 4))), "#2"),
    Kind("item: deleted, whole chain recomputed but not item_count",
         steps(sql(f"DELETE FROM items WHERE id = {row(4)}"), lambda t: t.recompute()), "item_count"),
    Kind("item: label edited, whole chain recomputed",
         steps(_split_steady("path_id"), lambda t: t.recompute()), "added/removed/modified"),
    Kind("version: meta edited, whole chain recomputed",
         steps(sql(META_EDIT.format(2)), lambda t: t.recompute()), "再計算", anchor=True),
    Kind("version: author edited, whole chain recomputed",
         steps(sql(f"UPDATE versions SET author = 'x' WHERE id = {V.format(2)}"), lambda t: t.recompute()),
         "disagrees with its version"),
    # -- events --
    Kind("event: payload edited",
         sql("UPDATE events SET payload = replace(payload, '重要な変更に当たるため', '形式的') WHERE seq = 15 "
             "AND report_id = 'sakuragawa'"), "#15"),
    Kind("event: kind edited", sql("UPDATE events SET kind = 'generate' WHERE seq = 17 AND report_id = 'sakuragawa'"),
         "#17"),
    Kind("event: kind unknown", sql("UPDATE events SET kind = 'delete' WHERE seq = 17 AND report_id = 'sakuragawa'"),
         "#17"),
    Kind("event: actor edited", sql("UPDATE events SET actor = '鈴木' WHERE seq = 9 AND report_id = 'sakuragawa'"),
         "#9"),
    Kind("event: time edited", _set_time("at", "events", "seq = 9 AND report_id = 'sakuragawa'"), "#9"),
    Kind("event: version edited", sql("UPDATE events SET version = 2 WHERE seq = 11 AND report_id = 'sakuragawa'"),
         "#11"),
    Kind("event: change index edited",
         sql("UPDATE events SET change_index = 9 WHERE seq = 12 AND report_id = 'sakuragawa'"), "#12"),
    Kind("event: path edited", sql("UPDATE events SET path = 'x' WHERE seq = 13 AND report_id = 'sakuragawa'"),
         "#13"),
    Kind("event: important flipped",
         sql("UPDATE events SET important = NOT important WHERE seq = 14 AND report_id = 'sakuragawa'"), "#14"),
    Kind("event: important set to 2",
         sql("UPDATE events SET important = 2 WHERE seq = 21 AND report_id = 'sakuragawa'"), "events.important",
         sqlite_only=True),
    Kind("event: important set NULL",
         sql("UPDATE events SET important = NULL WHERE seq = 14 AND report_id = 'sakuragawa'"), "#14"),
    Kind("event: timing edited", sql("UPDATE events SET timing = '事後' WHERE seq = 15 AND report_id = 'sakuragawa'"),
         "#15"),
    Kind("event: category edited",
         sql("UPDATE events SET category = '形式的な変更' WHERE seq = 15 AND report_id = 'sakuragawa'"), "#15"),
    Kind("event: rule edited", sql("UPDATE events SET rule = 'x' WHERE seq = 15 AND report_id = 'sakuragawa'"), "#15"),
    Kind("event: prev_hash edited",
         sql(f"UPDATE events SET prev_hash = '{'ab' * 32}' WHERE seq = 10 AND report_id = 'sakuragawa'"), "#10"),
    Kind("event: hash edited",
         sql(f"UPDATE events SET hash = '{'ab' * 32}' WHERE seq = 10 AND report_id = 'sakuragawa'"), "#10"),
    Kind("event: seq gap", sql("UPDATE events SET seq = 30 WHERE seq = 23 AND report_id = 'sakuragawa'"), "#30"),
    Kind("event: all seqs shifted", sql("UPDATE events SET seq = seq + 100 WHERE report_id = 'sakuragawa'"), "#101"),
    Kind("event: two events swapped", lambda t: _swap_events(t, 5, 6), "#5"),
    Kind("event: middle event deleted", sql("DELETE FROM events WHERE seq = 7 AND report_id = 'sakuragawa'"), "#8"),
    Kind("event: first event deleted", sql("DELETE FROM events WHERE seq = 1 AND report_id = 'sakuragawa'"), "#2"),
    Kind("event: commit event deleted, chain recomputed",
         steps(sql("DELETE FROM events WHERE seq = 9 AND report_id = 'sakuragawa'"), lambda t: t.recompute()),
         "第3版"),
    Kind("event: every event of a report deleted", sql("DELETE FROM events WHERE report_id = 'sakuragawa'"),
         "commit 記録がありません"),
    Kind("event: appended with a wrong hash",
         lambda t: t.insert_event("publish", 4, {"hash": t.version(4).hash}, chained=False), "#24"),
    Kind("event: appended, chained, naming a missing version",
         lambda t: t.insert_event("change", 9, {}), "missing version"),
    Kind("event: commit event duplicated at the end, chained",
         lambda t: t.insert_event("commit", 4, json.loads(t.event(16).payload), actor="山田"), "duplicate commit"),
    Kind("event: publication of v3 quoting v4's hash, chained",
         lambda t: t.insert_event("publish", 3, {"hash": t.version(4).hash}), "published hash"),
    Kind("event: moved to another report",
         sql("UPDATE events SET report_id = 'kita' WHERE seq = 23 AND report_id = 'sakuragawa'"), "kita"),
    Kind("event: moved to a missing report",
         sql("UPDATE events SET report_id = 'ghost' WHERE seq = 23 AND report_id = 'sakuragawa'"),
         "event of a missing report"),
    Kind("event: edited, own hash recomputed",
         steps(sql("UPDATE events SET timing = '事後' WHERE seq = 15 AND report_id = 'sakuragawa'"),
               lambda t: t.rehash_event(15)), "#16"),
    Kind("event: commit counts edited, chain recomputed",
         steps(lambda t: t.edit_payload(9, added=9), lambda t: t.recompute()), "disagrees with its version"),
    Kind("event: commit time edited, chain recomputed",
         steps(_set_time("at", "events", "seq = 9 AND report_id = 'sakuragawa'"), lambda t: t.recompute()),
         "disagrees with its version"),
    Kind("event: published hash edited, chain recomputed",
         steps(lambda t: t.edit_payload(22, hash="ab" * 32), lambda t: t.recompute()), "published hash"),
    Kind("event: change moved to a missing version, chain recomputed",
         steps(sql("UPDATE events SET version = 9 WHERE seq = 11 AND report_id = 'sakuragawa'"),
               lambda t: t.recompute()), "missing version"),
    Kind("event: commit moved after its classification, chain recomputed",
         steps(lambda t: _swap_events(t, 16, 17), lambda t: t.recompute()), "before its commit"),
    Kind("event: override edited, chain recomputed",
         steps(sql("UPDATE events SET timing = '事後' WHERE seq = 21 AND report_id = 'sakuragawa'"),
               lambda t: t.recompute()), "再計算", anchor=True),
    Kind("event: middle event deleted, chain recomputed",
         steps(sql("DELETE FROM events WHERE seq = 21 AND report_id = 'sakuragawa'"), lambda t: t.recompute()),
         "anchored event", anchor=True),
    Kind("event: newest event deleted", sql("DELETE FROM events WHERE seq = 23 AND report_id = 'sakuragawa'"),
         "切り詰め", anchor=True),
    Kind("event: newest three events deleted",
         sql("DELETE FROM events WHERE seq >= 21 AND report_id = 'sakuragawa'"), "切り詰め", anchor=True),
    # -- reports --
    Kind("report: created_at edited", _set_time("created_at", "reports", "id = 'sakuragawa'"),
         "reports.created_at"),
    Kind("report: created_at unreadable", sql("UPDATE reports SET created_at = 'いつか' WHERE id = 'sakuragawa'"),
         "sakuragawa", sqlite_only=True),
    Kind("report: row renamed", sql("UPDATE reports SET id = 'sakura2' WHERE id = 'sakuragawa'"),
         "version of a missing report"),
    Kind("report: row deleted", sql("DELETE FROM reports WHERE id = 'kita'"), "version of a missing report"),
    Kind("report: empty report inserted",
         sql("INSERT INTO reports (id, created_at) SELECT 'ghost', created_at FROM reports WHERE id = 'kita'"),
         "report without versions"),
    Kind("report: renamed everywhere", lambda t: _report_renamed(t, recompute=False), "kita2"),
    Kind("report: renamed everywhere, chains recomputed", lambda t: _report_renamed(t, recompute=True),
         "評価書がありません", anchor=True),
    Kind("report: deleted with all its rows", _delete_report, "評価書がありません", anchor=True),
    # -- truncation --
    Kind("truncation: newest version with its items and events", _truncate_head, "切り詰め", anchor=True),
]


TAMPER_TABLE = "\n".join(
    ["| kind | detected by |", "|---|---|"]
    + [f"| {k.name} | {'verify --anchor' if k.anchor else 'verify'}{' (SQLite; PostgreSQL refuses it)' if k.sqlite_only else ''} |"  # noqa: E501
       for k in KINDS]
)


def test_the_suite_is_large_and_names_are_unique() -> None:
    assert len(KINDS) >= 60 and len({k.name for k in KINDS}) == len(KINDS)
    assert sum(1 for k in KINDS if not k.sqlite_only) >= 60


def _tamper(url: str, action: Callable[[Tamper], None]) -> None:
    """Run ``action`` in one committed transaction with foreign keys off, as a database owner could."""
    engine = create_engine(url)  # not hyoka's make_engine: no PRAGMA foreign_keys=ON
    try:
        with engine.begin() as con:
            if con.dialect.name == "postgresql":
                con.execute(text("SET LOCAL session_replication_role = replica"))
            with Session(bind=con) as session:
                action(Tamper(con, session))
                session.flush()
    finally:
        engine.dispose()


def _anchor(url: str, folder: Path, *args: str) -> Path:
    code, out, err = run_cli("anchor", *args, "--db", url)
    assert code == 0, err
    target = folder / "anchor.txt"
    target.write_text(out, encoding="utf-8")
    return target


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_tampering_is_detected(kind: Kind, history: str, tmp_path: Path) -> None:
    anchor = _anchor(history, tmp_path)
    if kind.sqlite_only and make_url(history).get_backend_name() != "sqlite":
        with pytest.raises(DBAPIError):
            _tamper(history, kind.action)
        return
    _tamper(history, kind.action)
    code, _, err = run_cli("verify", "--db", history)
    if kind.anchor:
        assert code == 0, f"only an anchor should be needed for: {kind.name}: {err}"
        code, _, err = run_cli("verify", "--anchor", str(anchor), "--db", history)
    assert code == 1, kind.name
    assert "改ざんまたは破損" in err and len(err.strip().splitlines()) == 1, err
    assert kind.needle in err, err


def test_an_intact_history_passes_with_its_anchor(history: str, tmp_path: Path) -> None:
    anchor = _anchor(history, tmp_path)
    lines = anchor.read_text(encoding="utf-8").split()
    assert lines[0].startswith("kita@2 ") or lines[0] == "kita@2"
    code, out, err = run_cli("verify", "--anchor", str(anchor), "--db", history)
    assert code == 0, err
    assert "評価書 2 件" in out
    code, out, _ = run_cli("anchor", SAKURA, "--format", "json", "--db", history)
    (entry,) = json.loads(out)
    assert (entry["report"], entry["version"], entry["event_seq"]) == (SAKURA, 4, 23)
    assert len(entry["version_hash"]) == 64
    as_json = tmp_path / "anchor.json"
    as_json.write_text(out, encoding="utf-8")
    assert run_cli("verify", "--anchor", str(as_json), "--db", history)[0] == 0


def test_history_may_grow_after_the_anchor(history: str, tmp_path: Path) -> None:
    anchor = _anchor(history, tmp_path, SAKURA)
    code, _, err = run_cli("publish", f"{SAKURA}@4", "--date", "令和7年11月1日", "--by", "佐藤", "--db", history)
    assert code == 0, err
    code, _, err = run_cli("verify", "--anchor", str(anchor), "--db", history)
    assert code == 0, err


def test_a_bad_anchor_is_refused_in_one_line(history: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("sakuragawa 4 nothing\n", encoding="utf-8")
    for path in (bad, tmp_path / "missing.txt"):
        code, _, err = run_cli("verify", "--anchor", str(path), "--db", history)
        assert code == 2 and len(err.strip().splitlines()) == 1, err
    code, _, err = run_cli("anchor", "nothing-here", "--db", history)
    assert code == 2 and "nothing-here" in err
