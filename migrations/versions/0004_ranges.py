"""Versions cost what changed: item validity ranges, interned names, compressed blobs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

``version_items`` (every item of every version: path, label, ※, value hash) becomes
``items``: one row per item valid from version ``since`` to ``until`` (exclusive, NULL =
still valid) with an order ``position``, its path and label interned in ``names``. Blob
bodies become bytes, zlib-compressed when shorter. Nothing a hash covers changes: version
hashes are over (path, label, ※, value hash) lists and blob hashes over the text, and each
version's list is read back from the new rows and compared with the old one before
``version_items`` is dropped, so a conversion that would lose anything aborts and rolls back.

The conversion uses :func:`hyoka.store.items.plan`, the function commits use, so the
positions it writes are the ones a commit would have written.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500


def _encode(raw: bytes) -> bytes:
    packed = zlib.compress(raw, 9)
    return packed if len(packed) < len(raw) else raw


def _compress_blobs(bind: sa.Connection) -> None:
    """Blob bodies (now bytes of the UTF-8 text) compressed, in batches by hash."""
    last = ""
    while True:
        rows = bind.execute(sa.text("SELECT hash, body FROM blobs WHERE hash > :last ORDER BY hash LIMIT :n"),
                            {"last": last, "n": BATCH}).all()
        if not rows:
            return
        updates = []
        for hash_, body in rows:
            raw = bytes(body) if not isinstance(body, str) else body.encode("utf-8")
            updates.append({"h": hash_, "b": _encode(raw)})
        bind.execute(sa.text("UPDATE blobs SET body = :b WHERE hash = :h"), updates)
        last = rows[-1][0]


def _convert_items(bind: sa.Connection) -> None:
    from hyoka.store.items import OpenRow, plan

    names: dict[str, int] = {}

    def name(text: str) -> int:
        if text not in names:
            names[text] = len(names) + 1
        return names[text]

    next_id = 1
    all_rows: list[dict[str, object]] = []
    expected: list[tuple[str, int, list[tuple[str, str, bool, str]]]] = []
    reports = bind.execute(sa.text("SELECT id FROM reports ORDER BY id")).scalars().all()
    for report_id in reports:
        versions = bind.execute(sa.text("SELECT id, number FROM versions WHERE report_id = :r ORDER BY number"),
                                {"r": report_id}).all()
        open_rows: list[OpenRow] = []
        rows: dict[int, dict[str, object]] = {}
        for version_id, number in versions:
            refs = [(path, label, bool(star), hash_) for path, label, star, hash_ in bind.execute(
                sa.text("SELECT path, label, star, value_hash FROM version_items WHERE version_id = :v "
                        "ORDER BY ordinal"), {"v": version_id})]
            expected.append((report_id, number, refs))
            close, opened = plan(open_rows, refs)
            closed = set(close)
            for id_ in close:
                rows[id_]["until"] = number
            kept = [row for row in open_rows if row.id not in closed]
            for (path, label, star, hash_), position in opened:
                rows[next_id] = {"id": next_id, "report_id": report_id, "path_id": name(path),
                                 "label_id": name(label), "star": star, "value_hash": hash_,
                                 "position": position, "since": number, "until": None}
                kept.append(OpenRow(next_id, (path, label, star, hash_), position))
                next_id += 1
            open_rows = sorted(kept, key=lambda row: row.position)
        all_rows.extend(rows.values())
    if names:
        bind.execute(sa.text("INSERT INTO names (id, text) VALUES (:id, :text)"),
                     [{"id": id_, "text": text} for text, id_ in names.items()])
    for start in range(0, len(all_rows), BATCH):
        bind.execute(sa.text("INSERT INTO items (id, report_id, path_id, label_id, star, value_hash, position, "
                             "since, until) VALUES (:id, :report_id, :path_id, :label_id, :star, :value_hash, "
                             ":position, :since, :until)"), all_rows[start : start + BATCH])
    if bind.dialect.name == "postgresql":
        for table in ("names", "items"):
            bind.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"))
    tree = sa.text(
        "SELECT p.text, l.text, i.star, i.value_hash FROM items i JOIN names p ON p.id = i.path_id "
        "JOIN names l ON l.id = i.label_id WHERE i.report_id = :r AND i.since <= :n "
        "AND (i.until IS NULL OR i.until > :n) ORDER BY i.position"
    )
    for report_id, number, refs in expected:
        got = [(p, lab, bool(s), h) for p, lab, s, h in bind.execute(tree, {"r": report_id, "n": number})]
        if got != refs:
            raise RuntimeError(f"conversion of {report_id}@{number} would lose items; nothing was changed")


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "names",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_names"),
        sa.UniqueConstraint("text", name="uq_names_text"),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report_id", sa.String(200), nullable=False),
        sa.Column("path_id", sa.Integer(), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.Column("star", sa.Boolean(), nullable=False),
        sa.Column("value_hash", sa.String(64), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("since", sa.Integer(), nullable=False),
        sa.Column("until", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_items"),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name="fk_items_report_id_reports"),
        sa.ForeignKeyConstraint(["path_id"], ["names.id"], name="fk_items_path_id_names"),
        sa.ForeignKeyConstraint(["label_id"], ["names.id"], name="fk_items_label_id_names"),
        sa.ForeignKeyConstraint(["value_hash"], ["blobs.hash"], name="fk_items_value_hash_blobs"),
    )
    op.create_index("ix_items_report_id_since", "items", ["report_id", "since"])
    op.create_index("ix_items_report_id_until", "items", ["report_id", "until"])
    _convert_items(bind)
    op.drop_index("ix_version_items_version_id_path", table_name="version_items")
    op.drop_table("version_items")
    # SQLite rebuilds the table (env.py turns foreign keys off for that); PostgreSQL converts in place.
    with op.batch_alter_table("blobs") as batch:
        batch.alter_column("body", existing_type=sa.Text(), type_=sa.LargeBinary(), existing_nullable=False,
                           postgresql_using="convert_to(body, 'UTF8')")
    _compress_blobs(bind)


def downgrade() -> None:
    """Back to 0003's layout: every version's full item list, blob bodies as plain text."""
    bind = op.get_bind()
    last = ""
    while True:
        rows = bind.execute(sa.text("SELECT hash, body FROM blobs WHERE hash > :last ORDER BY hash LIMIT :n"),
                            {"last": last, "n": BATCH}).all()
        if not rows:
            break
        updates = []
        for hash_, body in rows:
            raw = bytes(body)
            updates.append({"h": hash_, "b": zlib.decompress(raw) if raw[:1] == b"\x78" else raw})
        bind.execute(sa.text("UPDATE blobs SET body = :b WHERE hash = :h"), updates)
        last = rows[-1][0]
    with op.batch_alter_table("blobs") as batch:
        batch.alter_column("body", existing_type=sa.LargeBinary(), type_=sa.Text(), existing_nullable=False,
                           postgresql_using="convert_from(body, 'UTF8')")
    op.create_table(
        "version_items",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("star", sa.Boolean(), nullable=False),
        sa.Column("value_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("version_id", "ordinal", name="pk_version_items"),
        sa.ForeignKeyConstraint(["version_id"], ["versions.id"], name="fk_version_items_version_id_versions"),
        sa.ForeignKeyConstraint(["value_hash"], ["blobs.hash"], name="fk_version_items_value_hash_blobs"),
    )
    op.create_index("ix_version_items_version_id_path", "version_items", ["version_id", "path"])
    tree = sa.text(
        "SELECT p.text, l.text, i.star, i.value_hash FROM items i JOIN names p ON p.id = i.path_id "
        "JOIN names l ON l.id = i.label_id WHERE i.report_id = :r AND i.since <= :n "
        "AND (i.until IS NULL OR i.until > :n) ORDER BY i.position"
    )
    insert = sa.text("INSERT INTO version_items (version_id, ordinal, path, label, star, value_hash) "
                     "VALUES (:v, :o, :p, :l, :s, :h)")
    for version_id, report_id, number in bind.execute(
            sa.text("SELECT id, report_id, number FROM versions ORDER BY id")).all():
        rows = [{"v": version_id, "o": ordinal, "p": p, "l": lab, "s": s, "h": h}
                for ordinal, (p, lab, s, h) in enumerate(bind.execute(tree, {"r": report_id, "n": number}))]
        if rows:
            bind.execute(insert, rows)
    op.drop_index("ix_items_report_id_until", table_name="items")
    op.drop_index("ix_items_report_id_since", table_name="items")
    op.drop_table("items")
    op.drop_table("names")
